"""What a search asks and what it answers: the types shared by the service, the engines
and page assembly. No engine code here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType

from .query import ParsedQuery, QueryError
from .vocabulary import DATES_INFERRED

_EMPTY: Mapping[str, tuple[str, ...]] = MappingProxyType({})


@dataclass(frozen=True)
class SearchRequest:
    q: str = ""
    # facet field -> values (entity/source/section slugs, "2020" for year);
    # OR within a field, AND across fields.
    include: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: _EMPTY)
    exclude: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: _EMPTY)
    # Values every match must have as well (AND within a field). Facets are counted within
    # them, so "mentioned with" counts of an entity's page are what the links find.
    require: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: _EMPTY)
    date_from: date | None = None  # inclusive, on Article.published
    date_to: date | None = None
    sort: str = "relevance"  # "relevance" | "newest" | "oldest"
    page: int = 1
    per_page: int = 20  # 0: no results, only the counts asked for
    facets: bool = True
    # Matching articles per period: "" none, "auto" (the unit chosen from the span, see
    # articles.search.periods), or "day", "month", "year".
    timeline: str = ""
    # A filter named nothing in the archive: the search finds nothing (no engine is asked),
    # rather than search without the filter.
    finds_nothing: bool = False
    # Fields also counted over the matches themselves, their own selection applied (the
    # map: countries among these results), in SearchResponse.facets_within.
    facets_within: tuple[str, ...] = ()
    # One result per story: a story's best-ranked match stands for it, its other matches are
    # folded under it (Hit.folded) or, ranked on a later page, left out there.
    collapse_stories: bool = False
    # Which facet values to count: a page asks for what it shows. ``facet_fields``: the filter
    # groups (None: every one). ``facet_top``: field -> how many of its most frequent values
    # (a field not named: every value). ``facet_values``: field -> values counted whatever
    # their rank (the map's countries). Each group also reports how many distinct values it
    # has (FacetCounts.distinct), and the values the request selects (include, require) are
    # always counted.
    facet_fields: tuple[str, ...] | None = None
    facet_top: Mapping[str, int] = field(default_factory=lambda: _EMPTY)
    facet_values: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: _EMPTY)


@dataclass
class Hit:
    article_id: int
    score: float
    headline_html: str  # escaped, with <mark>…</mark> around matched words
    snippet_html: str
    story_id: int | None = None  # when stories are collapsed
    story_size: int = 0  # its story's articles (Story.article_count), when collapsed
    # Other matches of its story on this page, folded under it (collapsed stories).
    folded: list[int] = field(default_factory=list)


@dataclass
class FacetCount:
    value: str
    count: int


class FacetCounts(Sequence):
    """The values of one facet with count > 0, count desc then value, as FacetCount: every
    value, or the most frequent ones a search asked for (SearchRequest.facet_top).

    ``len`` and iteration cover the values held; ``distinct`` is how many values the results
    have in all (``distinct_exact`` False when the engine could only estimate it: a sharded
    SolrCloud collection past a few hundred values); ``counts_for`` also answers for the
    values asked for by name (SearchRequest.facet_values, the selected ones), held or not.

    Items are made when read: a page slices the top ones; only the page listing all values
    of one filter walks them all.
    """

    __slots__ = ("_pairs", "_distinct", "_counted", "distinct_exact")

    def __init__(
        self,
        pairs: Sequence[tuple[str, int]],
        *,
        distinct: int | None = None,
        counted: Mapping[str, int] | None = None,
        distinct_exact: bool = True,
    ):
        self._pairs = pairs
        self._distinct = distinct
        self._counted = counted or {}
        self.distinct_exact = distinct_exact

    @property
    def distinct(self) -> int:
        """How many distinct values the results have (the values held, and those left off)."""
        return len(self._pairs) if self._distinct is None else max(self._distinct, len(self))

    def __len__(self) -> int:
        return len(self._pairs)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [FacetCount(v, c) for v, c in self._pairs[index]]
        return FacetCount(*self._pairs[index])

    def __iter__(self):
        return (FacetCount(v, c) for v, c in self._pairs)

    def counts_for(self, values) -> dict[str, int]:
        """value -> count for those of ``values`` that have articles among the values held
        and those counted by name (a map shades 200 countries out of 30,000 places: engines
        that can look a value up say so)."""
        values = list(values)
        lookup = getattr(self._pairs, "counts_for", None)
        if lookup is not None:
            found = lookup(values)
        else:
            wanted = set(values)
            found = {v: c for v, c in self._pairs if v in wanted}
        for value in values:
            count = self._counted.get(value)
            if count:
                found[value] = count
        return found

    def __eq__(self, other) -> bool:
        if isinstance(other, (FacetCounts, list, tuple)):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # mutable-sequence semantics: equal to a list, so not hashable

    def __repr__(self) -> str:
        return f"FacetCounts({list(self[:5])!r}{', …' if len(self) > 5 else ''})"


def as_facet_counts(counted) -> FacetCounts:
    """An engine's facet of one field as FacetCounts: (value, count) pairs of every value, or
    the FacetCounts an engine made under FacetLimits."""
    return counted if isinstance(counted, FacetCounts) else FacetCounts(counted or ())


@dataclass(frozen=True)
class Timeline:
    """Matching articles per period, from the first dated match to the last.

    ``periods`` holds every period in between, empty ones included (count 0), so bars stand
    on an even time axis; ``undated`` counts the matches without a date; ``inferred``, when
    given, how many of each period's count have an inferred date (one per period).
    """

    unit: str  # "day" | "month" | "year"
    periods: tuple[tuple[date, int], ...]  # (first day of the period, count), ascending
    undated: int = 0
    inferred: tuple[int, ...] = ()

    @property
    def dated(self) -> int:
        return sum(count for _, count in self.periods)


@dataclass
class SearchResponse:
    total: int
    hits: list[Hit]
    # Every value with count > 0, count desc then value; the top ones when the request said
    # how many (SearchRequest.facet_top), with the number of distinct values.
    facets: dict[str, FacetCounts]
    suggestion: str | None = None  # "did you mean" query string
    notes: list[str] = field(default_factory=list)
    timeline: Timeline | None = None  # when the request asked for one
    # The query could not be read or searched: nothing was searched (articles.search.query).
    query_error: QueryError | None = None
    facets_within: dict[str, FacetCounts] = field(default_factory=dict)
    # Collapsed stories: matches ranked on this page whose story a result of an earlier page
    # stands for (shown there), and how many matches this page covers in all (its rank span:
    # results plus folded plus these).
    shown_earlier: int = 0
    covered: int = 0
    # Collapsed stories: story id -> its published articles (articles.search.collapsing.
    # StoryArticle), for the stories of several articles this page's results stand for.
    story_articles: dict[int, list] = field(default_factory=dict)


class SearchUnavailable(RuntimeError):
    """The search engine did not answer (a cluster that is down, or refused the request)."""


SEARCH_UNAVAILABLE = (
    "Search is unavailable right now: the search engine did not answer. "
    "Try again in a minute; if it keeps happening, tell the site's operator."
)
REBUILD_COMMAND = "manage.py rebuild_search_index"


class IndexNeedsRebuild(SearchUnavailable):
    """The index was made for another version of the code (a cluster collection from other
    configset files): refused until it is rebuilt. ``detail`` says what differs."""

    def __init__(self, detail: str):
        super().__init__(
            "Search is unavailable right now: the search index was built for another version "
            f"of the site; the site's operator rebuilds it with `{REBUILD_COMMAND}`."
        )
        self.detail = detail


# --- What the service asks of an engine (articles.search.engine) ---------------------------


@dataclass(frozen=True)
class EngineQuery:
    """One search as an engine takes it: parsed words, cleaned filters, dates."""

    parsed: ParsedQuery
    include: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: _EMPTY)
    exclude: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: _EMPTY)
    date_from: date | None = None
    date_to: date | None = None
    require: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: _EMPTY)

    def inferred_settled(self) -> bool | None:
        """What the dates filter already says of inferred dates, so a timeline need not
        count them: False when it leaves them out, True when it keeps only them, None when
        the matches hold both kinds."""
        left_out = self.exclude.get("dates", ())
        kinds = set(self.include.get("dates", ())) - set(left_out)
        if DATES_INFERRED in left_out or (kinds and DATES_INFERRED not in kinds):
            return False
        if kinds == {DATES_INFERRED}:
            return True
        return None


@dataclass(frozen=True)
class FacetLimits:
    """Which facet values a search counts (SearchEngine.search ``facet_limits``; None there:
    every value of every filter group, as (value, count) pairs).

    Under limits an engine reports, for each field of ``fields``, a FacetCounts: the ``top``
    most frequent values (every value for a field not in ``top``), count desc then value;
    how many distinct values there are; and the counts of the values in ``values`` (the
    selected ones among them), whatever their rank."""

    fields: tuple[str, ...]
    top: Mapping[str, int] = field(default_factory=lambda: _EMPTY)
    values: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: _EMPTY)

    def limit(self, name: str) -> int | None:
        """How many values of ``name`` to report; None: every value."""
        top = self.top.get(name)
        return None if top is None else max(0, int(top))

    def trim(self, name: str, pairs: Sequence[tuple[str, int]]) -> FacetCounts:
        """FacetCounts of one field under these limits, from every value's count in order
        (engines that count every value anyway: the generic one; Whoosh's partial sort)."""
        top = self.limit(name)
        if top is None:
            return FacetCounts(pairs)
        asked = self.values.get(name, ())
        lookup = getattr(pairs, "counts_for", None)
        if lookup is not None:
            counted = lookup(asked) if asked else {}
        else:
            wanted = set(asked)
            counted = {v: c for v, c in pairs if v in wanted} if wanted else {}
        return FacetCounts(list(pairs[:top]), distinct=len(pairs), counted=counted)


@dataclass
class EngineResult:
    total: int
    hits: list[tuple[int, float]]  # (article id, score), one page
    # Field -> (value, count) pairs of every value, count desc then value; under FacetLimits
    # a FacetCounts of the values asked for.
    facets: Mapping[str, Sequence[tuple[str, int]] | FacetCounts]
    # Folded query word -> the likelier indexed word (engines that correct word by word)...
    corrections: dict[str, str] = field(default_factory=dict)
    # ...or a whole suggested query (engines whose own spelling suggester answers).
    suggestion: str | None = None
    timeline: Timeline | None = None  # when asked for (``timeline=`` of SearchEngine.search)
    # Fields asked for in ``facets_within=``, counted over the matches themselves (under
    # FacetLimits as ``facets`` are).
    facets_within: Mapping[str, Sequence[tuple[str, int]] | FacetCounts] = field(
        default_factory=dict
    )
