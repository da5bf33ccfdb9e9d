"""The query language's tokens: operators, parentheses, phrases, and terms with their
modifiers (``-``, ``field:``, ``=``), each with where it stands in the query.

Operators are upper case; in lower case "and", "or" and "not" are words. A run of
punctuation is no token at all ("iran - iraq", "&"). What cannot be read raises ParseError
with where it is and an edit of the text that gets past it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...extraction.names import fold_text
from .nodes import HEADLINE

MAX_LEAVES = 100  # words, phrases, prefixes and outlets in one query
MAX_DEPTH = 20  # parentheses and NOTs nested
MAX_DISTANCE = 100  # NEAR/n and "..."~n
MIN_PREFIX = 3  # letters before a *
OUTLET = "outlet"
AUTHOR = "author"
# Field names a reader may type -> the field searched.
FIELDS = {
    "headline": HEADLINE,
    "title": HEADLINE,
    "outlet": OUTLET,
    "source": OUTLET,
    "author": AUTHOR,
    "byline": AUTHOR,
}

# Dots inside a word keep it whole ("u.s", "3.5"), as the index's tokenizer does; any other
# punctuation splits it into a phrase of its parts ("al-asad").
WORD = re.compile(r"[a-z0-9]+(?:\.[a-z0-9]+)*")
_NEAR = re.compile(r"NEAR(?:/(\S*))?")
_FIELD = re.compile(r"([A-Za-z]+):")
_SLOP = re.compile(r"~(\d*)")
_BREAKS = '()"'
UNSUPPORTED = (
    ("~", "fuzzy search (~ after a word) is not supported; ~n goes after a quoted phrase"),
    ("^", "boosting (^) is not supported"),
)

# Tokens that can begin an operand, and end one.
OPERAND_START = {"(", "NOT", "-", "FIELD", "=", "WORD", "PHRASE"}
OPERAND_END = {")", "WORD", "PHRASE"}

Edit = tuple[int, int, str]  # replace text[start:end] with this


class ParseError(Exception):
    def __init__(self, reason: str, start: int, end: int, edit: Edit | None = None):
        super().__init__(reason)
        self.reason, self.start, self.end, self.edit = reason, start, end, edit


@dataclass
class Token:
    kind: str  # ( ) AND OR NOT NEAR - FIELD = WORD PHRASE
    start: int
    end: int
    text: str = ""
    value: int | str | None = None


def tokenize(q: str) -> tuple[list[Token], list[str]]:
    tokens: list[Token] = []
    notes: list[str] = []
    i, n = 0, len(q)
    while i < n:
        c = q[i]
        if c.isspace():
            i += 1
        elif c in "()":
            tokens.append(Token(c, i, i + 1, c))
            i += 1
        elif c == '"':
            i = _phrase(q, i, tokens)
        else:
            j = i
            while j < n and not q[j].isspace() and q[j] not in _BREAKS:
                j += 1
            _run(q, i, j, tokens, notes)
            i = j
    return tokens, notes


def _phrase(q: str, start: int, tokens: list[Token]) -> int:
    close = q.find('"', start + 1)
    if close < 0:
        raise ParseError("a quotation mark is not closed", start, start + 1, (len(q), len(q), '"'))
    end, slop = close + 1, None
    tilde = _SLOP.match(q, end)
    if tilde:
        if not tilde.group(1):
            raise ParseError(
                '“~” after a phrase needs a number of words, as in "iran sanctions"~5',
                end,
                tilde.end(),
                (end, tilde.end(), ""),
            )
        slop, end = int(tilde.group(1)), tilde.end()
        if slop > MAX_DISTANCE:
            raise ParseError(
                f"“~{slop}” is too far: at most ~{MAX_DISTANCE}",
                close + 1,
                end,
                (close + 1, end, f"~{MAX_DISTANCE}"),
            )
    text = q[start + 1 : close]
    if not WORD.search(fold_text(text)):  # "" or punctuation: nothing to search
        while tokens and tokens[-1].kind in ("-", "=", "FIELD") and tokens[-1].end == start:
            tokens.pop()
        return end
    tokens.append(Token("PHRASE", start, end, text, slop))
    return end


def _run(q: str, start: int, end: int, tokens: list[Token], notes: list[str]) -> None:
    """One run of characters between spaces, parentheses and quotes."""
    run = q[start:end]
    if run in ("AND", "&&", "OR", "||", "NOT"):
        kind = {"&&": "AND", "||": "OR"}.get(run, run)
        tokens.append(Token(kind, start, end, run))
        return
    near = _NEAR.fullmatch(run)
    if near:
        tokens.append(_near_token(run, start, end, near.group(1)))
        return
    followed = end < len(q) and q[end] in '"('  # a modifier may go with what follows
    mods: list[Token] = []
    p = start
    if run[0] == "-":
        if run.startswith("--") and len(run.strip("-")):
            raise ParseError("two minus signs", start, start + 2, (start, start + 1, ""))
        mods.append(Token("-", start, start + 1, "-"))
        p += 1
    elif run[0] == "+":
        p += 1  # required: as every term already is
    elif run[0] == "!" and (followed or run[1:2].isalnum()):
        fix = (start, start + 1, "-")
        raise ParseError("“!” is not an operator here: write NOT or -", start, start + 1, fix)
    named = _FIELD.match(q, p, end)
    if named:
        name = named.group(1).lower()
        after = named.end()
        if name in FIELDS:
            mods.append(Token("FIELD", p, after, named.group(0), name))
            p = after
        elif after < end and (q[after].isalnum() or q[after] == "=") or (after == end and followed):
            notes.append(
                f"“{named.group(0)}” is not a search field, so “{named.group(1)}” was searched "
                "as a word; the fields are headline:, outlet: (source:) and author: (byline:)."
            )
            tokens.extend(mods)
            tokens.append(Token("WORD", p, named.end() - 1, named.group(1)))
            mods, p = [], after
    if q.startswith("=", p) and p < end:
        mods.append(Token("=", p, p + 1, "="))
        p += 1
    body = q[p:end]
    if body and (WORD.search(fold_text(body)) or "*" in body):
        tokens.extend(mods)
        tokens.append(Token("WORD", p, end, body))
    elif mods and (followed or (mods[-1].kind == "FIELD" and p == end)):
        tokens.extend(mods)  # "-(…)", '="…"', "headline: word"
    # else punctuation only ("-", "&", "—"): nothing to search


def _near_token(run: str, start: int, end: int, distance: str | None) -> Token:
    if not distance or not distance.isdigit():
        raise ParseError(
            f"“{run}” needs a distance in words, as in NEAR/5", start, end, (start, end, "NEAR/5")
        )
    if int(distance) > MAX_DISTANCE:
        raise ParseError(
            f"“{run}” is too far: at most NEAR/{MAX_DISTANCE}",
            start,
            end,
            (start, end, f"NEAR/{MAX_DISTANCE}"),
        )
    return Token("NEAR", start, end, run, int(distance))


def lower_case_operators(q: str, tokens: list[Token]):
    """Lower-case "or" and "not" between two terms: words (and too common to search), but
    probably meant as operators, so the upper-case query is offered."""
    kept, found = [], []
    for i, tok in enumerate(tokens):
        if (
            tok.kind == "WORD"
            and tok.text in ("or", "not")
            and 0 < i < len(tokens) - 1
            and tokens[i - 1].kind in OPERAND_END
            and tokens[i + 1].kind in OPERAND_START
        ):
            found.append(tok)
            continue
        kept.append(tok)
    if not found:
        return tokens, None, []
    suggestion = q
    for tok in reversed(found):
        suggestion = suggestion[: tok.start] + tok.text.upper() + suggestion[tok.end :]
    notes = [
        f"“{word}” in lower case is a word, not an operator, and too common to search, so it "
        f"was left out; for the operator write {word.upper()}."
        for word in dict.fromkeys(t.text for t in found)
    ]
    return kept, suggestion, notes
