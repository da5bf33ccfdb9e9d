"""Editors' uploads: files in, articles out, with a per-document report that survives restarts.

A batch's files are stored under MEDIA_ROOT first (``UploadBatch``/``UploadFile``), then
processed in the request (small batches), in a thread started after the commit, or by
``manage.py index_worker`` (which also resumes batches a dead process left half done).
Only one process works on a batch at a time (a lock file per batch). Each document's
article and its ``UploadResult`` are written in one transaction, and a resumed batch skips
documents it already reported on, so an interrupted batch resumes without duplicates.

A file the readers refuse as a whole (empty, binary, too big, unreadable encoding, an archive
that escapes its folder or unpacks too big) stores nothing at all: the whole file is read and
checked before the first article of it is written.
"""

from __future__ import annotations

import contextlib
import fcntl
import io
import logging
import re
import threading
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.db.models import Count, Q
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from .extraction.types import ExtractedArticle, RawDocument, ReadFailure
from .ingest import (
    EntityResolver,
    SourceResolver,
    document_label,
    extract_with_settings,
    store_article,
)
from .models import UploadBatch, UploadFile, UploadResult

logger = logging.getLogger(__name__)

ARCHIVE_SUFFIXES = (".zip",)


def reader_limits() -> dict:
    return {
        "max_file_bytes": settings.NEWSROOM_MAX_FILE_BYTES,
        "max_archive_bytes": settings.NEWSROOM_MAX_ARCHIVE_BYTES,
        "max_archive_entries": settings.NEWSROOM_MAX_ARCHIVE_ENTRIES,
    }


def is_archive(name: str) -> bool:
    return name.lower().endswith(ARCHIVE_SUFFIXES)


def max_request_bytes() -> int:
    """The largest upload request accepted before Django even parses it."""
    default = settings.NEWSROOM_MAX_ARCHIVE_BYTES + settings.NEWSROOM_MAX_FILE_BYTES
    return getattr(settings, "NEWSROOM_MAX_UPLOAD_BYTES", default)


def inline_limit_bytes() -> int:
    """Batches up to this size (unpacked) are processed while the editor waits."""
    return getattr(settings, "NEWSROOM_UPLOAD_INLINE_BYTES", 256 * 1024)


def refusal_for_size(name: str, size: int) -> str | None:
    """Upload-level checks made before a file is stored; None when the file may go on."""
    if size == 0:
        return f"{name} is empty: choose the file again, or check it was saved completely."
    limit = (
        settings.NEWSROOM_MAX_ARCHIVE_BYTES
        if is_archive(name)
        else (settings.NEWSROOM_MAX_FILE_BYTES)
    )
    if size > limit:
        return (
            f"{name} is {filesizeformat(size)}, over the {filesizeformat(limit)} limit"
            f"{' for an archive' if is_archive(name) else ' for one file'}: split it into "
            "smaller files, or ask an administrator to import it from the command line."
        )
    return None


def archive_refusal(name: str, data) -> str | None:
    """Whole-archive checks made before any entry is read: one bad entry refuses the upload.

    The readers skip an entry that escapes its folder and read the rest; an upload with such
    an entry is refused outright instead, since nobody should trust the rest of that archive.
    """
    if isinstance(data, bytes):
        head, source = data[:4], io.BytesIO(data)
    else:  # an uploaded file, possibly on disk: not read into memory
        data.seek(0)
        head, source = data.read(4), data
        data.seek(0)
    if head not in (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08"):
        return None
    try:
        with zipfile.ZipFile(source) as archive:
            entries = [i for i in archive.infolist() if not i.is_dir()]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        return f"{name}: not a readable zip archive ({exc}); re-create it and upload it again."
    for info in entries:
        path = info.filename.replace("\\", "/")
        if path.startswith("/") or re.match(r"^[A-Za-z]:", path) or ".." in path.split("/"):
            return (
                f"{name}: entry “{info.filename}” would unpack outside the archive's folder; "
                "the archive was refused and nothing from it was stored."
            )
    limit = settings.NEWSROOM_MAX_ARCHIVE_ENTRIES
    if len(entries) > limit:
        return (
            f"{name}: the archive holds {len(entries):,} files, over the limit of {limit:,}; "
            "split it into smaller archives."
        )
    unpacked = sum(i.file_size for i in entries)
    if unpacked > settings.NEWSROOM_MAX_ARCHIVE_BYTES:
        return (
            f"{name}: the archive unpacks to {filesizeformat(unpacked)}, over the "
            f"{filesizeformat(settings.NEWSROOM_MAX_ARCHIVE_BYTES)} limit; split it into "
            "smaller archives."
        )
    return None


# --- Reading and storing one file --------------------------------------------------------


@dataclass
class DocumentOutcome:
    label: str
    outcome: str  # UploadResult.Outcome
    article_id: int | None = None
    reason: str = ""


def read_upload(name: str, data: bytes) -> tuple[list[RawDocument | ReadFailure], str | None]:
    """Read a whole uploaded file; (documents and per-document failures, refusal of the file).

    A failure that names the file itself (not one entry or record of it) refuses the file.
    """
    from .extraction.readers import read_bytes

    refusal = refusal_for_size(name, len(data)) or archive_refusal(name, data)
    if refusal:
        return [], refusal
    items = list(read_bytes(name, data, **reader_limits()))
    for item in items:
        if isinstance(item, ReadFailure) and item.ordinal is None and item.origin == name:
            return [], f"{name}: {item.reason}"
    if not items:
        return [], f"{name}: no article found in it."
    return items, None


def store_documents(
    items: Iterable[RawDocument | ReadFailure],
    *,
    record: Callable[[DocumentOutcome, ExtractedArticle | None], None] | None = None,
    skip_labels: frozenset[str] | set[str] = frozenset(),
) -> Iterator[DocumentOutcome]:
    """Extract and store documents one transaction each; ``record`` runs inside it."""
    entities, sources = EntityResolver(), SourceResolver()
    todo = [i for i in items if document_label(i.origin, i.ordinal) not in skip_labels]
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
                        article, created = store_article(result, entities=entities, sources=sources)
                        outcome = DocumentOutcome(
                            label,
                            UploadResult.Outcome.CREATED
                            if created
                            else UploadResult.Outcome.DUPLICATE,
                            article.id,
                        )
                        if record:
                            record(outcome, result)
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


def _lock_path(batch_id: int) -> Path:
    path = Path(settings.DATA_DIR) / "locks" / f"upload-batch-{batch_id}.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


@contextlib.contextmanager
def batch_lock(batch_id: int) -> Iterator[bool]:
    """Yield True if this process may work on the batch (nobody else is)."""
    with open(_lock_path(batch_id), "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


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
    from . import indexing

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
        with indexing.deferred():
            for upload in pending:
                _process_file(batch, upload)
                _update_counts(batch)
                # Non-blocking is enough: a writer holding the lock re-checks the queue
                # after releasing it (articles.indexing.drain).
                indexing.drain(blocking=False)
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
            from django.contrib.admin.models import ADDITION

            from .corrections import record as log_change
            from .models import Article

            log_change(
                batch.created_by,
                Article(pk=outcome.article_id, headline=extracted.parsed.title[:200]),
                f"Added by upload {batch.pk} from {outcome.label}.",
                ADDITION,
            )

    try:
        with upload.stored.open("rb") as handle:
            data = handle.read()
    except OSError as exc:
        items, refusal = [], f"{upload.name}: the stored upload could not be read ({exc})."
    else:
        items, refusal = read_upload(upload.name, data)
    if refusal:
        with transaction.atomic():
            record(DocumentOutcome(upload.name, UploadResult.Outcome.FAILED, reason=refusal), None)
    else:
        from . import indexing

        done = set(upload.results.values_list("label", flat=True))
        for n, _ in enumerate(store_documents(items, record=record, skip_labels=done), 1):
            if n % PROGRESS_EVERY_DOCUMENTS == 0:
                # An archive is one file: show its progress and make what is stored so far
                # searchable without waiting for the whole archive.
                _update_counts(batch)
                indexing.drain(blocking=False)
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


# --- "Add article": one page or file, reviewed by the editor before saving -------------

REVIEWED_KINDS = (("place", "places"), ("organization", "organizations"), ("person", "people"))


def read_single_document(name: str, data: bytes) -> tuple[RawDocument | None, str | None]:
    """The one document of a pasted page or single file, or why it cannot be added."""
    items, refusal = read_upload(name, data)
    if refusal:
        return None, refusal
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
    from .corrections import find_entity

    names: dict[str, list[str]] = {}
    for kind, attr in REVIEWED_KINDS:
        shown = []
        for found in getattr(extracted, attr):
            known = find_entity(kind, found.name)
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
    from django.contrib.admin.models import ADDITION

    from . import corrections
    from .extraction.names import name_key

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
    return article, True
