"""Extracted articles in, database rows out: one transaction per article, deduplicated.

The only module that writes articles, outlets and entities from extraction results.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from .extraction import extract_documents
from .extraction.names import name_key, name_slug
from .extraction.types import ExtractedArticle, FoundEntity, ReadFailure
from .models import Article, Entity, EntityAlias, Mention, Source

logger = logging.getLogger(__name__)

_SPACES = re.compile(r"\s+")


@dataclass
class ImportReport:
    created: list[tuple[str, int]] = field(default_factory=list)  # (origin, article id)
    duplicates: list[tuple[str, int]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (origin, reason)

    @property
    def summary(self) -> str:
        return (
            f"{len(self.created)} created, {len(self.duplicates)} duplicates, "
            f"{len(self.failed)} failed"
        )


def document_label(origin: str, ordinal: str | None) -> str:
    return f"{origin}#{ordinal}" if ordinal else origin


def article_fingerprint(title: str, body: str) -> str:
    """The same article imported twice (or from two files) has the same fingerprint."""
    text = name_key(title) + "\n" + _SPACES.sub(" ", body).strip().lower()
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class EntityResolver:
    """Finds or creates the stored entity for an extracted one, by name key and aliases.

    Keeps a per-import cache so a bulk import does not query for "Iraq" ten thousand times.
    """

    def __init__(self) -> None:
        self._by_key: dict[tuple[str, str], int] = {}

    def resolve(self, found: FoundEntity) -> int:
        keys = [name_key(found.name), *(name_key(a) for a in found.aliases)]
        keys = [k for k in dict.fromkeys(keys) if k]
        for key in keys:
            cached = self._by_key.get((found.kind, key))
            if cached:
                return cached
        entity_id = self._lookup(found.kind, keys)
        if entity_id is None:
            entity_id = self._create(found, keys[0] if keys else name_key(found.name) or "unnamed")
        for key in keys:
            self._by_key[(found.kind, key)] = entity_id
        return entity_id

    def _lookup(self, kind: str, keys: list[str]) -> int | None:
        for key in keys:
            entity_id = (
                Entity.objects.filter(kind=kind, key=key).values_list("id", flat=True).first()
            )
            if entity_id:
                return entity_id
            entity_id = (
                EntityAlias.objects.filter(kind=kind, key=key)
                .values_list("entity_id", flat=True)
                .first()
            )
            if entity_id:
                return entity_id
        return None

    def _create(self, found: FoundEntity, key: str) -> int:
        base = name_slug(found.name)
        slug = base
        n = 1
        while Entity.objects.filter(kind=found.kind, slug=slug).exists():
            n += 1
            slug = f"{base}-{n}"
        entity = Entity.objects.create(
            kind=found.kind,
            name=found.name[:300],
            slug=slug,
            key=key,
            country=found.country or "",
            feature=found.feature or "",
            latitude=found.latitude,
            longitude=found.longitude,
        )
        for alias in dict.fromkeys([*found.aliases, *found.mentions]):
            alias_key = name_key(alias)
            if alias_key and alias_key != key:
                _, _ = EntityAlias.objects.get_or_create(
                    kind=found.kind, key=alias_key, defaults={"entity": entity, "name": alias[:300]}
                )
        return entity.id


class SourceResolver:
    def __init__(self) -> None:
        self._cache: dict[str, Source] = {}

    def resolve(self, name: str, domain: str) -> Source | None:
        name = name.strip()
        if not name:
            return None
        source = self._cache.get(name)
        if source is None:
            source, _ = Source.objects.get_or_create(
                name=name, defaults={"slug": name_slug(name), "domains": [domain] if domain else []}
            )
            self._cache[name] = source
        if domain and domain not in source.domains:
            source.domains = [*source.domains, domain]
            source.save(update_fields=["domains"])
        return source


def store_article(
    extracted: ExtractedArticle,
    *,
    entities: EntityResolver | None = None,
    sources: SourceResolver | None = None,
) -> tuple[Article, bool]:
    """Write one extracted article and its mentions atomically.

    Returns (article, created); created is False when an article with the same
    fingerprint already exists, in which case nothing is written.
    """
    entities = entities or EntityResolver()
    sources = sources or SourceResolver()
    parsed = extracted.parsed
    fingerprint = article_fingerprint(parsed.title, parsed.body)
    existing = Article.objects.filter(fingerprint=fingerprint).first()
    if existing:
        return existing, False
    with transaction.atomic():
        article = Article.objects.create(
            source=sources.resolve(parsed.source, parsed.source_domain),
            headline=(parsed.title or parsed.body[:120]).strip()[:500],
            slug=slugify(parsed.title)[:80] or "article",
            body=parsed.body,
            caption=parsed.caption,
            section=parsed.section[:200],
            url=parsed.url[:1000],
            published=parsed.published,
            language=parsed.language or "en",
            original_text=extracted.original_text,
            original_name=document_label(extracted.origin, extracted.ordinal)[:500],
            original_format=extracted.format,
            fingerprint=fingerprint,
        )
        write_mentions(article, extracted.entities, entities)
    return article, True


def write_mentions(
    article: Article, found_entities: Iterable[FoundEntity], entities: EntityResolver
) -> None:
    """Add extracted mentions, leaving editors' additions and removals in place."""
    kept = {
        m.entity_id: m
        for m in Mention.objects.filter(article=article).exclude(origin=Mention.Origin.EXTRACTED)
    }
    merged: dict[int, Mention] = {}
    for found in found_entities:
        entity_id = entities.resolve(found)
        if entity_id in kept:
            continue
        mention = merged.get(entity_id)
        if mention is None:
            merged[entity_id] = Mention(
                article=article,
                entity_id=entity_id,
                count=found.count,
                surface_forms=sorted(found.mentions),
            )
        else:  # two extracted names resolved to one stored entity (an alias)
            mention.count += found.count
            mention.surface_forms = sorted({*mention.surface_forms, *found.mentions})
    Mention.objects.bulk_create(merged.values())


def import_documents(
    items: Iterable,
    *,
    n_process: int = 1,
    on_progress: Callable[[int], None] | None = None,
    index: bool = True,
) -> ImportReport:
    """Extract, store and index documents; one bad document never stops the rest."""
    from . import search

    report = ImportReport()
    entities, sources = EntityResolver(), SourceResolver()
    pending_index: list[int] = []
    for result in extract_documents(
        items, model=settings.NEWSROOM_SPACY_MODEL, n_process=n_process
    ):
        if isinstance(result, ReadFailure):
            report.failed.append((document_label(result.origin, result.ordinal), result.reason))
        else:
            label = document_label(result.origin, result.ordinal)
            try:
                article, created = store_article(result, entities=entities, sources=sources)
            except (IntegrityError, ValueError) as exc:
                logger.exception("could not store %s", label)
                report.failed.append((label, f"could not be stored: {exc}"))
                entities, sources = EntityResolver(), SourceResolver()
            else:
                if created:
                    report.created.append((label, article.id))
                    pending_index.append(article.id)
                else:
                    report.duplicates.append((label, article.id))
        if on_progress:
            on_progress(1)
        if index and len(pending_index) >= 500:
            search.index_articles(pending_index)
            pending_index = []
    if index and pending_index:
        search.index_articles(pending_index)
    return report
