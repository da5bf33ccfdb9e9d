"""Reading the query language: a recursive-descent parser of its tokens into query nodes.

Precedence, tightest first: NEAR/n, NOT (and ``-``), AND (also implied between terms), OR.
Whatever cannot be read raises ParseError with where it is and an edit of the text that
gets past it (the caller offers the query those edits make as "the closest valid query").
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ...extraction.names import fold_text, name_slug
from .nodes import TEXT, Byline, Node, Outlet, Phrase, Prefix, Word, all_of, any_of, negated
from .tokens import (
    AUTHOR,
    FIELDS,
    MAX_DEPTH,
    MAX_LEAVES,
    MIN_PREFIX,
    OPERAND_START,
    OUTLET,
    UNSUPPORTED,
    WORD,
    ParseError,
    Token,
    lower_case_operators,
    tokenize,
)


@dataclass
class Reading:
    root: Node | None
    notes: list[str] = field(default_factory=list)
    suggestion: str | None = None  # the query as the reader probably meant it
    mixed_and_or: bool = False  # an AND group directly inside an OR, without parentheses


def read(q: str) -> Reading:
    tokens, notes = tokenize(q)
    tokens, suggestion, lower_notes = lower_case_operators(q, tokens)
    parser = _Parser(q, tokens)
    root = parser.parse()
    return Reading(root, notes + lower_notes, suggestion, parser.mixed_and_or)


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
        if field in (OUTLET, AUTHOR):
            return self.value(tok, exact, field)
        if tok.kind == "PHRASE":
            star = tok.text.find("*")
            if star >= 0:  # searched as a phrase without it, it would be a different search
                at = tok.start + 1 + star
                raise ParseError(
                    "a prefix (word*) cannot go inside quotes", at, at + 1, (at, at + 1, "")
                )
            words = tuple(WORD.findall(fold_text(tok.text)))
            shown = self.q[tok.start : tok.end]
            if len(words) == 1:
                return Word(words[0], field, True, shown)
            return Phrase(words, field, True, tok.value or 0, True, shown)
        return self.word(tok, field, exact)

    def word(self, tok: Token, field: str, exact: bool) -> Node:
        body = tok.text
        for mark, reason in UNSUPPORTED:
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

    def value(self, tok: Token, exact: bool, field: str) -> Node:
        """outlet:… or author:…: a name or slug, looked up before searching (prepare)."""
        text = tok.text
        if exact or (tok.kind == "WORD" and "*" in text):
            example = (
                'outlet: takes an outlet\'s name, as in outlet:reuters or outlet:"press tv"'
                if field == OUTLET
                else 'author: takes a name, as in author:"lisa rathke" or author:lisa-rathke'
            )
            raise ParseError(example, tok.start, tok.end)
        shown = self.q[tok.start : tok.end]
        return (Outlet if field == OUTLET else Byline)(name_slug(text), shown)
