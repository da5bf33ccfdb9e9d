"""Entities from merged mentions: each group of mentions becomes one FoundEntity, with the
kind most of its mentions were tagged with (ties go to the gazetteer, acronyms and the
longest name), a display name and the aliases worth keeping. Pure, no Django.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from ..names import name_key
from ..outlets import is_outlet_name
from ..places import gazetteer
from ..types import FoundEntity
from ..wordlists import ORG_NEXT, TITLES
from .mentions import Mention, all_caps
from .merging import NameUnion

WELL_KNOWN_CITY = 200_000  # people
_SPORTS_WORDS = re.compile(
    r"\b(?:beat|beats|defeated|won|draw|drew|scored|goals?|innings|half-?time|league|cup|"
    r"season|matches|championship|playoffs?|(?:quarter|semi)-?finals?|coach|striker|"
    r"midfielder|pitcher|quarterback|touchdowns?|wickets?|homers?|tournament|standings|seeded|"
    r"soccer|football|baseball|basketball|hockey|cricket|rugby|tennis|golf|nba|nfl|nhl|mlb)\b"
    r"|\b\d{1,3}-\d{1,3}\b",
    re.IGNORECASE,
)


def _well_known_city(doc, ms: list[Mention], text: str, sport: list[bool]) -> bool:
    """Is a name tagged person or organization really a city of 200,000 people or more?

    Only where nothing says otherwise: no title before it ("Mr Austin"), no number beside it
    (results tables), and not in a sports story, where "Chicago beat Houston" names teams.
    """
    for m in ms:
        if m.start < 0 or not any(
            p.feature == "city" and p.population >= WELL_KNOWN_CITY and name_key(p.name) == m.key
            for p in gazetteer().candidates(m.text)
        ):
            return False
        before = doc[m.start - 1] if m.start > 0 else None
        after = doc[m.end] if m.end < len(doc) else None
        if before is not None and (before.lower_.rstrip(".") in TITLES or before.like_num):
            return False
        if after is not None and (after.like_num or after.lower_ in ORG_NEXT):
            return False
    if not sport:
        sport.append(len(_SPORTS_WORDS.findall(text)) >= 3)
    return not sport[0]


def _title_case(text: str) -> str:
    return re.sub(r"[A-Za-z]+", lambda m: m.group(0).capitalize(), text.lower())


def _display_score(m: Mention, counts: Counter) -> tuple:
    letters = [c for c in m.text if c.isalpha()]
    all_caps = bool(letters) and all(c.isupper() for c in letters) and len(letters) > 4
    return (not all_caps, len(m.key.split()), counts[m.text], -m.start_char)


def _strip_titles_text(text: str) -> str:
    words = text.split()
    while len(words) > 1 and words[0].lower().rstrip(".") in TITLES:
        words = words[1:]
    return " ".join(words)


def _make_entity(kind: str, ms: list[Mention], acronym_keys: set[str]) -> FoundEntity:
    if kind == "person":  # tagged as something else, then merged into a person: "General White"
        for m in ms:
            stripped = _strip_titles_text(m.text)
            if stripped != m.text:
                m.text, m.key = stripped, name_key(stripped)
    counts = Counter(m.text for m in ms)
    long_forms = [m for m in ms if m.key in acronym_keys]
    pool = long_forms or ms
    best = max(pool, key=lambda m: _display_score(m, counts))
    name = best.text
    if all_caps(name) and len(name) > 3 and (" " in name or kind == "place"):
        name = _title_case(name)  # "SAN MATEO" from a dateline -> "San Mateo"
    if kind == "person":
        name = " ".join(w for w in name.split())
    aliases: list[str] = []
    seen = {name_key(name)}
    for m in sorted(ms, key=lambda m: m.start_char):
        if m.key not in seen:
            seen.add(m.key)
            if (
                m.key in acronym_keys
                or len(m.key.split()) >= len(best.key.split())
                or m.text.isupper()
            ):
                aliases.append(m.text)
    return FoundEntity(kind=kind, name=name, mentions=dict(counts), aliases=aliases)


def typed_entities(
    doc, text: str, mentions: list[Mention], names: NameUnion, acronym_keys: set[str]
) -> list[tuple[int, FoundEntity, list[Mention]]]:
    """One FoundEntity per group of merged mentions, with the offset of its first mention and
    the mentions themselves, in the order the groups are first named."""
    groups: dict[str, list[Mention]] = defaultdict(list)
    for m in mentions:
        groups[names.find(m.key)].append(m)
    entities: list[tuple[int, FoundEntity, list[Mention]]] = []
    sport: list[bool] = []  # is this a sports story? (asked at most once, see _well_known_city)
    for ms in groups.values():
        kind = _group_kind(ms, acronym_keys)
        if kind == "person" and all(is_outlet_name(m.text) for m in ms):
            kind = "organization"  # "Al Jazeera said": the outlet, never a person
        elif kind != "place" and _well_known_city(doc, ms, text, sport):
            kind = "place"  # "Guwahati residents", "Sylhet recorded": the gazetteer knows better
        entity = _make_entity(kind, ms, acronym_keys)
        first = min(m.start_char for m in ms)
        entities.append((first, entity, ms))
    return entities


def _group_kind(ms: list[Mention], acronym_keys: set[str]) -> str:
    """The kind a group's mentions vote for (a name tagged place three times and person once
    is a place). A tie goes to place when the gazetteer knows one of the names, to
    organization for an acronym's long form or a mention its context made one, else to the
    longest name's kind."""
    votes: Counter = Counter()
    for m in ms:
        votes[m.kind] += m.weight
    top = votes.most_common()
    kind = top[0][0]
    if len(top) > 1 and top[1][1] == top[0][1]:
        tied = {k for k, c in top if c == top[0][1]}
        if "place" in tied and any(gazetteer().lookup(m.text) for m in ms):
            kind = "place"
        elif "organization" in tied and any(
            m.key in acronym_keys or (m.kind == "organization" and m.weight > 1) for m in ms
        ):
            kind = "organization"
        else:
            longest = max(ms, key=lambda m: (len(m.key.split()), len(m.text)))
            kind = longest.kind if longest.kind in tied else kind
    return kind
