"""Wider versions of a query, for a search that found nothing: each drops or loosens one part.

Only changes that can find more are offered: a part ANDed at the top dropped (an excluded
part too: leaving out less finds more), and a word or phrase the reader asked for (not one
under a NOT, where loosening would leave out more) searched more loosely: a phrase or NEAR
as words anywhere, an exact form as any form, a headline word anywhere in the article.
"""

from __future__ import annotations

from dataclasses import replace

from .nodes import TEXT, And, Leaf, Node, Phrase, Word, all_of, leaves, transform
from .render import to_query


def relaxations(root: Node | None) -> list[tuple[str, Node]]:
    """(what the change is, the changed query), each at most once, none the same as root."""
    if root is None:
        return []
    out: dict[Node, str] = {}
    if isinstance(root, And):
        for child in root.children:
            rest = all_of(c for c in root.children if c is not child)
            out.setdefault(rest, f"Without {_quoted(to_query(child))}")
    for leaf, positive in leaves(root):
        if not positive:
            continue
        for text, looser in _loosened(leaf):

            def swap(other: Leaf, _positive: bool, leaf=leaf, looser=looser) -> Node:
                return looser if other is leaf else other

            changed = transform(root, swap)
            if changed is not None:
                out.setdefault(changed, text)
    out.pop(root, None)
    return [(text, node) for node, text in out.items()]


def _loosened(leaf: Leaf) -> list[tuple[str, Node]]:
    shown = _quoted(to_query(leaf))
    found = []
    if isinstance(leaf, Phrase):
        words = all_of(Word(w, leaf.field) for w in leaf.words)
        found.append((f"{shown} as words anywhere, not together", words))
    if isinstance(leaf, Word) and leaf.exact:
        any_form = replace(leaf, exact=False, shown="")
        found.append((f"Any form of “{leaf.text}”, not only {shown}", any_form))
    if getattr(leaf, "field", TEXT) != TEXT:
        anywhere = replace(leaf, field=TEXT, shown="")
        found.append((f"{shown} anywhere in the article, not only the headline", anywhere))
    return found


def _quoted(text: str) -> str:
    return text if text.startswith('"') else f"“{text}”"
