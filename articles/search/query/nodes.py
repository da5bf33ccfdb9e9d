"""The parsed query: a small tree of frozen nodes, the same for every search engine.

Leaves hold folded words (articles.extraction.names.fold_text, as the index folds its text)
and say which part of an article they search (``field``: "text" or "headline") and whether
the word forms must be exactly those typed (``exact``). ``shown`` keeps what the reader
typed, for writing a query back; it takes no part in equality, so ``Kata'ib`` and
``kataib`` are one word.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass

Words = tuple[str, ...]

TEXT, HEADLINE = "text", "headline"
_SHOWN = dataclasses.field(default="", compare=False)


@dataclass(frozen=True)
class Word:
    text: str
    field: str = TEXT
    exact: bool = False
    shown: str = _SHOWN


@dataclass(frozen=True)
class Phrase:
    """Words in this order (``slop`` 0), or within ``slop`` moves of it as Lucene's sloppy
    phrase counts them; ``ordered=False`` (``a NEAR/n b``, two words): either order, at
    most ``slop`` words between them."""

    words: Words
    field: str = TEXT
    exact: bool = True
    slop: int = 0
    ordered: bool = True
    shown: str = _SHOWN


@dataclass(frozen=True)
class Prefix:
    """The word forms beginning with ``text``; ``forms`` are filled in from the index
    before an engine sees the query (articles.search.prepare)."""

    text: str
    field: str = TEXT
    forms: Words | None = None
    shown: str = _SHOWN


@dataclass(frozen=True)
class Outlet:
    slug: str
    shown: str = _SHOWN


@dataclass(frozen=True)
class Byline:
    """Articles with this author in their byline (``slug``: Author.slug, or the name as
    typed, folded into a slug, until it is looked up)."""

    slug: str
    shown: str = _SHOWN


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    child: Node


@dataclass(frozen=True)
class Everything:
    pass


@dataclass(frozen=True)
class Nothing:
    pass


Leaf = Word | Phrase | Prefix | Outlet | Byline
Node = Leaf | And | Or | Not | Everything | Nothing
LEAVES = (Word, Phrase, Prefix, Outlet, Byline)
# Leaves that name a filter value, not words: the index field each searches (its values are
# slugs, as the search filters' are).
VALUE_FIELDS = {Outlet: "source", Byline: "authors"}
EVERYTHING, NOTHING = Everything(), Nothing()


def all_of(children) -> Node:
    """AND of ``children``: nested ANDs flattened, repeats and matches-everything dropped."""
    return _combine(And, children, neutral=Everything, absorbing=Nothing)


def any_of(children) -> Node:
    """OR of ``children``: nested ORs flattened, repeats and matches-nothing dropped."""
    return _combine(Or, children, neutral=Nothing, absorbing=Everything)


def negated(child: Node) -> Node:
    if isinstance(child, Not):
        return child.child
    if isinstance(child, Everything):
        return NOTHING
    if isinstance(child, Nothing):
        return EVERYTHING
    return Not(child)


def _combine(kind, children, *, neutral, absorbing) -> Node:
    out: dict[Node, None] = {}
    for child in children:
        if isinstance(child, absorbing):
            return child
        if isinstance(child, neutral):
            continue
        for part in child.children if isinstance(child, kind) else (child,):
            out[part] = None
    if not out:
        return neutral()
    if len(out) == 1:
        return next(iter(out))
    return kind(tuple(out))


def leaves(node: Node | None, positive: bool = True) -> Iterator[tuple[Leaf, bool]]:
    """Every leaf with its polarity: False under an odd number of NOTs."""
    if node is None:
        return
    if isinstance(node, LEAVES):
        yield node, positive
    elif isinstance(node, (And, Or)):
        for child in node.children:
            yield from leaves(child, positive)
    elif isinstance(node, Not):
        yield from leaves(node.child, not positive)


def leaf_words(leaf: Leaf) -> Words:
    """The folded words a leaf searches for (a prefix: its forms, once known)."""
    if isinstance(leaf, Word):
        return (leaf.text,)
    if isinstance(leaf, Phrase):
        return leaf.words
    if isinstance(leaf, Prefix):
        return leaf.forms or ()
    return ()


def transform(node: Node, fn) -> Node | None:
    """``node`` with each leaf replaced by ``fn(leaf, positive)``, simplified. A leaf for
    which ``fn`` returns None is left out of its group (a group left empty goes too); None
    when nothing is left."""
    return _transform(node, fn, True)


def _transform(node: Node, fn, positive: bool) -> Node | None:
    if isinstance(node, LEAVES):
        return fn(node, positive)
    if isinstance(node, (And, Or)):
        kept = [c for c in (_transform(c, fn, positive) for c in node.children) if c is not None]
        if not kept:
            return None
        return all_of(kept) if isinstance(node, And) else any_of(kept)
    if isinstance(node, Not):
        child = _transform(node.child, fn, not positive)
        return None if child is None else negated(child)
    return node
