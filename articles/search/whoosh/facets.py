"""Facet values over the segments of one committed index state, counted with numpy.

Each segment's doc → value lists are mapped from files (articles.search.whoosh.
segment_arrays) and never merged into one per-process copy: a column keeps the segments
side by side with, for each, where its value numbers go in the union of all values. Counting
is per segment; a new commit costs the new segments only.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from functools import cached_property
from heapq import merge

import numpy as np

from .segment_arrays import FacetPart

# Below this share of a segment's docs, the matches' entries are gathered from the doc →
# values index; above it, every entry is tested against the match mask.
GATHER_SHARE = 1 / 8


class FacetColumn:
    """Doc → values of one facet field over every segment (global document numbers)."""

    def __init__(self, parts: list[tuple[FacetPart, int]], n: int):
        self.parts = parts  # (segment's part, offset of its first doc)
        self.n = n
        if len(parts) == 1:
            self.values = parts[0][0].values
            self._remaps: list[np.ndarray | None] = [None]
        else:
            self.values = list(dict.fromkeys(merge(*(p.values for p, _ in parts))))
            index = self.index
            self._remaps = [
                np.fromiter((index[v] for v in p.values), dtype=np.int64, count=len(p.values))
                for p, _ in parts
            ]
        self._postings: dict[str, np.ndarray] = {}

    @cached_property
    def index(self) -> dict[str, int]:
        return {v: i for i, v in enumerate(self.values)}

    def docs_with(self, value: str) -> np.ndarray:
        """Global doc numbers (sorted) of the docs that have ``value``."""
        cached = self._postings.get(value)
        if cached is None:
            found = []
            for part, offset in self.parts:
                number = _position(part.values, value)
                if number is not None:
                    found.append(part.docs_of(number).astype(np.int64) + offset)
            cached = np.concatenate(found) if found else np.empty(0, dtype=np.int64)
            if len(self._postings) > 2000:
                self._postings.clear()
            self._postings[value] = cached
        return cached

    def values_of(self, doc: int) -> list[str]:
        """The values of one document (global number)."""
        i = bisect_right([offset for _, offset in self.parts], doc) - 1
        part, offset = self.parts[i]
        local = doc - offset
        return [part.values[v] for v in part.vals[part.indptr[local] : part.indptr[local + 1]]]

    def count(self, mask: np.ndarray, docs: np.ndarray) -> TopCounts:
        """Values of the docs ``docs`` (sorted; ``mask`` marks the same docs), by count."""
        if len(self.parts) == 1:
            part, offset = self.parts[0]
            counts = _count_part(part, mask[offset : offset + len(part.indptr) - 1], docs)
        else:
            counts = np.zeros(len(self.values), dtype=np.int64)
            for (part, offset), remap in zip(self.parts, self._remaps, strict=True):
                size = len(part.indptr) - 1
                lo, hi = np.searchsorted(docs, (offset, offset + size))
                if lo < hi:
                    counts[remap] += _count_part(
                        part, mask[offset : offset + size], docs[lo:hi] - offset
                    )
        return TopCounts(self.values, counts)


def _position(values: list[str], value: str) -> int | None:
    i = bisect_left(values, value)  # values are sorted
    return i if i < len(values) and values[i] == value else None


def _count_part(part: FacetPart, mask: np.ndarray, docs: np.ndarray) -> np.ndarray:
    """Entries per value number among ``docs`` (local, sorted) of one segment."""
    if len(docs) < GATHER_SHARE * len(mask):
        starts = part.indptr[docs]
        lengths = part.indptr[docs + 1] - starts
        total = int(lengths.sum())
        if not total:
            return np.zeros(len(part.values), dtype=np.int64)
        offsets = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
        picked = part.vals[np.arange(total) + offsets]
    else:
        picked = part.vals[mask[part.docs]]
    return np.bincount(picked, minlength=len(part.values))


class TopCounts(Sequence):
    """Facet values by descending count, then value, as (value, count) pairs; ordered only
    as far as they are read.

    A broad query matches tens of thousands of people and organizations; a page shows the
    first few and how many there are. Sorting them all took 10 ms a field, picking the
    first few with a partial sort takes one.
    """

    __slots__ = ("_values", "_counts", "_nonzero", "_order", "_complete")

    def __init__(self, values: list[str], counts: np.ndarray):
        self._values, self._counts = values, counts  # counts per value number
        self._nonzero: np.ndarray | None = None
        self._order: np.ndarray | None = None  # the first values in order (all, once sorted)
        self._complete = False

    def _numbers(self) -> np.ndarray:
        if self._nonzero is None:
            self._nonzero = np.flatnonzero(self._counts)
        return self._nonzero

    def _first(self, k: int) -> np.ndarray:
        """Value numbers of the first ``k`` in order."""
        if self._order is not None and (self._complete or k <= len(self._order)):
            return self._order[:k]  # a page reads the same first values more than once
        numbers = self._numbers()
        # `values` is sorted, so value order is number order: one int64 key per value.
        key = -self._counts[numbers].astype(np.int64) * (len(self._counts) + 1) + numbers
        if k * 4 < len(numbers):
            part = np.argpartition(key, k)[:k]
            self._order = numbers[part[np.argsort(key[part])]]
        else:
            self._order, self._complete = numbers[np.argsort(key)], True
        return self._order[:k]

    def counts_for(self, values) -> dict[str, int]:
        """value -> count of those of ``values`` counted here, looked up, not scanned."""
        out = {}
        for value in values:
            number = _position(self._values, value)
            if number is not None and self._counts[number]:
                out[value] = int(self._counts[number])
        return out

    def __len__(self) -> int:
        return len(self._numbers())

    def __getitem__(self, index):
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self))
            numbers = self._first(max(stop, 0))[start:stop:step] if step > 0 else None
            if numbers is None:
                numbers = self._first(len(self))[index]
            values, counts = self._values, self._counts
            return [(values[i], int(counts[i])) for i in numbers.tolist()]
        i = index + len(self) if index < 0 else index
        if not 0 <= i < len(self):
            raise IndexError(index)
        number = int(self._first(i + 1)[i])
        return self._values[number], int(self._counts[number])

    def __iter__(self):
        return iter(self[:])
