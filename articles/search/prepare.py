"""From the parsed query to the one every engine searches, decided here once for all of them.

Words the index cannot hold (too common or too short) are left out with a note; a prefix
becomes the word forms the index holds (the most frequent MAX_FORMS, with a note when there
are more; under a NOT, where leaving forms out would widen the search, more is an error);
``outlet:`` and ``author:`` values are looked up among the outlets and the authors (by slug,
an old slug of an outlet, or the name; one that names nothing matches nothing, with the
closest names in a note). Nothing here depends on which engine answers, so a query means the
same on each.
"""

from __future__ import annotations

import re
from dataclasses import replace
from difflib import SequenceMatcher, get_close_matches
from functools import lru_cache

from ..extraction.names import name_key, name_slug
from ..models import Author, Source, SourceRedirect
from .analysis import MIN_WORD_LENGTH, text_analyzer
from .engine import QueryNotSupported, SearchEngine
from .query import (
    NOTHING,
    Byline,
    Everything,
    Nothing,
    Outlet,
    ParsedQuery,
    Prefix,
    QueryError,
    Word,
    Words,
    to_query,
    transform,
)
from .vocabulary import TEXT_FIELDS

MAX_FORMS = 200  # word forms searched for one prefix
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

_ANALYZER = text_analyzer()


@lru_cache(maxsize=50_000)
def searchable(word: str) -> bool:
    """Whether the index holds a term for this folded word (not a stop word, long enough)."""
    return any(True for _ in _ANALYZER(word))


def prepare(q: str, parsed: ParsedQuery, engine: SearchEngine) -> ParsedQuery:
    """``parsed`` (of ``q``) as engines take it; an error when a part cannot be searched."""
    if parsed.error or parsed.root is None:
        return parsed
    pass_ = _Preparing(q, parsed, engine)
    root = transform(parsed.root, pass_.leaf)
    if pass_.error is not None:
        return ParsedQuery(error=pass_.error)
    notes = [*parsed.notes, *pass_.notes]
    nothing = root is None or isinstance(root, Nothing)
    if pass_.dropped:
        notes.append(_unsearchable_note(pass_.dropped, nothing and root is None))
    if isinstance(root, Everything):
        root = None
    return replace(parsed, root=None if nothing else root, notes=tuple(notes), nothing=nothing)


class _Preparing:
    def __init__(self, q: str, parsed: ParsedQuery, engine: SearchEngine):
        self.q, self.parsed, self.engine = q, parsed, engine
        self.notes: list[str] = []
        self.dropped: dict[Words, str] = {}
        self.error: QueryError | None = None

    def leaf(self, leaf, positive: bool):
        if isinstance(leaf, Outlet):
            return self.outlet(leaf)
        if isinstance(leaf, Byline):
            return self.author(leaf)
        if isinstance(leaf, Prefix):
            return self.prefix(leaf, positive)
        if isinstance(leaf, Word):
            if searchable(leaf.text):
                return leaf
            return self.drop((leaf.text,))
        kept = tuple(w for w in leaf.words if searchable(w))
        if not kept:
            return self.drop(leaf.words)
        if not leaf.ordered and len(kept) < 2:  # NEAR/n of a word that cannot be searched
            self.drop(tuple(w for w in leaf.words if w not in kept))
            return Word(kept[0], leaf.field, leaf.exact)
        if len(kept) == 1:
            return Word(kept[0], leaf.field, leaf.exact, leaf.shown)
        # Common words stay in a phrase: each engine's analyzer skips them as its index did
        # (Whoosh closes the gap they leave, Lucene keeps it: "Strait of Hormuz" needs them).
        return leaf

    def drop(self, words: Words) -> None:
        self.dropped[words] = "short" if all(len(w) < MIN_WORD_LENGTH for w in words) else "common"
        return None

    def prefix(self, leaf: Prefix, positive: bool):
        fieldname = TEXT_FIELDS[(leaf.field, True)]
        try:
            forms, total = self.engine.word_forms(fieldname, leaf.text, MAX_FORMS)
        except QueryNotSupported as exc:
            self.fail(leaf, str(exc), Word(leaf.text, leaf.field))
            return leaf
        shown = leaf.shown or f"{leaf.text}*"
        if not forms:
            self.notes.append(
                f"No word in the archive begins with “{leaf.text}”, so “{shown}” matches nothing."
            )
            return NOTHING
        if total > MAX_FORMS:
            count = f"more than {total - 1:,}" if total > 20_000 else f"{total:,}"
            if not positive:
                self.fail(
                    leaf,
                    f"“{shown}” stands for {count} word forms, and a NOT must leave out "
                    f"all of them; at most {MAX_FORMS} can be searched: type more letters",
                    None,
                )
                return leaf
            self.notes.append(
                f"“{shown}” stands for {count} word forms; the {MAX_FORMS} most frequent were "
                "searched (type more letters to narrow it)."
            )
        return replace(leaf, forms=tuple(forms))

    def fail(self, leaf, reason: str, instead) -> None:
        """The query cannot be searched as written: say why, offer it without this part."""
        if self.error is not None:
            return
        shown = leaf.shown or leaf.text
        position = max(0, self.q.find(shown))
        near = self.q[max(0, position - 30) : position + len(shown)]

        def swap(other, _positive):
            return instead if other is leaf else other

        offered = to_query(transform(self.parsed.root, swap)) or None
        message = f"Could not search the query: {reason}."
        self.error = QueryError(message, position, near, offered)

    def outlet(self, leaf: Outlet):
        slug = _outlet_slug(leaf.slug)
        if slug is not None:
            return leaf if slug == leaf.slug else replace(leaf, slug=slug)
        slugs = _outlet_slugs()
        close = [s for s in slugs if leaf.slug in s.split("-")]
        close = list(dict.fromkeys([*close, *get_close_matches(leaf.slug, slugs, n=3)]))[:3]
        hint = f" Outlets with a similar name: {', '.join(close)}." if close else ""
        self.notes.append(
            f"No outlet is called “{leaf.shown or leaf.slug}”, so “outlet:{leaf.shown}” matches "
            f"nothing.{hint}"
        )
        return NOTHING

    def author(self, leaf: Byline):
        slug = _author_slug(leaf)
        if slug is not None:
            return leaf if slug == leaf.slug else replace(leaf, slug=slug)
        close = _closest_authors(leaf.slug)
        hint = f" Authors with a similar name: {_quoted_names(close)}." if close else ""
        self.notes.append(
            f"No author is called “{leaf.shown or leaf.slug}”, so “author:{leaf.shown}” matches "
            f"nothing.{hint}"
        )
        return NOTHING


def _author_slug(leaf: Byline) -> str | None:
    """The author a value names: their slug or their name (Author.key). A slug is kept when
    a name is corrected, so one author's slug can spell another's name: a value written as
    a slug is looked up as one first, any other (capitals, spaces) as a name first."""
    typed = leaf.shown.strip('"') or leaf.slug
    lookups = [{"slug": leaf.slug}, {"key": name_key(typed)}]
    if not _SLUG.fullmatch(typed):
        lookups.reverse()
    for lookup in lookups:
        for slug in Author.objects.filter(**lookup).values_list("slug", flat=True):
            return slug
    return None


def _closest_authors(value: str, limit: int = 3) -> list[str]:
    """The names of the authors closest to ``value`` (a slug): by the whole slug or one of
    its words, so a surname finds its authors ("hafezy": Parisa Hafezi). Among many authors
    only those sharing three letters in a row with it are compared (difflib over every one
    would cost more than the search)."""
    slugs = list(Author.objects.values_list("slug", flat=True))
    if len(slugs) > 1000:
        runs = {value[i : i + 3] for i in range(len(value) - 2)}
        slugs = [s for s in slugs if any(run in s for run in runs)]
    scored = []
    for slug in slugs:
        score = max(SequenceMatcher(None, value, part).ratio() for part in [slug, *slug.split("-")])
        if score >= 0.75:
            scored.append((-score, slug))
    close = [slug for _, slug in sorted(scored)[:limit]]
    names = dict(Author.objects.filter(slug__in=close).values_list("slug", "name"))
    return [names[s] for s in close if s in names]


def _quoted_names(names: list[str]) -> str:
    return ", ".join(f"“{name}”" for name in names)


def _outlet_slug(value: str) -> str | None:
    """The outlet a value names: its slug, an old slug of it, or its name folded."""
    if Source.objects.filter(slug=value).exists():
        return value
    moved = SourceRedirect.objects.filter(old_slug=value).values_list("source__slug", flat=True)
    for slug in moved:
        return slug
    for slug, name in Source.objects.values_list("slug", "name"):
        if name_slug(name) == value:
            return slug
    return None


def _outlet_slugs() -> list[str]:
    return list(Source.objects.values_list("slug", flat=True))


def _quoted(phrases: list[Words]) -> str:
    shown = [f"“{' '.join(p)}”" for p in phrases]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def _unsearchable_note(dropped: dict[Words, str], nothing_left: bool) -> str:
    """Say which words could not be searched, and what that did to the search."""
    phrases = list(dropped)
    reasons = set(dropped.values())
    reason = "too short" if reasons == {"short"} else "too common"
    if len(reasons) > 1:
        reason = "too common or too short"
    if len(phrases) == 1:
        too, pronoun = f"is {reason} a word", "it was"
    else:
        too, pronoun = f"are {reason} words", "they were"
    if nothing_left:
        return (
            f"{_quoted(phrases)} {too} to search for, so no article can match. "
            "Search for rarer or longer words."
        )
    return f"{_quoted(phrases)} {too} to search for; {pronoun} left out."


__all__ = ["MAX_FORMS", "prepare", "searchable"]
