"""Re-extraction: run extraction again on stored originals, keeping every editor correction.

Fields named in ``Article.locked_fields``, mentions an editor added and mentions an editor
removed stay as the editor left them (articles.corrections says how each is recorded).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import transaction

from ..extraction.types import ExtractedArticle, RawDocument, ReadFailure
from ..models import Article, Mention
from ..search import queue
from .authors import AuthorResolver, write_authors
from .columns import article_fingerprint, fit, stored_url
from .dating import ArchiveCalibration, date_article
from .originals import raw_document_for
from .resolution import ArchivePeople, EntityResolver, SourceResolver
from .storing import extract_with_settings, write_mentions

# Fields re-extraction may overwrite unless an editor locked them ("date": the date fields,
# re-dated by articles.ingest.dating unless an editor set the date; "authors": the byline's).
EXTRACTED_FIELDS = (
    "headline",
    "source",
    "section",
    "published",
    "date",
    "authors",
    "caption",
    "body",
    "url",
)


@dataclass
class ReextractReport:
    updated: list[int] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (article id, reason)


def apply_extraction(
    article: Article,
    extracted: ExtractedArticle,
    *,
    entities: EntityResolver | None = None,
    sources: SourceResolver | None = None,
    calibration: ArchiveCalibration | None = None,
    authors: AuthorResolver | None = None,
) -> Article:
    """Overwrite what extraction decides, except what an editor corrected."""
    entities = entities or EntityResolver()
    sources = sources or SourceResolver()
    calibration = calibration or ArchiveCalibration()
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
    if "authors" not in locked:
        values.update(fit(Article, byline=parsed.byline), extraction_notes=parsed.notes)
    with transaction.atomic():
        for name, value in values.items():
            if name not in locked:
                setattr(article, name, value)
        if "source" not in locked:
            article.source = sources.resolve(parsed.source, parsed.source_domain)
        date_article(article, parsed, calibration)
        write_authors(article, parsed.authors, authors)
        _refresh_fingerprint(article)
        Mention.objects.filter(
            article=article, origin=Mention.Origin.EXTRACTED, suppressed=False
        ).delete()
        write_mentions(article, extracted.entities, entities)
        article.save()
    return article


def _refresh_fingerprint(article: Article) -> None:
    """The fingerprint a new import of the same original computes, so importing the file again
    finds the article (a better extractor changes the text it is computed from); kept when
    another article holds it already."""
    fingerprint = article_fingerprint(article.headline, article.body)
    if fingerprint != article.fingerprint and not (
        Article.objects.filter(fingerprint=fingerprint).exclude(pk=article.pk).exists()
    ):
        article.fingerprint = fingerprint


PRELOAD_FROM = 200  # articles; fewer are resolved name by name


def reextract_articles(
    articles: Iterable[Article],
    *,
    n_process: int = 1,
    on_progress: Callable[[int], None] | None = None,
    people: ArchivePeople | None = None,
) -> ReextractReport:
    """Run extraction again on stored originals, keeping every editor correction.

    ``people``: the archive's counts of people, to share between batches (read once).
    """
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
    # Reading every entity key and the archive's people pays off for a batch, not for the
    # admin's "re-run extraction" on a few articles (answered while the editor waits).
    preload = people is not None or len(raws) > PRELOAD_FROM
    entities, sources = EntityResolver(preload=preload, people=people), SourceResolver()
    calibration, authors = ArchiveCalibration(), AuthorResolver()
    with queue.deferred():
        for result in extract_with_settings(raws, n_process=n_process):
            article_id = int(result.origin.split("\x00", 1)[0])
            if isinstance(result, ReadFailure):
                report.skipped.append((article_id, result.reason))
            else:
                result.origin = result.origin.split("\x00", 1)[1]
                apply_extraction(
                    by_origin[article_id],
                    result,
                    entities=entities,
                    sources=sources,
                    calibration=calibration,
                    authors=authors,
                )
                report.updated.append(article_id)
            if on_progress:
                on_progress(1)
    transaction.on_commit(queue.drain_after_commit)
    return report


def reextract_article(article: Article) -> Article:
    """Re-run extraction on one article; editor corrections survive (see module docstring)."""
    report = reextract_articles([article])
    if report.skipped:
        raise ValueError(report.skipped[0][1])
    article.refresh_from_db()
    return article
