"""Cross-process locks on files (``fcntl.flock``): the one helper every lock in Newsroom uses.

The index writer (articles.search.queue), the Whoosh index generations
(articles.search.whoosh.generations), upload batches (articles.ingest.uploads) and the
sign-in counters in the file cache (newsroom.middleware) each hold a lock on a file in the
data folder. No Django here.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import time
from collections.abc import Iterator
from pathlib import Path


class LockTimeout(TimeoutError):
    """The lock stayed held by another process for longer than the wait allowed."""


@contextlib.contextmanager
def file_lock(
    path: str | Path, *, blocking: bool = True, timeout: float | None = None
) -> Iterator[bool]:
    """Hold an exclusive lock on ``path`` (created if missing) for the ``with`` block.

    - ``blocking=True`` and no ``timeout``: wait as long as it takes; yields True.
    - ``timeout``: wait at most that many seconds, then raise LockTimeout.
    - ``blocking=False``: yields False at once if another process holds it.

    The lock is released when the block ends, and by the kernel if the process dies. Its
    holder may remove the file (``remove_held_lock_file``): whoever then gets the lock on the
    removed file sees that it is no longer at ``path`` and locks the file there instead.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            if not _acquire(fd, blocking=blocking, timeout=left, path=path):
                yield False
                return
            if not _still_at(fd, path):  # removed by its last holder meanwhile
                fcntl.flock(fd, fcntl.LOCK_UN)
                continue
            try:
                yield True
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
            return
        finally:
            os.close(fd)


def remove_held_lock_file(path: str | Path) -> None:
    """Remove a lock file while holding its lock, when nothing will need that lock again
    (an upload batch that is done), so such files do not pile up."""
    Path(path).unlink(missing_ok=True)


def _still_at(fd: int, path: Path) -> bool:
    try:
        here = os.stat(path)
    except FileNotFoundError:
        return False
    mine = os.fstat(fd)
    return (here.st_dev, here.st_ino) == (mine.st_dev, mine.st_ino)


def _acquire(fd: int, *, blocking: bool, timeout: float | None, path: Path) -> bool:
    if blocking and timeout is None:
        fcntl.flock(fd, fcntl.LOCK_EX)
        return True
    deadline = time.monotonic() + (timeout or 0)
    delay = 0.01
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES):
                raise
        if not blocking:
            return False
        if time.monotonic() >= deadline:
            raise LockTimeout(f"{path} stayed locked for {timeout:.0f} s")
        time.sleep(delay)
        delay = min(delay * 2, 0.25)
