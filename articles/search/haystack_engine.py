"""The engine for any haystack backend (Elasticsearch 7, Solr), driven through SearchQuerySet.

It also runs on Whoosh, which is how the tests check it without a cluster. Queries arrive
parsed and prepared (articles.search.query, .prepare) and are sent as one Lucene query string
(articles.search.lucene); filter values are quoted with ``Exact(...).prepare`` (unquoted
``narrow()`` values silently match nothing).

haystack's backends default to SILENTLY_FAIL: a cluster that is down answers "no articles"
and loses writes. Every call here lets the engine's errors raise (reads become
SearchUnavailable, writes raise so the index queue retries them).
"""

from __future__ import annotations

import abc
import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, datetime

from haystack.inputs import Exact, Raw
from haystack.query import SearchQuerySet

from ..models import Article
from .engine import QueryNotSupported, SearchEngine
from .lucene import to_lucene
from .periods import UNITS, filled, timeline_span
from .types import (
    SEARCH_UNAVAILABLE,
    EngineQuery,
    EngineResult,
    FacetLimits,
    SearchUnavailable,
    Timeline,
)
from .vocabulary import DATES_INFERRED, FILTER_FIELDS

logger = logging.getLogger(__name__)

# Earlier than any article: "has a date" for engines that have no "field exists" query here.
_DATED_SINCE = date(1000, 1, 1)
_health_probe = threading.local()


class ListsWordForms(abc.ABC):
    """Mixed into a haystack backend that can list the indexed words beginning with a prefix
    (SearchEngine.word_forms; Solr: its TermsComponent)."""

    @abc.abstractmethod
    def word_forms(self, fieldname: str, prefix: str, limit: int) -> tuple[list[str], int]:
        """As SearchEngine.word_forms."""


class HaystackSearchEngine(SearchEngine):
    # --- reading ------------------------------------------------------------------------
    def search(
        self,
        query,
        *,
        sort,
        offset,
        limit,
        facets,
        suggest,
        timeline="",
        facets_within=(),
        facet_limits: FacetLimits | None = None,
    ) -> EngineResult:
        with self._reporting_outages():
            result = self._search(
                query, sort, offset, limit, facets, suggest, facets_within, facet_limits
            )
            if timeline:
                matches = self._queryset(query, "relevance")
                result.timeline = self._timeline(matches, query, timeline)
            return result

    def count(self, query: EngineQuery) -> int:
        with self._reporting_outages():
            return self._queryset(query, "relevance").count()

    def iter_ids(self, query: EngineQuery, sort: str) -> Iterator[int]:
        for part in _sorted_parts(self._queryset(query, sort), sort):
            with self._reporting_outages():
                total = part.count()
            for start in range(0, total, 500):
                with self._reporting_outages():
                    chunk = [int(result.pk) for result in part[start : start + 500]]
                yield from chunk

    def word_forms(self, fieldname: str, prefix: str, limit: int) -> tuple[list[str], int]:
        backend = self.backend
        if not isinstance(backend, ListsWordForms):
            raise QueryNotSupported("prefix search (word*) is not available on this search engine")
        with self._reporting_outages():
            return backend.word_forms(fieldname, prefix, limit)

    def more_like_this(self, article_id: int, limit: int) -> list[int]:
        try:
            article = Article.objects.get(pk=article_id)
        except Article.DoesNotExist:
            return []
        return [int(r.pk) for r in SearchQuerySet().models(Article).more_like_this(article)[:limit]]

    def indexed_versions(self) -> dict[int, datetime]:
        sqs = SearchQuerySet().models(Article)
        total = sqs.count()
        out = {}
        for start in range(0, total, 1000):
            page = sqs.values_list("article_id", "updated_at")[start : start + 1000]
            for article_id, updated in page:
                out[int(article_id)] = updated
        return out

    def indexed_facets(self, article_ids: Iterable[int]) -> dict[int, dict[str, frozenset[str]]]:
        ids = [int(i) for i in article_ids]
        out = {}
        for start in range(0, len(ids), 500):
            sqs = SearchQuerySet().models(Article).filter(article_id__in=ids[start : start + 500])
            with self._reporting_outages():
                rows = list(sqs.values_list("article_id", *FILTER_FIELDS)[:500])
            for article_id, *values in rows:
                out[int(article_id)] = {
                    name: frozenset(_as_list(value))
                    for name, value in zip(FILTER_FIELDS, values, strict=True)
                }
        return out

    def probe_count(self) -> int:
        """One match-all query through a backend of its own that raises instead of failing
        silently (the site's backend runs with SILENTLY_FAIL, so a probe through it would
        always look healthy)."""
        options = {**self.connection.options, "SILENTLY_FAIL": False}
        key = repr(sorted(options.items()))
        if getattr(_health_probe, "key", None) != key:
            _health_probe.backend = self.connection.backend(self.connection.using, **options)
            _health_probe.key = key
        result = _health_probe.backend.search("*:*", end_offset=1)
        if not isinstance(result, dict) or "hits" not in result:
            raise RuntimeError(f"unexpected answer from the search backend: {result!r}")
        return int(result.get("hits") or 0)

    # --- writing ------------------------------------------------------------------------
    def index(self, article_ids: Iterable[int]) -> None:
        ids = sorted({int(i) for i in article_ids})
        objects = list(Article.objects.filter(id__in=ids, is_published=True))
        with self._failing_loudly():
            if objects:
                self.backend.update(self.article_index, objects)
            for article_id in set(ids) - {o.pk for o in objects}:
                self.backend.remove(f"articles.article.{article_id}")

    def remove(self, article_ids: Iterable[int]) -> None:
        with self._failing_loudly():
            for article_id in sorted({int(i) for i in article_ids}):
                self.backend.remove(f"articles.article.{article_id}")

    def rebuild(self, progress: Callable[[int], None] | None = None, processes: int = 1) -> int:
        """Re-index in place with bulk-built documents, then drop what is no longer published.

        One process: the cluster does the indexing work, not this machine."""
        index = self.article_index
        ids = list(index.index_queryset().order_by("id").values_list("id", flat=True))
        count = 0
        with self._failing_loudly():  # a rebuild that cannot write says so
            for start in range(0, len(ids), 1000):
                objects = list(Article.objects.filter(id__in=ids[start : start + 1000]))
                self.backend.update(index, objects)
                count += len(objects)
                if progress:
                    progress(len(objects))
            for article_id in set(self.indexed_versions()) - set(ids):
                self.backend.remove(f"articles.article.{article_id}")
        return count

    def clear(self) -> None:
        self.backend.clear()

    # --- building queries -------------------------------------------------------------------
    def _queryset(self, query: EngineQuery, sort: str) -> SearchQuerySet:
        sqs = SearchQuerySet().models(Article)
        if query.parsed.root is not None:
            text = to_lucene(
                query.parsed.root,
                match_all=sqs.query.matching_all_fragment(),
                value=lambda name, slug: self._narrow_values(sqs, name, (slug,)),
            )
            sqs = sqs.filter(content=Raw(text))
        for name, values in query.include.items():
            sqs = sqs.narrow(self._narrow_values(sqs, name, values))
        for name, values in query.exclude.items():
            sqs = sqs.narrow(f"NOT {self._narrow_values(sqs, name, values)}")
        for name, values in query.require.items():
            for value in values:
                sqs = sqs.narrow(self._narrow_values(sqs, name, (value,)))
        if query.date_from:
            sqs = sqs.filter(published__gte=query.date_from)
        if query.date_to:
            sqs = sqs.filter(published__lte=query.date_to)
        if sort == "newest":
            sqs = sqs.order_by("-published", "-article_id")
        elif sort == "oldest":
            sqs = sqs.order_by("published", "article_id")
        return sqs

    def _narrow_values(self, sqs: SearchQuerySet, name: str, values: tuple[str, ...]) -> str:
        fieldname = self.connection.get_unified_index().get_facet_fieldname(name)
        quoted = " OR ".join(Exact(v).prepare(sqs.query) for v in values)
        return f"{fieldname}:({quoted})"

    def _with_facets(self, sqs: SearchQuerySet, names: Iterable[str]) -> SearchQuerySet:
        # haystack copies the options into the engine's request as they are: Elasticsearch 7
        # rejects a terms aggregation with Solr's `limit`, so each backend says what it takes.
        options = dict(getattr(self.backend, "facet_options", None) or {})
        for name in names:
            sqs = sqs.facet(name, **options)
        return sqs

    def _search(
        self,
        query: EngineQuery,
        sort,
        offset,
        limit,
        facets,
        suggest,
        facets_within=(),
        facet_limits: FacetLimits | None = None,
    ) -> EngineResult:
        unfaceted = self._queryset(query, sort)
        # Fields with a selection are counted without it (disjunctive facets): one more
        # request for each, with the other filters and the words kept. Those also asked
        # for within the selection are counted in the main request, with everything applied.
        # haystack's backends count every value: FacetLimits trims them.
        fields = facet_limits.fields if facet_limits else FILTER_FIELDS
        plain = [name for name in fields if name not in query.include]
        within = [name for name in facets_within if name in query.include]
        sqs = self._with_facets(unfaceted, plain + within) if facets else unfaceted
        # Ranked by relevance, the page, total and facets come from one request.
        parts = _sorted_parts(unfaceted, sort) if sort in ("newest", "oldest") else [sqs]
        results = _slice_parts(parts, offset, offset + limit) if limit > 0 else []
        total = sqs.count()
        hits = [
            (int(r.pk), float(r.score) if isinstance(r.score, (int, float)) else 0.0)
            for r in results
        ]
        counts: dict[str, list[tuple[str, int]]] = {}
        if facets:
            counts = _facet_pairs(sqs, plain)
            for name in query.include:
                if name not in fields:
                    continue
                others = {k: v for k, v in query.include.items() if k != name}
                scope = self._queryset(replace(query, include=others), "relevance")
                counts.update(_facet_pairs(self._with_facets(scope, [name]), [name]))
            counts = {name: counts[name] for name in FILTER_FIELDS if name in counts}
        suggestion = self._suggestion(sqs, query, total) if suggest else None
        result = EngineResult(total, hits, counts, suggestion=suggestion)
        if facets and within:
            result.facets_within = _facet_pairs(sqs, within)
        if facet_limits:
            result.facets = {n: facet_limits.trim(n, c) for n, c in result.facets.items()}
            result.facets_within = {
                n: facet_limits.trim(n, c) for n, c in result.facets_within.items()
            }
        return result

    def _timeline(self, sqs: SearchQuerySet, query: EngineQuery, unit: str) -> Timeline:
        """Matches per period with the backend's date facet over the span of the matches
        (its first and last dates asked first: "auto" needs the span to choose a unit)."""
        dated = sqs.filter(published__gte=_DATED_SINCE)
        undated = 0
        if not (query.date_from or query.date_to):  # a date filter leaves undated ones out
            undated = sqs.exclude(published__gte=_DATED_SINCE).count()
        first, last = (
            _as_date(
                next(iter(dated.order_by(order).values_list("published", flat=True)[:1]), None)
            )
            for order in ("published", "-published")
        )
        if first is None or last is None:
            return Timeline(unit if unit in UNITS else "year", (), undated)
        unit, start, end = timeline_span(first, last, unit, query.date_from, query.date_to)

        def per_period(part: SearchQuerySet) -> list[tuple[date, int]]:
            faceted = part.date_facet("published", start_date=start, end_date=end, gap_by=unit)
            found = faceted.facet_counts() or {}
            # Solr's range facets come back as "ranges", the other backends' as "dates".
            raw = (found.get("dates") or found.get("ranges") or {}).get("published") or []
            return [(day, count) for day, count in _date_buckets(raw) if day is not None]

        periods = tuple(filled(per_period(dated), unit))
        # What the dates filter already settles is not asked (haystack's Whoosh backend takes
        # two narrowings that leave nothing for no narrowing at all).
        settled = query.inferred_settled()
        if settled is not None:
            counts = tuple(count if settled else 0 for _, count in periods)
            return Timeline(unit, periods, undated, counts)
        narrowed = dated.narrow(self._narrow_values(dated, "dates", (DATES_INFERRED,)))
        inferred = dict(filled(per_period(narrowed), unit))
        guessed = tuple(inferred.get(start, 0) for start, _ in periods)
        return Timeline(unit, periods, undated, guessed)

    @staticmethod
    def _suggestion(sqs: SearchQuerySet, query: EngineQuery, total: int) -> str | None:
        words = " ".join(query.parsed.positive_words())
        if not query.parsed.ranks or total > 3:
            return None
        # haystack returns None whenever there are zero hits (haystack #644); only engines
        # that compute it independently of hits give anything here.
        try:
            suggestion = sqs.spelling_suggestion(words)
        except Exception:
            return None
        if suggestion and suggestion.strip().lower() == words:
            return None
        return suggestion

    @contextmanager
    def _failing_loudly(self):
        """Let the engine's errors raise for the requests made inside (no SILENTLY_FAIL)."""
        backend = self.backend
        silent = getattr(backend, "silently_fail", False)
        backend.silently_fail = False
        try:
            yield
        finally:
            backend.silently_fail = silent

    @contextmanager
    def _reporting_outages(self):
        """Raise SearchUnavailable when the engine fails, instead of haystack's empty answer."""
        try:
            with self._failing_loudly():
                yield
        except SearchUnavailable:
            raise
        except Exception as exc:
            logger.exception("search backend failed")
            raise SearchUnavailable(SEARCH_UNAVAILABLE) from exc


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


def _as_date(value) -> date | None:
    """A date facet key or stored value as a date: datetime, date or ISO text."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and len(value) >= 10:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _date_buckets(raw) -> Iterator[tuple[date | None, int]]:
    """(period start, count) from a backend's date facet: pairs keyed by a datetime
    (Elasticsearch), a (start, end) tuple (Whoosh) or ISO text (Solr, as a mapping with
    "gap", "start" and "end" entries too); the None bucket (outside the range) dropped."""
    items = raw.items() if isinstance(raw, dict) else raw
    for key, count in items:
        if isinstance(key, tuple):
            key = key[0] if key else None
        if not isinstance(count, int):
            continue
        yield _as_date(key), count


def _facet_pairs(sqs: SearchQuerySet, names: Iterable[str]) -> dict[str, list[tuple[str, int]]]:
    raw = (sqs.facet_counts() or {}).get("fields", {})
    out = {}
    for name in names:
        counts = raw.get(f"{name}_exact") or raw.get(name) or []
        pairs = [(str(v), int(c)) for v, c in counts if c and v not in (None, "")]
        out[name] = sorted(pairs, key=lambda p: (-p[1], p[0]))
    return out


def _as_list(value) -> list[str]:
    """A stored multi-valued field as the backend returns it: a list, one value or nothing."""
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, (list, tuple)) else [str(value)]
