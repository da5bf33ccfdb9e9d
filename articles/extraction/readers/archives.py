"""Zip archives, read one level deep and safely: entry names that leave the archive folder,
symbolic links and zips inside zips are refused; declared sizes are checked before reading and
actual bytes are counted while reading, because a zip bomb can lie about its sizes.
Pure, no Django.
"""

from __future__ import annotations

import io
import re
import stat
import zipfile
from collections.abc import Generator, Iterator
from typing import BinaryIO

from ..types import ReadFailure, ReadItem
from .formats import SKIPPED_DIRS, is_helper_file, read_data
from .limits import Limits, over_limit, size_text
from .records import starts_json_lines, stream_jsonl
from .zip_directory import count_entries


def is_zip(head: bytes) -> bool:
    return head[:4] in (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")


def _safe_entry_name(name: str) -> str | None:
    """The entry's path inside the archive, or None when it would land outside it."""
    normal = name.replace("\\", "/")
    if normal.startswith("/") or re.match(r"^[A-Za-z]:", normal):
        return None
    parts = [p for p in normal.split("/") if p not in ("", ".")]
    if any(p == ".." for p in parts):
        return None
    return "/".join(parts)


def read_zip(origin: str, source: BinaryIO, limits: Limits) -> Iterator[ReadItem]:
    """Documents in a .zip archive (an open file), entry by entry in name order."""
    refusal = entry_count_refusal(source, limits.max_archive_entries)
    if refusal:
        yield ReadFailure(origin, refusal)
        return
    source.seek(0)
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        yield ReadFailure(
            origin, f"not a readable zip archive (damaged or incomplete: {exc}); re-create it"
        )
        return
    with archive:
        entries = [i for i in archive.infolist() if not i.is_dir()]
        refusal = _archive_refusal(entries, limits)
        if refusal:
            yield ReadFailure(origin, refusal)
            return
        budget: int | None = limits.max_archive_bytes
        entries.sort(key=lambda i: i.filename)
        for info in entries:
            name = _safe_entry_name(info.filename)
            if name is None:
                yield ReadFailure(
                    f"{origin}!{info.filename}",
                    f"zip entry '{info.filename}' escapes the archive folder: refused",
                )
                continue
            if _skipped_entry(name):
                continue
            where = f"{origin}!{name}"
            refusal = _entry_refusal(info)
            if refusal:
                yield ReadFailure(where, refusal)
                continue
            if _entry_is_json_lines(archive, info):
                budget = yield from _read_json_lines_entry(archive, info, where, budget, limits)
            else:
                budget = yield from _read_file_entry(archive, info, where, budget, limits)
            if budget is None:
                yield ReadFailure(origin, _stopped_over(limits.max_archive_bytes))
                return


def entry_count_refusal(source: BinaryIO, limit: int) -> str | None:
    """Why an archive is refused for its number of entries, read before zipfile parses its
    directory (which costs memory per entry), or None."""
    count = count_entries(source, limit)
    if count is not None and count > limit:
        return (
            f"too many entries: the archive holds {count:,} files and folders, the limit is "
            f"{limit:,}; split it into smaller archives"
        )
    return None


def _archive_refusal(entries: list[zipfile.ZipInfo], limits: Limits) -> str | None:
    """Why a whole archive is refused before reading it (it unpacks too big), or None."""
    declared = declared_size(entries)
    if declared > limits.max_archive_bytes:
        return over_limit("archive unpacks to", declared, limits.max_archive_bytes)
    return None


def _skipped_entry(name: str) -> bool:
    """Hidden files, helper folders (__MACOSX) and the files corpora come with: not read."""
    if any(p.startswith(".") or p.lower() in SKIPPED_DIRS for p in name.split("/")):
        return True
    return is_helper_file(name)


def _entry_refusal(info: zipfile.ZipInfo) -> str | None:
    """Why one entry is refused unread (a symbolic link, a password), or None."""
    if stat.S_ISLNK(info.external_attr >> 16):
        return "zip entry is a symbolic link: refused"
    if info.flag_bits & 0x1:
        return "entry is password-protected: unpack it and upload the file"
    return None


def _read_json_lines_entry(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, where: str, budget: int, limits: Limits
) -> Generator[ReadItem, None, int | None]:
    """Streams a JSON Lines entry like a file on disk; every byte counts against the archive.
    Returns the bytes left in the archive's budget, None once it is spent."""
    reader = _BudgetReader(budget)
    try:
        with archive.open(info) as stream:
            reader.stream = stream
            yield from stream_jsonl(where, reader, limits)
    except _OverBudget:
        return None
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
        yield ReadFailure(where, f"damaged zip entry, cannot unpack it ({exc})")
    return reader.left


def _read_file_entry(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, where: str, budget: int, limits: Limits
) -> Generator[ReadItem, None, int | None]:
    """Reads one entry whole, within the file limit and what is left of the archive's budget.
    Returns the bytes left in the budget, None once it is spent."""
    if info.file_size > limits.max_file_bytes:
        yield ReadFailure(where, over_limit("file is", info.file_size, limits.max_file_bytes))
        return budget
    cap = min(limits.max_file_bytes, budget)
    try:
        with archive.open(info) as stream:
            data = stream.read(cap + 1)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError) as exc:
        yield ReadFailure(where, f"damaged zip entry, cannot unpack it ({exc})")
        return budget
    except NotImplementedError as exc:
        yield ReadFailure(where, f"zip entry uses an unsupported compression ({exc})")
        return budget
    if len(data) > cap:
        if cap == budget and budget < limits.max_file_bytes:
            return None
        yield ReadFailure(
            where,
            f"entry unpacks to more than {size_text(limits.max_file_bytes)} (declared "
            f"{size_text(info.file_size)}), over the file limit: refused",
        )
        return budget - len(data)
    if is_zip(data[:4]):
        yield ReadFailure(
            where,
            "zip inside a zip: only one level is read; unpack the inner archive and "
            "upload it on its own",
        )
    else:
        yield from read_data(where, data, limits.max_article_chars)
    return budget - len(data)


def declared_size(entries: list[zipfile.ZipInfo]) -> int:
    """What the archive's directory says its files unpack to (a zip bomb may lie)."""
    return sum(i.file_size for i in entries)


class _OverBudget(Exception):
    pass


class _BudgetReader:
    """readline() over a zip entry that stops once the archive's byte budget is spent."""

    def __init__(self, left: int):
        self.left = left
        self.stream = None

    def readline(self, limit: int) -> bytes:
        line = self.stream.readline(limit)
        self.left -= len(line)
        if self.left < 0:
            raise _OverBudget
        return line


def _entry_is_json_lines(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    try:
        with archive.open(info) as stream:
            return starts_json_lines(io.BufferedReader(stream, 64 * 1024), rewind=False)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError):
        return False  # reported when the entry is read


def _stopped_over(limit: int) -> str:
    return (
        f"archive unpacks to more than its declared size and over the {size_text(limit)} limit: "
        "stopped reading it"
    )
