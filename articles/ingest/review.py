"""“Add article”: one page or file, extracted and shown to the editor, stored as reviewed.

What the editor changed is locked against re-extraction (``Article.locked_fields``, editor
and suppressed mentions, see articles.corrections).
"""

from __future__ import annotations

import io

from django.contrib.admin.models import ADDITION
from django.db import transaction

from .. import corrections
from ..extraction.names import name_key
from ..extraction.types import ExtractedArticle, RawDocument, ReadFailure
from .checks import read_upload
from .resolution import SourceResolver
from .stories import group_new_articles_safely
from .storing import extract_with_settings, store_article

REVIEWED_KINDS = (("place", "places"), ("organization", "organizations"), ("person", "people"))


def read_single_document(name: str, data: bytes) -> tuple[RawDocument | None, str | None]:
    """The one document of a pasted page or single file, or why it cannot be added."""
    items, refusal = read_upload(name, io.BytesIO(data))
    if refusal:
        return None, refusal
    items = list(items)  # one page or file, at most NEWSROOM_MAX_FILE_BYTES
    documents = [i for i in items if isinstance(i, RawDocument)]
    failures = [i for i in items if isinstance(i, ReadFailure)]
    if not documents:
        reason = failures[0].reason if failures else "no article found in it"
        return None, f"{name}: {reason}"
    if len(documents) > 1:
        return None, (
            f"{name} holds {len(documents)} articles: use “Upload articles” to import them all."
        )
    return documents[0], None


def extract_single(raw: RawDocument) -> ExtractedArticle | ReadFailure:
    return next(iter(extract_with_settings([raw])))


def canonical_names(extracted: ExtractedArticle) -> dict[str, list[str]]:
    """The names an editor reviews: stored canonical names where the entity is known
    (an extracted "Hashd al-Shaabi" shows as the "Popular Mobilization Units" it merged into).
    """
    names: dict[str, list[str]] = {}
    for kind, attr in REVIEWED_KINDS:
        shown = []
        for found in getattr(extracted, attr):
            known = corrections.find_entity(kind, found.name)
            shown.append(known.name if known else found.name)
        names[kind] = list(dict.fromkeys(shown))
    return names


def extracted_values(extracted: ExtractedArticle) -> dict:
    parsed = extracted.parsed
    return {
        "headline": (parsed.title or parsed.body[:120]).strip()[:500],
        "source": parsed.source.strip(),
        "section": parsed.section[:200],
        "published": parsed.published,
    }


def create_reviewed_article(extracted: ExtractedArticle, reviewed: dict, user=None):
    """Store an extracted article with the editor's corrections; (article, created).

    ``reviewed`` holds headline, source, section, published and, per kind ("place",
    "organization", "person"), the list of entity names the editor kept or typed. What the
    editor changed is locked against re-extraction (``Article.locked_fields``, editor and
    suppressed mentions). Nothing is written for a duplicate.
    """
    with transaction.atomic():
        article, created = store_article(extracted)
        if not created:
            return article, False
        proposed = extracted_values(extracted)
        locked = []
        for name in ("headline", "section", "published"):
            if reviewed.get(name, proposed[name]) != proposed[name]:
                setattr(article, name, reviewed[name])
                locked.append(name)
        if reviewed.get("source", proposed["source"]).strip() != proposed["source"]:
            article.source = SourceResolver().resolve(reviewed["source"], "")
            locked.append("source")
        article.locked_fields = locked
        article.save()
        changed_entities = []
        for kind, _ in REVIEWED_KINDS:
            if kind not in reviewed:
                continue
            wanted = {name_key(n): n for n in reviewed[kind] if name_key(n)}
            present = set()
            for mention in article.mentions.filter(entity__kind=kind).select_related("entity"):
                keys = {mention.entity.key, *mention.entity.aliases.values_list("key", flat=True)}
                if keys & wanted.keys():
                    present |= keys & wanted.keys()
                else:
                    corrections.remove_entity(article, mention.entity, user)
                    changed_entities.append(f"removed {mention.entity.name}")
            for key, name in wanted.items():
                if key not in present:
                    corrections.add_entity(article, kind, name, user)
                    changed_entities.append(f"added {name}")
        message = "Added from a reviewed upload."
        if locked or changed_entities:
            message += " Editor corrected: " + ", ".join([*locked, *changed_entities]) + "."
        corrections.record(user, article, message, ADDITION)
    group_new_articles_safely([article.id])
    return article, True
