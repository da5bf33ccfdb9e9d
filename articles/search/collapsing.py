"""Collapsed stories' rows: each hit's story, and the articles of the stories a page shows.

Story membership is in the database, never in an engine's index (regrouping never
re-indexes), so every engine collapses alike by what this module reads.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from ..models import Article, Source


@dataclass
class HitStories:
    """The stories of a search's hits, read in one query (articles.search.service collapses
    them; a result's preview lists its story's other articles)."""

    story_of: dict[int, int | None]  # hit id -> its story
    size_of: dict[int, int]  # story id -> its articles (Story.article_count)
    # Story id -> its published articles (no bodies), by outlet name, date and id: for the
    # stories of several articles that the page's hits belong to.
    members: dict[int, list[Article]]


_HIT_STORY_FIELDS = ("id", "story_id", "story__article_count", "is_published")
_MEMBER_FIELDS = (
    "slug",
    "headline",
    "published",
    "date",
    "date_source",
    "date_precision",
    "date_evidence",
    "section",
    "copy_of_id",
    "source_id",
    "source__name",
    "source__slug",
)


def hit_stories(hit_ids: list[int], page_ids: list[int]) -> HitStories:
    """Each hit's story and its size, and the published articles of the stories of several
    articles the hits ``page_ids`` belong to: one query, where reading the stories and then
    their articles took two (a tenth of a search page's time)."""
    several = Article.objects.filter(id__in=page_ids, story__article_count__gt=1).values("story_id")
    rows = (
        Article.objects.filter(Q(id__in=hit_ids) | Q(story_id__in=several, is_published=True))
        .order_by()
        .values_list(*_HIT_STORY_FIELDS, *_MEMBER_FIELDS)
    )
    wanted, story_of, size_of, found = set(hit_ids), {}, {}, []
    for row in rows:
        article_id, story_id, size, published = row[:4]
        if article_id in wanted:
            story_of[article_id] = story_id
        if story_id is not None:
            size_of[story_id] = size or 0
        if published and story_id is not None:
            found.append(row)
    shown = {story_of.get(i) for i in page_ids} - {None}
    members: dict[int, list[Article]] = {}
    for row in found:
        if row[1] in shown and size_of[row[1]] > 1:
            members.setdefault(row[1], []).append(_member(row))
    for articles in members.values():
        articles.sort(key=_listed_order)
    return HitStories(story_of, size_of, members)


def _member(row: tuple) -> Article:
    values = dict(zip(_MEMBER_FIELDS, row[4:], strict=True))
    source = (
        Source(id=values["source_id"], name=values["source__name"], slug=values["source__slug"])
        if values["source_id"]
        else None
    )
    article = Article(
        id=row[0],
        story_id=row[1],
        is_published=True,
        **{k: v for k, v in values.items() if "__" not in k and k != "source_id"},
    )
    article.source = source
    return article


def _listed_order(article: Article) -> tuple:
    """A story's articles by outlet name, date and id (unknown outlets and undated last)."""
    name = article.source.name if article.source_id else None
    return (name is None, name or "", article.date is None, article.date or "", article.id)
