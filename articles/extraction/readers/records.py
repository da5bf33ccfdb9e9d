"""Records with named fields: JSON Lines (read whole or streamed line by line), JSON
documents, CSV, and the newsroom's own export; field names mapped to ParsedArticle's.
Pure, no Django.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from collections.abc import Iterator

from ..types import RawDocument, ReadFailure, ReadItem
from .decoding import decode_text, repair_mojibake
from .limits import MB, Limits, over_limit

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


def read_jsonl(origin: str, text: str, max_line_chars: int | None = None) -> Iterator[ReadItem]:
    """Records of JSON Lines, a JSON array or one JSON object held in ``text``; a line over
    ``max_line_chars`` is refused unparsed."""
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
        if max_line_chars and len(line) > max_line_chars:
            reason = f"line {number} is {len(line):,} characters, longer than any article's record"
            yield ReadFailure(origin, f"{reason} ({max_line_chars:,})", str(number))
        elif line.strip():
            yield _json_line(origin, line, number)


def _json_line(origin: str, line: str, number: int) -> ReadItem:
    """One line of a JSON Lines file: its article, or why it is none."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return ReadFailure(origin, f"line {number} is not valid JSON ({exc.msg})", str(number))
    return _json_record(origin, record, str(number))


def _json_record(origin: str, record, ordinal: str | None) -> ReadItem:
    if not isinstance(record, dict):
        return ReadFailure(origin, "record is not a JSON object with article fields", ordinal)
    if record.get("type") == "article":
        return RawDocument(origin, "newsroom-export", fields=dict(record), ordinal=ordinal)
    fields = record_fields(record)
    if not fields.get("title") and not fields.get("body"):
        keys = ", ".join(list(record)[:8])
        return ReadFailure(origin, f"record has no title or text field (fields: {keys})", ordinal)
    return RawDocument(origin, "jsonl", fields=fields, ordinal=ordinal)


def read_csv(origin: str, text: str) -> Iterator[ReadItem]:
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


SNIFF_BYTES = 1 * MB
_OPENS_RECORD = re.compile(rb'\s*\{\s*"')
# The longest a character of an article gets in JSON: an escape such as \u00e9.
JSON_BYTES_PER_CHAR = 6


def starts_json_lines(handle, *, rewind: bool = True) -> bool:
    """Whether a file's first line is a complete JSON object (the handle is rewound)."""
    first = handle.readline(SNIFF_BYTES)
    if rewind:
        handle.seek(0)
    first = first.removeprefix(codecs.BOM_UTF8)
    if len(first) >= SNIFF_BYTES and not first.endswith(b"\n"):
        # Too long to parse just to look: a record if it opens like one. Streamed, it is
        # refused by its length before it is parsed (stream_jsonl).
        return _OPENS_RECORD.match(first) is not None
    first = first.strip()
    if not first.startswith(b"{"):
        return False
    try:
        return isinstance(json.loads(first), dict)
    except (ValueError, UnicodeDecodeError):
        return False


def longest_record_line(limits: Limits) -> int:
    """The longest JSON Lines line read, in bytes: the record of the longest article with every
    character escaped (\\uXXXX), within the file limit."""
    if limits.max_article_chars:
        return min(limits.max_file_bytes, limits.max_article_chars * JSON_BYTES_PER_CHAR)
    return limits.max_file_bytes


def stream_jsonl(origin: str, handle, limits: Limits) -> Iterator[ReadItem]:
    """Records of a JSON Lines file read line by line from a binary handle, so that a dump
    far bigger than one article may be is read. A line longer than any article's record is
    refused before it is parsed (three 18 MB records cost +250 MB to parse, issue 17)."""
    cap = longest_record_line(limits)
    for number, line in enumerate(iter(lambda: handle.readline(cap + 1), b""), 1):
        if len(line) > cap:
            size = len(line)
            while line and not line.endswith(b"\n"):  # skip the rest of the long line
                line = handle.readline(cap + 1)
                size += len(line)
            what = "" if cap == limits.max_file_bytes else " for one article's record"
            yield ReadFailure(
                origin, over_limit(f"line {number} is", size, cap) + what, str(number)
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
        yield _json_line(origin, text, number)
