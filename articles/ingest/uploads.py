"""Editors' uploads: files in, articles out, with a per-document report that survives restarts.

A batch's files are stored under MEDIA_ROOT first (``UploadBatch``/``UploadFile``), then
processed in the request (small batches), in a thread started after the commit, or by the
background worker (articles.worker, which also resumes batches a dead process left half
done). Only one process works on a batch at a time (a lock file per batch). Each document's
article and its ``UploadResult`` are written in one transaction, and a resumed batch skips
documents it already reported on, so an interrupted batch resumes without duplicates.
What a file must pass first is in articles.ingest.checks.
"""

from __future__ import annotations

import contextlib
import logging
import re
import threading
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.admin.models import ADDITION
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from .. import corrections
from ..extraction.types import ExtractedArticle, RawDocument, ReadFailure
from ..locks import file_lock, remove_held_lock_file
from ..models import Article, UploadBatch, UploadFile, UploadResult
from ..search import queue
from .authors import AuthorResolver
from .checks import archive_refusal, inline_limit_bytes, is_archive, read_upload, refusal_for_size
from .dating import ArchiveCalibration
from .resolution import EntityResolver, SourceResolver
from .stories import group_new_articles_safely
from .storing import document_label, extract_with_settings, store_article

logger = logging.getLogger(__name__)


@dataclass
class DocumentOutcome:
    label: str
    outcome: str  # UploadResult.Outcome
    article_id: int | None = None
    reason: str = ""


def store_documents(
    items: Iterable[RawDocument | ReadFailure],
    *,
    record: Callable[[DocumentOutcome, ExtractedArticle | None], None] | None = None,
    skip_labels: frozenset[str] | set[str] = frozenset(),
) -> Iterator[DocumentOutcome]:
    """Extract and store documents one transaction each; ``record`` runs inside it."""
    entities, sources = EntityResolver(), SourceResolver()
    # read once per upload, not per document (a series' curve reads its outlet's articles)
    calibration, authors = ArchiveCalibration(), AuthorResolver()
    todo = (i for i in items if document_label(i.origin, i.ordinal) not in skip_labels)
    for result in extract_with_settings(todo):
        label = document_label(result.origin, result.ordinal)
        if isinstance(result, ReadFailure):
            outcome = DocumentOutcome(label, UploadResult.Outcome.FAILED, reason=result.reason)
            with transaction.atomic():
                if record:
                    record(outcome, None)
            yield outcome
            continue
        try:
            for attempt in (1, 2):
                try:
                    with transaction.atomic():
                        article, created = store_article(
                            result,
                            entities=entities,
                            sources=sources,
                            calibration=calibration,
                            authors=authors,
                        )
                        outcome = DocumentOutcome(
                            label,
                            UploadResult.Outcome.CREATED
                            if created
                            else UploadResult.Outcome.DUPLICATE,
                            article.id,
                        )
                        if record:
                            record(outcome, result)
                    if created:  # its story, once the article and its report are stored
                        group_new_articles_safely([article.id])
                    break
                except IntegrityError:
                    # Another process stored the same article, or merged an entity we had
                    # cached, meanwhile: once more with fresh caches (then it is a duplicate).
                    if attempt == 2:
                        raise
                    entities, sources = EntityResolver(), SourceResolver()
        except Exception as exc:  # one bad document never stops the rest
            logger.exception("could not store %s", label)
            entities, sources = EntityResolver(), SourceResolver()
            outcome = DocumentOutcome(
                label, UploadResult.Outcome.FAILED, reason=f"could not be stored: {exc}"
            )
            with transaction.atomic():
                if record:
                    record(outcome, None)
        yield outcome


# --- Batches -----------------------------------------------------------------------------


def create_batch(files: Iterable, user=None) -> UploadBatch:
    """Store uploaded files (Django UploadedFile objects) as a new batch, in one transaction.

    Files refused by ``refusal_for_size`` are stored as an immediate failed result, not kept.
    """
    with transaction.atomic():
        batch = UploadBatch.objects.create(created_by=user if getattr(user, "pk", None) else None)
        for position, upload in enumerate(files):
            name = Path(upload.name).name[:400] or f"file-{position}"
            refusal = refusal_for_size(name, upload.size) or archive_refusal(name, upload.file)
            if not refusal:
                upload.file.seek(0)
            stored = UploadFile(batch=batch, position=position, name=name, size=upload.size)
            if refusal:
                stored.status = UploadFile.Status.DONE
                stored.save()
                UploadResult.objects.create(
                    batch=batch,
                    upload=stored,
                    label=name,
                    outcome=UploadResult.Outcome.FAILED,
                    reason=refusal,
                )
            else:
                stored.stored.save(name, upload, save=False)
                stored.save()
        batch.file_count = batch.files.count()
        batch.save(update_fields=["file_count"])
        _update_counts(batch)
    return batch


def _unpacked_size(upload: UploadFile) -> int:
    if not is_archive(upload.name):
        return upload.size
    try:
        with upload.stored.open("rb") as handle, zipfile.ZipFile(handle) as archive:
            return sum(i.file_size for i in archive.infolist())
    except (OSError, zipfile.BadZipFile, ValueError, EOFError):
        return upload.size


def batch_is_small(batch: UploadBatch) -> bool:
    """Small enough to process while the editor waits (a few seconds of extraction)."""
    pending = batch.files.filter(status=UploadFile.Status.PENDING)
    return sum(_unpacked_size(f) for f in pending) <= inline_limit_bytes()


def _batch_lock_path(batch_id: int) -> Path:
    return Path(settings.DATA_DIR) / "locks" / f"upload-batch-{batch_id}.lock"


@contextlib.contextmanager
def batch_lock(batch_id: int) -> Iterator[bool]:
    """``with batch_lock(id) as free``: free is True if this process may work on the batch
    (nobody else is).

    The lock file goes when its holder finds the batch done (a finished batch never runs
    again), so one file per upload does not pile up in the data folder.
    """
    path = _batch_lock_path(batch_id)
    with file_lock(path, blocking=False) as free:
        try:
            yield free
        finally:
            if free and not _batch_unfinished(batch_id):
                remove_held_lock_file(path)


def _batch_unfinished(batch_id: int) -> bool:
    return UploadBatch.objects.filter(pk=batch_id).exclude(status=UploadBatch.Status.DONE).exists()


def remove_finished_batch_locks() -> int:
    """Remove the lock files of finished (or deleted) batches that earlier versions left."""
    removed = 0
    for path in sorted(_batch_lock_path(0).parent.glob("upload-batch-*.lock")):
        number = re.fullmatch(r"upload-batch-([0-9]{1,18})\.lock", path.name)
        if number is None or _batch_unfinished(int(number.group(1))):
            continue
        with batch_lock(int(number.group(1))) as free:
            removed += free
    return removed


def batch_is_running(batch: UploadBatch) -> bool:
    if batch.status == UploadBatch.Status.DONE:
        return False
    with batch_lock(batch.pk) as free:
        return not free


def _update_counts(batch: UploadBatch) -> None:
    counts = batch.results.aggregate(
        created=Count("id", filter=Q(outcome=UploadResult.Outcome.CREATED)),
        duplicate=Count("id", filter=Q(outcome=UploadResult.Outcome.DUPLICATE)),
        failed=Count("id", filter=Q(outcome=UploadResult.Outcome.FAILED)),
    )
    UploadBatch.objects.filter(pk=batch.pk).update(
        created_count=counts["created"],
        duplicate_count=counts["duplicate"],
        failed_count=counts["failed"],
        files_done=batch.files.filter(status=UploadFile.Status.DONE).count(),
        updated_at=timezone.now(),
    )


def process_batch(batch_id: int, *, max_files: int | None = None) -> bool:
    """Work through a batch's remaining files; False if another process is already on it.

    Safe to call again after a crash or with ``max_files``: finished files and documents
    already reported on are skipped, so nothing is stored twice.
    """
    with batch_lock(batch_id) as free:
        if not free:
            return False
        batch = UploadBatch.objects.get(pk=batch_id)
        if batch.status == UploadBatch.Status.DONE:
            return True
        UploadBatch.objects.filter(pk=batch_id).update(status=UploadBatch.Status.RUNNING)
        pending = list(batch.files.filter(status=UploadFile.Status.PENDING).order_by("position"))
        if max_files is not None:
            pending = pending[:max_files]
        with queue.deferred():
            for upload in pending:
                _process_file(batch, upload)
                _update_counts(batch)
                # Non-blocking is enough: a writer holding the lock re-checks the queue
                # after releasing it (articles.queue.drain).
                queue.drain(blocking=False)
        if not batch.files.filter(status=UploadFile.Status.PENDING).exists():
            UploadBatch.objects.filter(pk=batch_id).update(
                status=UploadBatch.Status.DONE, finished_at=timezone.now()
            )
            for upload in batch.files.exclude(stored=""):
                upload.stored.delete(save=True)  # the articles keep their original text
    return True


PROGRESS_EVERY_DOCUMENTS = 50


def _process_file(batch: UploadBatch, upload: UploadFile) -> None:
    def record(outcome: DocumentOutcome, extracted) -> None:
        UploadResult.objects.get_or_create(
            upload=upload,
            label=outcome.label[:600],
            defaults={
                "batch": batch,
                "outcome": outcome.outcome,
                "article_id": outcome.article_id,
                "reason": outcome.reason,
            },
        )
        if outcome.outcome == UploadResult.Outcome.CREATED and batch.created_by_id:
            corrections.record(
                batch.created_by,
                Article(pk=outcome.article_id, headline=extracted.parsed.title[:200]),
                f"Added by upload {batch.pk} from {outcome.label}.",
                ADDITION,
            )

    def refuse(reason: str) -> None:
        with transaction.atomic():
            record(DocumentOutcome(upload.name, UploadResult.Outcome.FAILED, reason=reason), None)

    try:
        handle = upload.stored.open("rb")
    except OSError as exc:
        refuse(f"{upload.name}: the stored upload could not be read ({exc}).")
    else:
        with handle:  # documents are read from the file one at a time, never all at once
            items, refusal = read_upload(upload.name, handle)
            if refusal:
                refuse(refusal)
            done = set(upload.results.values_list("label", flat=True))
            for n, _ in enumerate(store_documents(items, record=record, skip_labels=done), 1):
                if n % PROGRESS_EVERY_DOCUMENTS == 0:
                    # An archive is one file: show its progress and make what is stored so
                    # far searchable without waiting for the whole archive.
                    _update_counts(batch)
                    queue.drain(blocking=False)
    UploadFile.objects.filter(pk=upload.pk).update(status=UploadFile.Status.DONE)


def start_in_background(batch_id: int) -> threading.Thread:
    """Process a batch in a thread of this process (started after the request's commit)."""

    def run() -> None:
        close_old_connections()
        try:
            process_batch(batch_id)
        except Exception:
            logger.exception("upload batch %s stopped; it will resume", batch_id)
        finally:
            connection.close()

    thread = threading.Thread(target=run, name=f"upload-batch-{batch_id}", daemon=True)
    thread.start()
    return thread


def resume_unfinished_batches(*, in_background: bool = False) -> int:
    """Pick up batches nobody is working on (a process died, or no thread was started).

    ``in_background``: start each in its own thread (``start_in_background``) and return at
    once, as the gunicorn workers' index drainer does, so a long upload never holds up
    indexing; otherwise work through them here (``manage.py index_worker``).
    """
    resumed = 0
    for batch_id in UploadBatch.objects.exclude(status=UploadBatch.Status.DONE).values_list(
        "id", flat=True
    ):
        if in_background:
            with batch_lock(batch_id) as free:
                pass
            if free:  # nobody holds it; the thread takes it (or finds it taken and stops)
                start_in_background(batch_id)
                resumed += 1
        elif process_batch(batch_id):
            resumed += 1
    return resumed
