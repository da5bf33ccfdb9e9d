"""Values made to fit their database columns, and the keys rows are found by again."""

from __future__ import annotations

import hashlib
import re
from functools import cache

from ..extraction.article_fields import safe_url
from ..extraction.names import name_key
from ..models import Article, Entity

_SPACES = re.compile(r"\s+")


@cache
def max_lengths(model) -> dict[str, int]:
    """Field name -> max_length of a model's text columns (CharField, SlugField, URLField)."""
    return {
        f.name: f.max_length
        for f in model._meta.concrete_fields
        if isinstance(getattr(f, "max_length", None), int) and not f.is_relation
    }


def fit(model, **values):
    """Values cut to their column's max_length: SQLite would store a 400-character outlet
    name, PostgreSQL refuses it (DataError) and the article with it."""
    limits = max_lengths(model)
    return {
        k: v[: limits[k]] if isinstance(v, str) and k in limits else v for k, v in values.items()
    }


def entity_key(name: str) -> str:
    return name_key(name)[: max_lengths(Entity)["key"]].strip()


def stored_url(url: str) -> str:
    """An http(s) URL short enough for its column; a cut URL would point elsewhere, so none."""
    url = safe_url(url)
    return url if len(url) <= max_lengths(Article)["url"] else ""


def article_fingerprint(title: str, body: str) -> str:
    """The same article imported twice (or from two files) has the same fingerprint."""
    text = name_key(title) + "\n" + _SPACES.sub(" ", body).strip().lower()
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
