"""Index generations: the live Whoosh index folder and the one writer lock.

Under the configured PATH, `current` is a symlink to the live `gen-…` folder; a rebuild fills
a new folder and swaps the link atomically, so readers never see an empty or half-built
index. One `write.lock` serialises every writer with a bounded wait (haystack's `remove()`
fails silently under Whoosh's own lock).
"""

from __future__ import annotations

import os
import secrets
import shutil
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from whoosh.filedb.filestore import FileStorage

from ...locks import LockTimeout, file_lock


class IndexLockedError(RuntimeError):
    """Another writer kept the search index locked for longer than the allowed wait."""


class IndexLocation:
    def __init__(self, root: str | Path):
        self.root = Path(root)
        self.link = self.root / "current"

    def current_name(self) -> str | None:
        try:
            return os.readlink(self.link)
        except OSError:
            return None

    def live_dir(self, schema=None) -> Path:
        """The live generation folder, creating an empty first one if there is none.

        The empty index is created before `current` points at it, under the writer lock,
        so processes starting together never race to create it.
        """
        name = self.current_name()
        if name and (self.root / name).is_dir():
            return self.root / name
        with self.write_lock(timeout=30):
            name = self.current_name()
            if name and (self.root / name).is_dir():
                return self.root / name
            fresh = self.new_generation_dir()
            if schema is not None:
                FileStorage(str(fresh)).create_index(schema)
            self.swap(fresh)
            return fresh

    def new_generation_dir(self) -> Path:
        self.root.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
        # A name is never reused, not even once prune() has deleted its folder: searchers
        # recognise "the same generation" by name, and a new folder under an old name can
        # carry the same commit number, which would look up to date to them.
        token = secrets.token_hex(4)
        for n in range(1000):
            path = self.root / f"gen-{stamp}-{os.getpid()}-{token}-{n}"
            try:
                path.mkdir()
                return path
            except FileExistsError:
                continue
        raise RuntimeError(f"cannot create a new index folder in {self.root}")

    def swap(self, new_dir: Path) -> None:
        """Point `current` at ``new_dir`` atomically (rename of a fresh symlink)."""
        tmp = self.root / f".current-{os.getpid()}-{threading.get_ident()}"
        if tmp.is_symlink():
            tmp.unlink()
        os.symlink(new_dir.name, tmp)
        os.replace(tmp, self.link)
        self.prune(keep=new_dir.name)

    def prune(self, keep: str) -> None:
        """Delete old generations, keeping the live one and the one before it.

        Open readers in other processes keep their files: on POSIX, deleting an open file
        keeps it readable; the previous generation is kept anyway for slow readers.
        """
        gens = sorted(
            (p for p in self.root.glob("gen-*") if p.is_dir()), key=lambda p: p.stat().st_mtime
        )
        old = [p for p in gens if p.name != keep]
        for path in old[:-1]:
            shutil.rmtree(path, ignore_errors=True)

    @contextmanager
    def write_lock(self, timeout: float):
        """Hold the index's single writer lock, waiting at most ``timeout`` seconds."""
        try:
            with file_lock(self.root / "write.lock", timeout=timeout):
                yield
        except LockTimeout:
            raise IndexLockedError(
                f"The search index at {self.root} is being written by another "
                f"process and stayed locked for {timeout:.0f} s. Retry later, or "
                "raise NEWSROOM_SEARCH_LOCK_TIMEOUT if imports run long batches."
            ) from None
