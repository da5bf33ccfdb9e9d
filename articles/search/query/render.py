"""A query tree written back in the query language (parse_query reads it as the same tree).

Leaves are written as the reader typed them where known; groups get parentheses wherever
the precedence would otherwise read them differently, and around AND groups inside an OR
to make the grouping plain.
"""

from __future__ import annotations

from .nodes import HEADLINE, And, Byline, Node, Not, Or, Outlet, Phrase, Prefix, Word


def to_query(node: Node | None) -> str:
    if node is None:
        return ""
    if isinstance(node, And):
        return " ".join(_grouped(c, Or) for c in node.children)
    if isinstance(node, Or):
        return " OR ".join(_grouped(c, And) for c in node.children)
    if isinstance(node, Not):
        child = node.child
        if isinstance(child, (And, Or)) or (isinstance(child, Phrase) and not child.ordered):
            return f"NOT ({to_query(child)})"
        return "-" + to_query(child)
    if isinstance(node, Outlet):
        return "outlet:" + (node.shown or node.slug)
    if isinstance(node, Byline):
        return "author:" + (node.shown or node.slug)
    if isinstance(node, (Word, Phrase, Prefix)):
        return _leaf(node)
    return ""


def _grouped(child: Node, wrap) -> str:
    text = to_query(child)
    return f"({text})" if isinstance(child, wrap) else text


def _leaf(leaf: Word | Phrase | Prefix) -> str:
    text = leaf.shown or _plain(leaf)
    if leaf.field != HEADLINE:
        return text
    if isinstance(leaf, Phrase) and not leaf.ordered:
        return f"headline:({text})"
    return "headline:" + text


def _plain(leaf: Word | Phrase | Prefix) -> str:
    if isinstance(leaf, Prefix):
        return leaf.text + "*"
    if isinstance(leaf, Word):
        return ("=" if leaf.exact else "") + leaf.text
    if not leaf.ordered:
        mark = "=" if leaf.exact else ""
        first, second = leaf.words
        return f"{mark}{first} NEAR/{leaf.slop} {mark}{second}"
    if not leaf.exact:
        return "-".join(leaf.words)
    return '"' + " ".join(leaf.words) + '"' + (f"~{leaf.slop}" if leaf.slop else "")
