"""An author's page: who, how many articles, and those articles newest first, 50 a page."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator

from .. import selectors
from ..models import Author
from .dates import date_json

PER_PAGE = 50


@dataclass
class AuthorPage:
    author: Author
    articles: Page

    @property
    def total(self) -> int:
        return self.articles.paginator.count


def author_page(slug: str, page: int = 1) -> AuthorPage | None:
    author = Author.objects.filter(slug=slug).first()
    if author is None:
        return None
    paginator = Paginator(selectors.author_articles(author), PER_PAGE)
    return AuthorPage(author, paginator.get_page(page))


def author_json(page: AuthorPage, absolute_uri) -> dict:
    return {
        "name": page.author.name,
        "slug": page.author.slug,
        "articles": page.total,
        "page": page.articles.number,
        "pages": page.articles.paginator.num_pages,
        "results": [
            {
                "id": a.id,
                "headline": a.headline,
                "url": absolute_uri(a.get_absolute_url()),
                "source": a.source.name if a.source_id else None,
                "published": a.published.isoformat() if a.published else None,
                "date": date_json(a),
                "authors": [x.name for x in a.author_list],
            }
            for a in page.articles
        ],
    }
