"""Every article's date with how it was obtained: stated by its source, inferred, or an
editor's (issue 20, item 1).

``date_archive`` dates a whole archive (``manage.py date_articles``): each article's original
is read again (the same pure parse an import runs, without entity recognition) for the date
its source states and the clues its text and address give; each series of article numbers is
calibrated on the outlet's own articles (articles.extraction.dating.calibration); then every
article whose date, source, precision or evidence changed is written and queued for the
index. Safe to re-run: the same archive gives the same dates. ``date_article`` dates one new
article at import with the calibrations the archive has. An editor's date ("date" in
``locked_fields``) is never touched; an editor's published date ("published" locked) counts as
stated.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.db.models.functions import Substr

from ..extraction.article_fields import parse_document
from ..extraction.dating import DateClues, SequenceModel, calibrate, date_clues, infer_date
from ..extraction.dating.clues import LEAD_CHARS
from ..extraction.types import ParsedArticle
from ..models import Article
from ..search import queue
from .originals import raw_document_for

logger = logging.getLogger(__name__)

DATE_FIELDS = ("published", "date", "date_source", "date_precision", "date_evidence")
CHUNK = 500
# A series needs this many articles before it is calibrated at all.
MIN_SERIES = 20


@dataclass
class DatingReport:
    articles: int = 0
    changed: list[int] = field(default_factory=list)
    by_source: Counter = field(default_factory=Counter)  # "sequence/month" -> count
    dropped: list[tuple[int, str]] = field(default_factory=list)  # (id, why a date was dropped)
    series: dict[str, SequenceModel | None] = field(default_factory=dict)

    @property
    def dated(self) -> int:
        return sum(n for kind, n in self.by_source.items() if kind != "undated")

    @property
    def summary(self) -> str:
        share = self.dated / self.articles if self.articles else 0
        return (
            f"{self.dated:,} of {self.articles:,} articles dated ({share:.1%}), "
            f"{len(self.changed):,} changed"
        )


@dataclass(frozen=True)
class _Reading:
    """What an article's original says about its date."""

    stated: date | None
    note: str  # why a date the source gave was dropped
    clues: DateClues


def read_dates(article: Article) -> _Reading:
    """The stated date and the clues of a stored article, read again from its original."""
    raw = raw_document_for(article)
    parsed: ParsedArticle | None = None
    if raw is not None:
        try:
            parsed = parse_document(raw)
        except Exception:  # an original the parser cannot read again: the stored text is kept
            logger.warning("could not parse the original of article %s", article.pk)
    if parsed is None:
        return _Reading(
            article.published, "", date_clues(article.headline, article.body, article.url)
        )
    return _Reading(
        parsed.published, parsed.date_note, date_clues(parsed.title, parsed.body, parsed.url)
    )


def dated_values(
    article: Article, reading: _Reading, model: SequenceModel | None
) -> dict[str, object]:
    """The date fields ``article`` should have, given what was read and its series' curve."""
    locked = set(article.locked_fields or [])
    if "date" in locked:  # an editor's date
        return {name: getattr(article, name) for name in DATE_FIELDS}
    published = article.published if "published" in locked else reading.stated
    if published:
        source = Article.DateSource.EDITOR if "published" in locked else "published"
        return {
            "published": published,
            "date": published,
            "date_source": source,
            "date_precision": "day",
            "date_evidence": "",
        }
    number = reading.clues.number
    estimate = model.estimate(number.number) if model and number else None
    found = infer_date(reading.clues, estimate)
    note = f"{reading.note[:1].upper()}{reading.note[1:]}." if reading.note else ""
    if found is None:
        return dict.fromkeys(DATE_FIELDS[:4]) | {
            "date_source": "",
            "date_precision": "",
            "date_evidence": note,
        }
    evidence = f"{found.evidence[:1].upper()}{found.evidence[1:]}."
    return {
        "published": None,
        "date": found.day,
        "date_source": found.source,
        "date_precision": found.precision,
        "date_evidence": f"{evidence} {note}".strip()[:500],
    }


def calibrate_series(
    readings: Iterable[tuple[date | None, DateClues]],
) -> dict[str, SequenceModel | None]:
    """One curve per series of article numbers, from (stated date, clues) of its articles."""
    by_series: dict[str, list] = defaultdict(list)
    for stated, clues in readings:
        if clues.number:
            by_series[clues.number.series].append((clues.number.number, stated, clues))
    return {
        series: calibrate(series, rows)
        for series, rows in by_series.items()
        if len(rows) >= MIN_SERIES
    }


def date_archive(
    articles: Iterable[Article] | None = None,
    *,
    dry_run: bool = False,
    index: bool = True,
    on_progress: Callable[[int], None] | None = None,
) -> DatingReport:
    """Date every article (or those given), calibrating on the whole archive; write what
    changed and queue it for the index. Two passes over the articles, so ``on_progress``
    counts each article twice."""
    report = DatingReport()
    readings: dict[int, _Reading] = {}
    wanted = None if articles is None else {a.pk for a in articles}
    for article in _every_article():
        readings[article.pk] = read_dates(article)
        if on_progress:
            on_progress(1)
    report.series = calibrate_series((r.stated, r.clues) for r in readings.values())
    ids = sorted(readings if wanted is None else wanted & readings.keys())
    report.articles = len(ids)
    drains = queue.BatchedDrain(enabled=index and not dry_run)
    with queue.deferred():
        for start in range(0, len(ids), CHUNK):
            chunk = list(
                Article.objects.filter(id__in=ids[start : start + CHUNK]).only(
                    "id", "locked_fields", *DATE_FIELDS
                )
            )
            changed = []
            for article in chunk:
                reading = readings[article.pk]
                number = reading.clues.number
                model = report.series.get(number.series) if number else None
                values = dated_values(article, reading, model)
                kind = (
                    f"{values['date_source']}/{values['date_precision']}"
                    if values["date"]
                    else "undated"
                )
                report.by_source[kind] += 1
                if reading.note:
                    report.dropped.append((article.pk, reading.note))
                if any(getattr(article, k) != v for k, v in values.items()):
                    for name, value in values.items():
                        setattr(article, name, value)
                    changed.append(article)
                if on_progress:
                    on_progress(1)
            report.changed += [a.pk for a in changed]
            if changed and not dry_run:
                with transaction.atomic():
                    Article.objects.bulk_update(changed, DATE_FIELDS)
                    queue.enqueue([a.pk for a in changed])
                drains.added(len(changed))
        drains.finish()
    return report


def _every_article() -> Iterable[Article]:
    return (
        Article.objects.order_by("id")
        .only(
            "id",
            "headline",
            "body",
            "url",
            "published",
            "original_text",
            "original_name",
            "original_format",
        )
        .iterator(chunk_size=CHUNK)
    )


class ArchiveCalibration:
    """The archive's curves as imports and re-extraction need them: one series at a time,
    from the stored articles of its outlet's address (their stored text and date, not their
    originals: fast enough to answer an upload). ``manage.py date_articles`` recalibrates
    from the originals and re-dates everything."""

    def __init__(self) -> None:
        self._series: dict[str, SequenceModel | None] = {}

    def model_for(self, clues: DateClues) -> SequenceModel | None:
        number = clues.number
        if number is None:
            return None
        if number.series not in self._series:
            self._series[number.series] = self._calibrate(number.series)
        return self._series[number.series]

    @staticmethod
    def _calibrate(series: str) -> SequenceModel | None:
        host = series.split("/", 1)[0]
        rows = (
            Article.objects.filter(url__icontains=host)
            .annotate(lead=Substr("body", 1, LEAD_CHARS + 100))
            .values_list("headline", "lead", "url", "published")
            .iterator(chunk_size=2000)
        )
        readings = []
        for headline, lead, url, published in rows:
            clues = date_clues(headline, lead, url)
            if clues.number and clues.number.series == series:
                readings.append((clues.number.number, published, clues))
        return calibrate(series, readings) if len(readings) >= MIN_SERIES else None


def date_article(
    article: Article, parsed: ParsedArticle, calibration: ArchiveCalibration | None = None
) -> None:
    """Give a new article its date fields (not saved): stated, or inferred at once."""
    clues = date_clues(parsed.title, parsed.body, parsed.url)
    model = calibration.model_for(clues) if calibration else None
    values = dated_values(article, _Reading(parsed.published, parsed.date_note, clues), model)
    for name, value in values.items():
        setattr(article, name, value)
