"""The embedded engine: Newsroom's SearchEngine on a Whoosh index in the data folder.

Reads go to the fast query side (articles.search.whoosh.fast) over this process's
long-lived searcher; writes go through the haystack backend
(articles.search.whoosh.backend), which builds documents in bulk, waits a bounded time
for the one writer lock and swaps whole generations on rebuild.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime

from whoosh.filedb.filestore import FileStorage
from whoosh.index import EmptyIndexError

from ..engine import SearchEngine
from ..types import EngineQuery, EngineResult
from .fast import FastSearch


class WhooshSearchEngine(SearchEngine):
    @property
    def fast(self) -> FastSearch:
        return self.backend.fast()

    # --- reading ------------------------------------------------------------------------
    def search(self, query, **options) -> EngineResult:
        return self.fast.search(query, **options)

    def count(self, query: EngineQuery) -> int:
        return self.fast.count(query)

    def iter_ids(self, query: EngineQuery, sort: str) -> Iterator[int]:
        return self.fast.iter_ids(query, sort)

    def word_forms(self, fieldname: str, prefix: str, limit: int) -> tuple[list[str], int]:
        return self.fast.word_forms(fieldname, prefix, limit)

    def more_like_this(self, article_id: int, limit: int) -> list[int]:
        docs = list(self.article_index.build_documents([article_id]))
        if not docs:
            return []
        return self.fast.more_like_this(article_id, docs[0]["text"], limit)

    def indexed_versions(self) -> dict[int, datetime]:
        return self.fast.indexed_versions()

    def indexed_facets(self, article_ids: Iterable[int]) -> dict[int, dict[str, frozenset[str]]]:
        return self.fast.indexed_facets(article_ids)

    def probe_count(self) -> int:
        """Opened read-only: searching would set a missing index up as a new empty one,
        which would hide a lost index behind a 200 on /healthz.

        Opened with this code's schema, as searches open it: without one Whoosh unpickles
        the schema stored in the index, whose analyzers are named by the module path that
        wrote it (an index written before a module moved fails with ModuleNotFoundError)."""
        location = self.backend.location
        schema = self.backend.code_schema()
        for attempt in range(5):
            name = location.current_name()
            folder = location.root / name if name else None
            if folder is None or not folder.is_dir():
                raise FileNotFoundError(f"no search index at {location.root}")
            try:
                ix = FileStorage(str(folder), readonly=True).open_index(schema=schema)
            except EmptyIndexError:
                raise FileNotFoundError(f"no search index in {folder}") from None
            except FileNotFoundError as exc:  # a commit replaced the table of contents
                if attempt == 4:
                    raise RuntimeError(f"the search index in {folder} kept changing") from exc
                continue
            try:
                return ix.doc_count()
            finally:
                ix.close()
        raise AssertionError("unreachable")

    # --- writing ------------------------------------------------------------------------
    def index(self, article_ids: Iterable[int]) -> None:
        self.backend.index_ids(self.article_index, article_ids)

    def remove(self, article_ids: Iterable[int]) -> None:
        self.backend.remove_ids(article_ids)

    def rebuild(self, progress: Callable[[int], None] | None = None, processes: int = 1) -> int:
        """A complete new generation beside the live one, swapped in when done: the live
        index keeps answering during the build."""
        return self.backend.rebuild(self.article_index, progress=progress, procs=processes)

    def clear(self) -> None:
        self.backend.clear()
