"""An article's page: its text, its entities by kind, and the articles most like it."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from .. import search, selectors
from ..models import Article, Entity, Mention
from ..search.vocabulary import KIND_FILTERS

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
