"""Reading a reader's query: words, "exact phrases", -excluded words and OR.

Pure functions, no Django, no search engine: the result is a small tree that each search
backend turns into its own query objects, so no engine's query parser ever sees raw input
(and no odd input can raise). Words are folded with articles.extraction.names.fold_text,
the same folding the index applies to the text, so `Kataib`, `Kata'ib` and `Kata’ib` meet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..extraction.names import fold_text

MAX_QUERY_WORDS = 32

NOTE_UNREADABLE = "Your query could not be read as written; searched for the words instead."
NOTE_TRUNCATED = f"Your query was long; only its first {MAX_QUERY_WORDS} words were searched."

Phrase = tuple[str, ...]  # folded words; one word is a plain term


@dataclass(frozen=True)
class Clause:
    """Documents must match at least one of the alternatives (OR)."""

    alternatives: tuple[Phrase, ...]


@dataclass(frozen=True)
class ParsedQuery:
    required: tuple[Clause, ...] = ()  # AND of clauses
    excluded: tuple[Phrase, ...] = ()  # none of these
    notes: tuple[str, ...] = field(default=())

    @property
    def is_match_all(self) -> bool:
        return not self.required

    def positive_words(self) -> list[str]:
        """Every folded word the reader asked for (for highlighting and suggestions)."""
        return [w for c in self.required for alt in c.alternatives for w in alt]


_TOKEN = re.compile(r'-?"[^"]*"|\S+')
# Dots inside a word keep it whole ("u.s", "3.5"), as the index's tokenizer does; any other
# punctuation splits it into a phrase of its parts ("al-asad").
_WORD = re.compile(r"[a-z0-9]+(?:\.[a-z0-9]+)*")


def _words(text: str) -> Phrase:
    return tuple(_WORD.findall(fold_text(text)))


def _plain(text: str, notes: list[str]) -> ParsedQuery:
    words = _words(text)
    if len(words) > MAX_QUERY_WORDS:
        words = words[:MAX_QUERY_WORDS]
        notes.append(NOTE_TRUNCATED)
    return ParsedQuery(
        required=tuple(Clause(((w,),)) for w in dict.fromkeys(words)), notes=tuple(notes)
    )


class _Unreadable(Exception):
    pass


def parse_query(q: str) -> ParsedQuery:
    """Parse ``q``; anything the syntax cannot read is searched as its plain words.

    Syntax: words are ANDed; ``"a phrase"``; ``-word`` or ``-"a phrase"`` excludes;
    ``a OR b`` (upper case) matches either; ``AND`` between words is accepted and redundant.
    A word with inner punctuation (``al-Asad``) is searched as a phrase of its parts; dots
    between letters or digits keep one word (``U.S.``, ``3.5``).
    Empty input (or input with no words) matches everything.
    """
    q = (q or "").strip()
    if not q:
        return ParsedQuery()
    notes: list[str] = []
    # Curly and other typographic quotes become '"' so pasted phrases work.
    normalised = re.sub(r"[\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033]", '"', q)
    try:
        return _parse(normalised, notes)
    except _Unreadable:
        return _plain(normalised, [NOTE_UNREADABLE, *notes])


def _parse(q: str, notes: list[str]) -> ParsedQuery:
    if q.count('"') % 2 or re.search(r"[()\[\]{}*?~^:\\]", q):
        raise _Unreadable
    tokens = _TOKEN.findall(q)
    groups: list[list[Phrase]] = []
    excluded: list[Phrase] = []
    pending_or = False
    n_words = 0
    for token in tokens:
        if token == "OR":
            if not groups or pending_or:
                raise _Unreadable
            pending_or = True
            continue
        if token == "AND":
            if not groups or pending_or:
                raise _Unreadable
            continue
        negative = token.startswith("-")
        body = token[1:] if negative else token
        if not body:
            raise _Unreadable
        if body.startswith('"'):
            body = body.strip('"')
        elif body.startswith("-") or body in ("OR", "AND", "NOT"):
            raise _Unreadable
        words = _words(body)
        if not words:
            if pending_or:
                raise _Unreadable
            continue  # punctuation only, e.g. "&"
        n_words += len(words)
        if n_words > MAX_QUERY_WORDS:
            if NOTE_TRUNCATED not in notes:
                notes.append(NOTE_TRUNCATED)
            break
        if negative:
            if pending_or:
                raise _Unreadable
            excluded.append(words)
        elif pending_or:
            groups[-1].append(words)
            pending_or = False
        else:
            groups.append([words])
    if pending_or:
        raise _Unreadable
    required = tuple(Clause(tuple(dict.fromkeys(g))) for g in groups)
    return ParsedQuery(
        required=tuple(dict.fromkeys(required)),
        excluded=tuple(dict.fromkeys(excluded)),
        notes=tuple(notes),
    )
