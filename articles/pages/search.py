"""What one search shows: result rows, filter groups, chips and the words that describe it.

The search page, its JSON, its feed and its CSV all start here: ``search_request`` is the one
conversion of a search state (articles.forms.search.SearchParams) into a request to the search
service, and ``search_page`` gathers a page. Names of the values come from the database
(articles.selectors), counts from the search engine.
"""

from __future__ import annotations

import datetime
import functools
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.dateformat import format as date_format

from .. import search, selectors
from ..extraction.names import name_slug
from ..filter_lookup import value_labels
from ..forms.search import SearchParams
from ..models import Article
from ..search.vocabulary import (
    ENTITY_FILTERS,
    FILTER_GROUPS,
    FILTERS,
    PER_PAGE,
    UNDATED,
    FilterGroup,
)
from .story import StoryPreview, story_previews
from .timeline import TimelineChart, timeline_chart
from .worldmap import WorldMap, country_slugs, world_map

FACETS_SHOWN = 10  # values in view in each filter group
FACETS_LISTED = 50
VALUES_PER_PAGE = 50  # on the values page (/search/values/<field>/)

NameOf = Callable[[str, str], str]


def search_request(params: SearchParams, **changes) -> search.SearchRequest:
    """The search-service request for a search state; ``changes`` override its fields
    (``page``, ``per_page``, ``facets``, ``sort``)."""
    fields = {
        "q": params.q,
        "include": _by_field(params.include),
        "exclude": _by_field(params.exclude),
        "require": _by_field(params.require),
        "date_from": params.date_from,
        "date_to": params.date_to,
        # nothing to rank by without words: newest first reads best
        "sort": "newest" if params.sort == "relevance" and not params.q else params.sort,
        "page": params.page,
        "per_page": PER_PAGE,
        "facets": params.facets,
        "finds_nothing": bool(params.unmatched),
        # the page and its JSON show a story once; feeds and CSV list every article
        "collapse_stories": params.stories and params.format in ("html", "json"),
    }
    return search.SearchRequest(**{**fields, **changes})


def _by_field(values: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """Filter parameter -> values, as index field -> values (what the search service takes)."""
    return {FILTERS[name].field: slugs for name, slugs in values.items()}


@dataclass
class FacetValue:
    slug: str
    name: str
    count: int | None
    selected: bool = False
    excluded: bool = False
    required: bool = False  # selected with "+": every article has it (AND)
    url: str = ""  # the search its count is of: this value alone in its filter ("" for none)
    description: str = ""  # who it is (entities), shown as the value's title
    namesake: bool = False  # another value of the group has its name: the description shows


@dataclass
class FacetGroup:
    """One filter's values: the active ones first, then the most frequent in the results."""

    field: str
    label: str
    label_plural: str
    values: list[FacetValue]
    value_count: int = 0  # distinct values in all the results
    # Values are chosen in this filter ("any of"): its counts leave that choice out, each
    # being what this value alone finds with the other filters.
    counted_apart: bool = False
    value_count_exact: bool = True  # False: the engine estimated it (a sharded cluster)
    on_page: int = FilterGroup.on_page  # values listed on the page

    @property
    def value_count_text(self) -> str:
        """ "30,124", or "about 30,100" when the engine could only estimate it."""
        if self.value_count_exact:
            return f"{self.value_count:,}"
        return f"about {round(self.value_count, -2 if self.value_count >= 10_000 else -1):,}"

    @property
    def counted_text(self) -> str:
        """What the group's numbers count, said on the page when it is not these results."""
        if not self.counted_apart:
            return ""
        return (
            f"Numbers leave out the {self.label_plural} chosen: each is what that "
            f"{self.label} alone finds, with the other filters."
        )

    @property
    def shown(self) -> list[FacetValue]:
        return self.values[:FACETS_SHOWN]

    @property
    def rest(self) -> list[FacetValue]:
        """The next values, under "All N places"; any left-out value stays on the page, so
        that its "not" box is sent with the form."""
        more = self.values[FACETS_SHOWN:]
        kept = more[: max(0, self.on_page - FACETS_SHOWN)]
        return kept + [v for v in more[len(kept) :] if v.excluded or v.selected]

    @property
    def off_page(self) -> int:
        """Values with fewer articles than those on the page (the values page lists them)."""
        return max(0, self.value_count - FACETS_SHOWN - len(self.rest))


@dataclass
class ResultRow:
    article: Article
    headline_html: str
    snippet_html: str
    score: float | None = None
    story: StoryPreview | None = None  # the story it stands for (stories collapsed)
    folded: int = 0  # other matches on this page, of its story


@dataclass
class Chip:
    field: str
    value: str  # "-slug" when excluded
    text: str


@dataclass
class SearchPage:
    params: SearchParams
    total: int
    results: list[ResultRow]
    facets: list[FacetGroup]
    chips: list[Chip]
    summary: str
    suggestion: str | None
    notes: list[str]
    num_pages: int
    timeline: TimelineChart | None = None
    world_map: WorldMap | None = None
    # Undated articles the search finds without its dates (from/to leave them out).
    undated_left_out: int = 0
    # Matches this page covers (its rank span), and those of them whose story a result on
    # an earlier page stands for (stories collapsed).
    covered: int = 0
    shown_earlier: int = 0
    # The query could not be read or searched: nothing was searched.
    query_error: search.QueryError | None = None

    @property
    def offered_url(self) -> str:
        """The search for the query the error offers instead, with the same filters."""
        offered = self.query_error.offered if self.query_error else None
        return search_url(self.params.edited(q=offered, page=1)) if offered else ""

    @property
    def count_text(self) -> str:
        if not self.total:
            return "no articles"
        return f"{self.total:,} article{'s' if self.total != 1 else ''}"

    @property
    def title(self) -> str:
        return f"{self.summary} — {self.count_text}"

    @property
    def description(self) -> str:
        return f"{self.count_text.capitalize()} in the Newsroom archive: {self.summary}."

    @property
    def empty_facets_text(self) -> str:
        """One line for the filters without a value in these results, rather than a "none"
        under each (a search without results would say it six times)."""
        empty = [group.label_plural for group in self.facets if not group.values]
        if not empty:
            return ""
        if len(empty) == len(self.facets):
            return "No values to filter by: no article matches."
        names = empty[0] if len(empty) == 1 else f"{', '.join(empty[:-1])} or {empty[-1]}"
        return f"No {names} in these results."

    @property
    def first_number(self) -> int:
        return (self.params.page - 1) * PER_PAGE + 1

    @property
    def range_text(self) -> str:
        """ "1–20 of 79" for the articles this page covers (empty past the last page)."""
        covered = self.covered or len(self.results)
        if not covered:
            return ""
        last = self.first_number + covered - 1
        return f"{self.first_number:,}–{last:,} of {self.total:,}"

    @property
    def collapsed_text(self) -> str:
        """What collapsing did to this page's count of results, "" when nothing."""
        folded = sum(row.folded for row in self.results)
        if not folded and not self.shown_earlier:
            return ""
        parts = []
        if folded:
            parts.append(
                f"{folded:,} of them {'is' if folded == 1 else 'are'} listed under the result "
                f"of {'its' if folded == 1 else 'their'} story"
            )
        if self.shown_earlier:
            parts.append(
                f"{self.shown_earlier:,} {'belongs' if self.shown_earlier == 1 else 'belong'} "
                "to stories shown on an earlier page"
            )
        covered = self.covered or len(self.results)
        return (
            f"{covered:,} article{'s' if covered != 1 else ''} in {len(self.results):,} "
            f"result{'s' if len(self.results) != 1 else ''}: " + "; ".join(parts) + "."
        )

    @property
    def page_numbers(self) -> list[int | None]:
        return page_numbers(self.params.page, self.num_pages)


def page_numbers(page: int, last: int) -> list[int | None]:
    """Page numbers around the current page, None where a gap is."""
    wanted = sorted({1, last, *range(max(1, page - 2), min(last, page + 2) + 1)})
    out: list[int | None] = []
    for n in wanted:
        if out and n - (out[-1] or 0) > 1:
            out.append(None)
        out.append(n)
    return out


def search_page(
    params: SearchParams, *, names: dict | None = None, per_page: int = PER_PAGE
) -> SearchPage:
    """Run one search and gather everything the page, JSON, feed and chips show.

    Queries: the search itself, one for the hits' rows, one for every entity name the facets
    and chips need; outlet and section names come from a cache. The landing search (no words,
    no filters: facets over the whole archive) is the same for everyone and is kept until the
    archive changes. ``names``: (field, slug) -> name the form already resolved.
    """
    if params.is_empty and params.page == 1 and per_page == PER_PAGE and params.facets:
        return selectors.cached_until_changed(
            f"landing-search:{params.sort}:{params.format}:{params.stories}",
            lambda: _search_page(params, names=names, per_page=per_page),
            # The index is updated after the database commits, perhaps by a worker: a page
            # computed in between must not outlive the next half minute.
            max_age=30,
        )
    return _search_page(params, names=names, per_page=per_page)


def _search_page(params: SearchParams, *, names: dict | None, per_page: int) -> SearchPage:
    facets = params.facets or params.format != "json"  # facets=off: the lean JSON
    # The timeline and the map: on the page and in its JSON (not the lean one, not feeds).
    pictures = facets and params.format in ("html", "json")
    request = search_request(
        params,
        per_page=per_page,
        facets=facets,
        timeline="auto" if pictures else "",
        facets_within=("place",) if pictures else (),  # the map counts these results
        **facets_shown(pictures),
    )
    response = search.search_articles(request)
    rows = selectors.articles_for_hits([hit.article_id for hit in response.hits])
    # Only a story of several articles has other coverage to preview; the search read their
    # articles with the results' stories.
    previews = story_previews(
        {h.article_id: h.story_id for h in response.hits if h.story_id and h.story_size > 1},
        response.story_articles,
    )
    results = [
        ResultRow(
            rows[hit.article_id],
            hit.headline_html,
            hit.snippet_html,
            hit.score,
            previews.get(hit.article_id),
            len(hit.folded),
        )
        for hit in response.hits
        if hit.article_id in rows
    ]
    facet_counts = {
        g.name: response.facets.get(g.field) or search.FacetCounts(()) for g in FILTER_GROUPS
    }
    wanted = {
        name: {fc.value for fc in counts[:FACETS_LISTED]} | _active(params, name)
        for name, counts in facet_counts.items()
    }
    name_of = Namer(wanted, names)
    groups = [
        _facet_group(
            name,
            facet_counts[name],
            set(params.include.get(name, ())) | set(params.require.get(name, ())),
            set(params.exclude.get(name, ())),
            name_of,
            required=set(params.require.get(name, ())),
            alone_url=_alone_url(params, name),
        )
        for name in FILTERS
    ]
    if params.format in ("html", "json"):  # who each value is: not in feeds and CSV
        json = params.format == "json"  # JSON lists every value it has; the page on_page
        describe_values(
            {g.field: g.values if json else g.values[: g.on_page] for g in groups}, name_of
        )
    chips = [
        Chip(field, f"{mark}{slug}", chip_text(field, name_of(field, slug), mark))
        for field, slug, mark in params.active()
    ] + [Chip(name, value, unmatched_chip_text(name, value)) for name, value in params.unmatched]
    num_pages = max(1, -(-response.total // per_page)) if response.total else 0
    error = response.query_error
    pictures = pictures and error is None
    undated = _undated_left_out(params) if params.format in ("html", "json") and not error else 0
    suggestion = response.suggestion
    if suggestion and _same_words(suggestion, params.q):
        suggestion = None
    return SearchPage(
        params=params,
        total=response.total,
        results=results,
        facets=groups,
        chips=chips,
        summary=describe(params, name_of),
        suggestion=suggestion,
        notes=list(response.notes),
        num_pages=min(num_pages, 500),
        timeline=timeline_chart(response.timeline, params, search_url),
        world_map=(
            world_map(response.facets_within.get("place"), params, search_url) if pictures else None
        ),
        undated_left_out=undated,
        covered=response.covered,
        shown_earlier=response.shown_earlier,
        query_error=error,
    )


def describe_values(values_by_field: dict[str, list[FacetValue]], namer: Namer) -> None:
    """Give the listed entity values their descriptions (looked up with their names), and
    mark the values that share a name within their list, so both show who they are."""
    listed = {f: values for f, values in values_by_field.items() if f in ENTITY_FILTERS}
    # "Chelsea" the club and "Chelsea" the person, "Jenin" the city and the person
    names = Counter(v.name.casefold() for values in listed.values() for v in values)
    for field, values in listed.items():
        for value in values:
            value.description = namer.description(field, value.slug)
            value.namesake = names[value.name.casefold()] > 1


def facets_shown(pictures: bool) -> dict:
    """What a search page asks the engine to count: the values it lists of each group (every
    year: they are listed newest first, not by count) and how many there are; the map's
    countries by name. A match-all search has some 100,000 places, organizations and people,
    which a cluster would otherwise send on every page."""
    top = {g.field: FACETS_LISTED for g in FILTER_GROUPS if g.order != "newest"}
    countries = {"place": country_slugs()} if pictures else {}
    return {"facet_top": top, "facet_values": countries}


def _same_words(a: str, b: str) -> bool:
    """Whether two queries differ only in the case of words (not of operators: "not" is a
    word, NOT an operator)."""
    operators = re.compile(r"\b(?:AND|OR|NOT)\b")
    return a.casefold() == b.casefold() and operators.findall(a) == operators.findall(b)


def search_url(params: SearchParams) -> str:
    """The search page of a search state (canonical querystring)."""
    return _search_path() + params.querystring()


@functools.cache
def _search_path() -> str:
    return reverse("articles:search")


def _undated_left_out(params: SearchParams) -> int:
    """Undated articles that the search would find but for its dates (none is in a date
    range); 0 without dates, or when a year filter already says what it takes."""
    if not (params.date_from or params.date_to):
        return 0
    if params.include.get("year") or params.require.get("year"):
        return 0
    undated = params.edited(
        date_from=None, date_to=None, include={**params.include, "year": (UNDATED,)}
    )
    return search.count_articles(search_request(undated, facets=False))


def _active(params: SearchParams, field: str) -> set[str]:
    return (
        set(params.include.get(field, ()))
        | set(params.require.get(field, ()))
        | set(params.exclude.get(field, ()))
    )


def name_lookup(params: SearchParams) -> NameOf:
    """name_of(field, slug) for the values a search state names (a query or two)."""
    return Namer({name: _active(params, name) for name in FILTERS})


class Namer:
    """name_of(field, slug) for a page, and who a value is (``description``): the values of
    ``wanted`` (filter -> slugs) looked up together (articles.filter_lookup.value_labels);
    ``known`` fills in names, the slug is the last resort."""

    def __init__(self, wanted: dict[str, set[str]], known: dict | None = None):
        self.labels = value_labels(wanted)
        self.known = known or {}

    def __call__(self, field: str, slug: str) -> str:
        label = self.labels.get((field, slug))
        return (label and label.name) or self.known.get((field, slug)) or slug

    def description(self, field: str, slug: str) -> str:
        label = self.labels.get((field, slug))
        return label.description if label else ""


def _alone_url(params: SearchParams, field: str) -> Callable[[str], str]:
    """slug -> the search with that value alone as the filter's choice (its required and
    left-out values kept): what its count, counted without the filter's choice, finds. One
    canonical URL with a stand-in, filled per value (slugs need no quoting)."""
    stand_in = params.edited(
        include={**params.include, field: ("\x00",)}, format="html", facets=True
    )
    head, _, tail = search_url(stand_in).partition("%00")
    return lambda slug: f"{head}{slug}{tail}"


def _facet_group(
    field,
    counts,
    included: set,
    excluded: set,
    name_of: NameOf,
    required: frozenset = frozenset(),
    alone_url: Callable[[str], str] | None = None,
) -> FacetGroup:
    """Only the values a page lists become objects: a match-all search can have 30,000 people.

    Each count links the search it counts (``alone_url``): the value alone as this filter's
    choice; none where that is the page itself or no count is shown."""
    group = FILTERS[field]
    listed = counts
    if group.order == "newest":  # newest year first, undated articles last
        listed = sorted(counts, key=lambda fc: (fc.value != UNDATED, fc.value), reverse=True)
    top = listed[:FACETS_LISTED]
    count_of = {fc.value: fc.count for fc in top}
    if included - count_of.keys():
        count_of.update(counts.counts_for(included - count_of.keys()))
    anyof = included - required
    link = alone_url or (lambda slug: "")
    active = sorted(
        (
            FacetValue(
                s,
                name_of(field, s),
                count_of.get(s, 0),
                True,
                required=s in required,
                url=link(s) if len(anyof) > 1 and s in anyof else "",
            )
            for s in included
        ),
        key=lambda v: (-(v.count or 0), v.name.casefold()),
    )
    left_out = [FacetValue(s, name_of(field, s), None, False, True) for s in sorted(excluded)]
    others = [
        FacetValue(fc.value, name_of(field, fc.value), fc.count, url=link(fc.value))
        for fc in top
        if fc.value not in included and fc.value not in excluded
    ]
    return FacetGroup(
        field,
        group.label,
        group.label_plural,
        [*active, *left_out, *others],
        value_count=counts.distinct,
        counted_apart=bool(anyof),
        value_count_exact=counts.distinct_exact,
        on_page=group.on_page,
    )


def unmatched_chip_text(name: str, value: str) -> str:
    """ "Place: “atlantis”, not in the archive"; "Start date: “yesterday”, not a date"."""
    if name in ("from", "to"):
        return f"{'Start' if name == 'from' else 'End'} date: “{value}”, not a date"
    mark, bare = (value[0], value[1:]) if value[:1] in ("-", "+") else ("", value)
    label = FILTERS[name].label.capitalize()
    word = {"-": "not ", "+": "also "}.get(mark, "")
    return f"{label}: {word}“{bare}”, not in the archive"


def chip_text(field: str, name: str, mark: str = "") -> str:
    """ "Place: Iraq"; mark "-" (left out) "Place: not Iraq", "+" (required) "Place: also Iraq"."""
    label = FILTERS[field].label.capitalize()
    return f"{label}: {({'-': 'not ', '+': 'also '}).get(mark, '')}{name}"


def describe(params: SearchParams, name_of: NameOf) -> str:
    """Words for a search: "Kata'ib Hezbollah in Iraq · Press TV · 2020"."""

    def names(field: str) -> str:
        """The values of one filter: "Iraq or Syria", with required ones "… and Baghdad"."""
        anyof, allof = params.include.get(field, ()), params.require.get(field, ())
        parts = [name_of(field, slug) for slug in allof]
        if anyof:
            text = " or ".join(name_of(field, slug) for slug in anyof)
            parts.insert(0, f"({text})" if len(anyof) > 1 and allof else text)
        return " and ".join(parts)

    def part(group) -> str:
        """ "by Jane Doe": a group's values after its preposition."""
        return " ".join(filter(None, (group.preposition, names(group.name))))

    subject = []
    if params.q:
        subject.append(_quoted_words(params.q))
    subject += [names(g.name) for g in FILTER_GROUPS if g.summary == "subject" and names(g.name)]
    head = ", ".join(subject)
    for group in FILTER_GROUPS:  # "troops in Iraq"; "Iraq" alone without a subject
        if group.summary == "where" and names(group.name):
            head = f"{head} {part(group)}" if head else names(group.name)
    segments = [head] if head else []
    segments += [part(g) for g in FILTER_GROUPS if g.summary == "part" and names(g.name)]
    dates = [
        f"{word} {date_text(day)}"
        for word, day in (("from", params.date_from), ("until", params.date_to))
        if day
    ]
    if dates:
        segments.append(" ".join(dates))
    for field, values in params.exclude.items():
        segments.append(_left_out(field, [name_of(field, slug) for slug in values]))
    segments += [unmatched_chip_text(name, value) for name, value in params.unmatched]
    return " · ".join(segments) or "All articles"


def date_text(day: datetime.date) -> str:
    """ "1 Sep 2016": how dates read in headings, chips and notes (the chips' date filter)."""
    return date_format(day, "j M Y")


def _quoted_words(q: str) -> str:
    """The search words in quotation marks; a query's own phrases keep theirs instead
    ("white house" is shown “white house”, not “"white house"”)."""
    shown = q if len(q) <= 80 else q[:80] + "…"
    if '"' not in shown:
        return f"“{shown}”"
    return re.sub(r'"([^"]*)"', r"“\1”", shown)


def _left_out(field: str, names: list[str]) -> str:
    preposition = FILTERS[field].preposition
    where = f"{preposition} " if preposition else ""
    if len(names) == 1:
        return f"not {where}{names[0]}"
    if len(names) == 2:  # "not in Iraq or Japan" reads as if one of them would do
        return f"{where}neither {names[0]} nor {names[1]}"
    return f"{where}none of {', '.join(names[:-1])} and {names[-1]}"


@dataclass
class FacetListing:
    label: str
    label_plural: str
    summary: str
    total: int  # distinct values in the results
    values: list[FacetValue]  # this page's
    matching: int  # values matching the find box and the letter
    letters: tuple[str, ...] = ()  # first letters among the found values
    letter: str = ""
    page: int = 1
    num_pages: int = 1

    @property
    def first_number(self) -> int:
        return (self.page - 1) * VALUES_PER_PAGE + 1

    @property
    def range_text(self) -> str:
        """ "51–100 of 389"."""
        last = self.first_number + len(self.values) - 1
        return f"{self.first_number:,}–{last:,} of {self.matching:,}"

    @property
    def page_numbers(self) -> list[int | None]:
        return page_numbers(self.page, self.num_pages)


def first_letter(slug: str) -> str:
    """The letter a value is listed under: its slug's first (slugs are folded names), "#"
    for a digit."""
    return slug[:1] if slug[:1].isalpha() else "#"


def facet_value_listing(
    params: SearchParams, field: str, *, find: str = "", letter: str = ""
) -> FacetListing:
    """All values of one filter in a search's results, most frequent first, a page
    (``params.page``) of VALUES_PER_PAGE at a time.

    ``find`` narrows by the value's slug, which is its folded name ("kataib" finds Kata'ib);
    ``letter`` to the values whose name starts with it ("#": a digit).
    """
    response = search.search_articles(
        search_request(
            params,
            sort="newest",
            page=1,
            per_page=1,
            facets=True,
            facet_fields=(FILTERS[field].field,),
        )
    )
    counts = list(response.facets.get(FILTERS[field].field, []))
    wanted_slug = name_slug(find) if find else ""
    found = [fc for fc in counts if wanted_slug in fc.value] if wanted_slug else counts
    letters = tuple(sorted({first_letter(fc.value) for fc in found}, key=lambda c: (c == "#", c)))
    matching = [fc for fc in found if first_letter(fc.value) == letter] if letter else found
    num_pages = max(1, -(-len(matching) // VALUES_PER_PAGE))
    page = min(params.page, num_pages)
    top = matching[(page - 1) * VALUES_PER_PAGE : page * VALUES_PER_PAGE]
    wanted = {name: _active(params, name) for name in FILTERS}
    wanted[field] |= {fc.value for fc in top}
    name_of = Namer(wanted)
    included = set(params.include.get(field, ()))
    values = [
        FacetValue(fc.value, name_of(field, fc.value), fc.count, fc.value in included) for fc in top
    ]
    describe_values({field: values}, name_of)
    return FacetListing(
        FILTERS[field].label,
        FILTERS[field].label_plural,
        summary=describe(params, name_of),
        total=len(counts),
        values=values,
        matching=len(matching),
        letters=letters,
        letter=letter,
        page=page,
        num_pages=num_pages,
    )
