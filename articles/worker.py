"""The one background worker: drains the index queue and resumes unfinished upload batches.

It runs in one of two places, with the same loop (``run``):

- as a thread in each gunicorn worker (``start_in_background``, from
  newsroom/gunicorn_conf.py; `make serve`): commits only wake it
  (articles.search.queue.work_queued), so requests never wait for the index, and it polls
  for retries and for upload batches a stopped process left half done;
- as its own process, ``manage.py index_worker``, where several app servers share one
  database (deploy/: NEWSROOM_INDEX_ON_COMMIT=0 and NEWSROOM_INDEX_DRAINER=0 for the web).

Any number may run at once: they take turns through the index lock and the batch locks,
so each piece of work is done once.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from django.db import close_old_connections, connection

from .ingest import uploads
from .search import queue

logger = logging.getLogger(__name__)

INTERVAL_SECONDS = 2.0
RESUME_UPLOADS_EVERY_SECONDS = 15.0
MAX_BACKOFF_SECONDS = 60.0


def run(
    stop: threading.Event,
    *,
    interval: float = INTERVAL_SECONDS,
    blocking: bool = False,
    resume_uploads: bool = True,
    uploads_in_background: bool = True,
    resume_every: float = RESUME_UPLOADS_EVERY_SECONDS,
    once: bool = False,
    report: Callable[[int, int], None] | None = None,
) -> None:
    """Work until ``stop`` is set (or one round with ``once``).

    A round resumes upload batches nobody works on (at most every ``resume_every``
    seconds; in threads of their own with ``uploads_in_background``, else here) and drains
    the queue (``blocking``: wait for the index lock). ``report(indexed, resumed)`` hears of
    each round. A failing round (the database briefly away) is logged and retried with a
    growing pause; with ``once`` it raises.
    """
    next_resume = 0.0
    failures = 0
    while not stop.is_set():
        try:
            if not connection.in_atomic_block:  # a caller's transaction is left alone
                close_old_connections()
            resumed = 0
            if resume_uploads and not next_resume:  # once, on the first round
                uploads.remove_finished_batch_locks()
            if resume_uploads and time.monotonic() >= next_resume:
                next_resume = time.monotonic() + resume_every
                resumed = uploads.resume_unfinished_batches(in_background=uploads_in_background)
            indexed = queue.drain(blocking=blocking)
            failures = 0
            if report:
                report(indexed, resumed)
        except Exception:
            if once:
                raise
            failures += 1
            logger.exception("background indexing failed; retrying")
        if once:
            return
        pause = interval if not failures else min(MAX_BACKOFF_SECONDS, interval * 2**failures)
        queue.work_queued.wait(pause)
        queue.work_queued.clear()


# --- The thread in each gunicorn worker ------------------------------------------------------

_stop = threading.Event()
_thread: threading.Thread | None = None


def running_in_background() -> bool:
    return _thread is not None and _thread.is_alive()


def _run_thread(stop: threading.Event, interval: float) -> None:
    try:
        run(stop, interval=interval)
    finally:
        connection.close()  # this thread's own connection


def start_in_background(interval: float = INTERVAL_SECONDS) -> threading.Thread:
    """Start this process's worker thread (once); from then on commits only wake it."""
    global _thread
    if running_in_background():
        return _thread
    _stop.clear()
    _thread = threading.Thread(target=_run_thread, args=(_stop, interval), name="newsroom-worker")
    _thread.daemon = True
    queue.hand_over_to_background(True)
    _thread.start()
    return _thread


def stop_background(timeout: float = 10.0) -> None:
    """Ask the thread to stop after its current round, and wait for it a little."""
    global _thread
    thread = _thread
    if thread is None:
        return
    queue.hand_over_to_background(False)
    _stop.set()
    queue.work_queued.set()
    thread.join(timeout)
    _thread = None
