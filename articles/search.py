"""The one module that talks to haystack: indexing and searching articles."""

from __future__ import annotations

from collections.abc import Iterable

from haystack import connections
from haystack.query import SearchQuerySet

from .models import Article


def _index():
    return connections["default"].get_unified_index().get_index(Article)


def index_articles(article_ids: Iterable[int]) -> None:
    ids = list(article_ids)
    qs = (
        Article.objects.filter(id__in=ids, is_published=True)
        .select_related("source")
        .prefetch_related("mentions__entity")
    )
    connections["default"].get_backend().update(_index(), qs)


def remove_articles(article_ids: Iterable[int]) -> None:
    backend = connections["default"].get_backend()
    for article_id in article_ids:
        backend.remove(f"articles.article.{article_id}")


def search_articles(q: str, limit: int = 20):
    sqs = SearchQuerySet().models(Article)
    sqs = sqs.auto_query(q) if q.strip() else sqs
    return sqs[:limit]
