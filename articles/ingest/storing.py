"""Extracted articles in, database rows out: one transaction per article, deduplicated.

The only module that writes articles, outlets and entities from extraction results (names
are resolved by articles.ingest.resolution). Every article written here is queued for the
search index in the same transaction (articles.search.queue); bulk imports drain that queue
in batches under the index lock.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Q
from django.utils.text import slugify

from ..extraction import extract_documents
from ..extraction.types import ExtractedArticle, FoundEntity, RawDocument, ReadFailure
from ..models import Article, Mention
from ..search import queue
from .authors import AuthorResolver, write_authors
from .columns import article_fingerprint, fit, stored_url
from .dating import ArchiveCalibration, date_article
from .resolution import EntityResolver, SourceResolver
from .stories import GROUP_EVERY, group_new_articles_safely

logger = logging.getLogger(__name__)


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


def extract_with_settings(items: Iterable[RawDocument | ReadFailure], *, n_process: int = 1):
    """``extract_documents`` with this site's spaCy model and article length limit.

    Every caller (imports, uploads, re-extraction, ``manage.py extract``) goes through here,
    so none can miss a setting (uploads once ignored NEWSROOM_MAX_ARTICLE_CHARS).
    """
    return extract_documents(
        items,
        model=settings.NEWSROOM_SPACY_MODEL,
        n_process=n_process,
        max_chars=settings.NEWSROOM_MAX_ARTICLE_CHARS,
    )


def document_label(origin: str, ordinal: str | None) -> str:
    return f"{origin}#{ordinal}" if ordinal else origin


def store_article(
    extracted: ExtractedArticle,
    *,
    entities: EntityResolver | None = None,
    sources: SourceResolver | None = None,
    calibration: ArchiveCalibration | None = None,
    authors: AuthorResolver | None = None,
) -> tuple[Article, bool]:
    """Write one extracted article and its mentions atomically, dated at once (the date its
    source states, or one inferred with the archive's calibration: articles.ingest.dating).

    Returns (article, created); created is False when an article with the same
    fingerprint already exists, in which case nothing is written.
    """
    entities = entities or EntityResolver()
    sources = sources or SourceResolver()
    calibration = calibration or ArchiveCalibration()
    parsed = extracted.parsed
    fingerprint = article_fingerprint(parsed.title, parsed.body)
    # the id alone: most articles are new, and a whole row costs twice as much to ask for
    existing = Article.objects.filter(fingerprint=fingerprint).values_list("pk", flat=True)
    if existing_id := existing.first():
        return Article.objects.get(pk=existing_id), False
    with transaction.atomic():
        article = Article(
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
                byline=parsed.byline,
                extraction_notes=parsed.notes,
            )
        )
        date_article(article, parsed, calibration)
        article.save(force_insert=True)
        write_authors(article, parsed.authors, authors, fresh=True)
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
    year = article.published.year if article.published else 0
    for found in found_entities:
        entity_id = entities.resolve(found, year=year, source_id=article.source_id)
        if entity_id is None or entity_id in kept:  # no entity, or an editor decided
            continue
        mention = merged.get(entity_id)
        if mention is None:
            entities.people.count(entity_id, found)
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
    entities.record_short_names(article.pk)
    entities.describe_new(article, {pk: m.surface_forms for pk, m in merged.items()})


def import_documents(
    items: Iterable,
    *,
    n_process: int = 1,
    on_progress: Callable[[int], None] | None = None,
    index: bool = True,
) -> ImportReport:
    """Extract, store and index documents; one bad document never stops the rest.

    Each stored article queues an index task in its own transaction; the queue is drained
    every few hundred articles under the cross-process index lock, so an import, the admin
    and the index worker never fight over Whoosh's writer. With ``index=False`` the tasks
    stay queued for ``manage.py index_worker`` (or the next save) to pick up.
    """
    report = ImportReport()
    entities, sources = EntityResolver(preload=True), SourceResolver()
    calibration, authors = ArchiveCalibration(), AuthorResolver()
    drains = queue.BatchedDrain(enabled=index)
    ungrouped: list[int] = []  # new articles waiting for their story
    weighed: dict = {}  # articles grouping has read, for the next batches (stories._Entry)
    with queue.deferred():
        for result in extract_with_settings(items, n_process=n_process):
            if isinstance(result, ReadFailure):
                report.failed.append((document_label(result.origin, result.ordinal), result.reason))
            else:
                label = document_label(result.origin, result.ordinal)
                try:
                    try:
                        article, created = store_article(
                            result,
                            entities=entities,
                            sources=sources,
                            calibration=calibration,
                            authors=authors,
                        )
                    except IntegrityError:
                        # Stale caches: another process merged or deleted an entity or an
                        # outlet meanwhile. Once more with fresh ones.
                        entities, sources = EntityResolver(preload=True), SourceResolver()
                        article, created = store_article(
                            result,
                            entities=entities,
                            sources=sources,
                            calibration=calibration,
                            authors=authors,
                        )
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
                        drains.added()
                        ungrouped.append(article.id)
                        if len(ungrouped) >= GROUP_EVERY:
                            group_new_articles_safely(ungrouped, weighed)
                            ungrouped = []
                    else:
                        report.duplicates.append((label, article.id))
            if on_progress:
                on_progress(1)
        group_new_articles_safely(ungrouped, weighed)
        drains.finish()
    return report
