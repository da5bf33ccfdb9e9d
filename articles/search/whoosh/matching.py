"""Which documents a parsed query matches, and their BM25 scores, over a Snapshot."""

from __future__ import annotations

import numpy as np

from ..analysis import MIN_WORD_LENGTH
from ..query import ParsedQuery, Phrase
from . import phrases
from .snapshot import Snapshot


def analyze(schema, words: Phrase, fieldname: str = "text") -> list[str]:
    """The index terms of a folded phrase (stop words dropped, stemmed)."""
    return [t.text for t in schema[fieldname].analyzer(" ".join(words))]


def phrase_docs(snap: Snapshot, terms: list[str], fieldname: str = "text") -> np.ndarray:
    """Global doc numbers (sorted) containing ``terms`` as a phrase."""
    return phrases.phrase_docs(snap, terms, fieldname)


def phrase_postings(snap: Snapshot, terms: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(docs, scores) of one word or phrase; a phrase scores the sum of its words."""
    if len(terms) == 1:
        ids, tfs = snap.postings("text", terms[0])
        return ids, snap.bm25(ids, tfs)
    docs = phrase_docs(snap, terms)
    scores = np.zeros(len(docs), dtype=np.float32)
    for term in dict.fromkeys(terms):
        ids, tfs = snap.postings("text", term)
        pos = np.searchsorted(ids, docs)
        pos[pos >= len(ids)] = 0
        found = ids[pos] == docs if len(ids) else np.zeros(len(docs), bool)
        scores[found] += snap.bm25(ids[pos[found]], tfs[pos[found]])
    return docs, scores


def text_scores(snap: Snapshot, parsed: ParsedQuery) -> tuple[np.ndarray, np.ndarray] | None:
    """(mask, BM25 scores) of the positive query over all docs, or None for "everything".

    Clauses are ANDed, alternatives ORed with summed scores (as Whoosh's And/Or score).
    """
    schema = snap.schema
    mask = None
    total = np.zeros(snap.n, dtype=np.float32)
    for clause in parsed.required:
        alts = [terms for terms in (analyze(schema, alt) for alt in clause.alternatives) if terms]
        if not alts:
            continue  # only stop words or one-letter words (reported by `unsearchable`)
        clause_mask = np.zeros(snap.n, dtype=bool)
        for terms in alts:
            docs, scores = phrase_postings(snap, terms)
            clause_mask[docs] = True
            total[docs] += scores  # docs are unique within one posting list
        mask = clause_mask if mask is None else (mask & clause_mask)
    if mask is None:
        if parsed.required:  # words were asked for and none can be searched: none match
            return np.zeros(snap.n, dtype=bool), total
        return None
    return mask, total


def unsearchable(schema, parsed: ParsedQuery) -> list[tuple[Phrase, str]]:
    """Query words and phrases with no index terms, each with why: "common" or "short"."""
    out: dict[Phrase, str] = {}
    phrases = [alt for c in parsed.required for alt in c.alternatives] + list(parsed.excluded)
    for phrase in phrases:
        if phrase not in out and not analyze(schema, phrase):
            short = all(len(w) < MIN_WORD_LENGTH for w in phrase)
            out[phrase] = "short" if short else "common"
    return list(out.items())
