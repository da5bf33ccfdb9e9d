"""The query side of the Whoosh engine: filters, totals, facets and sorting over a Snapshot.

Whoosh only scores; everything else is numpy over the unscored match set, with the facet
doc → value arrays each Snapshot keeps (stock haystack: 215 ms plain, 730 ms with facets,
19 s match-all with facets on 18,000 articles).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime

import numpy as np

from ..periods import UNITS, choose_unit, period_starts
from ..types import EngineQuery, EngineResult, FacetLimits, Timeline
from ..vocabulary import DATES_INFERRED
from . import spelling
from .matching import text_scores
from .snapshot import BM25_B, BM25_K1, NO_DATE, LiveSearcher, Snapshot, numeric_column
from .values import from_epoch_micros
from .word_forms import prefix_forms

UNDATED_LAST = 1 << 60  # above any (day << 32 | article id) sort key
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


def _bm25_exact(snap: Snapshot, ids: np.ndarray, tfs: np.ndarray) -> np.ndarray:
    """BM25 as Whoosh's BM25F scorer computes it, in double precision (its ranking)."""
    idf = np.log(snap.n / (len(ids) + 1)) + 1
    tf = tfs.astype(np.float64)
    lengths = snap.text_len[ids].astype(np.float64)
    norm = BM25_K1 * ((1 - BM25_B) + BM25_B * lengths / snap.avg_text_len)
    return idf * (tf * (BM25_K1 + 1)) / (tf + norm)


class FastSearch:
    """The query side: filters, totals, facets, sorting and suggestions over a Snapshot."""

    def __init__(self, live: LiveSearcher):
        self.live = live

    def match_mask(self, snap: Snapshot, query: EngineQuery):
        """(scores or None when nothing is ranked, mask of matching live docs)."""
        scores, mask, groups = self.match_masks(snap, query)
        for allowed in groups.values():
            mask &= allowed
        return scores, mask

    def match_masks(self, snap: Snapshot, query: EngineQuery):
        """(scores, mask of everything but the include filters, {field: docs it allows}).

        The include filters are kept apart so a field's facet counts can leave out that
        field's own selection (disjunctive facets).
        """
        parsed, include, exclude = query.parsed, query.include, query.exclude
        date_from, date_to = query.date_from, query.date_to
        scored = text_scores(snap, parsed)
        if scored is None:
            scores, mask = None, snap.live.copy()
        else:
            mask, scores = scored
            mask &= snap.live
            if not parsed.ranks:  # NOTs and outlets only: nothing to rank by
                scores = None
        groups: dict[str, np.ndarray] = {}
        for name, values in include.items():
            column = snap.facets.get(name)
            if column is None or not values:
                continue
            allowed = np.zeros(snap.n, dtype=bool)
            for value in values:
                allowed[column.docs_with(value)] = True
            groups[name] = allowed
        for name, values in exclude.items():
            column = snap.facets.get(name)
            if column is None:
                continue
            for value in values:
                mask[column.docs_with(value)] = False
        for name, values in query.require.items():  # part of the base: facets count within
            column = snap.facets.get(name)
            for value in values:
                required = np.zeros(snap.n, dtype=bool)
                if column is not None:
                    required[column.docs_with(value)] = True
                mask &= required
        if date_from or date_to:
            pub = snap.published
            ok = pub != NO_DATE
            if date_from:
                ok &= pub >= date_from.toordinal()
            if date_to:
                ok &= pub <= date_to.toordinal()
            mask &= ok
        return scores, mask, groups

    def _sorted_docs(self, snap, docs: np.ndarray, newest: bool, k: int | None) -> np.ndarray:
        """Docs by date (then article id), undated ones last in both directions.

        An archive can hold tens of thousands of undated articles (Tehran Times): first,
        they would fill every page of "oldest first".
        """
        published = snap.published[docs]
        key = published * (1 << 32) + snap.article_id[docs]
        if newest:
            key = -key
        undated_key = UNDATED_LAST + (-1 if newest else 1) * snap.article_id[docs]
        key = np.where(published == NO_DATE, undated_key, key)
        if k is not None and len(docs) > 4 * k:
            part = np.argpartition(key, k)[:k]
            return docs[part[np.argsort(key[part], kind="stable")]]
        return docs[np.argsort(key, kind="stable")]

    def search(
        self,
        query: EngineQuery,
        *,
        sort,
        offset,
        limit,
        facets,
        suggest,
        timeline="",
        facets_within=(),
        facet_limits: FacetLimits | None = None,
    ) -> EngineResult:
        """SearchEngine.search (articles.search.engine) over this process's snapshot.

        Every value is counted (numpy over the matches); under ``facet_limits`` only the
        fields asked for, and only the top values are put in order (TopCounts)."""
        snap = self.live.snapshot()
        parsed = query.parsed
        scores, base, groups = self.match_masks(snap, query)
        mask = base.copy() if groups else base
        for allowed in groups.values():
            mask &= allowed
        docs = np.flatnonzero(mask)
        total = len(docs)
        hits: list[tuple[int, float]] = []
        end = offset + limit
        if total and offset < total and limit > 0:
            if sort == "relevance" and scores is not None:
                top = self._ranked_docs(scores, docs, end)[offset:end]
                hits = [(int(snap.article_id[d]), float(scores[d])) for d in top]
            else:
                top = self._sorted_docs(snap, docs, sort != "oldest", end)[offset:end]
                hits = [(int(snap.article_id[d]), 0.0) for d in top]
        facet_counts = {}
        if facets:
            unfiltered = parsed.root is None and not (
                query.include or query.exclude or query.require or query.date_from or query.date_to
            )
            wanted = facet_limits.fields if facet_limits else tuple(snap.facets)
            if unfiltered and snap.all_facets is not None:  # the landing page, cached
                facet_counts = snap.all_facets
            else:
                facet_counts = {
                    name: col.count(*self._facet_scope(name, base, groups, mask, docs))
                    for name, col in snap.facets.items()
                    if unfiltered or name in wanted
                }
                if unfiltered:
                    snap.all_facets = facet_counts
            facet_counts = {n: c for n, c in facet_counts.items() if n in wanted}
            if facet_limits:
                facet_counts = {n: facet_limits.trim(n, c) for n, c in facet_counts.items()}
        corrections = {}
        if suggest and total <= 3 and parsed.ranks:
            corrections = spelling.corrections(snap, parsed)
        result = EngineResult(total, hits, facet_counts, corrections)
        if facets:
            result.facets_within = {
                name: snap.facets[name].count(mask, docs)
                for name in facets_within
                if name in snap.facets
            }
            if facet_limits:
                result.facets_within = {
                    n: facet_limits.trim(n, c) for n, c in result.facets_within.items()
                }
        if timeline:
            dates = snap.facets.get("dates")
            inferred = np.zeros(snap.n, dtype=bool)
            if dates is not None:
                inferred[dates.docs_with(DATES_INFERRED)] = True
            result.timeline = day_timeline(
                snap.published[docs], timeline, query, inferred=inferred[docs]
            )
        return result

    @staticmethod
    def _facet_scope(name, base, groups, mask, docs) -> tuple[np.ndarray, np.ndarray]:
        """(mask, docs) a field's counts are taken over: the matches, except that a field
        with a selection is counted without that selection (the other filters still apply).
        A value's count is then what selecting only that value of the field would find, and
        a second outlet can be added while the first is selected."""
        if name not in groups:
            return mask, docs
        scope = base.copy()
        for other, allowed in groups.items():
            if other != name:
                scope &= allowed
        return scope, np.flatnonzero(scope)

    @staticmethod
    def _ranked_docs(scores: np.ndarray, docs: np.ndarray, k: int | None) -> np.ndarray:
        """Docs by descending score (ties: lower doc number first), the top ``k`` only."""
        key = -scores[docs]
        if k is not None and len(docs) > 4 * k:
            part = np.argpartition(key, k)[:k]
            return docs[part[np.lexsort((docs[part], key[part]))]]
        return docs[np.lexsort((docs, key))]

    def count(self, query: EngineQuery) -> int:
        """How many documents match: masks only, no ranking, no facets."""
        snap = self.live.snapshot()
        _, mask = self.match_mask(snap, query)
        return int(np.count_nonzero(mask))

    def iter_ids(self, query: EngineQuery, sort: str) -> Iterator[int]:
        snap = self.live.snapshot()
        scores, mask = self.match_mask(snap, query)
        docs = np.flatnonzero(mask)
        if sort == "relevance" and scores is not None:
            ordered = self._ranked_docs(scores, docs, None)
        else:
            ordered = self._sorted_docs(snap, docs, sort != "oldest", None)
        yield from snap.article_id[ordered].tolist()

    def word_forms(self, fieldname: str, prefix: str, limit: int) -> tuple[list[str], int]:
        """SearchEngine.word_forms over this process's snapshot (kept with it)."""
        snap = self.live.snapshot()
        key = (fieldname, prefix)
        found = snap.word_forms.get(key)
        if found is None or len(found[0]) < min(limit, found[1]):
            if len(snap.word_forms) > 1000:
                snap.word_forms.clear()
            found = snap.word_forms[key] = prefix_forms(snap.searcher.reader(), *key, limit)
        return found[0][:limit], found[1]

    def more_like_this(self, article_id: int, text: str, limit: int) -> list[int]:
        """The articles scoring highest for the text's key terms, as Whoosh's Or query of
        boosted terms scores them (the sum of boost x BM25), counted with numpy: Whoosh's
        own matchers took half a second an article page at 100,000 articles."""
        snap = self.live.snapshot()
        try:
            terms = snap.searcher.key_terms_from_text("text", text, numterms=12)
        except ZeroDivisionError:  # Whoosh's Bo1 model when no word of the text is indexed
            return []
        if not terms:
            return []
        own = snap.doc_of_article(article_id)
        docs, scores = [], []
        for term, boost in terms:
            ids, tfs = snap.postings("text", term)
            if len(ids):
                docs.append(ids)
                scores.append(boost * _bm25_exact(snap, ids, tfs))
        if not docs:
            return []
        found, slot = np.unique(np.concatenate(docs), return_inverse=True)
        total = np.bincount(slot, weights=np.concatenate(scores))
        keep = snap.live[found] & (found != (-1 if own is None else own))
        found, total = found[keep], total[keep]
        top = np.lexsort((found, -total))[:limit]
        return [int(snap.article_id[d]) for d in found[top]]

    def indexed_facets(self, article_ids: Iterable[int]) -> dict[int, dict[str, frozenset[str]]]:
        snap = self.live.snapshot()
        out = {}
        for article_id in article_ids:
            doc = snap.doc_of_article(int(article_id))
            if doc is not None:
                out[int(article_id)] = {
                    name: frozenset(column.values_of(doc)) for name, column in snap.facets.items()
                }
        return out

    def indexed_versions(self) -> dict[int, datetime]:
        snap = self.live.snapshot()
        out = {}
        for sub, offset in snap.searcher.leaf_searchers():
            reader = sub.reader()
            if not reader.has_column("updated_at"):
                continue
            size = reader.doc_count_all()
            micros = numeric_column(reader.column_reader("updated_at", translate=False), size)
            docs = np.arange(size) + offset
            live = snap.live[docs] & (micros != 0)
            for article_id, value in zip(
                snap.article_id[docs[live]].tolist(), micros[live].tolist(), strict=True
            ):
                out[article_id] = from_epoch_micros(value)
        return out


def day_timeline(
    days: np.ndarray, unit: str, query: EngineQuery, inferred: np.ndarray | None = None
) -> Timeline:
    """Matches per period from their day numbers (NO_DATE: undated); ``inferred`` marks the
    matches whose date is inferred, counted apart per period."""
    is_dated = days != NO_DATE
    dated = days[is_dated]
    undated = len(days) - len(dated)
    if not len(dated):
        return Timeline(unit if unit in UNITS else "year", (), undated)
    first, last = date.fromordinal(int(dated.min())), date.fromordinal(int(dated.max()))
    if unit not in UNITS:
        unit = choose_unit(first, last, query.date_from, query.date_to)
    keys = dated
    if unit != "day":
        as_days = (dated - _EPOCH_ORDINAL).astype("datetime64[D]")
        keys = as_days.astype("datetime64[M]" if unit == "month" else "datetime64[Y]")
        keys = keys.astype(np.int64)
    counts = np.bincount(keys - keys.min())
    starts = period_starts(first, last, unit)
    guessed = ()
    if inferred is not None:
        marked = inferred[is_dated]
        guessed = tuple(np.bincount(keys[marked] - keys.min(), minlength=len(counts)).tolist())
    return Timeline(unit, tuple(zip(starts, counts.tolist(), strict=True)), undated, guessed)
