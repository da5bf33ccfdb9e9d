"""An article's page: its text, its entities by kind, and the articles most like it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from .. import search, selectors
from ..models import Article, Entity, Mention
from ..search.vocabulary import KIND_FILTERS

SUBHEADING_MAX_CHARS = 80
SUBHEADING_MAX_WORDS = 12
_SENTENCE_END = ".,;:!?…"
_CLOSERS = "'\"’”)]"
_NOT_A_HEADING = re.compile(r"^(?:[-–—•*@(#]|by |photo|image|credit|via |source:)", re.IGNORECASE)


@dataclass(frozen=True)
class BodyBlock:
    text: str
    heading: bool = False  # a sub-heading the page the article came from had


def body_blocks(text: str) -> list[BodyBlock]:
    """The body's paragraphs (blank-line separated), with the sub-headings of a scraped page
    told apart: text keeps them as short paragraphs of their own ("Hillary Clinton",
    "'Republicrat'", "Female voters"), which read as body text unless shown as headings.

    A sub-heading is a short single line that ends without a sentence's punctuation, starts
    with a capital, a digit or a quotation mark, and is followed by a longer paragraph; never
    the first paragraph, a tweet's attribution ("— name (@handle)"), a byline or a credit.
    """
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text or "") if p.strip()]
    return [
        BodyBlock(p, 0 < i < len(paragraphs) - 1 and _is_subheading(p, paragraphs[i + 1]))
        for i, p in enumerate(paragraphs)
    ]


def _is_subheading(paragraph: str, following: str) -> bool:
    if (
        "\n" in paragraph
        or len(paragraph) > SUBHEADING_MAX_CHARS
        or len(following) <= len(paragraph)
    ):
        return False
    if len(paragraph.split()) > SUBHEADING_MAX_WORDS or _NOT_A_HEADING.match(paragraph):
        return False
    first, end = paragraph[0], paragraph.rstrip(_CLOSERS)[-1:]
    return (
        (first.isupper() or first.isdigit() or first in "'\"‘“")
        and end not in _SENTENCE_END
        and any(c.isalpha() for c in paragraph)
    )


ENTITY_GROUPS = (("place", "Places"), ("organization", "Organizations"), ("person", "People"))


RELATED = 5


@dataclass
class ArticlePage:
    article: Article
    mentions: list[Mention]

    @property
    def entity_groups(self) -> list[tuple[str, str, list[Entity]]]:
        """(label, filter field, entities) for places, organizations and people."""
        return [
            (label, KIND_FILTERS[kind], [m.entity for m in self.mentions if m.entity.kind == kind])
            for kind, label in ENTITY_GROUPS
        ]

    @cached_property
    def related(self) -> list[Article]:
        """The published articles most like this one (asked of the search engine when read)."""
        try:
            ids = search.more_like_this(self.article.pk, limit=RELATED)
        except search.SearchUnavailable:
            return []  # the article itself is in the database: show it without its neighbours
        return [a for a in selectors.articles_in_order(ids) if a.pk != self.article.pk]


def article_page(pk: int) -> ArticlePage | None:
    found = selectors.article_with_mentions(pk)
    return ArticlePage(*found) if found is not None else None
