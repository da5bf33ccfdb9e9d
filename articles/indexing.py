"""The index queue: the search index follows the database, with one writer at a time.

Whoosh allows one writer per index, and haystack's ``remove()`` silently gives up when the
writer lock is held (see /work/shared/haystack-whoosh-facts.md, "Writers"). So nothing
writes to the index directly:

- saves and deletes add an ``IndexTask`` row in the same transaction as the change
  (articles.signals, articles.corrections, articles.ingest);
- after the commit, whoever made the change tries to drain the queue itself; only the
  process holding the cross-process lock (``fcntl.flock`` on a file in the data folder)
  writes, everyone else leaves the tasks to it;
- in gunicorn, each worker runs a background drainer thread (``start_drainer``, started by
  newsroom/gunicorn_conf.py): a commit only wakes it, so requests never wait for the index,
  and it polls for retries and interrupted upload batches;
- ``manage.py index_worker`` does the same job as a separate process for deployments with
  several app servers (NEWSROOM_INDEX_ON_COMMIT and NEWSROOM_INDEX_DRAINER off there).

A search-engine failure leaves the task in the queue with ``attempts``, ``last_error``
and a backoff time; the editor's save is already committed and is never lost.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import threading
import time
from collections.abc import Iterable, Iterator
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.db.models import Q
from django.utils import timezone

from .models import Article, IndexTask

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
MAX_BACKOFF_SECONDS = 300

_local = threading.local()


def lock_path() -> Path:
    path = Path(settings.DATA_DIR) / "index-writer.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


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
    handle = open(lock_path(), "a+")  # noqa: SIM115 - closed below, held across the yield
    try:
        flags = fcntl.LOCK_EX if blocking else fcntl.LOCK_EX | fcntl.LOCK_NB
        try:
            fcntl.flock(handle, flags)
        except BlockingIOError:
            yield False
            return
        _local.depth = 1
        try:
            yield True
        finally:
            _local.depth = 0
            fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        handle.close()


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
    if not _deferred() and getattr(settings, "NEWSROOM_INDEX_ON_COMMIT", True):
        connection = transaction.get_connection()
        if not connection.in_atomic_block or not any(
            callback is drain_after_commit for _, callback, _ in connection.run_on_commit
        ):
            transaction.on_commit(drain_after_commit)
    return len(ids)


def drain_after_commit() -> None:
    """Drain in this process if nobody else is writing; never raises into the request.

    Where a drainer thread runs (gunicorn workers) the commit only wakes it: the request
    returns at once, whatever the size of the change (an entity in 10,000 articles).
    """
    if drainer_running():
        _wake.set()
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


_index_ready = False


def _prepare_index() -> None:
    """Open the search index once per process before the first write.

    Works around the Whoosh backend's first write on a brand-new index waiting 30 s on its
    own lock and failing (index_ids holds write.lock, then setup() creating the first
    generation asks for it again). A read sets the index up outside the lock. Remove once
    articles/search_backends.py sets up before locking.
    """
    global _index_ready
    if _index_ready:
        return
    from . import search

    try:
        search.indexed_versions()
    except Exception:  # the write below reports the real problem, with retries
        logger.warning("search index could not be opened before writing", exc_info=True)
    _index_ready = True


def _run_batch() -> int:
    """Index one batch. Retried tasks go in ever smaller batches (halved per attempt), so
    one article the engine keeps refusing ends up alone instead of holding back the rest.
    """
    from . import search

    first = pending_tasks().order_by("attempts", "id").first()
    if first is None:
        return 0
    size = max(1, BATCH_SIZE >> first.attempts)
    tasks = list(pending_tasks().filter(attempts=first.attempts).order_by("id")[:size])
    _prepare_index()
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
            search.remove_articles(to_remove)
        if to_update:
            search.index_articles(to_update)
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


# --- The background drainer ----------------------------------------------------------------

DRAINER_INTERVAL_SECONDS = 2.0
RESUME_BATCHES_EVERY_SECONDS = 15.0

_wake = threading.Event()
_drainer_stop = threading.Event()
_drainer: threading.Thread | None = None


def drainer_running() -> bool:
    return _drainer is not None and _drainer.is_alive()


def start_drainer(interval: float = DRAINER_INTERVAL_SECONDS) -> threading.Thread:
    """Start this process's drainer thread (once): index queued work off the request path.

    It wakes on every commit that queued work (``drain_after_commit``) and every
    ``interval`` seconds, for tasks whose retry time has come and for upload batches a
    stopped process left half done. Several processes may run one each: they take turns
    through the index lock and the batch locks, so the work is done once.
    """
    global _drainer
    if drainer_running():
        return _drainer
    _drainer_stop.clear()
    _drainer = threading.Thread(
        target=_drainer_loop, args=(interval,), name="newsroom-index-drainer", daemon=True
    )
    _drainer.start()
    return _drainer


def stop_drainer(timeout: float = 10.0) -> None:
    """Ask the drainer to stop after its current batch, and wait for it a little."""
    global _drainer
    thread = _drainer
    if thread is None:
        return
    _drainer_stop.set()
    _wake.set()
    thread.join(timeout)
    _drainer = None


def _drainer_loop(interval: float) -> None:
    from . import uploads

    next_resume = 0.0
    failures = 0
    while not _drainer_stop.is_set():
        _wake.wait(interval if not failures else min(60.0, interval * 2**failures))
        _wake.clear()
        if _drainer_stop.is_set():
            break
        close_old_connections()
        try:
            drain(blocking=False)
            if time.monotonic() >= next_resume:
                next_resume = time.monotonic() + RESUME_BATCHES_EVERY_SECONDS
                uploads.resume_unfinished_batches(in_background=True)
            failures = 0
        except Exception:  # the database may be briefly unavailable; try again later
            failures += 1
            logger.exception("background indexing failed; retrying")
    connection.close()
