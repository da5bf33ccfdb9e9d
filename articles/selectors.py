"""Database reads for the reader's pages: slug lookups, names for facets, browse lists.

Pages must stay cheap on 65,000 articles (issue 3, "Speed"): names for every facet value of a
page come from one query; aggregate counts for the home and browse pages are cached and
recomputed only when the archive changes (the newest ``updated_at`` and id, plus a shared
version editors' corrections bump: ``catalog_changed``).
"""

from __future__ import annotations

import dataclasses
import itertools
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils.text import slugify

from .models import Article, Entity, EntityRedirect, Mention, Source, SourceRedirect


@dataclass(frozen=True, slots=True)
class DirectoryEntry:
    """One line of a browse page: an entity or outlet and how many articles name it."""

    slug: str
    name: str
    count: int
    country: str = ""
    feature: str = ""
    letter: str = dataclasses.field(init=False)  # A–Z, "#" for anything else
    count_text: str = dataclasses.field(init=False)  # "1,234", formatted once rather than per page

    def __post_init__(self):
        first = self.name[:1].upper()
        object.__setattr__(self, "letter", first if "A" <= first <= "Z" else "#")
        object.__setattr__(self, "count_text", f"{self.count:,}")


@dataclass(frozen=True)
class Directory:
    """Every entry of one browse page, A–Z, with the most named ones precomputed."""

    entries: list[DirectoryEntry]
    by_count: list[DirectoryEntry]
    letters: list[str]

    @classmethod
    def of(cls, entries: list[DirectoryEntry]) -> Directory:
        entries = sorted(entries, key=lambda e: (e.name.casefold(), e.slug))
        by_count = sorted(entries, key=lambda e: (-e.count, e.name.casefold()))
        letters = sorted({e.letter for e in entries}, key=lambda c: (c == "#", c))
        return cls(entries, by_count, letters)

    def largest(self, limit: int = 10) -> list[DirectoryEntry]:
        return self.by_count[:limit]


# The shared half of the version: bumped by editors' changes to outlets, entities, aliases
# and mentions (catalog_changed), which the articles' updated_at does not always show.
CATALOG_VERSION_KEY = "newsroom:catalog-version"

_version_memo: tuple[float, tuple[str, str]] = (0.0, ("", ""))
# Changes made by this process count at once, even inside their transaction.
_local_changes = itertools.count(1)
_local_generation = 0


def _versions() -> tuple[str, str]:
    """(articles, catalog): the first changes whenever an article is added, edited or removed
    from view, the second whenever an editor changes an outlet, entity, alias or mention.

    Read at most once a second per process, so one page asks the database once.
    """
    global _version_memo
    now = time.monotonic()
    if now - _version_memo[0] >= 1.0:
        latest = Article.objects.aggregate(updated=Max("updated_at"), last=Max("id"))
        updated = latest["updated"].timestamp() if latest["updated"] else 0
        shared = cache.get(CATALOG_VERSION_KEY, 0)
        _version_memo = (now, (f"{updated:.6f}-{latest['last'] or 0}", str(shared)))
    articles, shared = _version_memo[1]
    return articles, f"{shared}.{_local_generation}"


def catalog_changed() -> None:
    """An outlet, entity, alias or mention changed: every cached name and count is out of date.

    This process sees a new version at once; every other process after the commit (a shared
    bump before it would let another process cache the old rows under the new version).
    """
    global _version_memo, _local_generation
    _version_memo = (0.0, ("", ""))
    _local_generation = next(_local_changes)
    connection = transaction.get_connection()
    if not connection.in_atomic_block or not any(
        callback is _bump_catalog_version for _, callback, _ in connection.run_on_commit
    ):
        transaction.on_commit(_bump_catalog_version)


def _bump_catalog_version() -> None:
    global _version_memo
    cache.set(CATALOG_VERSION_KEY, time.time_ns(), timeout=None)
    _version_memo = (0.0, ("", ""))


# Kept in this process's memory, not Django's cache: unpickling 10,000 directory entries from
# a shared cache on every request costs more than the page itself.
_memo: dict[str, tuple[tuple[str, str], float, object]] = {}


def _cached(key: str, compute, *, stale_seconds: float = 0, max_age: float = 3600):
    """``compute()``, kept until the archive changes (and at most ``max_age`` seconds).

    Aggregates over every mention take a second on 65,000 articles; during a bulk import the
    articles change all the time, so those may be served up to ``stale_seconds`` old. An
    editor's correction (the catalog version) is never served stale: a merged place must
    leave the browse page at once.
    """
    articles, catalog = _versions()
    entry = _memo.get(key)
    now = time.monotonic()
    if (
        entry is not None
        and now - entry[1] < max_age
        and entry[0][1] == catalog
        and (entry[0][0] == articles or now - entry[1] < stale_seconds)
    ):
        return entry[2]
    value = compute()
    _memo[key] = ((articles, catalog), now, value)
    return value


def clear_caches() -> None:
    """Forget every cached count and name (tests that swap the whole archive call this)."""
    global _version_memo
    _memo.clear()
    _version_memo = (0.0, ("", ""))


def resolve_entity_slugs(
    slugs_by_kind: dict[str, Iterable[str]],
) -> dict[tuple[str, str], tuple[str, str]]:
    """(kind, slug) -> (canonical slug, name) for slugs that exist or used to (renamed, merged).

    One query for current slugs, a second only when some were not found.
    """
    wanted = {kind: set(slugs) for kind, slugs in slugs_by_kind.items() if slugs}
    if not wanted:
        return {}
    condition = Q()
    for kind, slugs in wanted.items():
        condition |= Q(kind=kind, slug__in=slugs)
    found = {
        (kind, slug): (slug, name)
        for kind, slug, name in Entity.objects.filter(condition).values_list("kind", "slug", "name")
    }
    missing = {kind: {s for s in slugs if (kind, s) not in found} for kind, slugs in wanted.items()}
    condition = Q()
    for kind, slugs in missing.items():
        if slugs:
            condition |= Q(kind=kind, old_slug__in=slugs)
    if condition:
        for kind, old, slug, name in EntityRedirect.objects.filter(condition).values_list(
            "kind", "old_slug", "entity__slug", "entity__name"
        ):
            found[(kind, old)] = (slug, name)
    return found


def entity_names(slugs_by_kind: dict[str, Iterable[str]]) -> dict[tuple[str, str], str]:
    """(kind, slug) -> name for current slugs of several kinds, in one query."""
    condition = Q()
    for kind, slugs in slugs_by_kind.items():
        slugs = list(slugs)
        if slugs:
            condition |= Q(kind=kind, slug__in=slugs)
    if not condition:
        return {}
    return {
        (kind, slug): name
        for kind, slug, name in Entity.objects.filter(condition).values_list("kind", "slug", "name")
    }


def source_names() -> dict[str, str]:
    """Outlet slug -> name. A handful of rows, cached."""
    return _cached("source-names", lambda: dict(Source.objects.values_list("slug", "name")))


def resolve_source_slugs(slugs: Iterable[str]) -> dict[str, str]:
    """Outlet slug -> its current slug, for slugs that exist or used to (the slug changed).

    Current slugs come from the cached names; a query only when some were not found.
    """
    current = source_names()
    found = {slug: slug for slug in slugs if slug in current}
    missing = set(slugs) - found.keys()
    if missing:
        found.update(
            SourceRedirect.objects.filter(old_slug__in=missing).values_list(
                "old_slug", "source__slug"
            )
        )
    return found


def section_names() -> dict[str, str]:
    """Section slug (as the search index stores it) -> the section's name as printed."""

    def compute():
        names: dict[str, str] = {}
        for section in (
            Article.objects.filter(is_published=True)
            .exclude(section="")
            .values_list("section", flat=True)
            .distinct()
        ):
            slug = slugify(section)
            if slug:
                names.setdefault(slug, section)
        return names

    return _cached("section-names", compute, stale_seconds=10)


def entity_directory(kind: str) -> Directory:
    """Every entity of one kind named in a published article, with its article count, A–Z.

    A country counts the articles naming it or any place in it, as its search link finds.
    """

    def compute():
        counts = dict(
            Mention.objects.filter(suppressed=False, entity__kind=kind, article__is_published=True)
            .values("entity_id")
            .annotate(n=Count("id"))  # one mention per (article, entity)
            .values_list("entity_id", "n")
        )
        if kind == Entity.Kind.PLACE:
            counts.update(country_roll_up_counts())
        rows = Entity.objects.filter(kind=kind).values_list(
            "id", "slug", "name", "country", "feature"
        )
        return Directory.of(
            [
                DirectoryEntry(slug, name, counts[pk], country, feature)
                for pk, slug, name, country, feature in rows
                if pk in counts
            ]
        )

    return _cached(f"directory:{kind}", compute, stale_seconds=120)


def warm_up() -> None:
    """Compute the browse lists before a new worker serves readers (about a second each at
    65,000 articles). Never raises: a worker with cold caches is better than no worker."""
    try:
        for kind in (Entity.Kind.PLACE, Entity.Kind.ORGANIZATION, Entity.Kind.PERSON):
            entity_directory(kind)
        source_directory()
    except Exception:  # noqa: BLE001 - e.g. the database is not migrated yet
        logging.getLogger(__name__).warning("browse caches could not be warmed", exc_info=True)


def country_roll_up_counts() -> dict[int, int]:
    """Country entity id -> published articles naming the country or any place in it.

    Mirrors the index (articles.search_indexes): each place is filed under its country too,
    the country being the first place entity with feature "country" and that ISO code, so
    ``?place=<country>`` finds exactly these articles.
    """
    country_of: dict[str, int] = {}
    for pk, code in (
        Entity.objects.filter(kind=Entity.Kind.PLACE, feature="country")
        .exclude(country="")
        .order_by("id")
        .values_list("id", "country")
    ):
        country_of.setdefault(code, pk)
    if not country_of:
        return {}
    rows = (
        Mention.objects.filter(
            suppressed=False,
            article__is_published=True,
            entity__kind=Entity.Kind.PLACE,
            entity__country__in=list(country_of),
        )
        .filter(~Q(entity__feature="country") | Q(entity_id__in=list(country_of.values())))
        .values("entity__country")
        .annotate(n=Count("article_id", distinct=True))
        .values_list("entity__country", "n")
    )
    return {country_of[code]: n for code, n in rows}


def source_directory() -> Directory:
    """Every outlet with its number of published articles, A–Z."""

    def compute():
        rows = Source.objects.annotate(
            n=Count("articles", filter=Q(articles__is_published=True))
        ).values_list("slug", "name", "n")
        return Directory.of([DirectoryEntry(slug, name, n) for slug, name, n in rows if n])

    return _cached("directory:source", compute, stale_seconds=120)


def filter_directory(
    entries: list[DirectoryEntry], *, letter: str = "", query: str = ""
) -> list[DirectoryEntry]:
    """Entries starting with ``letter`` ("#" for digits and others) or containing ``query``."""
    if query:
        folded = query.casefold()
        entries = [e for e in entries if folded in e.name.casefold() or folded in e.slug]
    if letter:
        entries = [e for e in entries if e.letter == letter]
    return entries


def latest_articles(limit: int = 20) -> list[Article]:
    return list(
        Article.objects.filter(is_published=True)
        .select_related("source")
        .only("id", "slug", "headline", "published", "section", "source__name", "source__slug")
        .order_by("-published", "-id")[:limit]
    )


def article_count() -> int:
    return _cached(
        "article-count",
        lambda: Article.objects.filter(is_published=True).count(),
        stale_seconds=10,
    )


def articles_for_hits(ids: list[int]) -> dict[int, Article]:
    """The rows behind one page of search hits, without their bodies."""
    return (
        Article.objects.filter(id__in=ids, is_published=True)
        .select_related("source")
        .only(
            "id",
            "slug",
            "headline",
            "published",
            "section",
            "url",
            "updated_at",  # the feed's <updated>
            "source__name",
            "source__slug",
        )
        .in_bulk()
    )


def article_with_mentions(pk: int) -> tuple[Article, list[Mention]] | None:
    article = Article.objects.filter(pk=pk, is_published=True).select_related("source").first()
    if article is None:
        return None
    mentions = list(
        article.mentions.filter(suppressed=False).select_related("entity").order_by("-count")
    )
    return article, mentions


def articles_in_order(ids: list[int]) -> list[Article]:
    by_id = articles_for_hits(ids)
    return [by_id[i] for i in ids if i in by_id]


def country_names(codes: Iterable[str]) -> dict[str, str]:
    """ISO alpha-2 code -> the country entity's name, falling back to pycountry's."""
    codes = {c for c in codes if c}
    names = dict(
        Entity.objects.filter(kind=Entity.Kind.PLACE, feature="country", country__in=codes)
        .order_by("id")
        .values_list("country", "name")
    )
    missing = codes - names.keys()
    if missing:
        import pycountry

        for code in missing:
            found = pycountry.countries.get(alpha_2=code)
            names[code] = getattr(found, "common_name", None) or (found.name if found else code)
    return names


# --- The search page ---------------------------------------------------------------

FACETS_SHOWN = 10
FACETS_LISTED = 50
PER_PAGE = 20
_FIELD_KIND = {"place": "place", "org": "organization", "person": "person"}


@dataclass
class FacetValue:
    slug: str
    name: str
    count: int | None
    selected: bool = False
    excluded: bool = False


@dataclass
class FacetGroup:
    """One filter's values: the active ones first, then the most frequent in the results."""

    field: str
    label: str
    label_plural: str
    values: list[FacetValue]
    value_count: int = 0  # distinct values in all the results
    unlisted: int = 0  # values with fewer articles, left off this page

    @property
    def shown(self) -> list[FacetValue]:
        return self.values[:FACETS_SHOWN]

    @property
    def rest(self) -> list[FacetValue]:
        return self.values[FACETS_SHOWN:]


def _facet_group(field, counts, included: set, excluded: set, name_of) -> FacetGroup:
    """Only the values a page lists become objects: a match-all search can have 30,000 people."""
    from .forms import FILTER_LABELS

    if field == "year":
        counts = sorted(counts, key=lambda fc: fc.value, reverse=True)
    top = counts[:FACETS_LISTED]
    count_of = {fc.value: fc.count for fc in top}
    if included - count_of.keys():
        count_of.update((fc.value, fc.count) for fc in counts if fc.value in included)
    active = sorted(
        (FacetValue(s, name_of(field, s), count_of.get(s, 0), True) for s in included),
        key=lambda v: (-(v.count or 0), v.name.casefold()),
    )
    left_out = [FacetValue(s, name_of(field, s), None, False, True) for s in sorted(excluded)]
    others = [
        FacetValue(fc.value, name_of(field, fc.value), fc.count)
        for fc in top
        if fc.value not in included and fc.value not in excluded
    ]
    return FacetGroup(
        field,
        *FILTER_LABELS[field],
        [*active, *left_out, *others],
        value_count=len(counts),
        unlisted=max(0, len(counts) - len(top)),
    )


@dataclass
class ResultRow:
    article: Article
    headline_html: str
    snippet_html: str
    score: float | None = None


@dataclass
class Chip:
    field: str
    value: str  # "-slug" when excluded
    text: str


@dataclass
class SearchPage:
    params: object  # articles.forms.SearchParams
    total: int
    results: list[ResultRow]
    facets: list[FacetGroup]
    chips: list[Chip]
    summary: str
    suggestion: str | None
    notes: list[str]
    num_pages: int

    @property
    def count_text(self) -> str:
        if not self.total:
            return "no articles"
        return f"{self.total:,} article{'s' if self.total != 1 else ''}"

    @property
    def title(self) -> str:
        return f"{self.summary} — {self.count_text}"

    @property
    def page_numbers(self) -> list[int | None]:
        """Page numbers around the current page, None where a gap is."""
        page, last = self.params.page, self.num_pages
        wanted = sorted({1, last, *range(max(1, page - 2), min(last, page + 2) + 1)})
        out: list[int | None] = []
        for n in wanted:
            if out and n - (out[-1] or 0) > 1:
                out.append(None)
            out.append(n)
        return out


def search_page(params, *, names: dict | None = None, per_page: int = PER_PAGE) -> SearchPage:
    """Run one search and gather everything the page, JSON, feed and chips show.

    Queries: the search itself, one for the hits' rows, one for every entity name the facets
    and chips need; outlet and section names come from a cache. The landing search (no words,
    no filters: facets over the whole archive) is the same for everyone and is kept until the
    archive changes.
    """
    if params.is_empty and params.page == 1 and per_page == PER_PAGE and params.facets:
        return _cached(
            f"landing-search:{params.sort}:{params.format}",
            lambda: _search_page(params, names=names, per_page=per_page),
            # The index is updated after the database commits, perhaps by a worker: a page
            # computed in between must not outlive the next half minute.
            max_age=30,
        )
    return _search_page(params, names=names, per_page=per_page)


def _search_page(params, *, names: dict | None, per_page: int) -> SearchPage:
    from . import search
    from .forms import FILTER_FIELDS

    sort = params.sort
    if sort == "relevance" and not params.q:
        sort = "newest"  # nothing to rank by: newest first reads best
    request = search.SearchRequest(
        q=params.q,
        include={k: tuple(v) for k, v in params.include.items()},
        exclude={k: tuple(v) for k, v in params.exclude.items()},
        date_from=params.date_from,
        date_to=params.date_to,
        sort=sort,
        page=params.page,
        per_page=per_page,
        facets=params.facets or params.format != "json",
    )
    response = search.search_articles(request)

    rows = articles_for_hits([hit.article_id for hit in response.hits])
    results = [
        ResultRow(rows[hit.article_id], hit.headline_html, hit.snippet_html, hit.score)
        for hit in response.hits
        if hit.article_id in rows
    ]

    facet_counts = {name: response.facets.get(name, ()) for name in FILTER_FIELDS}
    wanted: dict[str, set[str]] = {}
    for name, kind in _FIELD_KIND.items():
        slugs = {fc.value for fc in facet_counts[name][:FACETS_LISTED]}
        slugs |= set(params.include.get(name, ())) | set(params.exclude.get(name, ()))
        wanted[kind] = slugs
    entity_name = entity_names(wanted)
    sources = source_names()
    sections = section_names()

    def name_of(field: str, slug: str) -> str:
        if field in _FIELD_KIND:
            return entity_name.get((_FIELD_KIND[field], slug)) or (names or {}).get(
                (field, slug), slug
            )
        if field == "source":
            return sources.get(slug, slug)
        if field == "section":
            return sections.get(slug, slug)
        return slug

    groups = []
    for name in FILTER_FIELDS:
        groups.append(
            _facet_group(
                name,
                facet_counts[name],
                set(params.include.get(name, ())),
                set(params.exclude.get(name, ())),
                name_of,
            )
        )

    chips = [
        Chip(
            field,
            f"-{slug}" if excluded else slug,
            _chip_text(field, name_of(field, slug), excluded),
        )
        for field, slug, excluded in params.active()
    ]
    num_pages = max(1, -(-response.total // per_page)) if response.total else 0
    return SearchPage(
        params=params,
        total=response.total,
        results=results,
        facets=groups,
        chips=chips,
        summary=describe(params, name_of),
        suggestion=(
            response.suggestion
            if response.suggestion and response.suggestion.casefold() != params.q.casefold()
            else None
        ),
        notes=list(response.notes),
        num_pages=min(num_pages, 500),
    )


def _chip_text(field: str, name: str, excluded: bool) -> str:
    from .forms import FILTER_LABELS

    label = FILTER_LABELS[field][0].capitalize()
    return f"{label}: not {name}" if excluded else f"{label}: {name}"


def describe(params, name_of) -> str:
    """Words for a search: "Kata'ib Hezbollah in Iraq · Press TV · 2020"."""

    def names(field: str, values) -> str:
        return " or ".join(name_of(field, slug) for slug in values)

    subject = []
    if params.q:
        subject.append(f"“{params.q if len(params.q) <= 80 else params.q[:80] + '…'}”")
    for field in ("org", "person"):
        if params.include.get(field):
            subject.append(names(field, params.include[field]))
    head = ", ".join(subject)
    if params.include.get("place"):
        places = names("place", params.include["place"])
        head = f"{head} in {places}" if head else places
    segments = [head] if head else []
    for field in ("source", "section", "year"):
        if params.include.get(field):
            segments.append(names(field, params.include[field]))
    if params.date_from and params.date_to:
        segments.append(f"{params.date_from.isoformat()} to {params.date_to.isoformat()}")
    elif params.date_from:
        segments.append(f"from {params.date_from.isoformat()}")
    elif params.date_to:
        segments.append(f"until {params.date_to.isoformat()}")
    for field, values in params.exclude.items():
        left_out = [name_of(field, slug) for slug in values]
        where = "in " if field == "place" else ""
        if len(left_out) == 1:
            segments.append(f"not {where}{left_out[0]}")
        elif len(left_out) == 2:  # "not in Iraq or Japan" reads as if one of them would do
            segments.append(f"{where}neither {left_out[0]} nor {left_out[1]}")
        else:
            segments.append(f"{where}none of {', '.join(left_out[:-1])} and {left_out[-1]}")
    return " · ".join(segments) or "All articles"


@dataclass
class FacetListing:
    label: str
    label_plural: str
    summary: str
    total: int  # distinct values in the results
    values: list[FacetValue]
    matching: int  # values matching the find box


FACET_LISTING_LIMIT = 300


def facet_value_listing(params, field: str, *, find: str = "") -> FacetListing:
    """All values of one filter in a search's results, most frequent first.

    ``find`` narrows by the value's slug, which is its folded name ("kataib" finds Kata'ib).
    """
    from . import search
    from .extraction.names import name_slug
    from .forms import FILTER_LABELS

    response = search.search_articles(
        search.SearchRequest(
            q=params.q,
            include={k: tuple(v) for k, v in params.include.items()},
            exclude={k: tuple(v) for k, v in params.exclude.items()},
            date_from=params.date_from,
            date_to=params.date_to,
            sort="newest",
            page=1,
            per_page=1,
            facets=True,
        )
    )
    counts = list(response.facets.get(field, []))
    wanted = name_slug(find) if find else ""
    matching = [fc for fc in counts if wanted in fc.value] if wanted else counts
    top = matching[:FACET_LISTING_LIMIT]
    wanted: dict[str, set[str]] = {}
    for name, kind in _FIELD_KIND.items():
        wanted[kind] = set(params.include.get(name, ())) | set(params.exclude.get(name, ()))
    if field in _FIELD_KIND:
        wanted[_FIELD_KIND[field]] |= {fc.value for fc in top}
    found = entity_names(wanted)
    sources, sections = source_names(), section_names()

    def name_of(f: str, slug: str) -> str:
        if f in _FIELD_KIND:
            return found.get((_FIELD_KIND[f], slug), slug)
        return {"source": sources, "section": sections}.get(f, {}).get(slug, slug)

    included = set(params.include.get(field, ()))
    values = [
        FacetValue(fc.value, name_of(field, fc.value), fc.count, fc.value in included) for fc in top
    ]
    return FacetListing(
        *FILTER_LABELS[field],
        summary=describe(params, name_of),
        total=len(counts),
        values=values,
        matching=len(matching),
    )
