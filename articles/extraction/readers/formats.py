"""Which reader a file needs, from its content first and its name second; which files are
no articles at all (README, PROVENANCE and the other files corpora come with); and the
reading of one file's bytes with the reader it needs. Pure, no Django.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import PurePosixPath

from ..types import RawDocument, ReadFailure, ReadItem
from .corpora import read_bbc, read_buzzfeed_xml, read_conll, read_reuters_sgml
from .decoding import binary_kind, decode_text, repair_mojibake
from .records import FIELD_NAMES, JSON_BYTES_PER_CHAR, read_csv, read_jsonl

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

SKIPPED_DIRS = {"__macosx", "__pycache__", "node_modules"}


def is_helper_file(name: str) -> bool:
    base = name.rsplit("/", 1)[-1]
    return base.startswith(".") or bool(_HELPER_FILE.fullmatch(base))


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


def read_text(origin: str, text: str) -> Iterator[ReadItem]:
    yield RawDocument(origin, "text", text=text)


def _too_long_for_one_article(length: int, fmt: str, limit: int) -> str:
    what = "web page" if ONE_ARTICLE_FORMATS[fmt] > 2 else "text"
    return (
        f"{what} of {length:,} characters, far over the {limit:,}-character limit for one "
        "article (NEWSROOM_MAX_ARTICLE_CHARS): a file this long usually holds many articles; "
        "split it into one file per article, or as JSON Lines with one article per line"
    )


def read_html(origin: str, text: str) -> Iterator[ReadItem]:
    yield RawDocument(origin, "html", text=text)


READERS: dict[str, Callable[[str, str], Iterator[ReadItem]]] = {
    "text": read_text,
    "html": read_html,
    "jsonl": read_jsonl,
    "csv": read_csv,
    "reuters-sgml": read_reuters_sgml,
    "bbc": read_bbc,
    "buzzfeed-xml": read_buzzfeed_xml,
    "conll": read_conll,
}


# How much longer than its article one file of these formats can be: a text page holds the
# article and some site text; most of a web page is markup, scripts and styles.
ONE_ARTICLE_FORMATS = {"text": 2, "bbc": 2, "html": 25, "buzzfeed-xml": 25}


def read_data(origin: str, data: bytes, max_article_chars: int | None = None) -> Iterator[ReadItem]:
    """Documents in one file's bytes (not an archive).

    ``max_article_chars``: a file of a one-article format (a page, not a dump of records)
    whose text is far over the article limit is refused here, before it is parsed: parsing
    tens of megabytes of text takes minutes and hundreds of megabytes, only for the article
    to be refused as too long afterwards.
    """
    if not data or data.isspace():  # isspace(): no copy of a large file
        yield ReadFailure(origin, "empty file" if not data else "empty file (only whitespace)")
        return
    kind = binary_kind(data)
    if kind and kind.startswith("UTF-16"):
        yield ReadFailure(
            origin,
            f"looks like {kind}, in a script that cannot be told apart from binary data: "
            "save it as UTF-8 (or as UTF-16 with a byte-order mark) and try again",
        )
        return
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
    text = decoded[0].replace("\r\n", "\n").replace("\r", "\n")
    if text.isspace():
        yield ReadFailure(origin, "empty file (only whitespace)")
        return
    fmt = detect_format(origin, text)  # from the first few kilobytes
    factor = ONE_ARTICLE_FORMATS.get(fmt)
    if max_article_chars and factor and len(text) > max_article_chars * factor:
        # before the mojibake pass, which takes seconds on megabytes
        yield ReadFailure(origin, _too_long_for_one_article(len(text), fmt, max_article_chars))
        return
    text = repair_mojibake(text)
    reader = READERS[fmt]
    if fmt == "jsonl" and max_article_chars:
        reader = partial(read_jsonl, max_line_chars=max_article_chars * JSON_BYTES_PER_CHAR)
    try:
        yield from reader(origin, text)
    except Exception as exc:  # one broken file never stops the rest
        yield ReadFailure(origin, f"could not read this {fmt} file: {type(exc).__name__}: {exc}")
