"""Files and folders in, documents out: the readers' entry points.

Folders are walked recursively in sorted order, skipping hidden files and the files corpora
come with; .zip archives go to :mod:`.archives`; JSON Lines files are streamed line by line;
any other file is read whole, within ``max_file_bytes``. Pure, no Django.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable, Iterator, Sequence
from typing import BinaryIO

from ..types import ReadFailure, ReadItem
from .archives import is_zip, read_zip
from .decoding import sanitize_item
from .formats import SKIPPED_DIRS, is_helper_file, read_data
from .limits import MB, Limits, over_limit
from .records import starts_json_lines, stream_jsonl
from .zip_directory import stated_entries


def read_paths(
    paths: Sequence[str],
    *,
    max_file_bytes: int = 20 * MB,
    max_archive_bytes: int = 500 * MB,
    max_archive_entries: int = 20000,
    max_article_chars: int | None = None,
) -> Iterator[ReadItem]:
    """Documents from files, folders (recursively, sorted) and .zip archives, in order.

    ``origin`` is the path as given, joined with the relative path for files found in a
    folder, and ``archive.zip!entry/name`` inside archives. Hidden files and the helper
    files that come with corpora (README, PROVENANCE, .md, .dtd, *.lc.txt, ...) are skipped
    inside folders; a file named explicitly is always read. ``max_article_chars``: see
    ``Limits``.
    """
    limits = Limits(max_file_bytes, max_archive_bytes, max_archive_entries, max_article_chars)
    for item in _read_paths(paths, limits):
        yield sanitize_item(item)


def _read_paths(paths: Sequence[str], limits: Limits) -> Iterator[ReadItem]:
    for given in paths:
        if os.path.isdir(given):
            found = False
            for path in _walk(given):
                found = True
                yield from _read_file(path, limits)
            if not found:
                yield ReadFailure(given, "folder holds no article files")
        elif os.path.isfile(given):
            yield from _read_file(given, limits)
        elif os.path.exists(given):
            yield ReadFailure(given, "not a regular file (a device, pipe or socket): skipped")
        else:
            yield ReadFailure(given, "no such file or folder")


def read_bytes(name: str, data: bytes, **limits: int | None) -> Iterator[ReadItem]:
    """Documents from one uploaded file (or .zip archive) held in memory; ``name`` is its
    origin. ``limits``: the keyword arguments of ``read_paths``."""
    for item in _read_bytes(name, data, Limits(**limits)):
        yield sanitize_item(item)


def read_stream(name: str, handle: BinaryIO, **limits: int | None) -> Iterator[ReadItem]:
    """Documents from one open file (an upload kept on disk), one at a time; ``name`` is
    its origin, ``limits`` the keyword arguments of ``read_paths``. Nothing is read whole
    but one document: a .zip entry by entry from the file, JSON Lines line by line, any
    other file within ``max_file_bytes``."""
    for item in _read_handle(name, handle, Limits(**limits)):
        yield sanitize_item(item)


def _read_bytes(name: str, data: bytes, limits: Limits) -> Iterator[ReadItem]:
    if is_zip(data[:4]):
        if len(data) > limits.max_archive_bytes:
            yield ReadFailure(name, over_limit("archive is", len(data), limits.max_archive_bytes))
            return
        yield from read_zip(name, io.BytesIO(data), limits)
        return
    if len(data) > limits.max_file_bytes:
        yield ReadFailure(name, over_limit("file is", len(data), limits.max_file_bytes))
        return
    yield from read_data(name, data, limits.max_article_chars)


def count_documents(paths: Iterable[str]) -> int | None:
    """A cheap estimate of how many documents ``read_paths`` will yield, for a progress bar.

    Multi-document files are counted by scanning their bytes for record markers; None when
    something cannot be counted.
    """
    total = 0
    try:
        for given in paths:
            if os.path.isdir(given):
                files: Iterable[str] = _walk(given)
            elif os.path.isfile(given):
                files = [given]
            else:
                continue
            for path in files:
                total += _count_file(path)
    except OSError:
        return None
    return total


def _walk(folder: str, _seen: set[str] | None = None) -> Iterator[str]:
    """Files under a folder, sorted by their path relative to it (a.txt, b/1.txt, c.txt)."""
    seen = _seen if _seen is not None else set()
    real = os.path.realpath(folder)
    if real in seen:  # a symlink loop
        return
    seen.add(real)
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            if entry.name.lower() not in SKIPPED_DIRS:
                yield from _walk(entry.path, seen)
        elif entry.is_file() and not is_helper_file(entry.name):
            yield entry.path


def _read_file(path: str, limits: Limits) -> Iterator[ReadItem]:
    try:
        with open(path, "rb") as handle:
            yield from _read_handle(path, handle, limits)
    except PermissionError:
        yield ReadFailure(path, "permission denied: the file cannot be opened")
    except OSError as exc:
        yield ReadFailure(path, f"cannot read the file: {exc.strerror or exc}")


def _read_handle(origin: str, handle: BinaryIO, limits: Limits) -> Iterator[ReadItem]:
    size = handle.seek(0, os.SEEK_END)
    handle.seek(0)
    head = handle.read(4)
    if is_zip(head):
        if size > limits.max_archive_bytes:
            yield ReadFailure(origin, over_limit("archive is", size, limits.max_archive_bytes))
            return
        handle.seek(0)
        yield from read_zip(origin, handle, limits)
        return
    handle.seek(0)
    if starts_json_lines(handle):
        # streamed: a JSON Lines dump may be far bigger than one article may be
        yield from stream_jsonl(origin, handle, limits)
        return
    if size > limits.max_file_bytes:
        yield ReadFailure(origin, over_limit("file is", size, limits.max_file_bytes))
        return
    handle.seek(0)
    data = handle.read(limits.max_file_bytes + 1)
    if len(data) > limits.max_file_bytes:  # grew while we looked
        yield ReadFailure(origin, over_limit("file is", len(data), limits.max_file_bytes))
        return
    yield from read_data(origin, data, limits.max_article_chars)


_COUNT_SNIFF = 4096


def _count_file(path: str) -> int:
    size = os.path.getsize(path)
    with open(path, "rb") as handle:
        head = handle.read(_COUNT_SNIFF)
        if is_zip(head):
            return stated_entries(handle) or 1  # zipfile would parse every entry first
        if size <= _COUNT_SNIFF and not head.lstrip().startswith((b"{", b"-DOCSTART-")):
            return 1
        stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        if stripped.startswith(b"<!DOCTYPE lewis") or b"<REUTERS " in head:
            marker = b"<REUTERS "
        elif stripped.startswith(b"-DOCSTART-"):
            marker = b"-DOCSTART-"
        elif stripped.startswith(b"{") or path.lower().endswith((".csv", ".tsv", ".jsonl")):
            marker = b"\n"
        else:
            return 1
        handle.seek(0)
        count = 0
        last = b""
        while chunk := handle.read(4 * MB):
            count += (last + chunk).count(marker) - last.count(marker)
            last = chunk[-len(marker) :]
        if marker == b"\n":
            if not (last.endswith(b"\n")):
                count += 1
            if path.lower().endswith((".csv", ".tsv")):
                count -= 1  # header row
        return max(count, 1)
