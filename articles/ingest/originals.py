"""An article's original as its reader produced it, rebuilt from what the archive stored:
re-extraction and re-dating start from it."""

from __future__ import annotations

import json

from ..extraction.readers import sanitize_item
from ..extraction.types import RawDocument
from ..models import Article


def raw_document_for(article: Article) -> RawDocument | None:
    """Rebuild what the reader produced from the stored original; None if nothing is stored."""
    if not article.original_text:
        return None
    origin, _, ordinal = article.original_name.rpartition("#")
    if not origin:
        origin, ordinal = article.original_name, ""
    fmt = article.original_format or "text"
    if fmt not in ("text", "html"):
        try:
            fields = json.loads(article.original_text)
        except ValueError:
            fields = None
        if isinstance(fields, dict):
            raw = RawDocument(origin=origin, format=fmt, fields=fields, ordinal=ordinal or None)
            return sanitize_item(raw)  # originals stored before readers cleaned them
    raw = RawDocument(
        origin=origin, format=fmt, text=article.original_text, ordinal=ordinal or None
    )
    return sanitize_item(raw)
