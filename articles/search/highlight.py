"""Escaped, highlighted headlines and snippets, the same for every search backend.

Built from the database text rather than the engine's highlighter so escaping is ours:
everything is HTML-escaped and only our own <mark> tags are markup. A word is marked when
its folded, stemmed form equals a folded, stemmed query word (the index's own analysis:
lower case, accents and apostrophes folded, Porter stem), or, for exact forms (``=word``,
quoted phrases, a prefix's forms), its folded form is one of them. Only what the query
asks for is marked: not words under a NOT, and ``headline:`` words only in the headline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from html import escape

from ..extraction.names import fold_text
from .analysis import STOP_WORDS, stem
from .query import HEADLINE, VALUE_FIELDS, ParsedQuery, Prefix, leaf_words

SNIPPET_CHARS = 240
MAX_SNIPPET_SOURCE = 40_000  # characters of the body looked at for a snippet
_ALNUM = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=200_000)
def word_form(word: str) -> str:
    return _ALNUM.sub("", fold_text(word))


@lru_cache(maxsize=200_000)
def word_key(word: str) -> str:
    return stem(word_form(word))


@dataclass(frozen=True)
class Marks:
    """What to mark: words whose stem is one of ``stems`` or whose form is one of ``forms``."""

    stems: frozenset[str] = frozenset()
    forms: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.stems or self.forms)

    def heads(self) -> tuple[str, ...]:
        return tuple(sorted({k[:2] for k in self.stems | self.forms}))

    def wants(self, word: str) -> bool:
        return word_form(word) in self.forms or word_key(word) in self.stems


def query_marks(parsed: ParsedQuery) -> tuple[Marks, Marks]:
    """(headline marks, body marks) of a prepared query: its words not under a NOT."""
    stems: dict[bool, set[str]] = {True: set(), False: set()}  # in headline only?
    forms: dict[bool, set[str]] = {True: set(), False: set()}
    for leaf, positive in parsed.leaves():
        if not positive or isinstance(leaf, tuple(VALUE_FIELDS)):
            continue
        exact = isinstance(leaf, Prefix) or leaf.exact
        keys = forms if exact else stems
        for word in leaf_words(leaf):
            key = _ALNUM.sub("", word)
            if key and word not in STOP_WORDS:
                keys[leaf.field == HEADLINE].add(key if exact else stem(key))
    body = Marks(frozenset(stems[False]), frozenset(forms[False]))
    headline = Marks(body.stems | stems[True], body.forms | forms[True])
    return headline, body


@lru_cache(maxsize=1024)
def _candidates(heads: tuple[str, ...]) -> re.Pattern:
    """Words that could match: starting with a query stem's first letters, or non-ASCII."""
    alternatives = "|".join(re.escape(h) for h in heads)
    # Dotted words ("U.S.", "3.5") are one word to the index, whatever their first letters.
    return re.compile(
        rf"(?<!\w)(?:\w(?:\.\w)+|(?:(?i:{alternatives})|[^\W\x00-\x7f])\w*(?:['\u2019\u02bc]\w+)*)"
    )


def _hits(text: str, marks: Marks) -> list[tuple[int, int]]:
    """(start, end) of the words of ``text`` the marks want.

    Only candidate words are folded and stemmed: doing it for every word of a long
    article was most of a results page's time.
    """
    if not marks:
        return []
    pattern = _candidates(marks.heads())
    return [(m.start(), m.end()) for m in pattern.finditer(text) if marks.wants(m.group())]


def _render(text: str, hits: list[tuple[int, int]], start: int, end: int) -> str:
    out, pos = [], start
    for s, e in hits:
        if s < start or e > end:
            continue
        out.append(escape(text[pos:s], quote=False))
        out.append(f"<mark>{escape(text[s:e], quote=False)}</mark>")
        pos = e
    out.append(escape(text[pos:end], quote=False))
    return "".join(out)


def highlight(text: str, marks: Marks) -> str:
    """The whole text, escaped, with query words marked."""
    return _render(text, _hits(text, marks), 0, len(text))


def snippet(text: str, marks: Marks, length: int = SNIPPET_CHARS) -> str:
    """An escaped passage of about ``length`` characters around the densest query words."""
    text = " ".join(text[:MAX_SNIPPET_SOURCE].split())
    if not text:
        return ""
    hits = _hits(text, marks)
    anchor = 0
    if hits:
        best, best_distinct = hits[0][0], 0
        for i, (s, _) in enumerate(hits[:50]):
            window = hits[i : i + 30]
            distinct = {word_key(text[a:b]) for a, b in window if a < s + length * 2 // 3}
            if len(distinct) > best_distinct:
                best, best_distinct = s, len(distinct)
        anchor = max(0, best - length // 4)
    start = 0 if anchor == 0 else text.find(" ", anchor - 1) + 1
    if start <= 0 or start >= len(text):
        start = 0 if anchor == 0 else anchor
    end = len(text) if start + length >= len(text) else text.find(" ", start + length)
    if end == -1:
        end = len(text)
    body = _render(text, hits, start, end)
    return ("… " if start else "") + body + (" …" if end < len(text) else "")
