"""Extracted articles in, database rows out: one transaction per article, deduplicated.

The only module that writes articles, outlets and entities from extraction results.
Every article written here is queued for the search index in the same transaction
(articles.indexing); bulk imports drain that queue in batches under the index lock.
Re-extraction (``reextract_articles``) never undoes an editor's correction: fields named in
``Article.locked_fields``, mentions an editor added and mentions an editor removed stay.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Q
from django.utils.text import slugify

from .extraction import MAX_ARTICLE_CHARS, extract_documents
from .extraction.names import is_short_form, name_key, name_slug
from .extraction.pages import safe_url
from .extraction.readers import sanitize_item
from .extraction.types import ExtractedArticle, FoundEntity, RawDocument, ReadFailure
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


def max_article_chars() -> int:
    """The per-article length limit for entity recognition (0: none)."""
    return getattr(settings, "NEWSROOM_MAX_ARTICLE_CHARS", MAX_ARTICLE_CHARS)


def document_label(origin: str, ordinal: str | None) -> str:
    return f"{origin}#{ordinal}" if ordinal else origin


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


class EntityResolver:
    """Finds or creates the stored entity for an extracted one, by name key and aliases.

    Keeps a per-import cache so a bulk import does not query for "Iraq" ten thousand times.
    With ``preload=True`` (bulk imports) every entity and alias key is read in two queries
    up front, so only new entities cost queries; an entity another process creates meanwhile
    is caught by the unique key and looked up.
    """

    def __init__(self, *, preload: bool = False) -> None:
        self._by_key: dict[tuple[str, str], int] = {}
        self._preload = preload
        self._preloaded = False
        self._slugs: set[tuple[str, str]] = set()

    def _load_all(self) -> None:
        for kind, key, alias_of in EntityAlias.objects.values_list("kind", "key", "entity_id"):
            self._by_key[(kind, key)] = alias_of
        for kind, key, slug, entity_id in Entity.objects.values_list("kind", "key", "slug", "id"):
            self._by_key[(kind, key)] = entity_id  # an entity's own key wins over an alias
            self._slugs.add((kind, slug))
        self._preloaded = True

    def _slug_taken(self, kind: str, slug: str) -> bool:
        if self._preloaded:
            return (kind, slug) in self._slugs
        return Entity.objects.filter(kind=kind, slug=slug).exists()

    def resolve(self, found: FoundEntity) -> int:
        if self._preload and not self._preloaded:
            self._load_all()
        keys = [entity_key(found.name), *(entity_key(a) for a in archive_aliases(found))]
        keys = [k for k in dict.fromkeys(keys) if k]
        for key in keys:
            cached = self._by_key.get((found.kind, key))
            if cached:
                return cached
        entity_id = None if self._preloaded else self._lookup(found.kind, keys)
        if entity_id is None:
            entity_id = self._create(found, keys[0] if keys else "unnamed")
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

    def _create(self, found: FoundEntity, key: str, *, retry: bool = True) -> int:
        base = name_slug(found.name)
        slug = base
        n = 1
        while self._slug_taken(found.kind, slug):
            n += 1
            slug = f"{base}-{n}"
        try:
            with transaction.atomic():
                entity = Entity.objects.create(
                    **fit(
                        Entity,
                        kind=found.kind,
                        name=found.name,
                        slug=slug,
                        key=key,
                        country=found.country or "",
                        feature=found.feature or "",
                        latitude=found.latitude,
                        longitude=found.longitude,
                    )
                )
        except IntegrityError:
            # Created meanwhile by another process (or known under an alias we did not load).
            existing = self._lookup(found.kind, [key])
            if existing is not None:
                return existing
            if not retry:
                raise
            self._preloaded = False  # the slug was taken meanwhile: ask the database
            return self._create(found, key, retry=False)
        self._slugs.add((found.kind, slug))
        aliases = {}
        for alias in archive_aliases(found, with_mentions=True):
            alias_key = entity_key(alias)
            if alias_key and alias_key != key:
                aliases.setdefault(alias_key, alias)
        # A name already known as another entity's alias stays with that entity.
        EntityAlias.objects.bulk_create(
            [
                EntityAlias(**fit(EntityAlias, entity=entity, kind=found.kind, key=k, name=name))
                for k, name in aliases.items()
            ],
            ignore_conflicts=True,
        )
        return entity.id


def archive_aliases(found: FoundEntity, *, with_mentions: bool = False) -> list[str]:
    """The other names an entity is known by in the whole archive: acronyms, spelling and
    transliteration variants, long forms; never a short form ("White" of "Robert P. White")
    that only one document resolved."""
    names = [*found.aliases, *found.mentions] if with_mentions else found.aliases
    return [n for n in dict.fromkeys(names) if not is_short_form(n, found.name)]


class SourceResolver:
    def __init__(self) -> None:
        self._cache: dict[str, Source] = {}

    def resolve(self, name: str, domain: str) -> Source | None:
        name = fit(Source, name=" ".join(name.split()))["name"].strip()
        if not name:
            return None
        source = self._cache.get(name)
        if source is None:
            source = Source.objects.filter(name=name).first() or self._create(name, domain)
            self._cache[name] = source
        if domain and domain not in source.domains:
            source.domains = [*source.domains, domain]
            source.save(update_fields=["domains"])
        return source

    def _create(self, name: str, domain: str) -> Source:
        base = name_slug(name)[: max_lengths(Source)["slug"] - 4]
        slug, n = base, 1
        # "Press-TV" and "Press TV" share a slug; the second one gets "-2"
        while Source.objects.filter(slug=slug).exists():
            n += 1
            slug = f"{base}-{n}"
        try:
            with transaction.atomic():
                return Source.objects.create(
                    name=name, slug=slug, domains=[domain] if domain else []
                )
        except IntegrityError:  # created meanwhile by another process
            return Source.objects.get(name=name)


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
            **fit(
                Article,
                source=sources.resolve(parsed.source, parsed.source_domain),
                headline=(parsed.title or parsed.body[:120]).strip(),
                slug=slugify(parsed.title)[:80] or "article",
                body=parsed.body,
                caption=parsed.caption,
                section=parsed.section,
                url=stored_url(parsed.url),
                published=parsed.published,
                language=parsed.language or "en",
                original_text=extracted.original_text,
                original_name=document_label(extracted.origin, extracted.ordinal),
                original_format=extracted.format,
                fingerprint=fingerprint,
            )
        )
        write_mentions(article, extracted.entities, entities, fresh=True)
    return article, True


def write_mentions(
    article: Article,
    found_entities: Iterable[FoundEntity],
    entities: EntityResolver,
    *,
    fresh: bool = False,
) -> None:
    """Add extracted mentions, leaving editors' additions and removals in place.

    ``fresh``: the article was just created, so it has no mentions to keep yet.
    """
    kept = {}
    if not fresh:
        kept = {
            m.entity_id: m
            for m in Mention.objects.filter(article=article).filter(
                ~Q(origin=Mention.Origin.EXTRACTED) | Q(suppressed=True)
            )
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
    """Extract, store and index documents; one bad document never stops the rest.

    Each stored article queues an index task in its own transaction; the queue is drained
    every INDEX_EVERY articles under the cross-process index lock, so an import, the admin
    and the index worker never fight over Whoosh's writer. With ``index=False`` the tasks
    stay queued for ``manage.py index_worker`` (or the next save) to pick up.
    """
    from . import indexing

    report = ImportReport()
    entities, sources = EntityResolver(preload=True), SourceResolver()
    since_drain = 0
    with indexing.deferred():
        for result in extract_documents(
            items,
            model=settings.NEWSROOM_SPACY_MODEL,
            n_process=n_process,
            max_chars=max_article_chars(),
        ):
            if isinstance(result, ReadFailure):
                report.failed.append((document_label(result.origin, result.ordinal), result.reason))
            else:
                label = document_label(result.origin, result.ordinal)
                try:
                    try:
                        article, created = store_article(result, entities=entities, sources=sources)
                    except IntegrityError:
                        # Stale caches: another process merged or deleted an entity or an
                        # outlet meanwhile. Once more with fresh ones.
                        entities, sources = EntityResolver(preload=True), SourceResolver()
                        article, created = store_article(result, entities=entities, sources=sources)
                except (DatabaseError, ValueError) as exc:
                    # the article's transaction is rolled back; the rest of the import goes on
                    logger.exception("could not store %s", label)
                    report.failed.append(
                        (label, f"could not be stored ({type(exc).__name__}: {exc})")
                    )
                    entities, sources = EntityResolver(preload=True), SourceResolver()
                else:
                    if created:
                        report.created.append((label, article.id))
                        since_drain += 1
                    else:
                        report.duplicates.append((label, article.id))
            if on_progress:
                on_progress(1)
            if index and since_drain >= INDEX_EVERY:
                indexing.drain(blocking=True)
                since_drain = 0
    if index and since_drain:
        indexing.drain(blocking=True)
    return report


INDEX_EVERY = 500

# Fields re-extraction may overwrite unless an editor locked them.
EXTRACTED_FIELDS = ("headline", "source", "section", "published", "caption", "body", "url")


@dataclass
class ReextractReport:
    updated: list[int] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (article id, reason)


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


def apply_extraction(
    article: Article,
    extracted: ExtractedArticle,
    *,
    entities: EntityResolver | None = None,
    sources: SourceResolver | None = None,
) -> Article:
    """Overwrite what extraction decides, except what an editor corrected."""
    entities = entities or EntityResolver()
    sources = sources or SourceResolver()
    parsed = extracted.parsed
    locked = set(article.locked_fields or [])
    values = fit(
        Article,
        headline=(parsed.title or parsed.body[:120]).strip(),
        section=parsed.section,
        published=parsed.published,
        caption=parsed.caption,
        body=parsed.body,
        url=stored_url(parsed.url),
    )
    with transaction.atomic():
        for name, value in values.items():
            if name not in locked:
                setattr(article, name, value)
        if "source" not in locked:
            article.source = sources.resolve(parsed.source, parsed.source_domain)
        Mention.objects.filter(
            article=article, origin=Mention.Origin.EXTRACTED, suppressed=False
        ).delete()
        write_mentions(article, extracted.entities, entities)
        article.save()
    return article


def reextract_articles(
    articles: Iterable[Article],
    *,
    n_process: int = 1,
    on_progress: Callable[[int], None] | None = None,
) -> ReextractReport:
    """Run extraction again on stored originals, keeping every editor correction."""
    from . import indexing

    report = ReextractReport()
    by_origin: dict[int, Article] = {}
    raws: list[RawDocument] = []
    for article in articles:
        raw = raw_document_for(article)
        if raw is None:
            report.skipped.append((article.id, "no stored original to extract from"))
            continue
        # Tag each document with its article so results map back even if labels repeat.
        raw.origin = f"{article.id}\x00{raw.origin}"
        by_origin[article.id] = article
        raws.append(raw)
    entities, sources = EntityResolver(preload=True), SourceResolver()
    with indexing.deferred():
        for result in extract_documents(
            raws,
            model=settings.NEWSROOM_SPACY_MODEL,
            n_process=n_process,
            max_chars=max_article_chars(),
        ):
            article_id = int(result.origin.split("\x00", 1)[0])
            if isinstance(result, ReadFailure):
                report.skipped.append((article_id, result.reason))
            else:
                result.origin = result.origin.split("\x00", 1)[1]
                apply_extraction(by_origin[article_id], result, entities=entities, sources=sources)
                report.updated.append(article_id)
            if on_progress:
                on_progress(1)
    transaction.on_commit(indexing.drain_after_commit)
    return report


def reextract_article(article: Article) -> Article:
    """Re-run extraction on one article; editor corrections survive (see module docstring)."""
    report = reextract_articles([article])
    if report.skipped:
        raise ValueError(report.skipped[0][1])
    article.refresh_from_db()
    return article
