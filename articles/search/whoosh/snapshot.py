"""One committed state of the Whoosh index as numpy arrays, and the per-process searcher.

`LiveSearcher` keeps one long-lived searcher per process, reopened only when the generation
or the index's commit changes. Per segment a `Snapshot` keeps numpy arrays (article id,
publication day, text length for BM25, facet doc → value lists), read once per segment and
reused across commits, so filters, totals, facets and date sorts are numpy operations.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.columns import NumericColumn
from whoosh.matching.wrappers import WrappingMatcher
from whoosh.util.numeric import byte_to_length

from ..vocabulary import FILTER_FIELDS
from .generations import IndexLocation
from .storage import MappedFileStorage

NO_DATE = -1
_BYTE_TO_LENGTH = np.array([byte_to_length(b) for b in range(256)], dtype=np.float32)
# Whoosh's BM25F defaults, so scores rank as Whoosh would rank them.
BM25_B, BM25_K1 = 0.75, 1.2


@dataclass
class FacetColumn:
    """Doc → values of one facet field, as CSR arrays over global document numbers."""

    values: list[str]
    index: dict[str, int]
    indptr: np.ndarray  # int64, N + 1
    vals: np.ndarray  # int32, one entry per (doc, value)
    doc_of: np.ndarray  # int32, the doc of each entry
    _postings: dict[str, np.ndarray] = field(default_factory=dict)

    def docs_with(self, value: str) -> np.ndarray:
        cached = self._postings.get(value)
        if cached is None:
            i = self.index.get(value)
            cached = np.empty(0, dtype=np.int32) if i is None else self.doc_of[self.vals == i]
            if len(self._postings) > 2000:
                self._postings.clear()
            self._postings[value] = cached
        return cached

    def count(self, mask: np.ndarray, docs: np.ndarray) -> list[tuple[str, int]]:
        n = len(mask)
        if len(docs) * 8 < n:
            starts = self.indptr[docs]
            lengths = self.indptr[docs + 1] - starts
            total = int(lengths.sum())
            if not total:
                return []
            offsets = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
            picked = self.vals[np.arange(total) + offsets]
        else:
            picked = self.vals[mask[self.doc_of]]
        counts = np.bincount(picked, minlength=len(self.values))
        nz = np.flatnonzero(counts)
        # `values` is sorted, so value order is index order: count desc, then value, in numpy
        # (tens of thousands of people and organizations on a match-all page).
        order = nz[np.lexsort((nz, -counts[nz]))]
        return RankedCounts(self.values, order, counts[order], self.index, counts)


class RankedCounts(Sequence):
    """Facet values by descending count as (value, count) pairs, made only when read.

    A broad query matches 50,000 distinct people and organizations; a page shows 50 of them
    and the number of the rest. Building every pair cost more than counting them.
    """

    __slots__ = ("_values", "_order", "_counts", "_index", "_by_value")

    def __init__(
        self,
        values: list[str],
        order: np.ndarray,
        counts: np.ndarray,
        index: dict[str, int] | None = None,
        by_value: np.ndarray | None = None,
    ):
        self._values, self._order, self._counts = values, order, counts
        self._index, self._by_value = index, by_value  # value -> position, count per position

    def counts_for(self, values) -> dict[str, int]:
        """value -> count of those of ``values`` counted here, looked up, not scanned."""
        if self._index is None or self._by_value is None:
            wanted = set(values)
            return {v: c for v, c in self if v in wanted}
        out = {}
        for value in values:
            i = self._index.get(value)
            if i is not None and self._by_value[i]:
                out[value] = int(self._by_value[i])
        return out

    def __len__(self) -> int:
        return len(self._order)

    def __getitem__(self, index):
        if isinstance(index, slice):
            values = self._values
            return [
                (values[i], c)
                for i, c in zip(
                    self._order[index].tolist(), self._counts[index].tolist(), strict=True
                )
            ]
        return self._values[int(self._order[index])], int(self._counts[index])

    def __iter__(self):
        return iter(self[:])


@dataclass
class _Segment:
    size: int
    article_id: np.ndarray
    published: np.ndarray
    text_len: np.ndarray  # decoded field length of `text` per doc (BM25)
    facets: dict[str, tuple[list[str], np.ndarray, np.ndarray]]  # values, doc(local), val


def numeric_column(creader, size: int) -> np.ndarray:
    """All values of a Whoosh numeric column as int64, read in one go (not per document)."""
    if isinstance(creader, NumericColumn.Reader):
        count = min(creader._count, size)
        raw = creader._dbfile.get(creader._basepos, count * creader._fixedlen)
        values = np.frombuffer(raw, dtype=">" + creader._typecode).astype(np.int64)
        if count < size:
            # An unsigned column's "missing" default (2**64 - 1) wraps like the stored values.
            default = np.array([creader._default], dtype=np.uint64).astype(np.int64)[0]
            values = np.concatenate([values, np.full(size - count, default, np.int64)])
        return values
    return np.fromiter((v or 0 for v in creader), dtype=np.int64, count=size)


def _read_segment(reader) -> _Segment:
    size = reader.doc_count_all()
    aid = np.zeros(size, dtype=np.int64)
    if reader.has_column("article_id"):
        aid = numeric_column(reader.column_reader("article_id", translate=False), size)
    pub = np.full(size, NO_DATE, dtype=np.int64)
    if reader.has_column("published"):
        raw = numeric_column(reader.column_reader("published", translate=False), size)
        # Whoosh stores microseconds since datetime.min; day number = toordinal().
        days = raw // 86_400_000_000 + 1
        pub = np.where(raw > 0, days, NO_DATE)
    text_len = np.zeros(size, dtype=np.float32)
    lengths_field = _lenfield("text")
    perdoc = getattr(reader, "_perdoc", None)
    if perdoc is not None and perdoc.has_column(lengths_field):
        raw = numeric_column(perdoc.column_reader(lengths_field, LENGTHS_COLUMN), size)
        text_len = _BYTE_TO_LENGTH[raw]
    facets = {}
    for name in FILTER_FIELDS:
        fieldname = f"{name}_exact"
        values, docs, vals = [], [], []
        if fieldname in reader.schema:
            for i, term in enumerate(reader.field_terms(fieldname)):
                ids = _leaf_postings(reader, fieldname, term)[0].astype(np.int32)
                values.append(term)
                docs.append(ids)
                vals.append(np.full(len(ids), i, dtype=np.int32))
        facets[name] = (
            values,
            np.concatenate(docs) if docs else np.empty(0, np.int32),
            np.concatenate(vals) if vals else np.empty(0, np.int32),
        )
    return _Segment(size, aid, pub, text_len, facets)


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
        parts: list[tuple[_Segment, int]] = []
        live = np.ones(self.n, dtype=bool)
        seen = {}
        for sub, offset in leaves:
            reader = sub.reader()
            seg = reader.segment() if hasattr(reader, "segment") else None
            key = seg.segment_id() if seg is not None else None
            cached = segment_cache.get(key) if key else None
            if cached is None:
                cached = _read_segment(reader)
            if key:
                seen[key] = cached
            parts.append((cached, offset))
            if reader.has_deletions():
                deleted = np.fromiter(reader.segment().deleted_docs(), dtype=np.int64)
                live[deleted + offset] = False
        segment_cache.clear()
        segment_cache.update(seen)
        self.live = live
        self.article_id = self._cat([s.article_id for s, _ in parts], np.int64)
        self.published = self._cat([s.published for s, _ in parts], np.int64)
        self.text_len = self._cat([s.text_len for s, _ in parts], np.float32)
        n_docs = max(1, self.searcher.doc_count_all())
        self.avg_text_len = max(1.0, self.searcher.field_length("text") / n_docs)
        self._postings: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}
        self.facets: dict[str, FacetColumn] = {}
        for name in FILTER_FIELDS:
            self.facets[name] = self._merge_facet(name, parts)
        self._id_to_doc: dict[int, int] | None = None
        self.all_facets: dict[str, list[tuple[str, int]]] | None = None  # match-all counts
        self.suggestions: dict[str, str | None] = {}
        # "did you mean" table (see _spelling_table), built the first time it is needed
        self.spelling: tuple[dict[str, list[str]], dict[str, int]] | None = None

    @staticmethod
    def _cat(arrays, dtype):
        return np.concatenate(arrays) if arrays else np.empty(0, dtype=dtype)

    def _merge_facet(self, name: str, parts) -> FacetColumn:
        all_values = sorted({v for s, _ in parts for v in s.facets[name][0]})
        index = {v: i for i, v in enumerate(all_values)}
        docs, vals = [], []
        for seg, offset in parts:
            values, d, v = seg.facets[name]
            if not len(d):
                continue
            remap = np.fromiter((index[x] for x in values), dtype=np.int32, count=len(values))
            docs.append(d.astype(np.int32) + offset)
            vals.append(remap[v])
        doc_of = np.concatenate(docs) if docs else np.empty(0, np.int32)
        val = np.concatenate(vals) if vals else np.empty(0, np.int32)
        order = np.argsort(doc_of, kind="stable")
        doc_of, val = doc_of[order], val[order]
        indptr = np.zeros(self.n + 1, dtype=np.int64)
        np.cumsum(np.bincount(doc_of, minlength=self.n), out=indptr[1:])
        return FacetColumn(all_values, index, indptr, val, doc_of)

    def postings(self, fieldname: str, term: str) -> tuple[np.ndarray, np.ndarray]:
        """(global doc numbers, term frequencies) of one term, cached per snapshot."""
        key = (fieldname, term)
        cached = self._postings.get(key)
        if cached is None:
            ids_parts, tf_parts = [], []
            for sub, offset in self.searcher.leaf_searchers():
                ids, tfs = _leaf_postings(sub.reader(), fieldname, term)
                if len(ids):
                    ids_parts.append(ids + offset)
                    tf_parts.append(tfs)
            cached = (
                np.concatenate(ids_parts) if ids_parts else np.empty(0, np.int64),
                np.concatenate(tf_parts) if tf_parts else np.empty(0, np.float32),
            )
            if len(self._postings) > 1000:
                self._postings.clear()
            self._postings[key] = cached
        return cached

    def bm25(self, ids: np.ndarray, tfs: np.ndarray) -> np.ndarray:
        if not len(ids):  # also an empty index, where n / 1 = 0 has no logarithm
            return np.empty(0, dtype=np.float32)
        idf = np.log(self.n / (len(ids) + 1)) + 1
        lengths = self.text_len[ids]
        norm = BM25_K1 * ((1 - BM25_B) + BM25_B * lengths / self.avg_text_len)
        return idf * (tfs * (BM25_K1 + 1)) / (tfs + norm)

    def doc_of_article(self, article_id: int) -> int | None:
        if self._id_to_doc is None:
            live_docs = np.flatnonzero(self.live)
            ids = self.article_id[live_docs].tolist()
            self._id_to_doc = dict(zip(ids, live_docs.tolist(), strict=True))
        return self._id_to_doc.get(article_id)

    def close(self) -> None:
        try:
            self.searcher.close()
        except Exception:  # pragma: no cover - closing twice is harmless
            pass


def _leaf_postings(reader, fieldname: str, term: str) -> tuple[np.ndarray, np.ndarray]:
    """Doc numbers and weights of a term in one segment, decoded a block at a time.

    Whoosh's matchers yield one posting per Python call; a common word has tens of
    thousands, so reading whole blocks into numpy is an order of magnitude faster.
    """
    try:
        matcher = reader.postings(fieldname, term)
    except Exception:  # TermNotFound
        return np.empty(0, np.int64), np.empty(0, np.float32)
    while isinstance(matcher, WrappingMatcher):  # deletions are applied by the live mask
        matcher = matcher.child
    ids_parts, tf_parts = [], []
    if isinstance(matcher, W3LeafMatcher) and not matcher._byteids:
        while matcher.is_active():
            if matcher._data is None:
                matcher._read_data()
            ids_parts.append(np.cumsum(np.asarray(matcher._data[0], dtype=np.int64)))
            matcher._read_weights()
            tf_parts.append(np.asarray(matcher._weights, dtype=np.float32))
            matcher._next_block()
    else:  # pragma: no cover - other codecs
        ids, tfs = [], []
        while matcher.is_active():
            ids.append(matcher.id())
            tfs.append(matcher.weight())
            matcher.next()
        ids_parts, tf_parts = [np.asarray(ids, np.int64)], [np.asarray(tfs, np.float32)]
    if not ids_parts:
        return np.empty(0, np.int64), np.empty(0, np.float32)
    return np.concatenate(ids_parts), np.concatenate(tf_parts)


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
