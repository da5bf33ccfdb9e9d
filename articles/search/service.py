"""Searching and indexing articles: the one module the rest of the app calls for search.

Requests are normalised here (known filter fields and sorts, bounded pages), the query parsed
by articles.search.query (never by an engine's parser, so odd input cannot raise) and
prepared for every engine alike (articles.search.prepare), and the configured engine
(articles.search.engine) answers. Headlines and snippets are highlighted
here from the database (articles.search.highlight), so escaping is the same on every engine,
and so are stories collapsed (``SearchRequest.collapse_stories``: one result per story, read
from ``Article.story``, never from an engine).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime

from haystack import connections

from ..extraction.names import fold_text
from ..models import Article
from .collapsing import hit_stories, story_articles
from .engine import DeclaresSearchEngine, SearchEngine
from .haystack_engine import HaystackSearchEngine
from .highlight import highlight, query_marks, snippet
from .prepare import prepare
from .query import ParsedQuery, QueryError, parse_query, relaxations, to_query
from .types import (
    EngineQuery,
    FacetCounts,
    FacetLimits,
    Hit,
    SearchRequest,
    SearchResponse,
    Timeline,
    as_facet_counts,
)
from .vocabulary import FILTER_FIELDS, MAX_PER_PAGE, PER_PAGE, SORTS

logger = logging.getLogger(__name__)


def current_engine() -> SearchEngine:
    """The engine of the configured haystack connection (SEARCH_URL): the one its haystack
    engine class declares; the generic haystack engine for any other haystack backend."""
    connection = connections["default"]
    if isinstance(connection, DeclaresSearchEngine):
        return connection.search_engine()
    return HaystackSearchEngine(connection)


# --- searching -------------------------------------------------------------------------------


def search_articles(request: SearchRequest) -> SearchResponse:
    """One page of results with exact total, facet counts over all matches and a suggestion.

    A query that cannot be read or searched is not searched at all: the response says why
    (``query_error``) and finds nothing; so does one whose every word is too common."""
    if request.finds_nothing:
        return SearchResponse(total=0, hits=[], facets={})
    engine = current_engine()
    query, sort, page, per_page = _normalise(request, engine)
    parsed = query.parsed
    if parsed.error or parsed.nothing:
        return _unsearched(request, parsed)
    # A field without a selection is counted within the matches anyway.
    within = tuple(n for n in request.facets_within if n in query.include and request.facets)
    limits = _facet_limits(request, query) if request.facets else None
    offset = (page - 1) * per_page
    # Collapsed stories need the matches ranked before this page: a story one of them
    # stands for is not shown again.
    lookback = min(offset, MAX_LOOKBACK) if request.collapse_stories and per_page else 0
    result = engine.search(
        query,
        sort=sort,
        offset=offset - lookback,
        limit=per_page + lookback,
        facets=request.facets,
        suggest=per_page > 0,  # counts only: no page to suggest another search for
        timeline=request.timeline,
        **({"facets_within": within} if within else {}),
        **({"facet_limits": limits} if limits else {}),
    )
    facets, facets_within = {}, {}
    if request.facets:
        facets = {n: as_facet_counts(result.facets[n]) for n in FILTER_FIELDS if n in result.facets}
        for name in request.facets_within:
            counted = result.facets_within.get(name) if name in within else result.facets.get(name)
            facets_within[name] = as_facet_counts(counted)
    ranked, shown_earlier = result.hits[lookback:], 0
    stories, folded, members = {}, {}, {}
    if request.collapse_stories and ranked:
        ranked, stories, folded, shown_earlier, members = _collapse(result.hits, lookback)
    hits = _hits(ranked, parsed)
    for hit in hits:
        hit.story_id, hit.story_size = stories.get(hit.article_id, (None, 0))
        hit.folded = folded.get(hit.article_id, [])
    return SearchResponse(
        total=result.total,
        hits=hits,
        shown_earlier=shown_earlier,
        covered=max(0, len(result.hits) - lookback),
        facets=facets,
        suggestion=(
            parsed.suggestion or result.suggestion or _suggestion(request.q, result.corrections)
        ),
        notes=list(parsed.notes),
        timeline=result.timeline,
        facets_within=facets_within,
        story_articles=members,
    )


# Matches looked at before a page when collapsing stories (page 50 of 20 results); a story
# whose best match ranks further back is shown again.
MAX_LOOKBACK = 1000


def _collapse(hits: list[tuple[int, float]], lookback: int):
    """One hit per story among the page's hits (those after ``lookback``).

    Returns the hits kept (each the best-ranked match of its story, or of no story),
    {kept article id: (story id, the story's articles)}, {kept article id: its story's other
    matches on the page}, how many of the page's matches belong to a story a hit before
    the page stands for, and the published articles of the page's stories of several
    (articles.search.collapsing: a query each, which every engine collapses alike by).
    """
    read = hit_stories([i for i, _ in hits])
    story_of, size_of = read.story_of, read.size_of
    earlier = {story_of.get(i) for i, _ in hits[:lookback]} - {None}
    kept, stories, folded, lead = [], {}, {}, {}
    shown_earlier = 0
    for article_id, score in hits[lookback:]:
        story = story_of.get(article_id)
        if story is None:
            kept.append((article_id, score))
        elif story in earlier:
            shown_earlier += 1
        elif story in lead:
            folded.setdefault(lead[story], []).append(article_id)
        else:
            lead[story] = article_id
            stories[article_id] = (story, size_of.get(story, 0))
            kept.append((article_id, score))
    shown = {story for story, size in stories.values() if size > 1}
    return kept, stories, folded, shown_earlier, story_articles(shown)


def _facet_limits(request: SearchRequest, query: EngineQuery) -> FacetLimits | None:
    """What the request asks the engine to count (None: every value of every group): its
    groups (and those counted within the matches), the top values it names, the values it
    names and those it selects, each counted whatever its rank."""
    if request.facet_fields is None and not request.facet_top and not request.facet_values:
        return None
    named = request.facet_fields
    fields = tuple(
        n for n in FILTER_FIELDS if named is None or n in named or n in request.facets_within
    )
    asked = _clean_filters(request.facet_values)
    values = {}
    for name in fields:
        wanted = (*query.include.get(name, ()), *query.require.get(name, ()), *asked.get(name, ()))
        if wanted:
            values[name] = tuple(dict.fromkeys(wanted))
    top = {n: max(0, int(k)) for n, k in request.facet_top.items() if n in fields}
    return FacetLimits(fields, top, values)


def _unsearched(request: SearchRequest, parsed: ParsedQuery) -> SearchResponse:
    """The answer to a query that finds nothing without asking the engine."""
    return SearchResponse(
        total=0,
        hits=[],
        facets={name: FacetCounts(()) for name in FILTER_FIELDS} if request.facets else {},
        suggestion=parsed.suggestion,
        notes=list(parsed.notes),
        timeline=Timeline("year", (), 0) if request.timeline else None,
        query_error=parsed.error,
        facets_within={name: FacetCounts(()) for name in request.facets_within}
        if request.facets
        else {},
    )


def check_query(q: str) -> QueryError | None:
    """Why ``q`` cannot be read or searched, if it cannot."""
    return prepare(q, parse_query(q), current_engine()).error


def query_relaxations(q: str) -> list[tuple[str, str]]:
    """(what changes, the query written out) for each wider version of ``q``: one part
    dropped or loosened (articles.search.query.relax), for a search that found nothing."""
    parsed = parse_query(q)
    return [(text, to_query(node)) for text, node in relaxations(parsed.root)]


def count_articles(request: SearchRequest) -> int:
    """How many articles match (no page, no facets: cheap enough to ask several times)."""
    if request.finds_nothing:
        return 0
    engine = current_engine()
    query, _, _, _ = _normalise(request, engine)
    if query.parsed.error or query.parsed.nothing:
        return 0
    return engine.count(query)


def iter_result_ids(request: SearchRequest) -> Iterator[int]:
    """Every matching article id in sort order (for exporting the whole result set)."""
    if request.finds_nothing:
        return
    engine = current_engine()
    query, sort, _, _ = _normalise(request, engine)
    if query.parsed.error or query.parsed.nothing:
        return
    yield from engine.iter_ids(query, sort)


def more_like_this(article_id: int, limit: int = 5) -> list[int]:
    """Ids of published articles most similar to this one (not including it)."""
    return current_engine().more_like_this(article_id, limit)


def _normalise(request: SearchRequest, engine: SearchEngine) -> tuple[EngineQuery, str, int, int]:
    sort = request.sort if request.sort in SORTS else "relevance"
    page = max(1, int(request.page or 1))
    # 0: counts only (total, facets, timeline), no page of results to rank and highlight.
    per_page = (
        0 if request.per_page == 0 else min(MAX_PER_PAGE, max(1, int(request.per_page or PER_PAGE)))
    )
    parsed = prepare(request.q, parse_query(request.q), engine)
    if not parsed.ranks and sort == "relevance":
        sort = "newest"  # nothing to rank by: newest first
    query = EngineQuery(
        parsed,
        _clean_filters(request.include),
        _clean_filters(request.exclude),
        request.date_from,
        request.date_to,
        _clean_filters(request.require),
    )
    return query, sort, page, per_page


def _clean_filters(filters: Mapping[str, Iterable[str]] | None) -> dict[str, tuple[str, ...]]:
    """Known filter fields only; values as strings, deduplicated, blanks dropped."""
    out = {}
    for name, values in (filters or {}).items():
        if name not in FILTER_FIELDS:
            continue
        if isinstance(values, str):
            values = (values,)
        cleaned = tuple(dict.fromkeys(str(v).strip() for v in values if str(v).strip()))
        if cleaned:
            out[name] = cleaned
    return out


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


def _hits(ids_scores: list[tuple[int, float]], parsed: ParsedQuery) -> list[Hit]:
    if not ids_scores:
        return []
    headline_marks, body_marks = query_marks(parsed)
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
        hits.append(
            Hit(
                article_id,
                score,
                highlight(row["headline"], headline_marks),
                snippet(body, body_marks),
            )
        )
    return hits


# --- indexing --------------------------------------------------------------------------------


def index_articles(article_ids: Iterable[int]) -> None:
    """(Re)index these articles; unpublished or deleted ones are removed from the index.

    A failed write raises (on Whoosh, IndexLockedError with advice after
    NEWSROOM_SEARCH_LOCK_TIMEOUT seconds), so the index queue retries it.
    """
    ids = sorted({int(i) for i in article_ids})
    if ids:
        current_engine().index(ids)


def remove_articles(article_ids: Iterable[int]) -> None:
    ids = sorted({int(i) for i in article_ids})
    if ids:
        current_engine().remove(ids)


def rebuild_index(progress: Callable[[int], None] | None = None, processes: int = 1) -> int:
    """Index every published article anew; returns the number indexed.

    On Whoosh the live index keeps answering during the build (new folder, atomic swap),
    built by ``processes`` processes in parallel. Other engines are re-indexed in place
    with bulk-built documents.
    """
    return current_engine().rebuild(progress, processes)


def indexed_versions() -> dict[int, datetime]:
    """Article id -> the updated_at stored in the index (for check_index)."""
    return current_engine().indexed_versions()


def differing_values(article_ids: Iterable[int]) -> list[int]:
    """The articles among these, indexed and published, whose place, organization, person,
    outlet, section or year values in the index differ from what the database gives them:
    a change that reached the database but not the index (for check_index)."""
    engine = current_engine()
    ids = sorted({int(i) for i in article_ids})
    differ = []
    for start in range(0, len(ids), 2000):
        chunk = ids[start : start + 2000]
        indexed = engine.indexed_facets(chunk)
        for article_id, facets in engine.article_index.build_facets(chunk):
            held = indexed.get(article_id)
            if held is not None and any(set(v) != held[f] for f, v in facets.items()):
                differ.append(article_id)
    return differ


def clear_index() -> None:
    current_engine().clear()


def probe_index() -> int:
    """How many articles the index holds, read without creating or changing anything
    (for /healthz); FileNotFoundError when there is no index."""
    return current_engine().probe_count()


def warm_up() -> None:
    """Open the index and fill this process's caches before it serves its first reader.

    gunicorn calls this in each new worker (newsroom/gunicorn_conf.py), so the first search
    after a start or a worker recycle does not pay for opening the index. Never raises: a
    worker with a cold cache is better than no worker.
    """
    try:
        search_articles(SearchRequest())
        # A word no article has builds the "did you mean" table now, not for a reader.
        search_articles(SearchRequest(q="newsroomwarmupword", facets=False))
    except Exception:  # noqa: BLE001 - the index may not exist yet on a fresh install
        logger.warning("search warm-up failed", exc_info=True)
