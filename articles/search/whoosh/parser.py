"""Whoosh's query parser, taught Lucene's meaning of ``"…"~n`` for the generic haystack engine.

The generic engine (articles.search.haystack_engine) sends the Lucene query string of
articles.search.lucene. Whoosh reads ``"a b"~n`` as "b after a, at most n - 1 words between"; Lucene
(Solr, Elasticsearch) and the embedded engine as "within n moves", either order
(articles.search.whoosh.proximity). Here the parser gives such phrases a query that matches
as Lucene does, so one query string means the same on every engine.
"""

from __future__ import annotations

from functools import reduce

import numpy as np
from whoosh.matching import ListMatcher, NullMatcher
from whoosh.qparser import PhrasePlugin
from whoosh.query import Phrase

from .phrases import segment_phrase_docs
from .segment_arrays import leaf_postings


class SloppyPhrase(Phrase):
    """Lucene's ``"…"~n`` (n = Whoosh's ``slop`` - 1); matches scored alike (a count)."""

    def matcher(self, searcher, context=None):
        if not searcher.is_atomic():
            docs = []
            for sub, offset in searcher.leaf_searchers():
                docs.extend(d + offset for d in self._segment_docs(sub.reader()))
            return ListMatcher(docs, all_weights=self.boost) if docs else NullMatcher()
        docs = self._segment_docs(searcher.reader())
        return ListMatcher(docs, all_weights=self.boost) if docs else NullMatcher()

    def _segment_docs(self, reader) -> list[int]:
        terms = list(self.words)
        if not terms:
            return []
        local = reduce(
            lambda a, b: np.intersect1d(a, b, assume_unique=True),
            (leaf_postings(reader, self.fieldname, t)[0] for t in dict.fromkeys(terms)),
        )
        if not len(local):
            return []
        docs = segment_phrase_docs(reader, None, self.fieldname, terms, local, self.slop - 1)
        return [d for d in docs.tolist() if not reader.is_deleted(d)]


def phrase_query(fieldname, words, slop=1, boost=1.0, char_ranges=None):
    """The parser's phrase class: Whoosh's exact phrase without ``~n``, else SloppyPhrase."""
    kind = Phrase if slop <= 1 else SloppyPhrase
    return kind(fieldname, words, slop=slop, boost=boost, char_ranges=char_ranges)


class LucenePhrasePlugin(PhrasePlugin):
    """``"…"~n`` tagged with Whoosh slop n + 1 (Whoosh's 1 is adjacent words, Lucene's 0)."""

    class PhraseTagger(PhrasePlugin.PhraseTagger):
        def create(self, parser, match):
            node = super().create(parser, match)
            if match.group("slop"):
                node.slop += 1
            return node

    def taggers(self, parser):
        return [(self.PhraseTagger(self.expr), 0)]


def teach_lucene_phrases(parser) -> None:
    parser.remove_plugin_class(PhrasePlugin)
    parser.add_plugin(LucenePhrasePlugin())
    parser.phraseclass = phrase_query
