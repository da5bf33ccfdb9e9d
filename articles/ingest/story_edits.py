"""Editors' corrections of stories: split one, move articles to another, merge several.

Each takes effect at once and is remembered as StoryDecision rows (groups), which regrouping
(articles.ingest.stories, ``manage.py group_stories``) keeps: articles of one group stay one
story, articles of different groups are never one. Every article of a story an editor touched
gets a group, so what they saw stays as they left it; new articles may still join.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.contrib.admin.models import CHANGE
from django.db import transaction
from django.db.models import F

from .. import corrections
from ..models import Article, Story, StoryDecision
from .stories import recount_stories


def _new_group() -> str:
    return uuid.uuid4().hex


def _pin(article_ids: Iterable[int], group: str, user, note: str) -> None:
    for article_id in article_ids:
        StoryDecision.objects.update_or_create(
            article_id=article_id,
            defaults={"group": group, "note": note[:300], "decided_by": _user(user)},
        )


def _user(user):
    return user if getattr(user, "pk", None) else None


def _members(story_ids: Iterable[int]) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for article_id, story_id in Article.objects.filter(story_id__in=set(story_ids)).values_list(
        "id", "story_id"
    ):
        out.setdefault(story_id, []).append(article_id)
    return out


def _keep_the_rest(story_ids: Iterable[int], leaving: set[int], user, note: str) -> None:
    """What stays in each story an editor took articles from is pinned as it is, so the
    articles taken out never drift back."""
    for article_ids in _members(story_ids).values():
        rest = [a for a in article_ids if a not in leaving]
        if rest:
            _pin(rest, _new_group(), user, note)


def _finish(story_ids: Iterable[int], user, message: str, article_ids: Iterable[int]) -> None:
    """Copies stay with their original's story; counts and leads follow; the log says why."""
    stories = set(story_ids)
    # A copy whose original is now in another story is no longer shown as its copy.
    Article.objects.filter(story_id__in=stories).exclude(copy_of=None).exclude(
        copy_of__story_id=F("story_id")
    ).update(copy_of=None)
    Article.objects.filter(copy_of__story_id__in=stories).exclude(
        copy_of__story_id=F("story_id")
    ).update(copy_of=None)
    recount_stories(stories)
    for article in Article.objects.filter(id__in=set(article_ids)).only("id", "headline"):
        corrections.record(user, article, message, CHANGE)


def split_off(article_ids: Iterable[int], user=None) -> Story:
    """The articles leave their stories and become one new story of their own."""
    ids = sorted(set(article_ids))
    with transaction.atomic():
        sources = set(
            Article.objects.filter(id__in=ids)
            .exclude(story=None)
            .values_list("story_id", flat=True)
        )
        story = Story.objects.create()
        _keep_the_rest(
            sources, set(ids), user, f"kept when articles were split into story {story.pk}"
        )
        _pin(ids, _new_group(), user, f"split into story {story.pk}")
        Article.objects.filter(id__in=ids).update(story=story)
        _finish({*sources, story.pk}, user, f"Split into a new story, {story.pk}.", ids)
    return story


def move_articles(article_ids: Iterable[int], target: Story, user=None) -> Story:
    """The articles leave their stories and join ``target``."""
    ids = sorted(set(article_ids))
    with transaction.atomic():
        sources = set(
            Article.objects.filter(id__in=ids)
            .exclude(story=None)
            .exclude(story=target)
            .values_list("story_id", flat=True)
        )
        _keep_the_rest(sources, set(ids), user, f"kept when articles moved to story {target.pk}")
        group = _new_group()
        members = _members([target.pk]).get(target.pk, [])
        _pin([*members, *ids], group, user, f"in story {target.pk}")
        Article.objects.filter(id__in=ids).update(story=target)
        _finish({*sources, target.pk}, user, f"Moved to story {target.pk}.", ids)
    return target


def merge_stories(stories: Iterable[Story], user=None) -> Story:
    """One story of them all: the one with most articles (the lowest number on a tie) takes
    the others' articles; the others are deleted."""
    stories = list(stories)
    if not stories:
        raise ValueError("no story to merge")
    with transaction.atomic():
        members = _members(s.pk for s in stories)
        survivor = max(stories, key=lambda s: (len(members.get(s.pk, [])), -s.pk))
        ids = [a for article_ids in members.values() for a in article_ids]
        _pin(ids, _new_group(), user, f"merged into story {survivor.pk}")
        Article.objects.filter(id__in=ids).update(story=survivor)
        merged = [s.pk for s in stories if s.pk != survivor.pk]
        _finish({survivor.pk}, user, f"Stories {merged} merged into {survivor.pk}.", ids)
        Story.objects.filter(pk__in=merged).delete()
    return survivor
