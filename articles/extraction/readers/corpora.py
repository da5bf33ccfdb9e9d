"""The research corpora's own formats: Reuters-21578 SGML, the BBC News folders, BuzzFeed-Webis
2016 XML and CoNLL-2003 token files, with the gold annotations they carry (``gold_*`` fields,
for benchmarks). Pure, no Django.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Sequence
from pathlib import PurePosixPath

from ..text import strip_control_characters
from ..types import RawDocument, ReadFailure, ReadItem
from .decoding import repair_mojibake

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


def read_reuters_sgml(origin: str, text: str) -> Iterator[ReadItem]:
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


def read_bbc(origin: str, text: str) -> Iterator[ReadItem]:
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


def read_buzzfeed_xml(origin: str, text: str) -> Iterator[ReadItem]:
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


def read_conll(origin: str, text: str) -> Iterator[ReadItem]:
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
