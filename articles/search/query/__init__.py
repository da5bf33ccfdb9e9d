"""The reader's query language: AND, OR, NOT and -, parentheses, "phrases"~n, NEAR/n,
prefix*, =exact forms and fields (headline:, outlet:/source:, author:/byline:), parsed into
a small tree.

Pure functions, no Django, no search engine: each engine turns the tree into its own
queries, so no engine's query parser ever sees raw input. Words are folded with
articles.extraction.names.fold_text, the folding the index applies to the text, so
`Kataib`, `Kata'ib` and `Kata’ib` meet. A query that cannot be read is not searched as
anything else: ParsedQuery.error says what and where, and offers the closest query that
reads (the syntax: templates/articles/search_help.html, README "Searching").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .nodes import (
    EVERYTHING,
    HEADLINE,
    NOTHING,
    TEXT,
    VALUE_FIELDS,
    And,
    Byline,
    Everything,
    Leaf,
    Node,
    Not,
    Nothing,
    Or,
    Outlet,
    Phrase,
    Prefix,
    Word,
    Words,
    leaf_words,
    leaves,
    transform,
)
from .relax import relaxations
from .render import to_query
from .syntax import read
from .tokens import MAX_DISTANCE, MAX_LEAVES, MIN_PREFIX, ParseError

__all__ = [
    "EVERYTHING",
    "HEADLINE",
    "MAX_DISTANCE",
    "MAX_LEAVES",
    "MAX_QUERY_CHARS",
    "MIN_PREFIX",
    "NOTHING",
    "TEXT",
    "VALUE_FIELDS",
    "And",
    "Byline",
    "Everything",
    "Leaf",
    "Node",
    "Not",
    "Nothing",
    "Or",
    "Outlet",
    "ParsedQuery",
    "Phrase",
    "Prefix",
    "QueryError",
    "Word",
    "Words",
    "leaf_words",
    "leaves",
    "parse_query",
    "relaxations",
    "to_query",
    "transform",
]

MAX_QUERY_CHARS = 2000
_QUOTES = re.compile(r"[\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033]")


@dataclass(frozen=True)
class QueryError:
    """Why a query could not be read, where (``position``: 0-based character), and the
    closest query that can be (None when nothing searchable is left)."""

    message: str
    position: int
    near: str  # the query up to where reading stopped
    offered: str | None = None


@dataclass(frozen=True)
class ParsedQuery:
    root: Node | None = None  # None: every article
    notes: tuple[str, ...] = ()
    error: QueryError | None = None
    # The reader's words can match nothing (each of them too common or too short).
    nothing: bool = False
    # The query the reader probably meant (lower-case operators written in capitals).
    suggestion: str | None = None

    @property
    def is_match_all(self) -> bool:
        return self.root is None and not (self.nothing or self.error)

    @property
    def ranks(self) -> bool:
        """Has words to rank by (NOTs, outlets and authors alone rank nothing)."""
        values = tuple(VALUE_FIELDS)
        return any(positive and not isinstance(leaf, values) for leaf, positive in self.leaves())

    def leaves(self):
        return leaves(self.root)

    def positive_words(self) -> list[str]:
        """Every folded word the reader asked for, not under a NOT (for suggestions)."""
        return [w for leaf, positive in self.leaves() if positive for w in leaf_words(leaf)]


def parse_query(q: str) -> ParsedQuery:
    """Parse ``q`` (curly quotes taken as straight ones, so pasted phrases work)."""
    return _parse(_QUOTES.sub('"', (q or "").strip()))


@lru_cache(maxsize=1024)
def _parse(q: str) -> ParsedQuery:
    if not q:
        return ParsedQuery()
    if len(q) > MAX_QUERY_CHARS:
        cut = q[:MAX_QUERY_CHARS].rsplit(" ", 1)[0]
        error = ParseError(
            f"the query is longer than {MAX_QUERY_CHARS:,} characters",
            MAX_QUERY_CHARS,
            MAX_QUERY_CHARS,
            (len(cut), len(q), ""),
        )
        return ParsedQuery(error=_query_error(q, error))
    try:
        reading = read(q)
    except ParseError as error:
        return ParsedQuery(error=_query_error(q, error))
    notes = list(reading.notes)
    if reading.mixed_and_or:
        notes.append(
            f"Read as: {to_query(reading.root)} (AND goes before OR; "
            "use parentheses to group otherwise)."
        )
    return ParsedQuery(reading.root, tuple(notes), suggestion=reading.suggestion)


def _query_error(q: str, error: ParseError) -> QueryError:
    start = max(0, error.end - 40)
    near = ("…" if start else "") + q[start : error.end]
    where = f"after “{near}”"
    if error.start == 0:
        where = "at the start"
    elif error.start >= len(q):
        where = "at the end"
    message = f"Could not read the query: {error.reason}, {where}."
    return QueryError(message[0].upper() + message[1:], error.start, near, _repair(q, error))


def _repair(q: str, error: ParseError) -> str | None:
    """The query after the edits that get past each error in turn, if it then reads."""
    for _ in range(25):
        if error.edit is None:
            return None
        start, end, text = error.edit
        q = " ".join((q[:start] + text + q[end:]).split())
        try:
            reading = read(q)
        except ParseError as next_error:
            error = next_error
            continue
        return q if reading.root is not None else None
    return None
