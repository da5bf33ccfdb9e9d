"""Reading the query language: tokens, then a recursive-descent parser into query nodes.

Precedence, tightest first: NEAR/n, NOT (and ``-``), AND (also implied between terms), OR.
Operators are upper case; in lower case "and", "or" and "not" are words. Whatever cannot be
read raises ParseError with where it is and an edit of the text that gets past it (the
caller offers the query those edits make as "the closest valid query").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ...extraction.names import fold_text, name_slug
from .nodes import HEADLINE, TEXT, Node, Outlet, Phrase, Prefix, Word, all_of, any_of, negated

MAX_LEAVES = 100  # words, phrases, prefixes and outlets in one query
MAX_DEPTH = 20  # parentheses and NOTs nested
MAX_DISTANCE = 100  # NEAR/n and "..."~n
MIN_PREFIX = 3  # letters before a *
OUTLET = "outlet"
# Field names a reader may type -> the field searched; None: not available yet.
FIELDS = {
    "headline": HEADLINE,
    "title": HEADLINE,
    "outlet": OUTLET,
    "source": OUTLET,
    "author": None,
    "byline": None,
}

# Dots inside a word keep it whole ("u.s", "3.5"), as the index's tokenizer does; any other
# punctuation splits it into a phrase of its parts ("al-asad").
WORD = re.compile(r"[a-z0-9]+(?:\.[a-z0-9]+)*")
_NEAR = re.compile(r"NEAR(?:/(\S*))?")
_FIELD = re.compile(r"([A-Za-z]+):")
_SLOP = re.compile(r"~(\d*)")
_BREAKS = '()"'
_UNSUPPORTED = (
    ("~", "fuzzy search (~ after a word) is not supported; ~n goes after a quoted phrase"),
    ("^", "boosting (^) is not supported"),
)

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


@dataclass
class Reading:
    root: Node | None
    notes: list[str] = field(default_factory=list)
    suggestion: str | None = None  # the query as the reader probably meant it
    mixed_and_or: bool = False  # an AND group directly inside an OR, without parentheses


OPERAND_START = {"(", "NOT", "-", "FIELD", "=", "WORD", "PHRASE"}
OPERAND_END = {")", "WORD", "PHRASE"}


def read(q: str) -> Reading:
    tokens, notes = tokenize(q)
    tokens, suggestion, lower_notes = _lower_case_operators(q, tokens)
    parser = _Parser(q, tokens)
    root = parser.parse()
    return Reading(root, notes + lower_notes, suggestion, parser.mixed_and_or)


# --- tokens ------------------------------------------------------------------------------------


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
                "as a word; the fields are headline:, outlet: and source:."
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


def _lower_case_operators(q: str, tokens: list[Token]):
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


# --- parsing -----------------------------------------------------------------------------------


class _Parser:
    def __init__(self, q: str, tokens: list[Token]):
        self.q, self.tokens, self.i = q, tokens, 0
        self.distinct: set[Node] = set()
        self.mixed_and_or = False

    def parse(self) -> Node | None:
        if not self.tokens:
            return None
        node = self.or_expr(0, TEXT)
        tok = self.peek()
        if tok is not None:  # or_expr stops only at ")" or the end
            raise ParseError("“)” closes no “(”", tok.start, tok.end, (tok.start, tok.end, ""))
        return node

    # --- helpers
    def peek(self) -> Token | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def at_operand(self) -> bool:
        tok = self.peek()
        return tok is not None and tok.kind in OPERAND_START

    def needs_operand_after(self, tok: Token, what: str) -> None:
        if not self.at_operand():
            raise ParseError(
                f"“{tok.text}” needs {what} after it", tok.start, tok.end, (tok.start, tok.end, "")
            )

    # --- grammar
    def or_expr(self, depth: int, field: str) -> Node:
        parts, sizes = [self.and_expr(depth, field)], []
        sizes.append(self._last_and_size)
        while (tok := self.peek()) is not None and tok.kind == "OR":
            self.take()
            self.needs_operand_after(tok, "a word or group")
            parts.append(self.and_expr(depth, field))
            sizes.append(self._last_and_size)
        if len(parts) > 1 and max(sizes) > 1:
            self.mixed_and_or = True
        return any_of(parts)

    def and_expr(self, depth: int, field: str) -> Node:
        items = [self.unary(depth, field)]
        while (tok := self.peek()) is not None:
            if tok.kind == "AND":
                self.take()
                self.needs_operand_after(tok, "a word or group")
            elif tok.kind not in OPERAND_START:
                break
            items.append(self.unary(depth, field))
        self._last_and_size = len(items)
        return all_of(items)

    def unary(self, depth: int, field: str) -> Node:
        tok = self.peek()
        if tok is not None and tok.kind in ("NOT", "-"):
            self.take()
            if depth >= MAX_DEPTH:
                raise ParseError(f"more than {MAX_DEPTH} NOTs nested", tok.start, tok.end)
            self.needs_operand_after(tok, "a word or group")
            return negated(self.unary(depth + 1, field))
        return self.near(depth, field)

    def near(self, depth: int, field: str) -> Node:
        left = self.primary(depth, field)
        tok = self.peek()
        if tok is None or tok.kind != "NEAR":
            return left
        self.take()
        self.needs_operand_after(tok, "a word")
        right = self.primary(depth, field)
        after = self.peek()
        if after is not None and after.kind == "NEAR":
            raise ParseError(
                "NEAR/n joins two words; a chain of them cannot be read",
                after.start,
                after.end,
                (after.start, after.end, "AND"),
            )
        return self.near_node(left, right, tok)

    def near_node(self, left: Node, right: Node, tok: Token) -> Node:
        fix = (tok.start, tok.end, "AND")
        if not (isinstance(left, Word) and isinstance(right, Word)):
            raise ParseError(
                f"“{tok.text}” joins two single words (not phrases, prefixes or groups)",
                tok.start,
                tok.end,
                fix,
            )
        if left.field != right.field or left.exact != right.exact:
            raise ParseError(
                f"the two words of “{tok.text}” must be searched alike: both exact (=word) "
                "or neither, in the same field",
                tok.start,
                tok.end,
                fix,
            )
        shown = f"{left.shown or left.text} NEAR/{tok.value} {right.shown or right.text}"
        return Phrase((left.text, right.text), left.field, left.exact, int(tok.value), False, shown)

    def primary(self, depth: int, field: str) -> Node:
        tok = self.peek()
        if tok is None or tok.kind not in OPERAND_START:
            bad = tok or Token("end", len(self.q), len(self.q))
            raise ParseError(
                f"“{bad.text}” needs a word or group before it",
                bad.start,
                bad.end,
                (bad.start, bad.end, ""),
            )
        self.take()
        if tok.kind == "(":
            return self.group(tok, depth, field)
        if tok.kind == "FIELD":
            return self.fielded(tok, depth, field)
        if tok.kind == "=":
            nxt = self.peek()
            if nxt is None or nxt.kind not in ("WORD", "PHRASE"):
                raise ParseError(
                    "“=” goes right before a word, as in =sanction",
                    tok.start,
                    tok.end,
                    (tok.start, tok.end, ""),
                )
            self.take()
            return self.leaf(nxt, field, exact=True)
        if tok.kind in ("WORD", "PHRASE"):
            return self.leaf(tok, field, exact=False)
        # NOT or "-" where a primary must be: after NEAR/n
        raise ParseError(
            f"“{tok.text}” cannot go there", tok.start, tok.end, (tok.start, tok.end, "")
        )

    def group(self, tok: Token, depth: int, field: str) -> Node:
        if depth >= MAX_DEPTH:
            raise ParseError(f"parentheses nested more than {MAX_DEPTH} deep", tok.start, tok.end)
        nxt = self.peek()
        if nxt is not None and nxt.kind == ")":
            raise ParseError("empty parentheses", tok.start, nxt.end, (tok.start, nxt.end, ""))
        if nxt is None:
            raise ParseError(
                "“(” is not closed", tok.start, tok.end, (len(self.q), len(self.q), ")")
            )
        node = self.or_expr(depth + 1, field)
        close = self.peek()
        if close is None or close.kind != ")":
            raise ParseError(
                "“(” is not closed", tok.start, tok.end, (len(self.q), len(self.q), ")")
            )
        self.take()
        return node

    def fielded(self, tok: Token, depth: int, field: str) -> Node:
        name = tok.value
        if not self.at_operand():
            raise ParseError(
                f"“{tok.text}” needs a word, phrase or group after it",
                tok.start,
                tok.end,
                (tok.start, tok.end, ""),
            )
        if FIELDS[name] is None:
            self.primary(depth, field)
            end = self.tokens[self.i - 1].end
            raise ParseError(
                f"“{tok.text}” is not available yet: the archive does not record bylines",
                tok.start,
                end,
                (tok.start, end, ""),
            )
        if field != TEXT:
            raise ParseError(
                f"“{tok.text}” inside another field", tok.start, tok.end, (tok.start, tok.end, "")
            )
        return self.primary(depth, FIELDS[name])

    def leaf(self, tok: Token, field: str, exact: bool) -> Node:
        node = self.make_leaf(tok, field, exact)
        self.distinct.add(node)
        if len(self.distinct) > MAX_LEAVES:
            raise ParseError(
                f"more than {MAX_LEAVES} words and phrases",
                tok.start,
                tok.end,
                (tok.start, len(self.q), ""),
            )
        return node

    def make_leaf(self, tok: Token, field: str, exact: bool) -> Node:
        if field == OUTLET:
            return self.outlet(tok, exact)
        if tok.kind == "PHRASE":
            words = tuple(WORD.findall(fold_text(tok.text)))
            shown = self.q[tok.start : tok.end]
            if len(words) == 1:
                return Word(words[0], field, True, shown)
            return Phrase(words, field, True, tok.value or 0, True, shown)
        return self.word(tok, field, exact)

    def word(self, tok: Token, field: str, exact: bool) -> Node:
        body = tok.text
        for mark, reason in _UNSUPPORTED:
            at = body.find(mark)
            if at >= 0:
                start = tok.start + at
                raise ParseError(reason, start, tok.end, (start, tok.end, ""))
        star = body.find("*")
        if 0 <= star < len(body) - 1:
            at = tok.start + star
            raise ParseError(
                "a * can only end a word, as in sanction*", at, at + 1, (at, at + 1, "")
            )
        prefix = body.endswith("*")
        words = tuple(WORD.findall(fold_text(body.rstrip("*"))))
        shown = ("=" if exact and not prefix else "") + body
        if prefix:
            end = tok.end
            if len(words) != 1 or len(words[0]) < MIN_PREFIX:
                reason = (
                    f"“{body}” is too short a prefix: type at least {MIN_PREFIX} letters before *"
                    if len(words) <= 1
                    else f"“{body}”: a prefix is one word"
                )
                raise ParseError(reason, tok.start, end, (end - 1, end, ""))
            return Prefix(words[0], field, None, body)
        if len(words) == 1:
            return Word(words[0], field, exact, shown)
        return Phrase(words, field, exact, 0, True, shown)

    def outlet(self, tok: Token, exact: bool) -> Node:
        text = tok.text
        if exact or (tok.kind == "WORD" and "*" in text):
            raise ParseError(
                'outlet: takes an outlet\'s name, as in outlet:reuters or outlet:"press tv"',
                tok.start,
                tok.end,
            )
        shown = self.q[tok.start : tok.end]
        return Outlet(name_slug(text), shown)
