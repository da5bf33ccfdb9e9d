"""Passes over one document's mentions before they are merged into entities: each adds,
joins, drops or retypes mentions for one reason its docstring names (a wire dateline, a photo
credit, a name split in two by the tagger, a name used as a disease, a person tagged as an
organization), plus the nationality words the country roll-up counts. Pure, no Django.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache

from ..names import name_key
from ..outlets import is_outlet_name
from ..person_names import person_shaped, surname
from ..places import demonym_country, gazetteer
from ..wordlists import DISEASE_NOUNS, PERSONAL_TITLES, given_names
from .mentions import Mention, all_caps

_DATELINE = re.compile(
    r"^[ \t]*(?P<place>[A-Z][A-Z.'’\-]+(?: [A-Z][A-Z.'’\-]+){0,3})"
    r"(?:, (?P<region>[A-Z][A-Za-z.]+(?: [A-Z][A-Za-z.]+){0,2}))?"
    r"(?:(?:,| -)? +(?:\(\w[\w ]*\) +)?(?:(?:[A-Z][a-z]{2,8}\.? +\d{1,2}|\d{4}-\d\d-\d\d)\b *)?)?"
    r"(?:[-–—]+ |$)",
    re.M,
)


def dateline_mentions(doc, text: str, mentions: list[Mention]) -> list[Mention]:
    """The wire-story dateline ("SALVADOR, Feb 26 - ", "ANGLETON, Tex. March 3 - ",
    "TEHRAN - ", "BRUSSELS 1996-08-22") names where the story was filed: a place even when
    NER missed it or took it for something else."""
    out: list[Mention] = []
    for match in _DATELINE.finditer(text[:2000]):
        if match.start() > 0 and text[match.start() - 1] != "\n":
            continue
        found = False
        for group in ("place", "region"):
            if match.group(group) is None:
                continue
            start = match.start(group)
            surface = match.group(group).rstrip(" -,")
            if gazetteer().lookup(surface) is None:
                continue
            found = True
            end = start + len(surface)
            overlapping = [m for m in mentions if m.start_char < end and start < m.end_char]
            if overlapping:
                for m in overlapping:
                    m.kind, m.weight = "place", 3
                continue
            span = doc.char_span(start, end, alignment_mode="expand")
            if span is not None:
                out.append(
                    Mention(
                        surface, name_key(surface), "place", span.start, span.end, start, end, 3
                    )
                )
        if found:
            break  # one dateline per story
    return out


_PHOTO_CREDIT = re.compile(
    r"\((?:Photo|Photos|Image|Picture|File photo)\s*(?:by|:|via|courtesy of)\s*"
    r"(?P<who>[A-Z][\w&.\-]*(?: [A-Z][\w&.\-]*){0,3})(?:/[^)]*)?\)"
)


def credit_mentions(doc, text: str, mentions: list[Mention]) -> list[Mention]:
    """ "(Photo by AFP)": the agency is an organization, a named photographer a person."""
    out = []
    taken = [(m.start_char, m.end_char) for m in mentions]
    for match in _PHOTO_CREDIT.finditer(text):
        start, end = match.span("who")
        if any(s < end and start < e for s, e in taken):
            continue
        who = match.group("who").rstrip(".")
        kind = "organization" if all_caps(who) or " " not in who else "person"
        span = doc.char_span(start, start + len(who), alignment_mode="expand")
        if span is not None:
            out.append(
                Mention(who, name_key(who), kind, span.start, span.end, start, start + len(who))
            )
    return out


def join_split_names(doc, text: str, mentions: list[Mention]) -> list[Mention]:
    """ "Kata’ib" (tagged NORP) + "Hezbollah" (ORG) is "Kata’ib Hezbollah" when the document
    names it whole elsewhere."""
    known = {m.key: m.kind for m in mentions}
    by_start = {m.start: m for m in mentions if m.start >= 0}
    covered = {i for m in mentions if m.start >= 0 for i in range(m.start, m.end)}
    heads = [e for e in doc.ents if e.label_ == "NORP"]
    heads += [
        doc[m.start - 1 : m.start]
        for m in mentions
        if m.start > 0 and m.start - 1 not in covered and doc[m.start - 1].text[:1].isupper()
    ]
    out = mentions
    for ent in heads:
        m = by_start.get(ent.end)
        if m is None or text[ent.end_char : m.start_char].strip():
            continue
        whole = text[ent.start_char : m.end_char]
        key = name_key(whole)
        if key in known and key != m.key:
            joined = Mention(
                whole, key, known[key], ent.start, m.end, ent.start_char, m.end_char, m.weight
            )
            out = [joined if x is m else x for x in out]
    return out


# "Purvin & Gertz", "Procter & Gamble Co": names joined by an ampersand, a legal form after
_AMPERSAND = re.compile(
    r"\b[A-Z][\w'’-]* ?& ?[A-Z][\w'’-]*"
    r"(?: (?:Co|Cos|Inc|Corp|Ltd|LLP|LLC|Plc|PLC|Partners|Associates)\b\.?)?"
)


# "an analyst with Purvin and Gertz": two surnames after "with", "at"... that the story
# names nowhere else are one firm
_SURNAME_PAIR = re.compile(r"\b(?:with|at|from|of) ([A-Z][a-z]+) and ([A-Z][a-z]+)\b(?! [A-Z])")


def _firm_spans(text: str) -> list[tuple[int, int]]:
    spans = [m.span() for m in _AMPERSAND.finditer(text)]
    for match in _SURNAME_PAIR.finditer(text):
        one, two = match.group(1), match.group(2)
        if one.lower() in _given() or two.lower() in _given():
            continue  # "with Bill and Hillary"
        alone = len(re.findall(rf"\b(?:{one}|{two})\b", text))
        pair = f"{one} and {two}"
        if alone == 2 * text.count(pair):
            spans.append((match.start(1), match.end(2)))
    return spans


def ampersand_firms(doc, text: str, mentions: list[Mention]) -> list[Mention]:
    """ "Purvin & Gertz" is one firm, not the people Purvin and Gertz: a name joined to
    another by "&" is an organization, and the mentions inside it go; so are two surnames
    joined by "and" after "with", "at", "from" or "of" that the story names nowhere else.
    Not places ("Bosnia & Herzegovina": the gazetteer knows both sides) nor capitals'
    initials ("AT&T" has no name on either side)."""
    found = []
    for start, end in _firm_spans(text):
        phrase = text[start:end]
        inside = [m for m in mentions if m.start_char < end and m.end_char > start]
        sides = [side.strip() for side in re.split(r"&| and ", phrase)]
        if not inside or all(gazetteer().lookup(side) is not None for side in sides):
            continue
        # a name the tagger found across it ("Smith Barney & Co") stays whole
        start = min(start, *(m.start_char for m in inside))
        end = max(end, *(m.end_char for m in inside))
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None:
            continue
        whole = text[span.start_char : span.end_char]
        found.append(
            (
                inside,
                Mention(
                    whole,
                    name_key(whole),
                    "organization",
                    span.start,
                    span.end,
                    span.start_char,
                    span.end_char,
                    2,
                ),
            )
        )
    if not found:
        return mentions
    gone = {id(m) for inside, _ in found for m in inside}
    return [m for m in mentions if id(m) not in gone] + [firm for _, firm in found]


@lru_cache(maxsize=1)
def _given() -> frozenset[str]:
    return frozenset(n.lower() for n in given_names())


def without_diseases(doc, mentions: list[Mention]) -> list[Mention]:
    """Mentions less the names the story uses as diseases ("COVID-19 pandemic"): every
    mention of such a name goes, unless it is a place ("the Wuhan outbreak") or a person's
    name ("Donald Trump", or the surname of one the story names)."""
    surnames = {surname(m.key) for m in mentions if m.kind == "person" and " " in m.key}
    diseases = set()
    for m in mentions:
        if (
            m.start >= 0
            and m.end < len(doc)
            and doc[m.end].lower_ in DISEASE_NOUNS
            and m.kind != "place"
            and m.key not in surnames
            and not person_shaped(m.text.split())
            and gazetteer().lookup(m.text) is None
        ):
            diseases.add(m.key)
    return [m for m in mentions if m.key not in diseases] if diseases else mentions


def people_by_shape(doc, mentions: list[Mention]) -> None:
    """An organization or place shaped like a person's full name ("Donald Trump's Florida
    home", tagged ORG) is that person when the document also says its surname is a person's:
    a mention tagged person ("Melania Trump", "Trump said") or one after a personal title
    ("Mr. Trump"). Shape alone would make people of "Charles Schwab" the brokerage too."""
    people: dict[str, set[str]] = defaultdict(set)  # surname -> keys that say "a person"
    for m in mentions:
        if m.kind == "person" or (
            m.start > 0 and doc[m.start - 1].lower_.rstrip(".") in PERSONAL_TITLES
        ):
            people[surname(m.key)].add(m.key)
    if not people:
        return
    titled = {m.key for m in mentions if m.weight > 1 and m.kind == "person"}
    for m in mentions:
        # another name of that surname, or a title: the same name tagged person once is
        # only a vote ("Sandy Hook parent" is no person), which the majority settles
        evidence = people.get(surname(m.key), set()) - ({m.key} - titled)
        if (
            m.kind != "person"
            and m.weight == 1  # the words around it did not decide the kind
            and evidence
            and person_shaped(m.text.split())
            and not is_outlet_name(m.text)
            and gazetteer().lookup(m.text) is None
        ):
            m.kind = "person"


def nationalities(doc, mentions: list[Mention]) -> dict[str, dict[str, int]]:
    """Nationality words ("Swiss", "Japanese") by the country they name."""
    kept = {(m.start_char, m.end_char) for m in mentions}
    out: dict[str, dict[str, int]] = {}
    for ent in doc.ents:
        if ent.label_ in ("NORP", "GPE", "ORG") and (ent.start_char, ent.end_char) not in kept:
            cc = demonym_country(ent.text)
            if cc:
                forms = out.setdefault(cc, {})
                forms[ent.text] = forms.get(ent.text, 0) + 1
    return out
