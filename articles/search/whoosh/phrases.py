"""Phrase matching with numpy: the documents in which the words of a phrase follow each other.

Whoosh's own phrase matcher walks the documents that have every word one Python call at a
time (130-190 ms for "nine pct" or "rate cut" at 100,000 articles, most of a search page's
p95). Here the candidates are the intersection of the words' posting lists (numpy, from the
snapshot), and only their positions are read: sliced from the segment's decoded positions
(articles.search.whoosh.text_postings), or, in a small segment, from the Whoosh blocks
that hold a candidate. A document matches when, for some position p, the phrase's k-th word
is at p + k: one numpy intersection per word. Positions are those of the analysed text
(stop words removed and renumbered), exactly what Whoosh's ``Phrase`` query (slop 1)
compares. Sloppy phrases (``"a b"~5``, ``NEAR/5``) read the same positions
(articles.search.whoosh.proximity).
"""

from __future__ import annotations

from functools import reduce

import numpy as np
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching.wrappers import WrappingMatcher

from .proximity import sloppy_docs
from .text_postings import decode_positions


def phrase_docs(snap, terms: list[str], fieldname: str = "text", slop: int = 0) -> np.ndarray:
    """Global doc numbers (sorted) whose ``fieldname`` holds ``terms`` as a phrase, or
    within ``slop`` moves of one (articles.search.whoosh.proximity)."""
    candidates = reduce(
        lambda a, b: np.intersect1d(a, b, assume_unique=True),
        (snap.postings(fieldname, term)[0] for term in dict.fromkeys(terms)),
    )
    found = []
    for reader, offset, arrays in snap.leaves:
        lo, hi = np.searchsorted(candidates, (offset, offset + reader.doc_count_all()))
        if lo == hi:
            continue
        local = candidates[lo:hi] - offset
        decoded = arrays.postings.get(fieldname)
        found.append(segment_phrase_docs(reader, decoded, fieldname, terms, local, slop) + offset)
    return np.concatenate(found) if found else np.empty(0, dtype=np.int64)


def segment_phrase_docs(reader, decoded, fieldname, terms, local: np.ndarray, slop: int = 0):
    """The docs of ``local`` (sorted local doc numbers, each holding every term) that hold
    the phrase; positions from the segment's decoded files where it has them."""

    def locate(term: str):
        located = None
        if decoded is not None:
            located = decoded.positions_in(reader.term_info(fieldname, term), local)
        return located if located is not None else _positions(reader, fieldname, term, local)

    if slop:
        return sloppy_docs(terms, slop, local, locate)
    keys = None  # (candidate number << 32) | position of the phrase's first word
    for k, term in enumerate(terms):
        which, positions = locate(term)
        start = positions - k
        ok = start >= 0
        term_keys = np.unique((which[ok] << 32) | start[ok])
        keys = term_keys if keys is None else np.intersect1d(keys, term_keys, assume_unique=True)
        if not len(keys):
            return np.empty(0, dtype=np.int64)
    return local[np.unique(keys >> 32)]


def _positions(reader, fieldname, term, local: np.ndarray):
    """(candidate number, position) of every occurrence of ``term`` in the candidates
    ``local`` (sorted local doc numbers), read from Whoosh's blocks (a small segment)."""
    try:
        matcher = reader.postings(fieldname, term)
    except Exception:  # TermNotFound: the candidates all have it, so this cannot happen
        return np.empty(0, np.int64), np.empty(0, np.int64)
    while isinstance(matcher, WrappingMatcher):
        matcher = matcher.child
    if not isinstance(matcher, W3LeafMatcher) or matcher._byteids:  # pragma: no cover
        return _positions_one_by_one(matcher, local)
    owners, values = [], []
    nxt = 0  # the first candidate not yet passed
    while matcher.is_active() and nxt < len(local):
        if matcher._maxid >= local[nxt]:  # this block may hold candidates: decode it
            if matcher._data is None:
                matcher._read_data()
            ids = np.cumsum(np.asarray(matcher._data[0], dtype=np.int64))
            at = np.searchsorted(local, ids)
            at[at >= len(local)] = len(local) - 1
            hit = np.flatnonzero(local[at] == ids)
            block_values = matcher._data[2]
            values.extend(block_values[i] for i in hit.tolist())
            owners.append(at[hit])
            nxt = int(np.searchsorted(local, ids[-1], side="right"))
        matcher._next_block()
    if not values:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    lengths, positions = decode_positions(values)
    return np.repeat(np.concatenate(owners), lengths), positions


def _positions_one_by_one(matcher, local: np.ndarray):  # pragma: no cover - other codecs
    owners, positions = [], []
    for n, doc in enumerate(local.tolist()):
        matcher.skip_to(doc)
        if not matcher.is_active():
            break
        if matcher.id() == doc:
            found = matcher.value_as("positions")
            owners.extend([n] * len(found))
            positions.extend(found)
    return np.asarray(owners, np.int64), np.asarray(positions, np.int64)
