"""What the query side needs from one Whoosh segment, as numpy files every process maps.

A segment never changes once written (deletions are kept apart from it), so its article ids,
publication days, text and headline lengths (BM25) and facet doc → value lists are read
from Whoosh once, written beside the segment as ``.npy`` files, and mapped read-only by
every worker: one copy in the page cache for all of them instead of one per worker, and a
worker that starts, or follows a new commit, reads only files, never the whole index again.

The files are named after their segment (``MAIN_<segment>.newsroom<FORMAT>_….npy``), so
Whoosh's own clean-up deletes them with the segment when a merge or a new generation drops
it. Writers build them right after a commit (``prebuild``), readers build any that are
missing (an index written by an older release) under a lock, so processes starting together
do the work once. A process that has a file open keeps reading it after it is deleted.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.columns import NumericColumn
from whoosh.util.numeric import byte_to_length

from ...locks import file_lock
from ..vocabulary import FILTER_FIELDS
from . import text_postings
from .text_postings import TextPostings, leaf_postings

__all__ = ["NO_DATE", "FacetPart", "SegmentArrays", "leaf_postings", "load_segment", "prebuild"]

FORMAT = 7  # bump when what the files hold changes: older files are then ignored
NO_DATE = -1
_BYTE_TO_LENGTH = np.array([byte_to_length(b) for b in range(256)], dtype=np.float32)
_DONE = "done.json"  # written last: a segment's files are complete once it exists
# Smaller segments (an import's batches, before Whoosh merges them) keep their text postings
# in Whoosh only: decoding a few short posting lists at search time costs less than decoding
# every term of every batch at import time (4 s for 300 articles).
TEXT_POSTINGS_MIN_DOCS = 2_000


@dataclass
class FacetPart:
    """One facet field of one segment: doc → values and value → docs, local numbers."""

    values: list[str]  # sorted; a value's number is its position
    indptr: np.ndarray  # int64, size + 1: doc d's entries are vals[indptr[d]:indptr[d + 1]]
    vals: np.ndarray  # int32, value number of each entry, by doc
    docs: np.ndarray  # int32, doc of each entry, by doc
    postings_ptr: np.ndarray  # int64, len(values) + 1
    postings: np.ndarray  # int32, docs by value: value v's docs are postings[ptr[v]:ptr[v+1]]

    def docs_of(self, number: int) -> np.ndarray:
        return self.postings[self.postings_ptr[number] : self.postings_ptr[number + 1]]


@dataclass
class SegmentArrays:
    size: int
    article_id: np.ndarray  # int64
    published: np.ndarray  # int64 day number (date.toordinal()), NO_DATE when undated
    text_len: np.ndarray  # float32, decoded length of `text` (BM25), also `text_unstemmed`'s
    headline_len: np.ndarray  # float32, of `headline` and `headline_unstemmed`
    facets: dict[str, FacetPart]
    # Decoded postings of text_postings.FIELDS (none in a small segment).
    postings: dict[str, TextPostings]

    @property
    def text(self) -> TextPostings | None:
        return self.postings.get("text")


def load_segment(reader, folder: str | Path) -> SegmentArrays:
    """The arrays of the segment ``reader`` reads, mapped from their files (written first
    when missing)."""
    folder = Path(folder)
    segment = reader.segment() if hasattr(reader, "segment") else None
    if segment is None:  # an empty index: nothing worth a file
        return _as_segment(_compute(reader))
    prefix = _ensure(reader, folder, segment)
    return _open(folder, prefix)


def prebuild(ix) -> None:
    """Write the files of every segment of ``ix`` that has none (writers, after a commit):
    readers then only map files."""
    folder = Path(ix.storage.folder)
    with ix.reader() as reader:
        for sub, _ in [(reader, 0)] if reader.is_atomic() else reader.leaf_readers():
            if sub.segment() is not None:
                _ensure(sub, folder, sub.segment())


def _ensure(reader, folder: Path, segment) -> str:
    """The file name prefix of the segment's arrays, written first if missing."""
    prefix = segment.make_filename(f".newsroom{FORMAT}_")
    if not (folder / f"{prefix}{_DONE}").exists():
        with file_lock(folder / ".newsroom-arrays.lock"):
            if not (folder / f"{prefix}{_DONE}").exists():
                _write(folder, prefix, _compute(reader, folder / f".{prefix}{os.getpid()}"))
    return prefix


def _open(folder: Path, prefix: str) -> SegmentArrays:
    def array(name: str) -> np.ndarray:
        return np.asarray(np.load(folder / f"{prefix}{name}.npy", mmap_mode="r"))

    meta = json.loads((folder / f"{prefix}{_DONE}").read_text())
    return _as_segment({"meta": meta}, array)


def _as_segment(arrays: dict, array=None) -> SegmentArrays:
    """SegmentArrays from computed arrays, or from files when ``array(name)`` reads one."""
    array = array or arrays.__getitem__
    meta = arrays["meta"]
    facets = {}
    for name in FILTER_FIELDS:
        facets[name] = FacetPart(
            meta["values"][name],
            array(f"{name}_indptr"),
            array(f"{name}_vals"),
            array(f"{name}_docs"),
            array(f"{name}_postings_ptr"),
            array(f"{name}_postings"),
        )
    postings = {
        name: TextPostings(*(array(f"{name}_{part}") for part in text_postings.NAMES))
        for name in meta["postings"]
    }
    return SegmentArrays(
        meta["size"],
        array("article_id"),
        array("published"),
        array("text_len"),
        array("headline_len"),
        facets,
        postings,
    )


def _write(folder: Path, prefix: str, arrays: dict) -> None:
    """Each file under a temporary name (a dot: Whoosh's clean-up skips it), then renamed;
    the list of values and the size last, as the mark that the set is complete."""
    meta = arrays.pop("meta")
    for name, array in arrays.items():
        if isinstance(array, np.memmap):  # written in place already
            array.flush()
            os.replace(array.filename, folder / f"{prefix}{name}.npy")
            continue
        tmp = folder / f".{prefix}{name}.{os.getpid()}.npy"
        np.save(tmp, np.ascontiguousarray(array))
        os.replace(tmp, folder / f"{prefix}{name}.npy")
    tmp = folder / f".{prefix}{_DONE}.{os.getpid()}"
    tmp.write_text(json.dumps(meta))
    os.replace(tmp, folder / f"{prefix}{_DONE}")


def _compute(reader, scratch: Path | None = None) -> dict:
    """The arrays of one segment; the largest (text positions) written at ``scratch``."""
    size = reader.doc_count_all()
    out: dict = {"article_id": np.zeros(size, dtype=np.int64)}
    if reader.has_column("article_id"):
        ids = reader.column_reader("article_id", translate=False)
        out["article_id"] = numeric_column(ids, size)
    out["published"] = np.full(size, NO_DATE, dtype=np.int64)
    if reader.has_column("published"):
        raw = numeric_column(reader.column_reader("published", translate=False), size)
        # Whoosh stores microseconds since datetime.min; day number = toordinal().
        out["published"] = np.where(raw > 0, raw // 86_400_000_000 + 1, NO_DATE)
    for name in ("text", "headline"):
        out[f"{name}_len"] = _lengths(reader, name, size)
    values = {}
    for name in FILTER_FIELDS:
        values[name] = _facet(reader, f"{name}_exact", size, name, out)
    decoded = []
    if size >= TEXT_POSTINGS_MIN_DOCS and scratch is not None:
        decoded = [name for name in text_postings.FIELDS if name in reader.schema]
    for name in decoded:
        out.update(text_postings.build(reader, name, f"{scratch}-{name}_positions.npy"))
    out["meta"] = {"size": size, "values": values, "postings": decoded}
    return out


def _lengths(reader, fieldname: str, size: int) -> np.ndarray:
    """Each document's number of words in a field, as Whoosh stores it for BM25."""
    perdoc = getattr(reader, "_perdoc", None)
    column = _lenfield(fieldname)
    if perdoc is None or not perdoc.has_column(column):
        return np.zeros(size, dtype=np.float32)
    return _BYTE_TO_LENGTH[numeric_column(perdoc.column_reader(column, LENGTHS_COLUMN), size)]


def _facet(reader, fieldname: str, size: int, name: str, out: dict) -> list[str]:
    values, postings = [], []
    if fieldname in reader.schema:
        for term in reader.field_terms(fieldname):  # sorted
            values.append(term)
            postings.append(leaf_postings(reader, fieldname, term)[0].astype(np.int32))
    lengths = np.array([len(p) for p in postings], dtype=np.int64)
    postings_ptr = np.zeros(len(values) + 1, dtype=np.int64)
    np.cumsum(lengths, out=postings_ptr[1:])
    docs = np.concatenate(postings) if postings else np.empty(0, np.int32)
    vals = np.repeat(np.arange(len(values), dtype=np.int32), lengths)
    order = np.argsort(docs, kind="stable")
    indptr = np.zeros(size + 1, dtype=np.int64)
    np.cumsum(np.bincount(docs, minlength=size), out=indptr[1:])
    out[f"{name}_indptr"] = indptr
    out[f"{name}_vals"] = vals[order]
    out[f"{name}_docs"] = docs[order]
    out[f"{name}_postings_ptr"] = postings_ptr
    out[f"{name}_postings"] = docs
    return values


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
