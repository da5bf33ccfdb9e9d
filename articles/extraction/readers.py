"""Files in, documents out: every input format the archive accepts, read safely.

``read_paths`` walks files, folders and .zip archives and yields one ``RawDocument`` per
article, or a ``ReadFailure`` that says in plain words what is wrong with a file and what to
do. One bad file (or one bad record of a multi-document file) never stops the rest.

Formats are told apart by content first, file name second:

- "text": a web page saved as text (headline, caption, body, site boilerplate); parsed later
  by ``pages.parse_document``.
- "html": an HTML page, kept whole in ``text``; trafilatura extracts it later.
- "jsonl" / "csv": one article per line or row, with the common field names (see
  ``FIELD_NAMES``); HuffPost and Tehran Times dumps are JSON Lines of this kind.
- "newsroom-export": JSON Lines objects with ``"type": "article"``, passed on whole.
- "reuters-sgml": Reuters-21578 ``reut2-*.sgm``, one document per <REUTERS> element.
- "bbc": the BBC News corpus, ``<section>/NNN.txt`` with the headline on the first line.
- "buzzfeed-xml": BuzzFeed-Webis 2016 ``articles/NNNN.xml``.
- "conll": CoNLL-2003 ``eng.*`` token files, one document per -DOCSTART-.

Limits: ``max_file_bytes`` applies to one document file; JSON Lines files (on disk or in a
zip) are streamed line by line instead, each line within the limit, so a 94 MB dump of 33,000
articles is read while a 31 MB single page is refused.

Archives: .zip only, read one level deep. A zip inside a zip is refused with a message
(unpack it and upload the inner archive itself), so that archive limits cannot be dodged by
nesting. Entry names that leave the archive folder and symbolic links are refused; declared
sizes are checked before reading and actual bytes are counted while reading, because a zip
bomb can lie about its sizes.
"""

from __future__ import annotations

import codecs
import csv
import html
import io
import json
import os
import re
import stat
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from .text import sanitize_text, strip_control_characters
from .types import RawDocument, ReadFailure

MB = 1024 * 1024

Item = RawDocument | ReadFailure


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 20 * MB
    max_archive_bytes: int = 500 * MB
    max_archive_entries: int = 20000


# ---------------------------------------------------------------------------------------------
# Public API


def read_paths(
    paths: Sequence[str],
    *,
    max_file_bytes: int = 20 * MB,
    max_archive_bytes: int = 500 * MB,
    max_archive_entries: int = 20000,
) -> Iterator[Item]:
    """Documents from files, folders (recursively, sorted) and .zip archives, in order.

    ``origin`` is the path as given, joined with the relative path for files found in a
    folder, and ``archive.zip!entry/name`` inside archives. Hidden files and the helper
    files that come with corpora (README, PROVENANCE, .md, .dtd, *.lc.txt, ...) are skipped
    inside folders; a file named explicitly is always read.
    """
    limits = Limits(max_file_bytes, max_archive_bytes, max_archive_entries)
    for item in _read_paths(paths, limits):
        yield sanitize_item(item)


def _read_paths(paths: Sequence[str], limits: Limits) -> Iterator[Item]:
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


def read_bytes(
    name: str,
    data: bytes,
    *,
    max_file_bytes: int = 20 * MB,
    max_archive_bytes: int = 500 * MB,
    max_archive_entries: int = 20000,
) -> Iterator[Item]:
    """Documents from one uploaded file (or .zip archive) held in memory; ``name`` is its origin."""
    limits = Limits(max_file_bytes, max_archive_bytes, max_archive_entries)
    for item in _read_bytes(name, data, limits):
        yield sanitize_item(item)


def _read_bytes(name: str, data: bytes, limits: Limits) -> Iterator[Item]:
    if _is_zip(data[:4]):
        if len(data) > limits.max_archive_bytes:
            yield ReadFailure(name, _over_limit("archive is", len(data), limits.max_archive_bytes))
            return
        yield from _read_zip(name, io.BytesIO(data), limits)
        return
    if len(data) > limits.max_file_bytes:
        yield ReadFailure(name, _over_limit("file is", len(data), limits.max_file_bytes))
        return
    yield from read_data(name, data)


def _sanitize_value(value):
    if isinstance(value, str):
        return sanitize_text(value)
    if isinstance(value, list):
        return [_sanitize_value(v) for v in value]
    if isinstance(value, dict):
        return {_sanitize_value(k): _sanitize_value(v) for k, v in value.items()}
    return value


def sanitize_item(item: Item) -> Item:
    """Every text a reader produced (text, fields, origin, reason), made safe (sanitize_text).

    Applied once to everything ``read_paths`` and ``read_bytes`` yield, whatever the format.
    """
    if isinstance(item, RawDocument):
        item.text = sanitize_text(item.text)
        item.fields = _sanitize_value(item.fields)
    else:
        item.reason = sanitize_text(item.reason)
    item.origin = sanitize_text(item.origin)
    if item.ordinal is not None:
        item.ordinal = sanitize_text(item.ordinal)
    return item


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


# ---------------------------------------------------------------------------------------------
# Files, folders and archives

# Files that come with corpora but are not articles; skipped when walking a folder.
HELPER_FILE_PATTERNS = (
    r"readme(\..*)?",
    r"provenance(\..*)?",
    r"licen[cs]e(\..*)?",
    r"copying(\..*)?",
    r"changelog(\..*)?",
    r".*\.md",
    r".*\.dtd",
    r".*\.lc\.txt",
    r"cat-descriptions.*\.txt",  # Reuters-21578 category notes
    r"feldman-cia-worldfactbook-data\.txt",  # Reuters-21578 companion data
    r"overview\.csv",  # BuzzFeed-Webis index of labels, no article text
    r"thumbs\.db",
    r"desktop\.ini",
)
_HELPER_FILE = re.compile("|".join(HELPER_FILE_PATTERNS), re.IGNORECASE)
_SKIPPED_DIRS = {"__macosx", "__pycache__", "node_modules"}


def is_helper_file(name: str) -> bool:
    base = name.rsplit("/", 1)[-1]
    return base.startswith(".") or bool(_HELPER_FILE.fullmatch(base))


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
            if entry.name.lower() not in _SKIPPED_DIRS:
                yield from _walk(entry.path, seen)
        elif entry.is_file() and not is_helper_file(entry.name):
            yield entry.path


def _read_file(path: str, limits: Limits) -> Iterator[Item]:
    try:
        size = os.path.getsize(path)
        with open(path, "rb") as handle:
            head = handle.read(4)
            if _is_zip(head):
                if size > limits.max_archive_bytes:
                    yield ReadFailure(
                        path, _over_limit("archive is", size, limits.max_archive_bytes)
                    )
                    return
                handle.seek(0)
                yield from _read_zip(path, handle, limits)
                return
            handle.seek(0)
            if _starts_json_lines(handle):
                # streamed: a JSON Lines dump may be far bigger than one article may be
                yield from _stream_jsonl(path, handle, limits)
                return
            if size > limits.max_file_bytes:
                yield ReadFailure(path, _over_limit("file is", size, limits.max_file_bytes))
                return
            handle.seek(0)
            data = handle.read(limits.max_file_bytes + 1)
    except PermissionError:
        yield ReadFailure(path, "permission denied: the file cannot be opened")
        return
    except OSError as exc:
        yield ReadFailure(path, f"cannot read the file: {exc.strerror or exc}")
        return
    if len(data) > limits.max_file_bytes:  # grew while we looked
        yield ReadFailure(path, _over_limit("file is", len(data), limits.max_file_bytes))
        return
    yield from read_data(path, data)


def _starts_json_lines(handle, *, rewind: bool = True) -> bool:
    """Whether a file's first line is a complete JSON object (the handle is rewound)."""
    first = handle.readline(1 * MB)
    if rewind:
        handle.seek(0)
    first = first.removeprefix(codecs.BOM_UTF8).strip()
    if not first.startswith(b"{"):
        return False
    try:
        return isinstance(json.loads(first), dict)
    except (ValueError, UnicodeDecodeError):
        return False


def _stream_jsonl(origin: str, handle, limits: Limits) -> Iterator[Item]:
    for number, line in enumerate(iter(lambda: handle.readline(limits.max_file_bytes + 1), b""), 1):
        if len(line) > limits.max_file_bytes:
            size = len(line)
            while line and not line.endswith(b"\n"):  # skip the rest of the long line
                line = handle.readline(limits.max_file_bytes + 1)
                size += len(line)
            yield ReadFailure(
                origin, _over_limit(f"line {number} is", size, limits.max_file_bytes), str(number)
            )
            continue
        if number == 1:
            line = line.removeprefix(codecs.BOM_UTF8)
        if not line.strip():
            continue
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            decoded = decode_text(line)
            if decoded is None:
                yield ReadFailure(origin, f"line {number} is not valid UTF-8", str(number))
                continue
            text = decoded[0]
        try:
            record = json.loads(text)
        except json.JSONDecodeError as exc:
            yield ReadFailure(origin, f"line {number} is not valid JSON ({exc.msg})", str(number))
            continue
        yield _json_record(origin, record, str(number))


def _is_zip(head: bytes) -> bool:
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


def _read_zip(origin: str, source, limits: Limits) -> Iterator[Item]:
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        yield ReadFailure(
            origin, f"not a readable zip archive (damaged or incomplete: {exc}); re-create it"
        )
        return
    with archive:
        entries = [i for i in archive.infolist() if not i.is_dir()]
        if len(entries) > limits.max_archive_entries:
            yield ReadFailure(
                origin,
                f"too many entries: the archive holds {len(entries):,} files, the limit is "
                f"{limits.max_archive_entries:,}; split it into smaller archives",
            )
            return
        declared = declared_size(entries)
        if declared > limits.max_archive_bytes:
            yield ReadFailure(
                origin, _over_limit("archive unpacks to", declared, limits.max_archive_bytes)
            )
            return
        budget = limits.max_archive_bytes
        entries.sort(key=lambda i: i.filename)
        for info in entries:
            where = f"{origin}!{info.filename}"
            name = _safe_entry_name(info.filename)
            if name is None:
                yield ReadFailure(
                    where, f"zip entry '{info.filename}' escapes the archive folder: refused"
                )
                continue
            where = f"{origin}!{name}"
            if any(p.startswith(".") or p.lower() in _SKIPPED_DIRS for p in name.split("/")):
                continue
            if is_helper_file(name):
                continue
            if stat.S_ISLNK(info.external_attr >> 16):
                yield ReadFailure(where, "zip entry is a symbolic link: refused")
                continue
            if info.flag_bits & 0x1:
                yield ReadFailure(
                    where, "entry is password-protected: unpack it and upload the file"
                )
                continue
            if _entry_is_json_lines(archive, info):
                # streamed like a JSON Lines file on disk; every byte counts against the archive
                reader = _BudgetReader(budget)
                try:
                    with archive.open(info) as stream:
                        reader.stream = stream
                        yield from _stream_jsonl(where, reader, limits)
                except _OverBudget:
                    yield ReadFailure(origin, _stopped_over(limits.max_archive_bytes))
                    return
                except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
                    yield ReadFailure(where, f"damaged zip entry, cannot unpack it ({exc})")
                budget = reader.left
                continue
            if info.file_size > limits.max_file_bytes:
                yield ReadFailure(
                    where, _over_limit("file is", info.file_size, limits.max_file_bytes)
                )
                continue
            cap = min(limits.max_file_bytes, budget)
            try:
                with archive.open(info) as stream:
                    data = stream.read(cap + 1)
            except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError) as exc:
                yield ReadFailure(where, f"damaged zip entry, cannot unpack it ({exc})")
                continue
            except NotImplementedError as exc:
                yield ReadFailure(where, f"zip entry uses an unsupported compression ({exc})")
                continue
            if len(data) > cap:
                if cap == budget and budget < limits.max_file_bytes:
                    yield ReadFailure(origin, _stopped_over(limits.max_archive_bytes))
                    return
                yield ReadFailure(
                    where,
                    f"entry unpacks to more than {_size(limits.max_file_bytes)} (declared "
                    f"{_size(info.file_size)}), over the file limit: refused",
                )
                budget -= len(data)
                continue
            budget -= len(data)
            if _is_zip(data[:4]):
                yield ReadFailure(
                    where,
                    "zip inside a zip: only one level is read; unpack the inner archive and "
                    "upload it on its own",
                )
                continue
            yield from read_data(where, data)


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
            return _starts_json_lines(io.BufferedReader(stream, 64 * 1024), rewind=False)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError):
        return False  # reported when the entry is read


def _stopped_over(limit: int) -> str:
    return (
        f"archive unpacks to more than its declared size and over the {_size(limit)} limit: "
        "stopped reading it"
    )


def _size(n: int) -> str:
    if n >= 1024 * MB:
        return f"{n / (1024 * MB):.1f} GB"
    if n >= MB:
        value = n / MB
        return f"{value:.0f} MB" if value >= 10 or value == int(value) else f"{value:.1f} MB"
    if n >= 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n} bytes"


def _over_limit(what: str, n: int, limit: int) -> str:
    return f"{what} {_size(n)}, over the {_size(limit)} limit"


# ---------------------------------------------------------------------------------------------
# Bytes to text

# Magic numbers of files people upload by mistake.
BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"RIFF", "RIFF media (WebP image, WAV or AVI)"),
    (b"%PDF", "PDF document"),
    (b"\x1f\x8b", "gzip archive"),
    (b"BZh", "bzip2 archive"),
    (b"\xfd7zXZ\x00", "xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"Rar!\x1a\x07", "RAR archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old Microsoft Office document"),
    (b"\x7fELF", "program (ELF executable)"),
    (b"MZ", "Windows program"),
    (b"ID3", "MP3 audio"),
    (b"OggS", "Ogg media"),
    (b"\x00\x00\x00\x18ftyp", "MP4 video"),
    (b"\x00\x00\x00\x20ftyp", "MP4 video"),
    (b"\x00\x00\x00\x1cftyp", "MP4 video"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"wOFF", "web font"),
    (b"wOF2", "web font"),
)

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_WESTERN = {"cp1252", "cp1250", "latin_1", "iso8859_15", "iso8859_2", "mac_roman", "cp850"}
_CONTROL_BYTES = bytes(set(range(32)) - {9, 10, 12, 13, 27})


def binary_kind(data: bytes) -> str | None:
    """What a binary file looks like ('PNG image'), 'binary data', or None for text."""
    for magic, kind in BINARY_SIGNATURES:
        if data.startswith(magic):
            return kind
    if any(data.startswith(bom) for bom, _ in _BOMS[1:]):
        return None  # UTF-16/32 text has NUL bytes
    sample = data[:8192]
    if b"\x00" in sample:
        return "binary data"
    if sample and len(sample.translate(None, _CONTROL_BYTES)) < len(sample) * 0.9:
        return "binary data"
    return None


def decode_text(data: bytes) -> tuple[str, str] | None:
    """(text, encoding name) or None when no encoding fits.

    UTF-8 (with or without BOM) first; then, for text that is mostly ASCII with a few
    Western letters or "£" signs (the BBC and Reuters corpora), cp1252/latin-1; otherwise
    what charset-normalizer finds (cp1256 Arabic, cp1251 Cyrillic, ...).
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding), encoding
            except UnicodeDecodeError:
                return None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    high = len(data) - len(data.translate(None, bytes(range(128, 256))))
    sparse = high <= max(8, len(data) // 200)
    guess = None
    if sparse:  # a few stray high bytes in ASCII text: Western letters or "£", not a guess
        return _decode_western(data)
    replaced = data.decode("utf-8", "replace").count("\ufffd") - data.count(b"\xef\xbf\xbd")
    if replaced <= max(4, len(data) // 5000):  # UTF-8 with a few stray Windows bytes
        return data.decode("utf-8", _STRAY_BYTES_AS_CP1252), "utf-8"
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        guess = best.encoding if best is not None else None
    except Exception:  # a detector failure must not lose the file; fall back below
        guess = None
    if guess:
        try:
            return data.decode(guess), guess
        except (UnicodeDecodeError, LookupError):
            pass
    if guess in _WESTERN:
        return _decode_western(data)
    return None


def _stray_bytes_as_cp1252(error: UnicodeDecodeError) -> tuple[str, int]:
    return error.object[error.start : error.end].decode("cp1252", "replace"), error.end


_STRAY_BYTES_AS_CP1252 = "newsroom-stray-bytes-as-cp1252"
codecs.register_error(_STRAY_BYTES_AS_CP1252, _stray_bytes_as_cp1252)


def _decode_western(data: bytes) -> tuple[str, str]:
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:  # bytes cp1252 leaves undefined
        return data.decode("latin-1"), "latin-1"


# UTF-8 read as latin-1 or cp1252 ("it\u00e2\u0080\u0099s", "itâ€™s"): a lead byte as a
# character followed by continuation bytes as characters.
_CP1252_HIGH = "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ"
_CONT = "[\u0080-\u00bf" + re.escape(_CP1252_HIGH) + "]"
_MOJIBAKE = re.compile(
    f"[\u00c2-\u00df]{_CONT}|[\u00e0-\u00ef]{_CONT}{{2}}|[\u00f0-\u00f4]{_CONT}{{3}}"
)


def _unmangle(match: re.Match) -> str:
    chars = match.group(0)
    for encoding in ("latin-1", "cp1252"):
        try:
            return chars.encode(encoding).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
    try:  # mixed: each character through whichever code page holds it
        raw = b"".join(
            c.encode("cp1252") if c in _CP1252_HIGH else c.encode("latin-1") for c in chars
        )
        return raw.decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return chars


def repair_mojibake(text: str) -> str:
    """UTF-8 text that was once decoded as latin-1/cp1252, put right: "itâ€™s" -> "it’s"."""
    if text.isascii() or not _MOJIBAKE.search(text):
        return text
    return _MOJIBAKE.sub(_unmangle, text)


def read_data(origin: str, data: bytes) -> Iterator[Item]:
    """Documents in one file's bytes (not an archive)."""
    if not data.strip():
        yield ReadFailure(origin, "empty file" if not data else "empty file (only whitespace)")
        return
    kind = binary_kind(data)
    if kind:
        yield ReadFailure(origin, f"binary file (looks like {kind}), not an article")
        return
    decoded = decode_text(data)
    if decoded is None:
        yield ReadFailure(
            origin,
            "not valid UTF-8 and no known encoding fits: save the file as UTF-8 and try again",
        )
        return
    text = repair_mojibake(decoded[0].replace("\r\n", "\n").replace("\r", "\n"))
    if not text.strip():
        yield ReadFailure(origin, "empty file (only whitespace)")
        return
    fmt = detect_format(origin, text)
    reader = READERS[fmt]
    try:
        yield from reader(origin, text)
    except Exception as exc:  # one broken file never stops the rest
        yield ReadFailure(origin, f"could not read this {fmt} file: {type(exc).__name__}: {exc}")


# ---------------------------------------------------------------------------------------------
# Format detection

BBC_SECTIONS = {"business", "entertainment", "politics", "sport", "tech"}
_HTML_START = re.compile(
    r"<(?:!doctype\s+html|html|head|body|meta|title|article|div|p|section|main|!--)[\s>/]",
    re.IGNORECASE,
)
_CONLL_LINE = re.compile(r"^\S+ \S+ [IBO](?:-\S+)? [IBO](?:-\S+)?$")


def detect_format(origin: str, text: str) -> str:
    """Name of the reader for a file, from its content first and its name second."""
    head = text.lstrip("\ufeff \t\n")[:4096]
    if head.startswith("<?xml"):
        head = head[head.find("?>") + 2 :].lstrip()
    lower = head.lower()
    name = origin.replace("\\", "/").rsplit("!", 1)[-1]
    base = name.rsplit("/", 1)[-1].lower()
    if head.startswith("<!DOCTYPE lewis") or "<REUTERS " in head:
        return "reuters-sgml"
    if head.startswith("<article>") and ("<mainText>" in text[:200000] or "<portal>" in text):
        return "buzzfeed-xml"
    if head.startswith("-DOCSTART-") or _looks_like_conll(head):
        return "conll"
    if head.startswith(("{", "[")) and _looks_like_json(text):
        return "jsonl"
    if head.startswith("<") and _HTML_START.search(lower[:1024]):
        return "html"
    if "<html" in lower[:1024] or "<!doctype html" in lower[:1024]:
        return "html"
    if base.endswith((".csv", ".tsv")) or _looks_like_csv(head):
        return "csv"
    parts = PurePosixPath(name.replace("!", "/")).parts
    if (
        len(parts) >= 2
        and parts[-2].lower() in BBC_SECTIONS
        and re.fullmatch(r"\d+\.txt", base)
        and any("bbc" in p.lower() for p in parts[:-2])
    ):
        return "bbc"
    return "text"


def _looks_like_conll(head: str) -> bool:
    lines = [line for line in head.splitlines()[:20] if line.strip()]
    return len(lines) >= 5 and all(_CONLL_LINE.match(line) for line in lines[:-1])


def _looks_like_json(text: str) -> bool:
    """JSON Lines (first line is an object), or one JSON document; "[Updated] ..." is text."""
    stripped = text.lstrip("\ufeff \t\n")
    first = stripped.split("\n", 1)[0]
    try:
        json.loads(first)
        return True
    except json.JSONDecodeError:
        pass
    try:
        json.loads(stripped)
        return True
    except json.JSONDecodeError:
        return False


def _looks_like_csv(head: str) -> bool:
    """A header row naming article fields (title/text and one more), then a data row."""
    lines = head.split("\n", 2)
    if len(lines) < 2:
        return False
    first = lines[0].lower()
    delimiter = max(",;\t|", key=first.count)
    columns = [c.strip().strip('"') for c in first.split(delimiter)]
    if len(columns) < 2 or any(len(c) > 40 for c in columns):
        return False
    mapped = [FIELD_NAMES.get(c) for c in columns]
    has_text = any(m in ("title", "body", "description", "slug_title") for m in mapped)
    known = sum(1 for m in mapped if m)
    return has_text and known >= 2 and lines[1].count(delimiter) >= first.count(delimiter)


# ---------------------------------------------------------------------------------------------
# Records with named fields (JSON Lines, CSV, newsroom exports)

# Field names seen in news datasets, mapped to the names ParsedArticle uses.
FIELD_NAMES: dict[str, str] = {
    "title": "title",
    "headline": "title",
    "heading": "title",
    "name": "title",
    "text": "body",
    "body": "body",
    "content": "body",
    "article": "body",
    "maintext": "body",
    "main_text": "body",
    "full_text": "body",
    "story": "body",
    "url": "url",
    "link": "url",
    "uri": "url",
    "href": "url",
    "canonical_url": "url",
    "date": "published",
    "published": "published",
    "publish_date": "published",
    "published_at": "published",
    "publication_date": "published",
    "pubdate": "published",
    "datetime": "published",
    "source": "source",
    "outlet": "source",
    "publisher": "source",
    "site_name": "source",
    "sitename": "source",
    "site": "source",
    "section": "section",
    "category": "section",
    "categories": "section",
    "description": "description",
    "short_description": "description",
    "summary": "description",
    "lead": "description",
    "caption": "caption",
    "authors": "authors",
    "author": "authors",
    "byline": "authors",
    "slug_title": "slug_title",
}


def record_fields(record: dict) -> dict:
    """Canonical fields of one record; what has no canonical name is kept under its own."""
    fields: dict = {}
    extra: dict = {}
    for key, value in record.items():
        canonical = FIELD_NAMES.get(str(key).strip().lower())
        if value is None or value == "" or value == []:
            continue
        if isinstance(value, list) and canonical == "section":
            value = next((str(v) for v in value if v), "")  # the first, most general category
        elif isinstance(value, list) and canonical == "authors":
            value = ", ".join(str(v) for v in value if v)
        if isinstance(value, str):
            value = repair_mojibake(value)
        if canonical and canonical not in fields and not isinstance(value, (dict, list)):
            fields[canonical] = value if canonical == "published" else str(value)
        else:
            extra[key] = value
    if "body" not in fields and "description" in fields:
        # HuffPost: the short description is all the text there is
        fields["body"] = fields.pop("description")
    if "title" not in fields and "slug_title" in fields:
        fields["title"] = readable_slug(fields["slug_title"])
    if "title" not in fields and fields.get("url"):
        slug = _url_slug(fields["url"])
        if slug:
            fields["title"] = readable_slug(slug)
    fields.pop("slug_title", None)
    if isinstance(fields.get("body"), str):
        place = _DATELINE.match(fields["body"])
        if place:
            fields["dateline"] = place.group("place").strip()
    for key, value in extra.items():
        fields.setdefault(key, value)
    return fields


_DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z .'’-]{1,40}?(?:\s*\([A-Za-z .]+\))?)\s*(?:[-–—]{1,2}|:)\s"
)
_CONTRACTION = re.compile(r"\b(\w+) (s|t|re|ve|ll|d|m)\b(?!-)")
_SLUG_WORD = re.compile(r"[-_+]+")


def readable_slug(slug: str) -> str:
    """'Iran-s-Press-TV-to-start-global' -> "Iran’s Press TV to start global"."""
    text = _SLUG_WORD.sub(" ", str(slug)).strip()
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"\bU S\b", "U.S.", text)
    text = re.sub(r"\bU N\b", "UN", text)
    text = _CONTRACTION.sub(lambda m: f"{m.group(1)}’{m.group(2)}", text)
    return text[:1].upper() + text[1:]


def _url_slug(url: str) -> str:
    path = re.sub(r"[?#].*$", "", url).rstrip("/")
    last = path.rsplit("/", 1)[-1]
    last = re.sub(r"\.(html?|php|aspx?)$", "", last)
    return last if re.search(r"[A-Za-z]{3,}-[A-Za-z]{2,}", last) else ""


def read_jsonl(origin: str, text: str) -> Iterator[Item]:
    stripped = text.lstrip("\ufeff \t\n")
    if stripped.startswith("["):
        try:
            records = json.loads(stripped)
        except json.JSONDecodeError as exc:
            yield ReadFailure(origin, f"not valid JSON: {exc}")
            return
        if not isinstance(records, list):
            records = [records]
        for number, record in enumerate(records, start=1):
            yield _json_record(origin, record, str(number))
        return
    lines = text.split("\n")
    first = next((line for line in lines if line.strip()), "")
    try:
        json.loads(first)
    except json.JSONDecodeError:
        try:  # one pretty-printed object
            record = json.loads(stripped)
        except json.JSONDecodeError as exc:
            yield ReadFailure(origin, f"not valid JSON or JSON Lines: {exc}")
            return
        yield _json_record(origin, record, None)
        return
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield ReadFailure(origin, f"line {number} is not valid JSON ({exc.msg})", str(number))
            continue
        yield _json_record(origin, record, str(number))


def _json_record(origin: str, record, ordinal: str | None) -> Item:
    if not isinstance(record, dict):
        return ReadFailure(origin, "record is not a JSON object with article fields", ordinal)
    if record.get("type") == "article":
        return RawDocument(origin, "newsroom-export", fields=dict(record), ordinal=ordinal)
    fields = record_fields(record)
    if not fields.get("title") and not fields.get("body"):
        keys = ", ".join(list(record)[:8])
        return ReadFailure(origin, f"record has no title or text field (fields: {keys})", ordinal)
    return RawDocument(origin, "jsonl", fields=fields, ordinal=ordinal)


def read_csv(origin: str, text: str) -> Iterator[Item]:
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel_tab if origin.lower().endswith(".tsv") else csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    columns = [c for c in (reader.fieldnames or []) if c]
    mapped = {FIELD_NAMES.get(c.strip().lower()) for c in columns}
    if not mapped & {"title", "body", "description", "slug_title"}:
        yield ReadFailure(
            origin,
            "CSV has no title or text column (columns: "
            + ", ".join(columns[:10])
            + "); name them e.g. title, text, url, date, source",
        )
        return
    for number, row in enumerate(reader, start=1):
        row = {k: v for k, v in row.items() if k}
        fields = record_fields(row)
        if not fields.get("title") and not fields.get("body"):
            yield ReadFailure(origin, f"row {number} has no title or text", str(number))
            continue
        yield RawDocument(origin, "csv", fields=fields, ordinal=str(number))


# ---------------------------------------------------------------------------------------------
# Corpus formats

_REUTERS_DOC = re.compile(r"<REUTERS\b([^>]*)>(.*?)</REUTERS>", re.DOTALL)
_ATTR = re.compile(r'(\w+)="([^"]*)"')
_TAG_CACHE: dict[str, re.Pattern] = {}
_D = re.compile(r"<D>(.*?)</D>", re.DOTALL)
REUTERS_GOLD_LISTS = {
    "TOPICS": "gold_topics",
    "PLACES": "gold_places",
    "PEOPLE": "gold_people",
    "ORGS": "gold_orgs",
    "EXCHANGES": "gold_exchanges",
    "COMPANIES": "gold_companies",
}


def _tag(name: str, text: str) -> str | None:
    pattern = _TAG_CACHE.get(name)
    if pattern is None:
        pattern = _TAG_CACHE[name] = re.compile(rf"<{name}\b[^>]*>(.*?)</{name}>", re.DOTALL)
    match = pattern.search(text)
    return match.group(1) if match else None


def _sgml_text(value: str) -> str:
    return strip_control_characters(html.unescape(value))


_TABLE_ROW = re.compile(r"\.{3,}|\S {3,}\S|\t")


def reflow_wire_text(text: str) -> str:
    """Hard-wrapped wire copy -> paragraphs: an indented line starts a new paragraph; table
    rows ("Net free reserves.....644 vs.....1,337") stay one per line, spacing kept."""
    paragraphs: list[str] = []
    current: list[str] = []
    for line in text.split("\n"):
        stripped = line.strip()
        if not stripped or _TABLE_ROW.search(stripped):
            if current:
                paragraphs.append(re.sub(r"\s{2,}", " ", " ".join(current)))
                current = []
            if stripped:
                paragraphs.append(stripped)
            continue
        if line[:1].isspace() and current:
            paragraphs.append(re.sub(r"\s{2,}", " ", " ".join(current)))
            current = []
        current.append(stripped)
    if current:
        paragraphs.append(re.sub(r"\s{2,}", " ", " ".join(current)))
    return "\n\n".join(paragraphs)


_REUTER_SIGNOFF = re.compile(r"\s*\bREUTER\w?\s*$", re.IGNORECASE)
_BRIEF_FILLER = re.compile(r"^\s*blah blah blah\.?\s*$", re.IGNORECASE)


def read_reuters_sgml(origin: str, text: str) -> Iterator[Item]:
    found = False
    for match in _REUTERS_DOC.finditer(text):
        found = True
        attrs = dict(_ATTR.findall(match.group(1)))
        ordinal = attrs.get("NEWID")
        doc = match.group(2)
        fields: dict = {"source": "Reuters"}
        date = _tag("DATE", doc)
        if date:
            fields["published"] = date.strip()
        for tag, key in REUTERS_GOLD_LISTS.items():
            inner = _tag(tag, doc)
            fields[key] = [_sgml_text(d).strip() for d in _D.findall(inner or "")]
        inner_text = _tag("TEXT", doc) or ""
        title = _tag("TITLE", inner_text)
        dateline = _tag("DATELINE", inner_text)
        body = _tag("BODY", inner_text)
        text_type = re.search(r'<TEXT\b[^>]*TYPE="(\w+)"', doc)
        if body is None and title is None and dateline is None:
            body = inner_text  # TYPE="UNPROC": plain text, no markup
        title = re.sub(r"\s+", " ", _sgml_text(title or "")).strip()
        body = _sgml_text(body or "")
        body = _REUTER_SIGNOFF.sub("", body.rstrip())
        if _BRIEF_FILLER.match(body):
            body = ""
        if text_type and text_type.group(1) == "UNPROC" and not title:
            first, _, body = body.strip("\n").partition("\n")
            title = first.strip()
        body = reflow_wire_text(body)
        dateline = re.sub(r"\s+", " ", _sgml_text(dateline or "")).strip()
        if dateline:
            fields["dateline"] = dateline
            body = f"{dateline} {body}" if body else ""
        if not body.strip():
            body = title  # BRIEF items: the headline is the whole story
        if not title and not body.strip():
            yield ReadFailure(origin, "Reuters document has no title and no text", ordinal)
            continue
        fields["title"] = title
        fields["body"] = body.strip()
        for key in ("LEWISSPLIT", "CGISPLIT", "OLDID"):
            if key in attrs:
                fields[f"reuters_{key.lower()}"] = attrs[key]
        yield RawDocument(origin, "reuters-sgml", fields=fields, ordinal=ordinal)
    if not found:
        yield ReadFailure(origin, "no <REUTERS> documents found in this SGML file")


def read_bbc(origin: str, text: str) -> Iterator[Item]:
    lines = text.strip().split("\n")
    title = lines[0].strip()
    body = "\n".join(lines[1:]).strip()
    parts = PurePosixPath(origin.replace("\\", "/").replace("!", "/")).parts
    section = parts[-2].capitalize() if len(parts) >= 2 else ""
    fields = {"title": title, "body": body, "section": section, "source": "BBC News"}
    yield RawDocument(origin, "bbc", text=text, fields=fields)


BUZZFEED_PORTALS = {
    "abc": "ABC News",
    "cnn": "CNN",
    "politico": "Politico",
    "right-wing-news": "Right Wing News",
    "eagle-rising": "Eagle Rising",
    "addicting-info": "Addicting Info",
    "freedom-daily": "Freedom Daily",
    "occupy-democrats": "Occupy Democrats",
    "the-other-98": "The Other 98%",
}


def read_buzzfeed_xml(origin: str, text: str) -> Iterator[Item]:
    import xml.etree.ElementTree as ET

    if re.search(r"<!ENTITY", text[:10000]):
        yield ReadFailure(
            origin, "XML declares entities: refused (possible entity expansion attack)"
        )
        return
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        yield ReadFailure(origin, f"not well-formed XML ({exc})")
        return

    def child(tag: str) -> str:
        node = root.find(tag)
        return repair_mojibake(node.text or "").strip() if node is not None else ""

    # the corpus stores some UTF-8 text as character references to its bytes
    # ("&#226;&#128;&#153;" for "’"); offsets count the original characters
    main = (root.findtext("mainText") or "").strip("\n")
    spans = []
    for node in root.findall("paragraph"):
        try:
            spans.append((int(node.findtext("start")), int(node.findtext("end"))))
        except (TypeError, ValueError):
            continue
    if spans and main:
        paragraphs = [main[s:e] for s, e in sorted(spans)]
        covered = sum(len(p.strip()) for p in paragraphs)
        if covered < len(main.strip()) * 0.9:
            paragraphs = [main]  # offsets do not fit the text: keep it whole
    else:
        paragraphs = [main]
    # repaired before stripping: a mangled no-break space is "Â" + U+00A0
    paragraphs = [repair_mojibake(p).strip() for p in paragraphs]
    body = "\n\n".join(p for p in paragraphs if p)
    portal = child("portal")
    fields = {
        "title": child("title"),
        "body": body,
        "url": html.unescape(child("uri")),
        "authors": child("author"),
        "source": BUZZFEED_PORTALS.get(portal, portal),
        "portal": portal,
        "gold_orientation": child("orientation"),
        "gold_veracity": child("veracity"),
    }
    if not fields["title"] and not fields["body"]:
        yield ReadFailure(origin, "article XML has no title and no mainText")
        return
    yield RawDocument(origin, "buzzfeed-xml", fields={k: v for k, v in fields.items() if v})


def read_conll(origin: str, text: str) -> Iterator[Item]:
    documents: list[list[list[tuple[str, str]]]] = []
    sentence: list[tuple[str, str]] = []
    current: list[list[tuple[str, str]]] | None = None
    for line in text.split("\n"):
        line = line.strip()
        if line.startswith("-DOCSTART-"):
            if sentence and current is not None:
                current.append(sentence)
            sentence = []
            current = []
            documents.append(current)
            continue
        if not line:
            if sentence:
                if current is None:
                    current = []
                    documents.append(current)
                current.append(sentence)
            sentence = []
            continue
        columns = line.split()
        sentence.append((columns[0], columns[-1] if len(columns) > 1 else "O"))
    if sentence:
        if current is None:
            current = []
            documents.append(current)
        current.append(sentence)
    for number, sentences in enumerate(documents, start=1):
        if not sentences:
            yield ReadFailure(origin, "CoNLL document has no sentences", str(number))
            continue
        lines = [" ".join(token for token, _ in s) for s in sentences]
        entities: dict[str, list[str]] = {"LOC": [], "ORG": [], "PER": [], "MISC": []}
        for s in sentences:
            for kind, surface in iob1_entities(s):
                bucket = entities.setdefault(kind, [])
                if surface not in bucket:
                    bucket.append(surface)
        fields = {
            "title": lines[0],
            "body": "\n".join(lines),
            "source": "Reuters",
            "gold_entities": entities,
        }
        yield RawDocument(origin, "conll", fields=fields, ordinal=str(number))


def iob1_entities(sentence: Sequence[tuple[str, str]]) -> Iterator[tuple[str, str]]:
    """(type, surface) for IOB1 tags: I-X continues X, B-X starts a new X right after another."""
    tokens: list[str] = []
    kind = ""
    for token, tag in [*sentence, ("", "O")]:
        prefix, _, tag_kind = tag.partition("-")
        if tokens and (prefix not in ("I", "B") or tag_kind != kind or prefix == "B"):
            yield kind, " ".join(tokens)
            tokens = []
        if prefix in ("I", "B"):
            if not tokens:
                kind = tag_kind
            tokens.append(token)


def read_text(origin: str, text: str) -> Iterator[Item]:
    yield RawDocument(origin, "text", text=text)


def read_html(origin: str, text: str) -> Iterator[Item]:
    yield RawDocument(origin, "html", text=text)


READERS: dict[str, Callable[[str, str], Iterator[Item]]] = {
    "text": read_text,
    "html": read_html,
    "jsonl": read_jsonl,
    "csv": read_csv,
    "reuters-sgml": read_reuters_sgml,
    "bbc": read_bbc,
    "buzzfeed-xml": read_buzzfeed_xml,
    "conll": read_conll,
}


# ---------------------------------------------------------------------------------------------
# Counting for progress bars

_COUNT_SNIFF = 4096


def _count_file(path: str) -> int:
    size = os.path.getsize(path)
    with open(path, "rb") as handle:
        head = handle.read(_COUNT_SNIFF)
        if _is_zip(head):
            try:
                with zipfile.ZipFile(path) as archive:
                    return sum(1 for i in archive.infolist() if not i.is_dir())
            except (zipfile.BadZipFile, OSError):
                return 1
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
