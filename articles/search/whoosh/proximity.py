"""Sloppy phrases with numpy: the words of a phrase within ``slop`` moves of their order.

Lucene's definition, which Solr's standard parser and Newsroom's other engines share: with
each word's position less its place in the phrase, a document matches when some choice of
one position per word spans at most ``slop`` (``"a b"~5``: b at most 5 words after a, or
up to 3 before it). The smallest span starts at one of the chosen positions, so each
position of each word is tried as the start: one sorted search per word. A word that occurs
twice in a phrase must take two different positions, which that test cannot see: such
phrases are checked document by document (rare, and short).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

_LOW = (1 << 32) - 1

# (candidate number, position) of every occurrence of one word among the candidates
Located = tuple[np.ndarray, np.ndarray]


def sloppy_docs(
    terms: list[str], slop: int, local: np.ndarray, locate: Callable[[str], Located]
) -> np.ndarray:
    """The docs of ``local`` (sorted; each holds every term) where ``terms`` are within
    ``slop``; ``locate(term)`` gives the term's occurrences among them."""
    found: dict[str, Located] = {}
    located = [found.setdefault(term, locate(term)) for term in terms]
    matched = _spans_within(located, slop)
    if len(found) < len(terms):
        matched = np.array(
            [c for c in matched.tolist() if _distinct_within(located, c, slop)],
            dtype=np.int64,
        )
    return local[matched]


def _spans_within(located: list[Located], slop: int) -> np.ndarray:
    """Candidate numbers (sorted, unique) with one occurrence of each word in a span."""
    k = len(located)
    # "position less its place", shifted by k to stay positive, under the candidate number
    keys = [np.unique((w << 32) | (p - i + k)) for i, (w, p) in enumerate(located)]
    starts = np.unique(np.concatenate(keys))
    ok = np.ones(len(starts), dtype=bool)
    for term_keys in keys:
        at = np.minimum(np.searchsorted(term_keys, starts), len(term_keys) - 1)
        nxt = term_keys[at]
        ok &= (nxt >= starts) & ((nxt >> 32) == (starts >> 32))
        ok &= (nxt & _LOW) - (starts & _LOW) <= slop
    return np.unique(starts[ok] >> 32)


def _distinct_within(located: list[Located], candidate: int, slop: int) -> bool:
    """Whether one position per place, never the same one twice, spans at most ``slop``."""
    own = [positions[which == candidate].tolist() for which, positions in located]
    for start in sorted({p - i for i, ps in enumerate(own) for p in ps}):
        choices = [[p for p in ps if start <= p - i <= start + slop] for i, ps in enumerate(own)]
        if all(choices) and _assignable(choices):
            return True
    return False


def _assignable(choices: list[list[int]]) -> bool:
    """A different position for every place (bipartite matching, augmenting paths)."""
    taken: dict[int, int] = {}

    def place(i: int, seen: set[int]) -> bool:
        for p in choices[i]:
            if p in seen:
                continue
            seen.add(p)
            if p not in taken or place(taken[p], seen):
                taken[p] = i
                return True
        return False

    return all(place(i, set()) for i in range(len(choices)))
