"""The engine interface: what the search service (articles.search.service) asks of an engine.

Two implementations, each declared by the haystack engine it rides on
(``NewsroomEngineMixin.search_engine``), never discovered by probing a backend:

- ``articles.search.whoosh.engine.WhooshSearchEngine``: the embedded default, answering from
  per-segment numpy arrays in a long-lived searcher;
- ``articles.search.haystack_engine.HaystackSearchEngine``: any haystack backend, driven
  through SearchQuerySet (it also runs on Whoosh, which the tests use to check it);
  ``articles.search.solr.engine.SolrSearchEngine`` extends it for SolrCloud.

Queries arrive parsed (articles.search.query) and prepared (articles.search.prepare: words
the index cannot hold left out, prefixes expanded to word forms), and filters cleaned
against the vocabulary, so no engine's own query parser ever sees a reader's input.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime

from ..models import Article
from .types import EngineQuery, EngineResult, FacetLimits

# word_forms: a prefix of the most common letters has tens of thousands of forms; counting
# them all would cost more than any search. More than this many are reported as "more than".
MAX_SCANNED = 20_000


class QueryNotSupported(Exception):
    """This engine cannot search a part of the query (the reader is told; the query is never
    searched without it)."""


class SearchEngine(abc.ABC):
    """One search engine behind one haystack connection."""

    def __init__(self, connection):
        self.connection = connection  # the haystack engine (connections["default"])

    @property
    def backend(self):
        return self.connection.get_backend()

    @property
    def article_index(self):
        return self.connection.get_unified_index().get_index(Article)

    # --- reading ------------------------------------------------------------------------
    @abc.abstractmethod
    def search(
        self,
        query: EngineQuery,
        *,
        sort: str,
        offset: int,
        limit: int,
        facets: bool,
        suggest: bool,
        timeline: str = "",
        facets_within: tuple[str, ...] = (),
        facet_limits: FacetLimits | None = None,
    ) -> EngineResult:
        """One page of (article id, score), the exact total, and facet counts over all
        matches (a field with a selection counted without it: disjunctive facets).

        ``timeline`` ("auto", "day", "month" or "year"; "" for none) also counts every
        match per period (``EngineResult.timeline``): "auto" draws the span in the unit
        ``articles.search.periods.choose_unit`` picks, periods as that module cuts them,
        undated matches counted apart. ``limit=0`` asks for counts only.

        ``facets_within``: fields (each with a selection) also counted over the matches
        themselves, their own selection applied (``EngineResult.facets_within``); the
        service asks only when one of them has a selection.

        ``facet_limits``: count only what a page shows (types.FacetLimits): the fields named,
        each as a FacetCounts of its most frequent values, the number of distinct values and
        the counts of the values asked for by name. None: every value of every field, as
        (value, count) pairs. An engine that counts every value anyway trims
        (``FacetLimits.trim``); one that sends values over a network asks for no more.
        """

    @abc.abstractmethod
    def count(self, query: EngineQuery) -> int:
        """How many articles match: no page, no facets."""

    @abc.abstractmethod
    def iter_ids(self, query: EngineQuery, sort: str) -> Iterator[int]:
        """Every matching article id in sort order; undated articles after dated ones."""

    @abc.abstractmethod
    def word_forms(self, fieldname: str, prefix: str, limit: int) -> tuple[list[str], int]:
        """The ``limit`` most frequent indexed words of ``fieldname`` (an unstemmed field of
        ``vocabulary.TEXT_FIELDS``) that begin with ``prefix``, most documents first, and
        how many such words there are (for ``prefix*``); QueryNotSupported if the engine
        cannot list them."""

    @abc.abstractmethod
    def more_like_this(self, article_id: int, limit: int) -> list[int]:
        """Ids of published articles most like this one, not including it."""

    @abc.abstractmethod
    def indexed_versions(self) -> dict[int, datetime]:
        """Article id -> the updated_at stored in the index (for check_index)."""

    @abc.abstractmethod
    def indexed_facets(self, article_ids: Iterable[int]) -> dict[int, dict[str, frozenset[str]]]:
        """Article id -> filter field -> the values the index holds for it, for the articles
        among ``article_ids`` that it holds (for check_index)."""

    @abc.abstractmethod
    def probe_count(self) -> int:
        """How many articles the index holds, read without creating or changing anything;
        FileNotFoundError when there is no index at all (for /healthz)."""

    # --- writing ------------------------------------------------------------------------
    @abc.abstractmethod
    def index(self, article_ids: Iterable[int]) -> None:
        """(Re)index these articles; the unpublished or deleted among them are removed.
        A failed write raises, so the index queue retries it."""

    @abc.abstractmethod
    def remove(self, article_ids: Iterable[int]) -> None:
        """Take these articles out of the index."""

    @abc.abstractmethod
    def rebuild(self, progress: Callable[[int], None] | None = None, processes: int = 1) -> int:
        """Index every published article anew; returns how many were indexed.

        ``processes``: how many processes may index in parallel, where the engine can
        (the embedded Whoosh engine); a cluster indexes on its own machines."""

    @abc.abstractmethod
    def clear(self) -> None:
        """Empty the index."""


class DeclaresSearchEngine:
    """Mixed into a haystack engine class to name the SearchEngine that drives it:

    class NewsroomWhooshEngine(DeclaresSearchEngine, WhooshEngine):
        backend = NewsroomWhooshSearchBackend
        search_engine_class = WhooshSearchEngine
    """

    search_engine_class: type[SearchEngine]

    def search_engine(self) -> SearchEngine:
        # haystack keeps one engine object per connection and thread: so is this.
        engine = self.__dict__.get("_newsroom_search_engine")
        if engine is None:
            engine = self._newsroom_search_engine = self.search_engine_class(self)
        return engine
