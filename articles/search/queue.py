"""The index queue: the search index follows the database, with one writer at a time.

Whoosh allows one writer per index, and haystack's ``remove()`` silently gives up when the
writer lock is held (see /work/shared/haystack-whoosh-facts.md, "Writers"). So nothing
writes to the index directly:

- saves and deletes add an ``IndexTask`` row in the same transaction as the change
  (articles.signals, articles.corrections, articles.ingest);
- after the commit, whoever made the change tries to drain the queue itself; only the
  process holding the cross-process lock (a file lock in the data folder) writes, everyone
  else leaves the tasks to it;
- where a background worker runs in this process (the gunicorn workers' thread,
  articles.worker), a commit only wakes it (``work_queued``), so requests never wait for the
  index; ``manage.py index_worker`` does the same job as a separate process for deployments
  with several app servers (NEWSROOM_INDEX_ON_COMMIT and NEWSROOM_INDEX_DRAINER off there).

A search-engine failure leaves the task in the queue with ``attempts``, ``last_error``
and a backoff time; the editor's save is already committed and is never lost.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Iterable, Iterator
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ..locks import file_lock
from ..models import Article, IndexTask
from . import service

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
MAX_BACKOFF_SECONDS = 300
# Bulk imports and restores drain the queue every this many stored articles.
DRAIN_EVERY = 500

_local = threading.local()
# Set when a commit queued work and a background worker in this process should take it.
work_queued = threading.Event()
_background_worker = threading.Event()


def lock_path() -> Path:
    return Path(settings.DATA_DIR) / "index-writer.lock"


@contextlib.contextmanager
def index_lock(*, blocking: bool = True) -> Iterator[bool]:
    """Hold the one-writer lock on the search index; yields False if not acquired.

    Re-entrant within a thread. Every process (gunicorn workers, the index worker, imports,
    check_index --fix) takes it before writing to the index, so Whoosh never sees two writers.
    """
    depth = getattr(_local, "depth", 0)
    if depth:
        _local.depth = depth + 1
        try:
            yield True
        finally:
            _local.depth -= 1
        return
    with file_lock(lock_path(), blocking=blocking) as acquired:
        if not acquired:
            yield False
            return
        _local.depth = 1
        try:
            yield True
        finally:
            _local.depth = 0


# --- Enqueueing -----------------------------------------------------------------------


def _deferred() -> bool:
    return getattr(_local, "deferred", 0) > 0


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """Queue tasks without draining after each commit (bulk imports drain in batches)."""
    _local.deferred = getattr(_local, "deferred", 0) + 1
    try:
        yield
    finally:
        _local.deferred -= 1


class BatchedDrain:
    """For bulk writers (imports, restores): call ``added()`` per stored article; the queue
    is drained every ``every`` articles and once more by ``finish()``. Use inside
    ``deferred()``. With ``enabled=False`` the tasks stay queued for the index worker."""

    def __init__(self, *, enabled: bool = True, every: int = DRAIN_EVERY):
        self.enabled, self.every, self.pending = enabled, every, 0

    def added(self, n: int = 1) -> None:
        self.pending += n
        if self.enabled and self.pending >= self.every:
            self.finish()

    def finish(self) -> None:
        if self.enabled and self.pending:
            drain(blocking=True)
        self.pending = 0


def enqueue(article_ids: Iterable[int], action: str = IndexTask.Action.UPDATE) -> int:
    """Record that these articles' search documents must be brought up to date.

    Call inside the transaction that changes them: the task commits (or rolls back) with
    the change. After the commit the queue is drained in this process unless a bulk
    operation deferred it or NEWSROOM_INDEX_ON_COMMIT is off (a worker runs).
    """
    ids = list(dict.fromkeys(int(i) for i in article_ids if i is not None))
    if not ids:
        return 0
    IndexTask.objects.bulk_create([IndexTask(article_id=i, action=action) for i in ids])
    if not _deferred() and settings.NEWSROOM_INDEX_ON_COMMIT:
        connection = transaction.get_connection()
        if not connection.in_atomic_block or not any(
            callback is drain_after_commit for _, callback, _ in connection.run_on_commit
        ):
            transaction.on_commit(drain_after_commit)
    return len(ids)


def hand_over_to_background(running: bool) -> None:
    """A background worker in this process takes committed work from now on (or no more)."""
    if running:
        _background_worker.set()
    else:
        _background_worker.clear()


def drain_after_commit() -> None:
    """Drain in this process if nobody else is writing; never raises into the request.

    Where a background worker runs (gunicorn workers) the commit only wakes it: the request
    returns at once, whatever the size of the change (an entity in 10,000 articles).
    """
    if _background_worker.is_set():
        work_queued.set()
        return
    try:
        drain(blocking=False)
    except Exception:  # the save is committed; the task stays queued for the next drain
        logger.exception("index queue could not be drained after commit")


# --- Draining -------------------------------------------------------------------------


def pending_tasks():
    now = timezone.now()
    return IndexTask.objects.filter(Q(not_before__isnull=True) | Q(not_before__lte=now))


def drain(*, blocking: bool = True, max_batches: int | None = None) -> int:
    """Apply queued tasks to the index in batches; return how many articles were done.

    With ``blocking=False`` a process that finds another writer at work returns at once:
    the writer re-checks the queue after releasing the lock, so the tasks are not stranded.
    """
    done = 0
    batches = 0
    while True:
        with index_lock(blocking=blocking) as acquired:
            if not acquired:
                return done
            while pending_tasks().exists():
                if max_batches is not None and batches >= max_batches:
                    return done
                done += _run_batch()
                batches += 1
        # Another process may have queued work while we held the lock and given up on it.
        if not pending_tasks().exists():
            return done


def _run_batch() -> int:
    """Index one batch. Retried tasks go in ever smaller batches (halved per attempt), so
    one article the engine keeps refusing ends up alone instead of holding back the rest.
    """
    first = pending_tasks().order_by("attempts", "id").first()
    if first is None:
        return 0
    size = max(1, BATCH_SIZE >> first.attempts)
    tasks = list(pending_tasks().filter(attempts=first.attempts).order_by("id")[:size])
    ids = list(dict.fromkeys(t.article_id for t in tasks))
    # Other tasks already queued for these articles (a rename saved twice, a retry waiting)
    # are done by this batch too: it indexes each article as the database has it now. Only
    # tasks committed before that read may go, so they are listed first.
    also_done = list(
        IndexTask.objects.filter(article_id__in=ids)
        .exclude(id__in=[t.id for t in tasks])
        .values_list("id", flat=True)
    )
    live = set(Article.objects.filter(id__in=ids, is_published=True).values_list("id", flat=True))
    to_update = [i for i in ids if i in live]
    to_remove = [i for i in ids if i not in live]
    try:
        if to_remove:
            service.remove_articles(to_remove)
        if to_update:
            service.index_articles(to_update)
    except Exception as exc:
        logger.exception("indexing %d article(s) failed; will retry", len(ids))
        _postpone(tasks, exc)
        return 0
    IndexTask.objects.filter(id__in=[t.id for t in tasks] + also_done).delete()
    return len(ids)


def _postpone(tasks: list[IndexTask], exc: Exception) -> None:
    now = timezone.now()
    for task in tasks:
        task.attempts += 1
        task.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        task.not_before = now + timedelta(seconds=min(MAX_BACKOFF_SECONDS, 2**task.attempts))
    IndexTask.objects.bulk_update(tasks, ["attempts", "last_error", "not_before"])


def queue_length() -> int:
    return IndexTask.objects.count()


def rebuild_for_queue(progress=None, processes: int = 1) -> int:
    """Rebuild the whole index and drop the queued work it did: what `rebuild_search_index`
    runs, and what resolve_entities runs instead of draining a queue that holds much of the
    archive (one pass over every article is faster than updating most of them batch by
    batch). Tasks queued before the rebuild began are done by it; later ones stay (the
    rebuild catches up saves made while it runs, and they are indexed again harmlessly).
    Other writers wait for the index lock meanwhile."""
    last = IndexTask.objects.order_by("-id").values_list("id", flat=True).first()
    with index_lock():
        count = service.rebuild_index(progress=progress, processes=processes)
    if last is not None:
        IndexTask.objects.filter(id__lte=last).delete()
    return count


def queued_articles() -> int:
    """How many distinct articles wait in the queue."""
    return IndexTask.objects.values("article_id").distinct().count()
