"""Bylines: who wrote an article, as normalised names.

"By LISA RATHKE and WILSON RING, AP" -> ["Lisa Rathke", "Wilson Ring"]: the "By", the wire
service or outlet after the names ("AP", "Reuters", "CNN White House Producer") and job titles
go; names in capitals are written as names. What cannot be an author is dropped with its reason
(``Byline.dropped``): a "byline" of thousands of characters, a social-media handle, names with
emoji or digits. No Django here.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from .outlets import KNOWN_OUTLETS

MAX_BYLINE_CHARS = 300  # the longest byline read at all; longer is text, not a byline
MAX_NAME_CHARS = 80
MAX_AUTHORS = 12

_BY = re.compile(r"^\s*(?:written\s+by|reported\s+by|story\s+by|words\s+by|by)\b[\s:]*", re.I)
_SPLIT = re.compile(r"\s*(?:,|;|&|\band\b|\bund\b|\bet\b|\s\|\s|\s/\s)\s*", re.I)
# Words of the job title or desk after the names ("CNN White House Producer", "AP Wire").
_ROLE = re.compile(
    r"\b(?:producer|correspondent|writer|reporter|editor|staff|contributor|columnist|"
    r"analyst|bureau|desk|newsroom|wire|service|agency|team|special\s+to)\b",
    re.I,
)
_AGENCIES = {
    "ap",
    "afp",
    "reuters",
    "upi",
    "dpa",
    "efe",
    "ansa",
    "irna",
    "isna",
    "tasnim",
    "mehr",
    "fars",
    "xinhua",
    "tass",
    "anadolu",
    "bloomberg",
    "kyodo",
    "pti",
    "ians",
    "ani",
    "mna",
}
_OUTLETS = {o.name.casefold() for o in KNOWN_OUTLETS}
_HANDLE = re.compile(r"(?:^|\s)@\w")
_NAME_CHARS = re.compile(r"^[^\W\d_](?:[^\W\d_]|[ .'’-])*[^\W\d_.]\.?$|^[^\W\d_]$")
# A line near the top that is a byline: "By Anna de Vries and Peter Jansen".
_BYLINE_LINE = re.compile(r"^\s*(?:written\s+|reported\s+|story\s+)?by\s+\S", re.I)


@dataclass
class Byline:
    names: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)  # why a part was not taken as a name


def read_byline(text: str) -> Byline:
    """The authors a byline names, and what was dropped from it and why."""
    found = Byline()
    raw = unicodedata.normalize("NFC", str(text or "")).strip()
    if not raw:
        return found
    if len(raw) > MAX_BYLINE_CHARS:
        found.dropped.append(
            f"a byline of {len(raw):,} characters is text, not a byline "
            f"(at most {MAX_BYLINE_CHARS})"
        )
        return found
    raw = _BY.sub("", " ".join(raw.split()))
    for part in _SPLIT.split(raw):
        part = part.strip(" .,:;-–—|()[]\"'“”")
        if not part:
            continue
        reason = _not_a_name(part)
        if reason:
            if reason != "outlet":
                found.dropped.append(f"{part[:40]!r} {reason}")
            continue
        name = normalise_name(part)
        if name.casefold() not in {n.casefold() for n in found.names}:
            found.names.append(name)
    if len(found.names) > MAX_AUTHORS:
        found.dropped.append(f"{len(found.names)} names: only the first {MAX_AUTHORS} kept")
        found.names = found.names[:MAX_AUTHORS]
    return found


def _not_a_name(part: str) -> str:
    """Why ``part`` of a byline is no author's name ("" when it is one; "outlet" for the wire
    service or outlet that follows the names, dropped without a note)."""
    folded = part.casefold()
    if folded in _AGENCIES or folded in _OUTLETS or _ROLE.search(part):
        return "outlet"
    if _HANDLE.search(part) or part.startswith("@"):
        return "is a social-media handle, not a name"
    if any(_is_symbol(c) for c in part):
        return "holds emoji or symbols, not a name"
    if any(c.isdigit() for c in part):
        return "holds digits, not a name"
    if len(part) > MAX_NAME_CHARS or len(part.split()) > 6:
        return "is too long for a name"
    if not _NAME_CHARS.match(part):
        return "is not written like a name"
    return ""


def _is_symbol(char: str) -> bool:
    category = unicodedata.category(char)
    return category in ("So", "Sk", "Sm", "Cs", "Co") or 0x1F000 <= ord(char) <= 0x1FAFF


def normalise_name(name: str) -> str:
    """ "LISA RATHKE" -> "Lisa Rathke"; "lee  moran" -> "Lee Moran"; "Jim LItke" as written."""
    words = " ".join(name.split())
    if words.isupper() or words.islower():
        words = " ".join(_title_word(w) for w in words.split(" "))
    return words


def _title_word(word: str) -> str:
    lowered = word.lower()
    if lowered in ("de", "van", "von", "der", "den", "da", "di", "du", "la", "le", "bin", "al"):
        return lowered
    return "-".join(
        "'".join(p[:1].upper() + p[1:] for p in piece.split("'")) for piece in lowered.split("-")
    )


def is_byline_line(line: str) -> bool:
    """A short line that names who wrote the article ("By Anna de Vries")."""
    return len(line) <= MAX_BYLINE_CHARS and bool(_BYLINE_LINE.match(line))
