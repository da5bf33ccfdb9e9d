"""Authors of stored articles: the names a byline gives (articles.extraction.bylines), one
Author row per normalised name, in byline order. An editor's authors ("authors" in
``Article.locked_fields``) are left as the editor set them."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.text import slugify

from ..extraction.names import name_key
from ..models import Article, Author, Authorship
from .columns import fit


class AuthorResolver:
    """Author ids by name key, created on first sight; cached for one import."""

    def __init__(self) -> None:
        self._ids: dict[str, int] = {}

    def resolve(self, name: str) -> int | None:
        key = name_key(name)[:200]
        if not key:
            return None
        if key not in self._ids:
            author = Author.objects.filter(key=key).first()
            if author is None:
                author = Author.objects.create(
                    **fit(Author, name=name, key=key, slug=_free_slug(name))
                )
            self._ids[key] = author.id
        return self._ids[key]


def _free_slug(name: str) -> str:
    base = (slugify(name) or "author")[:190]
    slug, n = base, 2
    while Author.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def write_authors(
    article: Article,
    names: Iterable[str],
    resolver: AuthorResolver | None = None,
    *,
    fresh: bool = False,
) -> None:
    """The article's authors become ``names`` (in order), unless an editor set them.

    ``fresh``: the article was just created, so it has no authors to compare or replace.
    """
    if "authors" not in (article.locked_fields or []):
        set_authors(article, names, resolver, fresh=fresh)


def set_authors(
    article: Article,
    names: Iterable[str],
    resolver: AuthorResolver | None = None,
    *,
    fresh: bool = False,
) -> None:
    """The article's authors become ``names``, in order (an editor's, a restore's)."""
    resolver = resolver or AuthorResolver()
    ids = list(dict.fromkeys(i for i in map(resolver.resolve, names) if i is not None))
    if not fresh:
        current = article.authorships.order_by("position").values_list("author_id", flat=True)
        if list(current) == ids:
            return
        Authorship.objects.filter(article=article).delete()
    Authorship.objects.bulk_create(
        [Authorship(article=article, author_id=i, position=n) for n, i in enumerate(ids)]
    )
