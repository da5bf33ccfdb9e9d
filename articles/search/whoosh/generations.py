"""Index generations: the live Whoosh index folder and the one writer lock.

Under the configured PATH, `current` is a symlink to the live `gen-…` folder; a rebuild fills
a new folder and swaps the link atomically, so readers never see an empty or half-built
index. One `write.lock` serialises every writer with a bounded wait (haystack's `remove()`
fails silently under Whoosh's own lock). A folder being built has a `<name>.unfinished`
file beside it, made before the folder, until it is swapped in: the next process to open the
index, or the next rebuild, removes what a killed build left (issue 17).
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


UNFINISHED = ".unfinished"


class IndexLocation:
    def __init__(self, root: str | Path):
        self.root = Path(root)
        self.link = self.root / "current"
        self._looked_for_unfinished = False

    def current_name(self) -> str | None:
        try:
            return os.readlink(self.link)
        except OSError:
            return None

    def live_dir(self, schema=None) -> Path:
        """The live generation folder, creating an empty first one if there is none.

        The empty index is created before `current` points at it, under the writer lock,
        so processes starting together never race to create it. The first call also removes
        what killed builds left.
        """
        if not self._looked_for_unfinished:
            self._looked_for_unfinished = True
            self.remove_unfinished()
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

    def new_generation_dir(self, *, unfinished: bool = False) -> Path:
        """A new, empty generation folder; ``unfinished``: marked as one being built, the
        mark made first, so that no moment leaves a folder unmarked."""
        self.root.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
        # A name is never reused, not even once prune() has deleted its folder: searchers
        # recognise "the same generation" by name, and a new folder under an old name can
        # carry the same commit number, which would look up to date to them.
        token = secrets.token_hex(4)
        for n in range(1000):
            path = self.root / f"gen-{stamp}-{os.getpid()}-{token}-{n}"
            mark = self._mark(path)
            try:
                if unfinished:
                    mark.open("x").close()
            except FileExistsError:
                continue
            try:
                path.mkdir()
            except FileExistsError:
                if unfinished:
                    mark.unlink()
                continue
            return path
        raise RuntimeError(f"cannot create a new index folder in {self.root}")

    def swap(self, new_dir: Path) -> None:
        """Point `current` at ``new_dir`` atomically (rename of a fresh symlink)."""
        tmp = self.root / f".current-{os.getpid()}-{threading.get_ident()}"
        if tmp.is_symlink():
            tmp.unlink()
        os.symlink(new_dir.name, tmp)
        os.replace(tmp, self.link)
        self.prune(keep=new_dir.name)

    @contextmanager
    def building(self):
        """A new generation folder to build, marked unfinished, while this process is the
        one building; what a killed build left is removed first."""
        with file_lock(self.root / "build.lock"):
            self._remove_unfinished()
            fresh = self.new_generation_dir(unfinished=True)
            try:
                yield fresh
            except BaseException:
                shutil.rmtree(fresh, ignore_errors=True)
                self.finished(fresh)
                raise

    def remove_unfinished(self) -> None:
        """Remove the folders of killed builds, unless a build is running (a process opening
        the index calls this: a half-built folder can be as large as the index)."""
        if not self.root.is_dir():
            return
        with file_lock(self.root / "build.lock", blocking=False) as free:
            if free:
                self._remove_unfinished()

    def _remove_unfinished(self) -> None:
        for mark in self.root.glob(f"gen-*{UNFINISHED}"):
            shutil.rmtree(self.root / mark.name.removesuffix(UNFINISHED), ignore_errors=True)
            mark.unlink(missing_ok=True)

    def _mark(self, path: Path) -> Path:
        return path.with_name(path.name + UNFINISHED)

    def finished(self, build_dir: Path) -> None:
        self._mark(build_dir).unlink(missing_ok=True)

    def prune(self, keep: str) -> None:
        """Delete old generations, keeping the live one and the one before it.

        Open readers in other processes keep their files: on POSIX, deleting an open file
        keeps it readable; the previous generation is kept anyway for slow readers. A
        folder still being built is no generation yet: `building()` deals with those.
        """
        gens = sorted(
            (p for p in self.root.glob("gen-*") if p.is_dir() and not self._mark(p).exists()),
            key=lambda p: p.stat().st_mtime,
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
