"""Bytes to text: binary files told apart, the encoding found, mangled UTF-8 put right, and
every text a reader produced made safe (:func:`sanitize_item`). Pure, no Django.
"""

from __future__ import annotations

import codecs
import re

from ..text import sanitize_text
from ..types import RawDocument, ReadItem

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
    looks_binary = b"\x00" in sample or (
        sample and len(sample.translate(None, _CONTROL_BYTES)) < len(sample) * 0.9
    )
    if looks_binary and not wide_encoding_without_bom(sample):
        return "UTF-16 text without a byte-order mark" if _as_utf16(sample) else "binary data"
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
    wide = wide_encoding_without_bom(data[:8192])
    if wide:
        try:
            return data.decode(wide), wide
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
        # 50 ms to import: only for the rare file that is neither UTF-8 nor Western
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


def wide_encoding_without_bom(sample: bytes) -> str | None:
    """'utf-16-le' (or -be, utf-32-le/-be) for such text saved without a byte-order mark.

    Such a file has NUL bytes (the high byte of every space and Latin letter), which made it
    "binary data". Its bytes fall into columns: the characters' low bytes vary, while each
    high-byte column holds one or two values (0 and the script's block, 0x06 for Arabic).
    Binary data with NUL bytes has neither, nor decodes to text without control characters.
    """
    if b"\x00" not in sample:
        return None
    for width, encodings in ((4, ("utf-32-le", "utf-32-be")), (2, ("utf-16-le", "utf-16-be"))):
        usable = len(sample) - len(sample) % width
        if usable < 8 * width:
            continue
        columns = [sample[k:usable:width] for k in range(width)]
        for encoding, low in zip(encodings, (0, width - 1), strict=True):
            highs = [column for k, column in enumerate(columns) if k != low]
            if columns[low].count(0) > len(columns[low]) // 20:
                continue
            if not all(_two_values_cover(column, 0.9) for column in highs):
                continue
            try:
                decoded = sample[:usable].decode(encoding)
            except UnicodeDecodeError:
                continue
            if len(_CONTROL_CHARS.findall(decoded)) <= len(decoded) // 100:
                return encoding
    return None


def _as_utf16(sample: bytes) -> bool:
    """Reads as UTF-16 text: no broken surrogates, hardly a control character, and spaces
    or line breaks as text has them (for scripts of many blocks, such as Chinese, which
    ``wide_encoding_without_bom`` does not take on)."""
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            decoded = sample[: len(sample) // 2 * 2].decode(encoding)
        except UnicodeDecodeError:
            continue
        spaces = sum(1 for c in decoded if c.isspace())
        controls = len(_CONTROL_CHARS.findall(decoded))
        if controls <= len(decoded) // 100 and spaces and spaces >= len(decoded) // 200:
            return True
    return False


def _two_values_cover(column: bytes, share: float) -> bool:
    counts = sorted((column.count(value) for value in set(column)), reverse=True)
    return sum(counts[:2]) >= share * len(column)


# C0 controls but tab, newline, form feed, return and escape: not in text.
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f]")


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


def _sanitize_value(value):
    if isinstance(value, str):
        return sanitize_text(value)
    if isinstance(value, list):
        return [_sanitize_value(v) for v in value]
    if isinstance(value, dict):
        return {_sanitize_value(k): _sanitize_value(v) for k, v in value.items()}
    return value


def sanitize_item(item: ReadItem) -> ReadItem:
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
