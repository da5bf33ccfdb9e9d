"""What an upload must pass before anything of it is stored: sizes, archives, readability.

A file the readers refuse as a whole (empty, binary, too big, unreadable encoding, an archive
that escapes its folder or unpacks too big) stores nothing at all: the whole file is read and
checked before the first article of it is written.
"""

from __future__ import annotations

import io
import re
import zipfile

from django.conf import settings
from django.template.defaultfilters import filesizeformat

from ..extraction.readers import read_bytes
from ..extraction.types import RawDocument, ReadFailure

ARCHIVE_SUFFIXES = (".zip",)


def reader_limits() -> dict:
    return {
        "max_file_bytes": settings.NEWSROOM_MAX_FILE_BYTES,
        "max_archive_bytes": settings.NEWSROOM_MAX_ARCHIVE_BYTES,
        "max_archive_entries": settings.NEWSROOM_MAX_ARCHIVE_ENTRIES,
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
    limit = settings.NEWSROOM_MAX_ARCHIVE_ENTRIES
    if len(entries) > limit:
        return (
            f"{name}: the archive holds {len(entries):,} files, over the limit of {limit:,}; "
            "split it into smaller archives."
        )
    unpacked = sum(i.file_size for i in entries)
    if unpacked > settings.NEWSROOM_MAX_ARCHIVE_BYTES:
        return (
            f"{name}: the archive unpacks to {filesizeformat(unpacked)}, over the "
            f"{filesizeformat(settings.NEWSROOM_MAX_ARCHIVE_BYTES)} limit; split it into "
            "smaller archives."
        )
    return None


def read_upload(name: str, data: bytes) -> tuple[list[RawDocument | ReadFailure], str | None]:
    """Read a whole uploaded file; (documents and per-document failures, refusal of the file).

    A failure that names the file itself (not one entry or record of it) refuses the file.
    """
    refusal = refusal_for_size(name, len(data)) or archive_refusal(name, data)
    if refusal:
        return [], refusal
    items = list(read_bytes(name, data, **reader_limits()))
    for item in items:
        if isinstance(item, ReadFailure) and item.ordinal is None and item.origin == name:
            return [], f"{name}: {item.reason}"
    if not items:
        return [], f"{name}: no article found in it."
    return items, None
