"""Searching and indexing articles: the one module the rest of the app imports for search.

Two read paths behind one API:
- a backend that offers `fast()` (Newsroom's Whoosh engine, articles.search_backends) answers
  with cached per-segment facet arrays and filter sets in a long-lived searcher;
- any other haystack backend (Elasticsearch 7, Solr) is driven through SearchQuerySet.
Queries are parsed by articles.search_query (never by an engine's parser, so odd input
cannot raise), and highlighting is done here from the database (articles.search_highlight)
so escaping is the same everywhere.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from types import MappingProxyType

from haystack import connections
from haystack.inputs import Exact
from haystack.query import SQ, SearchQuerySet

from .extraction.names import fold_text
from .models import Article
from .search_highlight import highlight, query_keys, snippet
from .search_query import ParsedQuery, parse_query

FACET_FIELDS = ("place", "org", "person", "source", "section", "year")
SORTS = ("relevance", "newest", "oldest")
MAX_PER_PAGE = 200
_EMPTY: Mapping[str, tuple[str, ...]] = MappingProxyType({})
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SearchRequest:
    q: str = ""
    # facet field -> values (entity/source/section slugs, "2020" for year);
    # OR within a field, AND across fields.
    include: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: _EMPTY)
    exclude: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: _EMPTY)
    date_from: date | None = None  # inclusive, on Article.published
    date_to: date | None = None
    sort: str = "relevance"  # "relevance" | "newest" | "oldest"
    page: int = 1
    per_page: int = 20
    facets: bool = True


@dataclass
class Hit:
    article_id: int
    score: float
    headline_html: str  # escaped, with <mark>…</mark> around matched words
    snippet_html: str


@dataclass
class FacetCount:
    value: str
    count: int


class FacetCounts(Sequence):
    """Every value of one facet with count > 0, count desc then value, as FacetCount.

    Items are made when read: a page slices the top ones and asks for ``len``; only the
    page listing all values of one filter walks them all.
    """

    __slots__ = ("_pairs",)

    def __init__(self, pairs: Sequence[tuple[str, int]]):
        self._pairs = pairs

    def __len__(self) -> int:
        return len(self._pairs)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [FacetCount(v, c) for v, c in self._pairs[index]]
        return FacetCount(*self._pairs[index])

    def __iter__(self):
        return (FacetCount(v, c) for v, c in self._pairs)

    def __eq__(self, other) -> bool:
        if isinstance(other, (FacetCounts, list, tuple)):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # mutable-sequence semantics: equal to a list, so not hashable

    def __repr__(self) -> str:
        return f"FacetCounts({list(self[:5])!r}{', …' if len(self) > 5 else ''})"


@dataclass
class SearchResponse:
    total: int
    hits: list[Hit]
    facets: dict[str, FacetCounts]  # every value with count > 0, count desc then value
    suggestion: str | None = None  # "did you mean" query string
    notes: list[str] = field(default_factory=list)


class SearchUnavailable(RuntimeError):
    """The search engine did not answer (a cluster that is down, or refused the request)."""


SEARCH_UNAVAILABLE = (
    "Search is unavailable right now: the search engine did not answer. "
    "Try again in a minute; if it keeps happening, tell the site's operator."
)


# --- helpers ---------------------------------------------------------------------------------


def _backend():
    return connections["default"].get_backend()


def _index():
    return connections["default"].get_unified_index().get_index(Article)


def _fast():
    fast = getattr(_backend(), "fast", None)
    return fast() if fast is not None else None


def _clean_filters(filters: Mapping[str, Iterable[str]] | None) -> dict[str, tuple[str, ...]]:
    """Known facet fields only; values as strings, deduplicated, blanks dropped."""
    out = {}
    for name, values in (filters or {}).items():
        if name not in FACET_FIELDS:
            continue
        if isinstance(values, str):
            values = (values,)
        cleaned = tuple(dict.fromkeys(str(v).strip() for v in values if str(v).strip()))
        if cleaned:
            out[name] = cleaned
    return out


def _normalise(request: SearchRequest):
    sort = request.sort if request.sort in SORTS else "relevance"
    page = max(1, int(request.page or 1))
    per_page = min(MAX_PER_PAGE, max(1, int(request.per_page or 20)))
    parsed = parse_query(request.q)
    if parsed.is_match_all and sort == "relevance":
        sort = "newest"  # nothing to rank by: newest first
    return (
        parsed,
        _clean_filters(request.include),
        _clean_filters(request.exclude),
        sort,
        page,
        per_page,
    )


def _suggestion(q: str, corrections: dict[str, str]) -> str | None:
    if not corrections:
        return None

    def replace(match: re.Match) -> str:
        word = match.group()
        fixed = corrections.get(re.sub(r"[^a-z0-9]+", "", fold_text(word)))
        if fixed is None:
            return word
        if word.isupper() and len(word) > 1:
            return fixed.upper()
        return fixed.capitalize() if word[:1].isupper() else fixed

    suggested = re.sub(r"\w+(?:['\u2019]\w+)*", replace, q)
    return suggested if suggested != q else None


def _quoted(phrases: list[tuple[str, ...]]) -> str:
    shown = [f"“{' '.join(p)}”" for p in phrases]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def _unsearchable_note(parsed: ParsedQuery, dropped: list[tuple[tuple[str, ...], str]]) -> str:
    """Say which words could not be searched, and what that did to the search."""
    phrases = [p for p, _ in dropped]
    reasons = {why for _, why in dropped}
    reason = "too short" if reasons == {"short"} else "too common"
    if len(reasons) > 1:
        reason = "too common or too short"
    if len(phrases) == 1:
        too, pronoun = f"is {reason} a word", "it was"
    else:
        too, pronoun = f"are {reason} words", "they were"
    searched = {alt for c in parsed.required for alt in c.alternatives} - set(phrases)
    if parsed.required and not searched:
        return (
            f"{_quoted(phrases)} {too} to search for, so no article can match. "
            "Search for rarer or longer words."
        )
    return f"{_quoted(phrases)} {too} to search for; {pronoun} left out."


def _hits(ids_scores: list[tuple[int, float]], parsed: ParsedQuery) -> list[Hit]:
    keys = query_keys(parsed.positive_words())
    rows = {
        r["id"]: r
        for r in Article.objects.filter(id__in=[i for i, _ in ids_scores]).values(
            "id", "headline", "body", "caption"
        )
    }
    hits = []
    for article_id, score in ids_scores:
        row = rows.get(article_id)
        if row is None:  # deleted since it was indexed
            continue
        body = row["body"] or row["caption"]
        hits.append(Hit(article_id, score, highlight(row["headline"], keys), snippet(body, keys)))
    return hits


def _facets(raw: Mapping[str, Sequence[tuple[str, int]]]) -> dict[str, FacetCounts]:
    return {name: FacetCounts(raw[name]) for name in FACET_FIELDS if name in raw}


# --- searching -------------------------------------------------------------------------------


def search_articles(request: SearchRequest) -> SearchResponse:
    """One page of results with exact total, facet counts over all matches and a suggestion."""
    parsed, include, exclude, sort, page, per_page = _normalise(request)
    notes = list(parsed.notes)
    fast = _fast()
    if fast is not None:
        raw = fast.search(
            parsed,
            include,
            exclude,
            request.date_from,
            request.date_to,
            sort,
            offset=(page - 1) * per_page,
            limit=per_page,
            facets=request.facets,
            suggest=True,
        )
        total, ids_scores, facets = raw.total, raw.hits, raw.facets
        suggestion = _suggestion(request.q, raw.corrections)
        if raw.unsearchable:
            notes.append(_unsearchable_note(parsed, raw.unsearchable))
    else:
        total, ids_scores, facets, suggestion = _generic_search(
            parsed, include, exclude, request, sort, page, per_page
        )
    return SearchResponse(
        total=total,
        hits=_hits(ids_scores, parsed),
        facets=_facets(facets) if request.facets else {},
        suggestion=suggestion,
        notes=notes,
    )


def count_articles(request: SearchRequest) -> int:
    """How many articles match (no page, no facets: cheap enough to ask several times)."""
    parsed, include, exclude, _, _, _ = _normalise(request)
    fast = _fast()
    if fast is not None:
        return fast.count(parsed, include, exclude, request.date_from, request.date_to)
    with _reporting_outages():
        return _generic_queryset(parsed, include, exclude, request, "relevance").count()


def iter_result_ids(request: SearchRequest) -> Iterator[int]:
    """Every matching article id in sort order (for exporting the whole result set)."""
    parsed, include, exclude, sort, _, _ = _normalise(request)
    fast = _fast()
    if fast is not None:
        yield from fast.iter_ids(parsed, include, exclude, request.date_from, request.date_to, sort)
        return
    for part in _sorted_parts(_generic_queryset(parsed, include, exclude, request, sort), sort):
        with _reporting_outages():
            total = part.count()
        for start in range(0, total, 500):
            with _reporting_outages():
                chunk = [int(result.pk) for result in part[start : start + 500]]
            yield from chunk


def more_like_this(article_id: int, limit: int = 5) -> list[int]:
    """Ids of published articles most similar to this one (not including it)."""
    fast = _fast()
    if fast is not None:
        docs = list(_index().build_documents([article_id]))
        if not docs:
            return []
        return fast.more_like_this(article_id, docs[0]["text"], limit)
    try:
        article = Article.objects.get(pk=article_id)
    except Article.DoesNotExist:
        return []
    return [int(r.pk) for r in SearchQuerySet().models(Article).more_like_this(article)[:limit]]


# --- the generic haystack path (Elasticsearch, Solr; also runs on Whoosh) ---------------


def _content_sq(phrase: tuple[str, ...]) -> SQ:
    return SQ(content=Exact(" ".join(phrase)) if len(phrase) > 1 else phrase[0])


def _narrow_values(sqs: SearchQuerySet, name: str, values: tuple[str, ...]) -> str:
    # Quoted with Exact(...).prepare: unquoted narrow() values silently match nothing.
    fieldname = connections["default"].get_unified_index().get_facet_fieldname(name)
    quoted = " OR ".join(Exact(v).prepare(sqs.query) for v in values)
    return f"{fieldname}:({quoted})"


def _generic_queryset(parsed, include, exclude, request, sort) -> SearchQuerySet:
    sqs = SearchQuerySet().models(Article)
    for clause in parsed.required:
        sq = None
        for alt in clause.alternatives:
            part = _content_sq(alt)
            sq = part if sq is None else sq | part
        sqs = sqs.filter(sq)
    for phrase in parsed.excluded:
        sqs = sqs.exclude(_content_sq(phrase))
    for name, values in include.items():
        sqs = sqs.narrow(_narrow_values(sqs, name, values))
    for name, values in exclude.items():
        sqs = sqs.narrow(f"NOT {_narrow_values(sqs, name, values)}")
    if request.date_from:
        sqs = sqs.filter(published__gte=request.date_from)
    if request.date_to:
        sqs = sqs.filter(published__lte=request.date_to)
    if sort == "newest":
        sqs = sqs.order_by("-published", "-article_id")
    elif sort == "oldest":
        sqs = sqs.order_by("published", "article_id")
    return sqs


# Earlier than any article: "has a date" for engines that have no "field exists" query here.
_DATED_SINCE = date(1000, 1, 1)


def _sorted_parts(sqs: SearchQuerySet, sort: str) -> list[SearchQuerySet]:
    """The result list as consecutive parts: undated articles after the dated ones.

    Engines differ on where documents without a date go (Solr: first when ascending,
    Whoosh: first when descending, Elasticsearch: last), and an archive can hold tens of
    thousands of undated articles, which would fill the first pages.
    """
    if sort not in ("newest", "oldest"):
        return [sqs]
    return [sqs.filter(published__gte=_DATED_SINCE), sqs.exclude(published__gte=_DATED_SINCE)]


def _slice_parts(parts: list[SearchQuerySet], start: int, stop: int) -> list:
    if len(parts) == 1:
        return list(parts[0][start:stop])
    out: list = []
    for n, part in enumerate(parts):
        if start >= stop:
            break
        size = part.count() if n < len(parts) - 1 else stop
        if start < size:
            chunk = list(part[start : min(size, stop)])
            out += chunk
            stop -= start + len(chunk)
            start = 0
        else:
            start, stop = start - size, stop - size
    return out


@contextmanager
def _failing_loudly(backend):
    """Let the engine's errors raise for the requests made inside.

    haystack's backends default to SILENTLY_FAIL: a cluster that is down or rejects a
    request logs and answers with nothing, so a read shows "no articles match" and a write
    is lost while the index queue believes it done.
    """
    silent = getattr(backend, "silently_fail", False)
    backend.silently_fail = False
    try:
        yield
    finally:
        backend.silently_fail = silent


@contextmanager
def _reporting_outages():
    """Raise SearchUnavailable when the engine fails, instead of haystack's empty answer."""
    try:
        with _failing_loudly(_backend()):
            yield
    except SearchUnavailable:
        raise
    except Exception as exc:
        logger.exception("search backend failed")
        raise SearchUnavailable(SEARCH_UNAVAILABLE) from exc


def _facet_options() -> dict:
    """Facet options in the dialect of the configured backend.

    haystack copies them into the engine's request as they are: Elasticsearch 7 rejects
    a terms aggregation with Solr's `limit`, so each Newsroom backend says what it takes
    (articles.search_backends); a backend that does not gets haystack's defaults.
    """
    return dict(getattr(_backend(), "facet_options", None) or {})


def _with_facets(sqs: SearchQuerySet, names: Iterable[str]) -> SearchQuerySet:
    options = _facet_options()
    for name in names:
        sqs = sqs.facet(name, **options)
    return sqs


def _facet_pairs(sqs: SearchQuerySet, names: Iterable[str]) -> dict[str, list[tuple[str, int]]]:
    raw = (sqs.facet_counts() or {}).get("fields", {})
    out = {}
    for name in names:
        counts = raw.get(f"{name}_exact") or raw.get(name) or []
        pairs = [(str(v), int(c)) for v, c in counts if c and v not in (None, "")]
        out[name] = sorted(pairs, key=lambda p: (-p[1], p[0]))
    return out


def _generic_search(parsed, include, exclude, request, sort, page, per_page):
    with _reporting_outages():
        return _generic_search_unguarded(parsed, include, exclude, request, sort, page, per_page)


def _generic_search_unguarded(parsed, include, exclude, request, sort, page, per_page):
    unfaceted = _generic_queryset(parsed, include, exclude, request, sort)
    # Fields with a selection are counted without it (disjunctive facets, as on the fast
    # path): one more request for each, with the other filters and the words kept.
    plain = [name for name in FACET_FIELDS if name not in include]
    sqs = _with_facets(unfaceted, plain) if request.facets else unfaceted
    # Ranked by relevance, the page, total and facets come from one request.
    parts = _sorted_parts(unfaceted, sort) if sort in ("newest", "oldest") else [sqs]
    start = (page - 1) * per_page
    results = _slice_parts(parts, start, start + per_page)
    total = sqs.count()
    ids_scores = [
        (int(r.pk), float(r.score) if isinstance(r.score, (int, float)) else 0.0) for r in results
    ]
    facets: dict[str, list[tuple[str, int]]] = {}
    if request.facets:
        facets = _facet_pairs(sqs, plain)
        for name in include:
            others = {k: v for k, v in include.items() if k != name}
            scope = _generic_queryset(parsed, others, exclude, request, "relevance")
            facets.update(_facet_pairs(_with_facets(scope, [name]), [name]))
        facets = {name: facets[name] for name in FACET_FIELDS if name in facets}
    suggestion = None
    if parsed.required and total <= 3:
        # haystack returns None whenever there are zero hits (haystack #644); only
        # engines that compute it independently of hits give anything here.
        try:
            suggestion = sqs.spelling_suggestion(" ".join(parsed.positive_words()))
        except Exception:
            suggestion = None
        if suggestion and suggestion.strip().lower() == " ".join(parsed.positive_words()):
            suggestion = None
    return total, ids_scores, facets, suggestion


# --- indexing --------------------------------------------------------------------------------


def index_articles(article_ids: Iterable[int]) -> None:
    """(Re)index these articles; unpublished or deleted ones are removed from the index.

    Waits for the index's writer lock (bounded; raises IndexLockedError with advice after
    NEWSROOM_SEARCH_LOCK_TIMEOUT seconds) instead of failing silently.
    """
    ids = sorted({int(i) for i in article_ids})
    if not ids:
        return
    backend = _backend()
    if hasattr(backend, "index_ids"):
        backend.index_ids(_index(), ids)
        return
    index = _index()
    objects = list(Article.objects.filter(id__in=ids, is_published=True))
    with _failing_loudly(backend):  # a failed write raises, so the index queue retries it
        if objects:
            backend.update(index, objects)
        for article_id in set(ids) - {o.pk for o in objects}:
            backend.remove(f"articles.article.{article_id}")


def remove_articles(article_ids: Iterable[int]) -> None:
    ids = sorted({int(i) for i in article_ids})
    backend = _backend()
    if hasattr(backend, "remove_ids"):
        backend.remove_ids(ids)
        return
    with _failing_loudly(backend):
        for article_id in ids:
            backend.remove(f"articles.article.{article_id}")


def rebuild_index(progress: Callable[[int], None] | None = None) -> int:
    """Build a complete new index and switch to it; returns the number of articles indexed.

    On Whoosh the live index keeps answering during the build (new folder, atomic swap).
    Other engines are re-indexed in place with bulk-built documents.
    """
    backend = _backend()
    index = _index()
    if hasattr(backend, "rebuild"):
        return backend.rebuild(index, progress=progress)
    count = 0
    ids = list(index.index_queryset().order_by("id").values_list("id", flat=True))
    with _failing_loudly(backend):  # a rebuild that cannot write says so
        for start in range(0, len(ids), 1000):
            objects = list(Article.objects.filter(id__in=ids[start : start + 1000]))
            backend.update(index, objects)
            count += len(objects)
            if progress:
                progress(len(objects))
        stale = set(_generic_versions()) - set(ids)
        for article_id in stale:
            backend.remove(f"articles.article.{article_id}")
    return count


def indexed_versions() -> dict[int, datetime]:
    """Article id -> the updated_at stored in the index (for check_index)."""
    fast = _fast()
    if fast is not None:
        return fast.indexed_versions()
    return _generic_versions()


def _generic_versions() -> dict[int, datetime]:
    sqs = SearchQuerySet().models(Article)
    total = sqs.count()
    out = {}
    for start in range(0, total, 1000):
        for article_id, updated in sqs.values_list("article_id", "updated_at")[
            start : start + 1000
        ]:
            out[int(article_id)] = updated
    return out


def clear_index() -> None:
    _backend().clear()


def warm_up() -> None:
    """Open the index and fill this process's caches before it serves its first reader.

    gunicorn calls this in each new worker (newsroom/gunicorn_conf.py), so the first search
    after a start or a worker recycle does not pay for opening the index. Never raises: a
    worker with a cold cache is better than no worker.
    """
    import logging

    try:
        search_articles(SearchRequest())
        # A word no article has builds the "did you mean" table now, not for a reader.
        search_articles(SearchRequest(q="newsroomwarmupword", facets=False))
    except Exception:  # noqa: BLE001 - the index may not exist yet on a fresh install
        logging.getLogger(__name__).warning("search warm-up failed", exc_info=True)


_health_probe = threading.local()


def check_health() -> None:
    """Raise if the search engine cannot answer one cheap query (for /healthz).

    The site's own backend runs with SILENTLY_FAIL (a search outage shows an empty result
    page, not a 500), which would make every probe look healthy; so the probe has its own
    backend instance that raises.
    """
    engine = connections["default"]
    options = {**engine.options, "SILENTLY_FAIL": False}
    key = repr(sorted(options.items()))
    if getattr(_health_probe, "key", None) != key:
        _health_probe.backend = engine.backend(engine.using, **options)
        _health_probe.key = key
    result = _health_probe.backend.search("newsroomhealthprobe", end_offset=1)
    if not isinstance(result, dict) or "hits" not in result:
        raise RuntimeError(f"unexpected answer from the search backend: {result!r}")


def probe_index() -> int:
    """How many articles the index holds, read without creating or changing anything.

    For /healthz. Searching sets a missing Whoosh index up as a new empty one (which would
    hide a lost index behind a 200), so a Whoosh index is opened read-only here and a missing
    one raises FileNotFoundError. Other engines answer one match-all query through the
    probe backend of check_health(), which raises instead of failing silently.
    """
    location = getattr(_backend(), "location", None)
    if location is None:
        check_health()
        result = _health_probe.backend.search("*:*", end_offset=1)
        return int(result.get("hits") or 0)
    from whoosh.filedb.filestore import FileStorage
    from whoosh.index import EmptyIndexError

    for attempt in range(5):
        name = location.current_name()
        folder = location.root / name if name else None
        if folder is None or not folder.is_dir():
            raise FileNotFoundError(f"no search index at {location.root}")
        try:
            ix = FileStorage(str(folder), readonly=True).open_index()
        except EmptyIndexError:
            raise FileNotFoundError(f"no search index in {folder}") from None
        except FileNotFoundError as exc:  # a commit replaced the table of contents as we read
            if attempt == 4:
                raise RuntimeError(f"the search index in {folder} kept changing") from exc
            continue
        try:
            return ix.doc_count()
        finally:
            ix.close()
    raise AssertionError("unreachable")
