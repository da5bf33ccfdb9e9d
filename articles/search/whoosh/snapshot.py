"""One committed state of the Whoosh index as numpy arrays, and the per-process searcher.

`LiveSearcher` keeps one long-lived searcher per process, reopened only when the generation
or the index's commit changes. Per segment a `Snapshot` keeps numpy arrays (article id,
publication day, text length for BM25, facet doc → value lists), read once per segment and
reused across commits, so filters, totals, facets and date sorts are numpy operations.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np
from whoosh.reading import TermNotFound

from ..vocabulary import FILTER_FIELDS
from .facets import FacetColumn, TopCounts
from .generations import IndexLocation
from .segment_arrays import NO_DATE, SegmentArrays, load_segment, numeric_column
from .segment_arrays import leaf_postings as _leaf_postings
from .storage import MappedFileStorage

__all__ = [
    "NO_DATE",
    "FacetColumn",
    "LiveSearcher",
    "Snapshot",
    "TopCounts",
    "numeric_column",
]

# Whoosh's BM25F defaults, so scores rank as Whoosh would rank them.
BM25_B, BM25_K1 = 0.75, 1.2
# Decoded posting lists kept per snapshot: common words repeat across searches.
POSTINGS_CACHE_BYTES = 32 * 2**20


class Snapshot:
    """Everything a query needs from one committed state of the index."""

    def __init__(self, ix, schema, segment_cache: dict):
        self.ix = ix
        # The schema given at open time: `ix.schema` re-reads the newest TOC file, which a
        # concurrent writer's commit may delete between listing and opening it.
        self.schema = schema
        self.searcher = ix.searcher()
        leaves = self.searcher.leaf_searchers()
        self.n = self.searcher.doc_count_all()
        folder = ix.storage.folder
        parts: list[tuple[SegmentArrays, int]] = []
        self.leaves = []  # (segment reader, offset, its arrays), as the searcher has them
        live = np.ones(self.n, dtype=bool)
        seen = {}
        for sub, offset in leaves:
            reader = sub.reader()
            seg = reader.segment() if hasattr(reader, "segment") else None
            key = seg.segment_id() if seg is not None else None
            cached = segment_cache.get(key) if key else None
            if cached is None:
                cached = load_segment(reader, folder)
            if key:
                seen[key] = cached
            parts.append((cached, offset))
            self.leaves.append((reader, offset, cached))
            if reader.has_deletions():
                deleted = np.fromiter(reader.segment().deleted_docs(), dtype=np.int64)
                live[deleted + offset] = False
        segment_cache.clear()
        segment_cache.update(seen)
        self.live = live
        self.article_id = self._cat([s.article_id for s, _ in parts], np.int64)
        self.published = self._cat([s.published for s, _ in parts], np.int64)
        self.text_len = self._cat([s.text_len for s, _ in parts], np.float32)
        self.headline_len = self._cat([s.headline_len for s, _ in parts], np.float32)
        n_docs = max(1, self.searcher.doc_count_all())
        self.avg_text_len = max(1.0, self.searcher.field_length("text") / n_docs)
        avg_headline = max(1.0, self.searcher.field_length("headline") / n_docs)
        # BM25's document lengths per field: an unstemmed field has its stemmed twin's words.
        self._lengths = {
            "text": (self.text_len, self.avg_text_len),
            "text_unstemmed": (self.text_len, self.avg_text_len),
            "headline": (self.headline_len, avg_headline),
            "headline_unstemmed": (self.headline_len, avg_headline),
        }
        self.word_forms: dict[tuple[str, str], tuple[list[str], int]] = {}  # prefix -> forms
        self._postings: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}
        self._postings_bytes = 0
        self.facets: dict[str, FacetColumn] = {
            name: FacetColumn([(s.facets[name], offset) for s, offset in parts], self.n)
            for name in FILTER_FIELDS
        }
        self._by_article: tuple[np.ndarray, np.ndarray] | None = None
        self.all_facets: dict[str, list[tuple[str, int]]] | None = None  # match-all counts
        self.suggestions: dict[str, str | None] = {}
        # "did you mean" table (see _spelling_table), built the first time it is needed
        self.spelling: tuple[dict[str, list[str]], dict[str, int]] | None = None

    @staticmethod
    def _cat(arrays, dtype):
        """One array over all segments; a single segment's mapped file as it is."""
        if len(arrays) == 1:
            return arrays[0]
        return np.concatenate(arrays) if arrays else np.empty(0, dtype=dtype)

    def postings(self, fieldname: str, term: str) -> tuple[np.ndarray, np.ndarray]:
        """(global doc numbers, term frequencies) of one term, cached per snapshot."""
        key = (fieldname, term)
        cached = self._postings.get(key)
        if cached is None:
            ids_parts, tf_parts = [], []
            for reader, offset, arrays in self.leaves:
                ids, tfs = _segment_postings(reader, arrays, fieldname, term)
                if len(ids):
                    ids_parts.append(ids + offset)
                    tf_parts.append(tfs)
            cached = (
                np.concatenate(ids_parts) if ids_parts else np.empty(0, np.int64),
                np.concatenate(tf_parts) if tf_parts else np.empty(0, np.float32),
            )
            size = cached[0].nbytes + cached[1].nbytes
            if self._postings_bytes + size > POSTINGS_CACHE_BYTES:
                self._postings.clear()
                self._postings_bytes = 0
            self._postings[key] = cached
            self._postings_bytes += size
        return cached

    def bm25(self, ids: np.ndarray, tfs: np.ndarray, fieldname: str = "text") -> np.ndarray:
        if not len(ids):  # also an empty index, where n / 1 = 0 has no logarithm
            return np.empty(0, dtype=np.float32)
        idf = np.log(self.n / (len(ids) + 1)) + 1
        lengths, average = self._lengths[fieldname]
        norm = BM25_K1 * ((1 - BM25_B) + BM25_B * lengths[ids] / average)
        return idf * (tfs * (BM25_K1 + 1)) / (tfs + norm)

    def doc_of_article(self, article_id: int) -> int | None:
        if self._by_article is None:  # live docs sorted by article id (no dict of N ints)
            live_docs = np.flatnonzero(self.live)
            order = np.argsort(self.article_id[live_docs], kind="stable")
            self._by_article = (self.article_id[live_docs[order]], live_docs[order])
        ids, docs = self._by_article
        i = int(np.searchsorted(ids, article_id))
        return int(docs[i]) if i < len(ids) and ids[i] == article_id else None

    def close(self) -> None:
        try:
            self.searcher.close()
        except Exception:  # pragma: no cover - closing twice is harmless
            pass


def _segment_postings(reader, arrays: SegmentArrays, fieldname: str, term: str):
    """(local doc numbers, term frequencies) of a term in one segment: sliced from the
    segment's files for the searched text, decoded from Whoosh's blocks otherwise."""
    decoded = arrays.postings.get(fieldname)
    if decoded is not None:
        try:
            info = reader.term_info(fieldname, term)
        except TermNotFound:
            return np.empty(0, np.int64), np.empty(0, np.float32)
        found = decoded.find(info)
        if found is not None:
            return found
    return _leaf_postings(reader, fieldname, term)


class LiveSearcher:
    """The per-process searcher of one index location, refreshed when the index changes."""

    def __init__(self, location: IndexLocation, schema):
        self.location = location
        self.schema = schema
        self._lock = threading.Lock()
        self._gen_name: str | None = None
        self._snapshot: Snapshot | None = None
        self._segments: dict = {}

    def snapshot(self) -> Snapshot:
        name = self.location.current_name()
        snap = self._snapshot
        if snap is not None and name == self._gen_name and snap.searcher.up_to_date():
            return snap
        with self._lock:
            name = self.location.current_name()
            snap = self._snapshot
            if snap is not None and name == self._gen_name and snap.searcher.up_to_date():
                return snap
            if name != self._gen_name:
                self._segments = {}
            path, fresh = self._open()
            self._snapshot, self._gen_name = fresh, path.name
            # The old searcher is left to the garbage collector: another thread may still
            # be using it.
            return fresh

    def _open(self, attempts: int = 20) -> tuple[Path, Snapshot]:
        """Open the newest commit, retrying when a writer's commit removes it under us.

        A commit writes a new TOC and deletes the previous TOC and merged-away segments, so
        the files named by the TOC a reader just listed can vanish before they are opened.
        Once open, files stay readable (mmap; POSIX keeps deleted open files).
        """
        for attempt in range(attempts):
            path = self.location.live_dir()
            try:
                ix = MappedFileStorage(str(path), readonly=True).open_index(schema=self.schema)
                return path, Snapshot(ix, self.schema, self._segments)
            except FileNotFoundError:
                if attempt == attempts - 1:
                    raise
                time.sleep(0.005 * (attempt + 1))
        raise AssertionError("unreachable")
