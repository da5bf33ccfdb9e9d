"""What an upload must pass before anything of it is stored: sizes, archives, readability.

A file the readers refuse as a whole (empty, binary, too big, unreadable encoding, an archive
that escapes its folder or unpacks too big) stores nothing at all: that is known before the
first article of it is written. An upload is never held in memory whole: its documents are
read from the stored file one at a time (issue 10: a 1.2 MB zip of 24 entries of 19 MB each
took 680 MB before any limit applied).
"""

from __future__ import annotations

import io
import itertools
import re
import zipfile
from collections.abc import Iterator
from typing import BinaryIO

from django.conf import settings
from django.template.defaultfilters import filesizeformat

from ..extraction.readers import entry_count_refusal, read_stream
from ..extraction.types import ReadFailure, ReadItem

ARCHIVE_SUFFIXES = (".zip",)


def reader_limits() -> dict:
    return {
        "max_file_bytes": settings.NEWSROOM_MAX_FILE_BYTES,
        "max_archive_bytes": settings.NEWSROOM_MAX_ARCHIVE_BYTES,
        "max_archive_entries": settings.NEWSROOM_MAX_ARCHIVE_ENTRIES,
        # A page far longer than any article is refused before it is parsed.
        "max_article_chars": settings.NEWSROOM_MAX_ARTICLE_CHARS,
    }


def is_archive(name: str) -> bool:
    return name.lower().endswith(ARCHIVE_SUFFIXES)


def max_request_bytes() -> int:
    """The largest upload request accepted before Django even parses it."""
    return settings.NEWSROOM_MAX_UPLOAD_BYTES


def inline_limit_bytes() -> int:
    """Batches up to this size (unpacked) are processed while the editor waits."""
    return settings.NEWSROOM_UPLOAD_INLINE_BYTES


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
    too_many = entry_count_refusal(source, settings.NEWSROOM_MAX_ARCHIVE_ENTRIES)
    if too_many:
        return f"{name}: {too_many}."
    source.seek(0)
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
    unpacked = sum(i.file_size for i in entries)
    if unpacked > settings.NEWSROOM_MAX_ARCHIVE_BYTES:
        return (
            f"{name}: the archive unpacks to {filesizeformat(unpacked)}, over the "
            f"{filesizeformat(settings.NEWSROOM_MAX_ARCHIVE_BYTES)} limit; split it into "
            "smaller archives."
        )
    return None


def read_upload(name: str, handle: BinaryIO) -> tuple[Iterator[ReadItem], str | None]:
    """(the documents of one uploaded file, None) or (nothing, why the file is refused).

    The documents are read from ``handle`` (keep it open) as the caller takes them, one at a
    time. A failure that names the file itself (not one entry or record of it) refuses the
    file, and it comes first: an archive is refused on its directory (``archive_refusal``)
    before any entry is read, and zipfile never unpacks more than an entry declares (a zip
    bomb that lies about its sizes gets a damaged-entry failure, no more bytes).
    """
    size = handle.seek(0, io.SEEK_END)
    refusal = refusal_for_size(name, size) or archive_refusal(name, handle)
    if refusal:
        return iter(()), refusal
    handle.seek(0)
    items = read_stream(name, handle, **reader_limits())
    first = next(items, None)
    if first is None:
        return iter(()), f"{name}: no article found in it."
    if isinstance(first, ReadFailure) and first.ordinal is None and first.origin == name:
        return iter(()), f"{name}: {first.reason}"
    return itertools.chain([first], items), None
