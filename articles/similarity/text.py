"""An article's words weighed by how much they say about its event.

A word's weight is the lower of two rarities: in English at large (wordfreq's list, the same
for every archive, so one article's vector never depends on what else is stored) and in this
archive (``common`` words with the share of articles using them, refreshed by
``manage.py group_stories``): "mln" and "dlrs" are rare in English but in a third of the
Reuters wire, "said" is common everywhere.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping

from wordfreq import get_frequency_dict

from ..extraction.names import fold_text

LEAD_CHARS = 1500  # the lead says what happened; the rest of a long piece drifts
MAX_WEIGHT = 12.0
# A word's share of articles is roughly its share of words times this (an article of about
# 300 distinct words): puts word frequency and document frequency on one scale.
WORDS_PER_ARTICLE = 300
# wordfreq's small English list (about 29,000 words): a plain lookup, where zipf_frequency
# tokenizes each word again; a word not on it is rare.
_ENGLISH = get_frequency_dict("en", wordlist="small")
_WORD = re.compile(r"[a-z0-9]+(?:[.,'][a-z0-9]+)*")
_NUMBER = re.compile(r"[0-9]")


_ASCII_APOSTROPHES = str.maketrans("", "", "'`")


def words(text: str) -> list[str]:
    """Folded words of two letters or more; numbers keep their inner points and commas."""
    # ASCII text folds to itself but for case and apostrophes: skip the Unicode passes.
    folded = text.translate(_ASCII_APOSTROPHES).lower() if text.isascii() else fold_text(text)
    return [w for w in _WORD.findall(folded) if len(w) > 1]


def lead(headline: str, body: str) -> str:
    """What an article's vector is made of: the headline twice (it names the event) and the
    start of the body."""
    return f"{headline}\n{headline}\n{body[:LEAD_CHARS]}"


class WordWeights:
    """word -> weight (an inverse document frequency), cached per word."""

    def __init__(self, common: Mapping[str, float] | None = None):
        self.common = dict(common or {})  # word -> share of the archive's articles
        self._cache: dict[str, float] = {}

    def __call__(self, word: str) -> float:
        weight = self._cache.get(word)
        if weight is None:
            weight = self._cache[word] = self._weigh(word)
        return weight

    def _weigh(self, word: str) -> float:
        if _NUMBER.search(word):
            general = MAX_WEIGHT  # figures name one event's facts
        else:
            frequency = _ENGLISH.get(word, 0.0)
            general = -math.log(min(1.0, max(frequency * WORDS_PER_ARTICLE, 1e-9)))
        share = self.common.get(word)
        archive = -math.log(share) if share else MAX_WEIGHT
        return min(general, archive, MAX_WEIGHT)


def text_vector(text: str | list[str], weights: WordWeights) -> dict[str, float]:
    """Unit-length vector of sub-linear term frequency times weight (of a text or its
    ``words``)."""
    counts = Counter(words(text) if isinstance(text, str) else text)
    vector = {}
    for word, count in counts.items():
        weight = weights(word)
        if weight > 0.05:
            vector[word] = (1 + math.log(count)) * weight
    norm = math.sqrt(sum(v * v for v in vector.values()))
    return {w: v / norm for w, v in vector.items()} if norm else {}


def cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b[w] for w, v in a.items() if w in b)


def figures(text: str | list[str]) -> frozenset[str]:
    """The numbers a text (or its ``words``) gives, years left out: two reports that share
    their words but not their figures are two reports (a daily market estimate, a weekly
    list)."""
    tokens = words(text) if isinstance(text, str) else text
    return frozenset(
        w for w in tokens if w[0].isdigit() and not (len(w) == 4 and w[:2] in ("19", "20"))
    )


COMMON_MIN_ARTICLES = 50


def document_shares(texts, *, min_share: float = 0.005) -> dict[str, float]:
    # ``texts``: texts or their ``words``
    """word -> share of ``texts`` using it, for the words used by at least ``min_share`` of
    them and by COMMON_MIN_ARTICLES at least: in a small archive every word two articles
    share would look common, the very words that tie a story together."""
    counts: Counter[str] = Counter()
    n = 0
    for text in texts:
        counts.update(set(words(text) if isinstance(text, str) else text))
        n += 1
    if not n:
        return {}
    floor = max(COMMON_MIN_ARTICLES, min_share * n)
    return {w: c / n for w, c in counts.items() if c >= floor}
