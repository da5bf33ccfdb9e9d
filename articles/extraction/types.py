"""Plain data passed between the stages of extraction. No Django here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass
class RawDocument:
    """One document as read from a file, before any metadata is extracted.

    ``origin`` is the path exactly as given on the command line, ``archive.zip!entry``
    inside archives. ``ordinal`` tells documents of one multi-document file apart
    (Reuters NEWID, JSON Lines line number, CoNLL document number); None for one-document files.
    ``format`` names the reader: "text", "html", "jsonl", "csv", "reuters-sgml", "bbc",
    "buzzfeed-xml", "conll", "newsroom-export".
    ``text`` is the decoded file content for text and HTML pages; ``fields`` holds what a
    structured format already states (title, source, section, published, url, body, caption,
    plus any gold annotations a corpus carries under "gold_*" keys for benchmarks).
    """

    origin: str
    format: str
    text: str = ""
    fields: dict = field(default_factory=dict)
    ordinal: str | None = None


@dataclass
class ReadFailure:
    """A file (or one record of a file) that could not be read, and why."""

    origin: str
    reason: str
    ordinal: str | None = None


# What a reader yields for each document: the document, or why it could not be read.
ReadItem = RawDocument | ReadFailure


@dataclass
class ParsedArticle:
    """What the page says about itself, before entity recognition."""

    title: str
    body: str
    caption: str = ""
    section: str = ""
    source: str = ""  # outlet name, "" when unknown
    source_domain: str = ""
    published: date | None = None  # as the source states it; never inferred
    url: str = ""
    language: str = "en"
    date_note: str = ""  # why a date the source gave was dropped ("... is in the future")
    authors: list[str] = field(default_factory=list)  # normalised names, in byline order
    byline: str = ""  # the byline as written, when there was one
    notes: list[str] = field(default_factory=list)  # what the source gave that was dropped


@dataclass
class FoundEntity:
    """A place, organization or person found in one article."""

    kind: str  # "place" | "organization" | "person"
    name: str  # canonical name
    mentions: dict[str, int]  # surface form -> count in this article
    aliases: list[str] = field(default_factory=list)  # other names (acronyms, long forms)
    country: str = ""  # places: ISO 3166-1 alpha-2, "" when unknown
    feature: str = ""  # places: "country", "city", "region", "us-state", "continent", ...
    latitude: float | None = None
    longitude: float | None = None

    @property
    def count(self) -> int:
        return sum(self.mentions.values())


@dataclass
class ExtractedArticle:
    origin: str
    format: str
    ordinal: str | None
    parsed: ParsedArticle
    places: list[FoundEntity] = field(default_factory=list)
    organizations: list[FoundEntity] = field(default_factory=list)
    people: list[FoundEntity] = field(default_factory=list)
    # ISO 3166-1 alpha-2 codes of the countries the article is about (places in the title or
    # lead, repeated places, nationality words): the country roll-up.
    countries: list[str] = field(default_factory=list)
    original_text: str = ""

    @property
    def entities(self) -> list[FoundEntity]:
        return [*self.places, *self.organizations, *self.people]
