"""Escaped, highlighted headlines and snippets, the same for every search backend.

Built from the database text rather than the engine's highlighter so escaping is ours:
everything is HTML-escaped and only our own <mark> tags are markup. A word is marked when
its folded, stemmed form equals a folded, stemmed query word (the index's own analysis:
lower case, accents and apostrophes folded, Porter stem).
"""

from __future__ import annotations

import re
from functools import lru_cache
from html import escape

from whoosh.analysis import STOP_WORDS
from whoosh.lang.porter import stem

from .extraction.names import fold_text

SNIPPET_WORDS = 36
_WORD = re.compile(r"\w+(?:['\u2019\u02bc]\w+)*")
_ALNUM = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=200_000)
def word_key(word: str) -> str:
    return stem(_ALNUM.sub("", fold_text(word)))


def query_keys(words: list[str]) -> frozenset[str]:
    return frozenset(stem(w) for w in words if w and w not in STOP_WORDS)


def _spans(text: str, keys: frozenset[str]) -> list[tuple[int, int, bool]]:
    return [(m.start(), m.end(), word_key(m.group()) in keys) for m in _WORD.finditer(text)]


def _render(text: str, spans, start: int, end: int) -> str:
    out, pos = [], start
    for s, e, hit in spans:
        if s < start or e > end or not hit:
            continue
        out.append(escape(text[pos:s], quote=False))
        out.append(f"<mark>{escape(text[s:e], quote=False)}</mark>")
        pos = e
    out.append(escape(text[pos:end], quote=False))
    return "".join(out)


def highlight(text: str, keys: frozenset[str]) -> str:
    """The whole text, escaped, with query words marked."""
    if not keys:
        return escape(text, quote=False)
    return _render(text, _spans(text, keys), 0, len(text))


def snippet(text: str, keys: frozenset[str], words: int = SNIPPET_WORDS) -> str:
    """An escaped passage of about ``words`` words around the densest run of query words."""
    text = text.strip()
    spans = _spans(text, keys) if keys else [(m.start(), m.end(), False) for m in _WORD.finditer(text)]
    if not spans:
        return escape(text[:240], quote=False)
    first = 0
    hits = [i for i, s in enumerate(spans) if s[2]]
    if hits:
        best, best_distinct = hits[0], 0
        for i in hits:
            window = {word_key(text[s:e]) for s, e, h in spans[i : i + words] if h}
            if len(window) > best_distinct:
                best, best_distinct = i, len(window)
        first = max(0, best - words // 4)
    last = min(len(spans), first + words) - 1
    start = 0 if first == 0 else spans[first][0]
    end = len(text) if last == len(spans) - 1 else spans[last][1]
    body = _render(text, spans, start, end)
    return ("… " if start else "") + body.strip() + (" …" if end < len(text) else "")
