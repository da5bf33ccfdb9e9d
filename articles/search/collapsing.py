"""Collapsed stories' rows: each hit's story, and the articles of the stories a page shows.

Story membership is in the database, never in an engine's index (regrouping never
re-indexes), so every engine collapses alike by what this module reads. Both reads are lean
(values, no model instances): they are most of what collapsing costs a search page.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from ..models import Article


@dataclass(frozen=True, slots=True)
class Outlet:
    name: str
    slug: str


@dataclass(slots=True)
class StoryArticle:
    """A published article of a story a result stands for, as its preview lists it: what
    an Article without its body shows, read without building one."""

    id: int
    slug: str
    headline: str
    published: datetime.datetime | None
    date: datetime.date | None
    date_source: str
    date_precision: str
    date_evidence: str
    section: str
    copy_of_id: int | None
    story_id: int
    source_id: int | None
    source: Outlet | None

    STATED_DATES = Article.STATED_DATES
    # An article's own: its page's address and whether its date was inferred.
    get_absolute_url = Article.get_absolute_url
    date_inferred = Article.date_inferred

    @property
    def pk(self) -> int:
        return self.id


@dataclass
class HitStories:
    story_of: dict[int, int | None]  # hit id -> its story
    size_of: dict[int, int]  # story id -> its articles (Story.article_count)


def hit_stories(hit_ids: list[int]) -> HitStories:
    """Each hit's story and the story's size: one query."""
    story_of, size_of = {}, {}
    for article_id, story_id, size in (
        Article.objects.filter(id__in=hit_ids)
        .order_by()
        .values_list("id", "story_id", "story__article_count")
    ):
        story_of[article_id] = story_id
        if story_id is not None:
            size_of[story_id] = size or 0
    return HitStories(story_of, size_of)


_FIELDS = (
    "id",
    "slug",
    "headline",
    "published",
    "date",
    "date_source",
    "date_precision",
    "date_evidence",
    "section",
    "copy_of_id",
    "story_id",
    "source_id",
    "source__name",
    "source__slug",
)


def story_articles(story_ids: set[int]) -> dict[int, list[StoryArticle]]:
    """Story id -> its published articles by outlet name, date and id (unknown outlets and
    undated last): one query, none without stories."""
    if not story_ids:
        return {}
    out: dict[int, list[StoryArticle]] = {}
    rows = (
        Article.objects.filter(story_id__in=story_ids, is_published=True)
        .order_by()
        .values_list(*_FIELDS)
    )
    for *fields, source_name, source_slug in rows:
        outlet = Outlet(source_name, source_slug) if fields[-1] else None
        article = StoryArticle(*fields, outlet)
        out.setdefault(article.story_id, []).append(article)
    for articles in out.values():
        articles.sort(key=_listed_order)
    return out


def _listed_order(article: StoryArticle) -> tuple:
    name = article.source.name if article.source else None
    return (name is None, name or "", article.date is None, article.date or "", article.id)
