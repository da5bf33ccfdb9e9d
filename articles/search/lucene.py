"""A prepared query tree as a Lucene query string, for the engines driven through haystack.

Solr's standard parser and Elasticsearch's query_string read it; so does Whoosh's parser,
which Newsroom's Whoosh backend teaches Lucene's meaning of ``"…"~n``
(articles.search.whoosh.parser), so the generic engine means the same on all three.

Every term is fielded and quoted: words are folded to ``[a-z0-9.]`` (nothing to escape),
and a word that is also an operator ("and") stays a word. Lucene has no precedence between
AND and OR and a clause that only excludes matches nothing, so every group is in
parentheses and a NOT with nothing to subtract from is taken from every document
(``match_all``).
"""

from __future__ import annotations

from collections.abc import Callable

from .query import VALUE_FIELDS, And, Node, Not, Or, Phrase, Prefix, Word
from .vocabulary import TEXT_FIELDS


def to_lucene(node: Node, *, match_all: str, value: Callable[[str, str], str]) -> str:
    """``value(field, slug)``: the engine's clause for articles with that value of that
    filter field (``outlet:`` searches "source", ``author:`` "authors")."""
    return _Writer(match_all, value).write(node)


class _Writer:
    def __init__(self, match_all: str, value: Callable[[str, str], str]):
        self.match_all, self.value = match_all, value

    def write(self, node: Node) -> str:
        if isinstance(node, And):
            positive = [self.write(c) for c in node.children if not isinstance(c, Not)]
            negative = [f"NOT {self.write(c.child)}" for c in node.children if isinstance(c, Not)]
            return "(" + " AND ".join((positive or [self.match_all]) + negative) + ")"
        if isinstance(node, Or):
            return "(" + " OR ".join(self.write(c) for c in node.children) + ")"
        if isinstance(node, Not):
            return f"({self.match_all} AND NOT {self.write(node.child)})"
        if isinstance(node, tuple(VALUE_FIELDS)):
            return self.value(VALUE_FIELDS[type(node)], node.slug)
        if isinstance(node, Word):
            return f'{_field(node)}:"{node.text}"'
        if isinstance(node, Prefix):
            if not node.forms:
                raise ValueError(f"prefix {node.text!r} was not expanded")
            name = TEXT_FIELDS[(node.field, True)]
            return "(" + " OR ".join(f'{name}:"{form}"' for form in node.forms) + ")"
        if isinstance(node, Phrase):
            return _phrase(node)
        raise ValueError(f"cannot write {node!r}")  # Everything/Nothing: prepared away


def _field(leaf: Word | Phrase) -> str:
    return TEXT_FIELDS[(leaf.field, leaf.exact)]


def _phrase(leaf: Phrase) -> str:
    slop = f"~{leaf.slop}" if leaf.slop else ""
    if leaf.ordered:
        return f'{_field(leaf)}:"{" ".join(leaf.words)}"{slop}'
    first, second = leaf.words  # NEAR/n: either order
    name = _field(leaf)
    return f'({name}:"{first} {second}"{slop} OR {name}:"{second} {first}"{slop})'
