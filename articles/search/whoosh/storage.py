"""Whoosh index files read through mmap, shared by every thread of a worker.

Whoosh's FileStorage reads plain segment files with seek()+read() (slow for the first read of
a long posting list) and copies compound segments into each process's private memory.
Readers here map the files instead: shared page cache, no per-read system calls.
"""

from __future__ import annotations

import mmap
import os
import threading

from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile


class SharedMap:
    """A read-only file over one mmap, with a read position per thread.

    Whoosh reads postings with seek() then read(); one searcher serves every thread of a
    worker, and on a single shared position two threads searching at once would read from
    each other's offsets.
    """

    def __init__(self, mapped: mmap.mmap):
        self._map = mapped
        self._size = len(mapped)
        self._local = threading.local()

    def tell(self) -> int:
        return getattr(self._local, "pos", 0)

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self.tell(), os.SEEK_END: self._size}[whence]
        self._local.pos = base + offset
        return self._local.pos

    def read(self, size: int | None = -1) -> bytes:
        pos = self.tell()
        end = self._size if size is None or size < 0 else min(self._size, pos + size)
        self._local.pos = max(pos, end)
        return self._map[pos:end]

    def readline(self, size: int | None = -1) -> bytes:  # pickle.load() reads lines too
        pos = self.tell()
        newline = self._map.find(b"\n", pos)
        end = self._size if newline < 0 else newline + 1
        if size is not None and size >= 0:
            end = min(end, pos + size)
        self._local.pos = max(pos, end)
        return self._map[pos:end]

    def close(self) -> None:
        self._map.close()


class MappedFileStorage(FileStorage):
    """Reads index files through mmap: shared page cache, no per-read system calls.

    Whoosh's FileStorage reads plain segment files with seek()+read() (slow for the first
    read of a long posting list), and its compound segments are copied into each process's
    private memory. Writers keep using FileStorage.
    """

    def open_file(self, name, **kwargs):
        path = self._fpath(name)
        with open(path, "rb") as fh:
            if os.fstat(fh.fileno()).st_size == 0:
                return super().open_file(name, **kwargs)
            mapped = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        return StructFile(SharedMap(mapped), name=name, **kwargs)
