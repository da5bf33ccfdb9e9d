"""The searched text's posting lists and word positions, decoded once per segment.

Both text fields (``FIELDS``: stemmed, and the exact forms) are laid out alike.

Whoosh keeps postings as pickled blocks: reading a common word's list unpickles hundreds of
blocks (most of a search's time), and a phrase needs every candidate's positions unpickled
one by one. Once per segment (articles.search.whoosh.segment_arrays writes the files) each
term's documents, frequencies and positions are laid out as flat numpy arrays, so a search
slices them and a phrase is a few numpy operations over the candidates.

A term is found through Whoosh's own term dictionary: its postings start where its offset
in Whoosh's postings file ranks among ``offsets``. Rare terms (fewer than MIN_TERM_DOCS
documents: most of the vocabulary, few of the postings) are left in Whoosh, where their
one short block is quick to read, and decoding each of them here cost more than the rest.
A posting's positions are as many as its frequency (Whoosh's Positions format weighs each
occurrence 1), in order.
"""

from __future__ import annotations

from dataclasses import dataclass
from pickle import loads

import numpy as np
from numpy.lib.format import open_memmap
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching.wrappers import WrappingMatcher

_COUNT_SIZE = 4  # a Positions value: the number of positions (uint), then pickled deltas
# The searched text, stemmed and as typed: the fields common words and phrases read.
FIELDS = ("text", "text_unstemmed")
MIN_TERM_DOCS = 32
NAMES = ("offsets", "starts", "docs", "tfs", "positions", "position_starts")


@dataclass
class TextPostings:
    offsets: np.ndarray  # int64, sorted: each term's offset in the segment's postings file
    starts: np.ndarray  # int64, len(offsets) + 1: a term's postings in docs and tfs
    docs: np.ndarray  # int32
    tfs: np.ndarray  # uint16 (or float32 if some frequency does not fit)
    positions: np.ndarray  # uint16 or uint32: every posting's positions, posting by posting
    position_starts: np.ndarray  # int64, len(offsets) + 1: a term's first position

    def find(self, terminfo) -> tuple[np.ndarray, np.ndarray] | None:
        """(local doc numbers, frequencies) of a term; None if it is left in Whoosh."""
        i = self._index(terminfo)
        if i is None:
            return None
        start, end = self.starts[i], self.starts[i + 1]
        return self.docs[start:end].astype(np.int64), self.tfs[start:end].astype(np.float32)

    def positions_in(self, terminfo, local: np.ndarray):
        """(candidate number, position) of every occurrence of the term in ``local`` (sorted
        doc numbers that all have the term); None if it is left in Whoosh."""
        i = self._index(terminfo)
        if i is None:
            return None
        start, end = self.starts[i], self.starts[i + 1]
        tfs = self.tfs[start:end].astype(np.int64)
        at = np.searchsorted(self.docs[start:end], local)
        before = np.cumsum(tfs) - tfs  # positions of the term's earlier postings
        first = self.position_starts[i] + before[at]
        counts = tfs[at]
        gather = np.repeat(first - (np.cumsum(counts) - counts), counts) + np.arange(counts.sum())
        which = np.repeat(np.arange(len(local), dtype=np.int64), counts)
        return which, self.positions[gather].astype(np.int64)

    def _index(self, terminfo) -> int | None:
        if terminfo.is_inlined() or terminfo.doc_frequency() < MIN_TERM_DOCS:
            return None
        offset = terminfo.extent()[0]
        i = int(np.searchsorted(self.offsets, offset))
        return i if i < len(self.offsets) and self.offsets[i] == offset else None


def build(reader, field: str, temporary_path) -> dict:
    """Every non-inlined term's postings and positions of ``field`` in ``reader``'s segment,
    as arrays to store under the names ``<field>_<name>``; positions are written straight to
    a file at ``temporary_path`` (a million articles have 200 million of them)."""
    bound = max(1, int(reader.field_length(field)))  # positions of every term, inlined too
    wide = reader.max_field_length(field) >= 2**16
    positions = open_memmap(temporary_path, "w+", np.uint32 if wide else np.uint16, (bound,))
    offsets, docs, tfs, position_starts = [], [], [], [0]
    filled = 0
    for term in reader.field_terms(field):
        info = reader.term_info(field, term)
        if info.is_inlined() or info.doc_frequency() < MIN_TERM_DOCS:
            continue
        ids, weights, values = leaf_postings(reader, field, term, values=True)
        counts, term_positions = decode_positions(values)
        if not np.array_equal(counts, weights):
            raise ValueError(f"positions of {term!r} do not match its frequencies")
        positions[filled : filled + len(term_positions)] = term_positions
        filled += len(term_positions)
        offsets.append(info.extent()[0])
        docs.append(ids.astype(np.int32))
        tfs.append(weights)
        position_starts.append(filled)
    lengths = np.array([len(d) for d in docs], dtype=np.int64)
    starts = np.zeros(len(docs) + 1, dtype=np.int64)
    np.cumsum(lengths, out=starts[1:])
    weights = np.concatenate(tfs) if tfs else np.empty(0, np.float32)
    fits = len(weights) == 0 or (weights.max() < 2**16 and np.all(weights == np.round(weights)))
    positions.flush()
    return {
        f"{field}_offsets": np.array(offsets, dtype=np.int64),  # terms in order: offsets ascend
        f"{field}_starts": starts,
        f"{field}_docs": np.concatenate(docs) if docs else np.empty(0, np.int32),
        f"{field}_tfs": weights.astype(np.uint16) if fits else weights,
        f"{field}_positions": positions,
        f"{field}_position_starts": np.array(position_starts, dtype=np.int64),
    }


def decode_positions(values) -> tuple[np.ndarray, np.ndarray]:
    """(number of positions of each posting, all positions) of Whoosh Positions values."""
    lengths, deltas = [], []
    for value in values:
        steps = loads(value[_COUNT_SIZE:])
        deltas.extend(steps)
        lengths.append(len(steps))
    lengths = np.asarray(lengths, dtype=np.int64)
    if not deltas:
        return lengths, np.empty(0, np.int64)
    # Each posting's positions are deltas from the previous one: one cumulative sum over
    # all of them, less the sum reached before each posting's first delta.
    steps = np.asarray(deltas, dtype=np.int64)
    total = np.cumsum(steps)
    firsts = np.cumsum(lengths) - lengths
    return lengths, total - np.repeat(total[firsts] - steps[firsts], lengths)


def leaf_postings(reader, fieldname: str, term: str, values: bool = False):
    """Doc numbers and weights (and, if asked, raw values) of a term in one segment, decoded
    a block at a time: Whoosh's matchers yield one posting per Python call, and a common
    word has tens of thousands."""
    try:
        matcher = reader.postings(fieldname, term)
    except Exception:  # TermNotFound
        empty = (np.empty(0, np.int64), np.empty(0, np.float32))
        return (*empty, []) if values else empty
    while isinstance(matcher, WrappingMatcher):  # deletions are applied by the live mask
        matcher = matcher.child
    ids_parts, tf_parts, raw = [], [], []
    if isinstance(matcher, W3LeafMatcher) and not matcher._byteids:
        while matcher.is_active():
            if matcher._data is None:
                matcher._read_data()
            ids_parts.append(np.cumsum(np.asarray(matcher._data[0], dtype=np.int64)))
            matcher._read_weights()
            tf_parts.append(np.asarray(matcher._weights, dtype=np.float32))
            if values:
                matcher._read_values()
                raw.extend(matcher._values)
            matcher._next_block()
    else:  # pragma: no cover - other codecs
        ids, tfs = [], []
        while matcher.is_active():
            ids.append(matcher.id())
            tfs.append(matcher.weight())
            if values:
                raw.append(matcher.value())
            matcher.next()
        ids_parts, tf_parts = [np.asarray(ids, np.int64)], [np.asarray(tfs, np.float32)]
    if ids_parts:
        found = (np.concatenate(ids_parts), np.concatenate(tf_parts))
    else:
        found = (np.empty(0, np.int64), np.empty(0, np.float32))
    return (*found, raw) if values else found
