"""Which documents a query tree matches, and their BM25 scores, over a Snapshot.

Each node gives a mask over all documents and the scores of the documents it matches:
AND and OR add up the scores of the children that match (as Whoosh's And and Or score), a
phrase scores the sum of its words, NOT and outlets match without scoring.
"""

from __future__ import annotations

import numpy as np

from ..query import (
    VALUE_FIELDS,
    And,
    Node,
    Not,
    Or,
    ParsedQuery,
    Phrase,
    Prefix,
    Word,
    Words,
)
from ..vocabulary import TEXT_FIELDS
from .phrases import phrase_docs
from .snapshot import Snapshot

Scored = tuple[np.ndarray, np.ndarray | None]  # (mask, scores or None)


def analyze(schema, words: Words, fieldname: str = "text") -> list[str]:
    """The index terms of folded words in a field (stop words dropped; stemmed in the
    stemmed fields)."""
    return [t.text for t in schema[fieldname].analyzer(" ".join(words))]


def text_scores(snap: Snapshot, parsed: ParsedQuery) -> tuple[np.ndarray, np.ndarray] | None:
    """(mask, BM25 scores) of the query over all docs, or None for "every document"."""
    if parsed.root is None:
        return None
    mask, scores = _evaluate(snap, parsed.root, scored=True)
    if scores is None:
        scores = np.zeros(snap.n, dtype=np.float32)
    return mask, scores


def _evaluate(snap: Snapshot, node: Node, scored: bool) -> Scored:
    if isinstance(node, And):
        mask, total = np.ones(snap.n, dtype=bool), None
        for child in node.children:
            child_mask, child_scores = _evaluate(snap, child, scored)
            mask &= child_mask
            total = _add(total, child_scores)
        return mask, (total * mask if total is not None else None)
    if isinstance(node, Or):
        mask, total = np.zeros(snap.n, dtype=bool), None
        for child in node.children:
            child_mask, child_scores = _evaluate(snap, child, scored)
            mask |= child_mask
            total = _add(total, child_scores)
        return mask, total
    if isinstance(node, Not):
        return ~_evaluate(snap, node.child, False)[0], None
    if isinstance(node, tuple(VALUE_FIELDS)):
        name = VALUE_FIELDS[type(node)]
        column = snap.facets.get(name)
        if column is not None:
            return _docs_mask(snap, column.docs_with(node.slug)), None
        # A field without a facet column (authors): its keyword postings.
        return _docs_mask(snap, snap.postings(f"{name}_exact", node.slug)[0]), None
    return _leaf(snap, node, scored)


def _add(total, scores):
    if scores is None:
        return total
    return scores.copy() if total is None else total + scores


def _docs_mask(snap: Snapshot, docs) -> np.ndarray:
    mask = np.zeros(snap.n, dtype=bool)
    mask[docs] = True
    return mask


def _leaf(snap: Snapshot, leaf: Word | Phrase | Prefix, scored: bool) -> Scored:
    """A word, phrase or prefix: its documents, scored by the BM25 of its words there."""
    if isinstance(leaf, Prefix):
        fieldname, terms = TEXT_FIELDS[(leaf.field, True)], list(leaf.forms or ())
        groups = [[term] for term in terms]
    else:
        fieldname = TEXT_FIELDS[(leaf.field, leaf.exact)]
        words = (leaf.text,) if isinstance(leaf, Word) else leaf.words
        terms = analyze(snap.schema, words, fieldname)
        groups = [terms] if terms else []
        if isinstance(leaf, Phrase) and not leaf.ordered and len(terms) == 2:
            groups.append(terms[::-1])  # NEAR/n: either order
    if isinstance(leaf, Word) or isinstance(leaf, Prefix) or len(terms) < 2:
        docs = _union(snap.postings(fieldname, term)[0] for term in terms)
    else:
        slop = leaf.slop
        docs = _union(phrase_docs(snap, group, fieldname, slop) for group in groups)
    mask = _docs_mask(snap, docs)
    if not scored:
        return mask, None
    scores = np.zeros(snap.n, dtype=np.float32)
    for term in dict.fromkeys(terms):
        ids, tfs = snap.postings(fieldname, term)
        bm25 = snap.bm25(ids, tfs, fieldname)
        if isinstance(leaf, Phrase):  # only where the phrase is
            keep = mask[ids]
            ids, bm25 = ids[keep], bm25[keep]
        scores[ids] += bm25
    return mask, scores


def _union(parts) -> np.ndarray:
    parts = [p for p in parts if len(p)]
    if not parts:
        return np.empty(0, dtype=np.int64)
    return parts[0] if len(parts) == 1 else np.unique(np.concatenate(parts))
