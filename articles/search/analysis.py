"""Text analysis: how searched text becomes index terms, shared by the index and the highlighter.

The Whoosh schema analyses the article text with ``text_analyzer()`` (and its exact word
forms with ``unstemmed_analyzer()``); the highlighter
(articles.search.highlight) marks a word when ``stem`` of its folded form is a query term,
with the same stop words. Both read them from here, so the two can never drift apart.
(Text is folded before it reaches either: articles.extraction.names.fold_text.)
"""

from __future__ import annotations

import re

from whoosh.analysis import STOP_WORDS as WHOOSH_STOP_WORDS
from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.lang.porter import stem

__all__ = [
    "MIN_WORD_LENGTH",
    "STOP_WORDS",
    "AcronymFilter",
    "stem",
    "text_analyzer",
    "unstemmed_analyzer",
]

# Whoosh's English stop words, but "us": in a news archive "US" is the United States far more
# often than the pronoun (the text is lower-cased before analysis, so the two cannot be told
# apart), and a search for "US" or "U.S." matching every article helps nobody.
STOP_WORDS = frozenset(WHOOSH_STOP_WORDS - {"us"})
MIN_WORD_LENGTH = 2  # one-letter words are not indexed
_ACRONYM = re.compile(r"[a-z](?:\.[a-z])+")


class AcronymFilter(Filter):
    """ "u.s" -> "us", "u.n" -> "un": letters joined by dots become one word.

    The tokenizer keeps "U.S." as one token "u.s"; without this, "US" and "U.S." never meet.
    """

    def __call__(self, tokens):
        for t in tokens:
            if "." in t.text and _ACRONYM.fullmatch(t.text):
                t.text = t.text.replace(".", "")
            yield t


def text_analyzer():
    """The analyzer of the searched text (changing it needs a full re-index)."""
    return (
        RegexTokenizer()
        | LowercaseFilter()
        | AcronymFilter()
        | StopFilter(stoplist=STOP_WORDS, minsize=MIN_WORD_LENGTH)
        | StemFilter()
    )


def unstemmed_analyzer():
    """Exact word forms (``=sanction``, quoted phrases, ``sanction*``): the text analyzer
    without the stemmer, so a word has the same position in both fields."""
    return (
        RegexTokenizer()
        | LowercaseFilter()
        | AcronymFilter()
        | StopFilter(stoplist=STOP_WORDS, minsize=MIN_WORD_LENGTH)
    )
