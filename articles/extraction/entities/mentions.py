"""Mentions: each name the tagger found, cleaned and typed by the words around it.

Titles ("Lt. Gen.", "President") and a leading "the" are dropped, possessive "'s" removed;
nationality adjectives ("American", "Iraqi") and weapon names ("Patriot missiles") are not
entities; "in X", "the town of X", "X base" make places, "X spokesman" organizations, a title
("Sen. Warren") a person. Spelling variants meet on :func:`names.name_key`. Pure, no Django.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..names import name_key
from ..places import gazetteer
from ..wordlists import (
    DEMONYM_ENDINGS,
    FACILITY_HEADS,
    LEADING_DROP,
    NAME_PARTICLES,
    NAME_PREFIXES,
    NOT_NAMES,
    ORG_NEXT,
    PERSONAL_TITLES,
    PLACE_NEXT,
    PLACE_PREV,
    PLACE_PREV2,
    ROLE_NOUNS,
    TITLES,
    WEAPON_NOUNS,
)

# spaCy labels (OntoNotes and CoNLL) of the names kept, and the kind of entity each makes.
KIND_OF_LABEL = {
    "PERSON": "person",
    "PER": "person",
    "ORG": "organization",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
}
KINDS = ("place", "organization", "person")  # FoundEntity.kind

_POSSESSIVE = re.compile(r"\s*['’]s?$")
_HAS_UPPER = re.compile(r"[A-Z0-9]")


@dataclass
class Mention:
    """One name in one document: its surface, its name key and the kind it is taken for."""

    text: str
    key: str
    kind: str
    start: int  # token index
    end: int
    start_char: int
    end_char: int
    weight: int = 1  # 2 when the surrounding words decided the kind


def _is_demonym(doc, start: int, end: int, text: str) -> bool:
    if end - start != 1 or not text[:1].isupper():
        return False
    low = text.lower()
    if not low.endswith(DEMONYM_ENDINGS) or gazetteer().lookup(text) is not None:
        return False
    nxt = doc[end] if end < len(doc) else None
    return nxt is None or nxt.is_lower or nxt.is_punct


def _is_role_word(token) -> bool:
    """ "Lt.", "General", "fullback", "ex-Yankee", "Suspect": words before a person's name, not
    part of it."""
    low = token.lower_.rstrip(".")
    if low in TITLES or low in ROLE_NOUNS:
        return True
    if token.is_lower and token.is_alpha and low not in NAME_PARTICLES:
        return True
    return "-" in low and low.split("-", 1)[0] in ("ex", "former", "then")


def _clean_span(doc, ent) -> Mention | None:
    kind = KIND_OF_LABEL.get(ent.label_)
    if kind is None:
        return None
    start, end = ent.start, ent.end
    titled = (
        kind != "person"
        and end - start > 1
        and doc[start].lower_.rstrip(".") in PERSONAL_TITLES
        and doc[start + 1].is_title
    )
    if titled:
        kind = "person"  # "President Trump" tagged ORG
    # drop leading articles and, for people, titles ("Lt. Gen.", "President")
    while start < end and (
        doc[start].lower_ in LEADING_DROP
        or (kind == "person" and end - start > 1 and _is_role_word(doc[start]))
        or doc[start].is_punct
    ):
        start += 1
    if (
        end - start > 2
        and doc[start].lower_ in NAME_PREFIXES
        and doc[start + 1].text == "-"
        and not doc[start].whitespace_
        and not doc[start + 1].whitespace_
    ):
        start += 2  # "Ex-Trump aide", "anti-Trump": the name is Trump
    while end > start and (
        doc[end - 1].is_punct
        or doc[end - 1].lower_ in ("'s", "’s", "'", "’")
        or (kind == "place" and end - start > 1 and doc[end - 1].like_num)  # "SEOUL 1996-08-22"
    ):
        end -= 1
    if start >= end:
        return None
    span = doc[start:end]
    text = (
        _POSSESSIVE.sub("", span.text).strip(" -–—\"“”'’.,;:")
        if span.text.endswith(("'s", "’s"))
        else span.text.strip(' -–—"“”,;:')
    )
    if (
        "\n" in text
        or len(text) < 2
        or not _HAS_UPPER.search(text)
        or not any(c.isalpha() for c in text)
    ):
        return None
    nxt = doc[end] if end < len(doc) else None
    if nxt is not None and nxt.lower_ in WEAPON_NOUNS:
        return None  # "Patriot missiles", "Hellfire missiles"
    if doc[end - 1].lower_ in WEAPON_NOUNS:
        return None
    if kind != "person" and _is_demonym(doc, start, end, text):
        return None  # "American forces", "Iraqi parliament"
    key = name_key(text)
    if not key or key in NOT_NAMES:
        return None
    if kind == "person" and all(t.lower_.rstrip(".") in TITLES for t in span):
        return None  # "Lt", "General" alone
    cued = _context_kind(doc, start, end, kind)
    weight = 2 if cued != kind or titled else 1
    return Mention(
        text, key, cued, start, end, span.start_char, span.start_char + len(text), weight
    )


def _context_kind(doc, start: int, end: int, kind: str) -> str:
    """The words around a name overrule the tagger: "in X", "the town of X", "X base" are
    places; "X spokesman", "X, which" are organizations (people take "who")."""
    nxt = doc[end].lower_ if end < len(doc) else ""
    nxt2 = doc[end + 1].lower_ if end + 1 < len(doc) else ""
    prev = doc[start - 1].lower_ if start > 0 else ""
    prev2 = doc[start - 2].lower_ if start > 1 else ""
    if kind != "person" and prev.rstrip(".") in PERSONAL_TITLES and doc[start].is_title:
        return "person"  # "Sen. Warren", "Mr. Ford"
    if kind == "place":
        return kind
    last = doc[end - 1].lower_
    if last in FACILITY_HEADS or (last == "base" and end - start > 1):
        return "place"  # "K1 Air Base", "Ain al-Asad Airbase", "Kabul Airport"
    if (
        nxt in PLACE_NEXT
        or (nxt == "air" and nxt2 == "base")
        or (prev == "of" and prev2 in PLACE_PREV2)
    ):
        return "place"
    if kind == "person":
        if prev in PLACE_PREV and gazetteer().lookup(doc[start:end].text) is not None:
            return "place"
        if (
            prev in ("in", "near")
            and doc[start].is_title
            and not (end < len(doc) and doc[end].lower_ in ("'s", "’s"))
        ):
            return "place"
        if nxt in ORG_NEXT or (nxt == "," and nxt2 == "which"):
            return "organization"
    return kind


def all_caps(text: str) -> bool:
    """Written in capitals ("AFP", "SAN MATEO"), more than one letter."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) > 1 and all(c.isupper() for c in letters)


def tagged_mentions(doc, text: str) -> list[Mention]:
    """The tagger's entities as cleaned mentions. When the tagger read a recased headline
    (``text`` differs from ``doc.text`` in case only), each mention takes the name as written."""
    mentions = [m for m in (_clean_span(doc, ent) for ent in doc.ents) if m is not None]
    if text != doc.text:
        for m in mentions:
            m.text = text[m.start_char : m.end_char]
            m.key = name_key(m.text)
    return mentions
