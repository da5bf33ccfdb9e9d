"""The small curated tables shipped as data (articles/ingest/data/): the commonest entities'
other names, and words that name no entity.

``entities.csv``: kind, canonical name, other names separated by "|", why. Every name of a
row is that entity, whatever kind the tagger gave it ("Houthis" tagged a person is the
organization). ``not_entities.csv``: name, class (unit, calendar, religion, award, event,
disease, abbreviation, group noun, people: a people no country's name gives, "Bedouin").
Editors' decisions in the admin go further; these tables hold what is true of any news
archive.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ...extraction.names import name_key
from ...extraction.variants import match_key

DATA = Path(__file__).resolve().parent.parent / "data"
# Words that make a day of a month or feast ("Ramazan Jom'at al-Veda", "Eid al-Ghadir").
DAY_WORDS = frozenset(
    "jomat jomeh juma jumah jumaa jumuah jummah friday fitr adha ghadir qadr mubarak".split()
)


@dataclass(frozen=True)
class CuratedEntity:
    kind: str
    name: str
    other_names: tuple[str, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.other_names)


@dataclass(frozen=True)
class Curated:
    entities: tuple[CuratedEntity, ...]
    by_key: dict[str, CuratedEntity]  # name key of any of its names -> the entity
    by_match_key: dict[tuple[str, str], CuratedEntity]  # (kind, match key) -> the entity
    not_entities: dict[str, str]  # name key -> class
    not_entity_match_keys: dict[tuple[str, str], str]  # (kind, match key) -> class

    def entity_for(self, kind: str, name: str) -> CuratedEntity | None:
        """The curated entity a name is, whatever kind it was tagged with."""
        key = name_key(name)
        found = self.by_key.get(key)
        if found is None:
            found = self.by_match_key.get((kind, match_key(kind, name)))
            if found is not None and kind == "organization" and " " not in key:
                found = found if _one_word_name(found, kind, name) else None
        return found

    def not_entity_class(self, name: str, kind: str = "") -> str | None:
        """The class of word a name is ("unit", "religion"...), if it names no entity;
        spelling variants count ("Prophet Mohammad"), and so does a holy day of a month the
        table lists ("Ramazan Jom'at al-Veda": the last Friday of Ramadan, no person)."""
        found = self.not_entities.get(name_key(name))
        if found is None and kind:
            found = self.not_entity_match_keys.get((kind, match_key(kind, name)))
        words = name_key(name).split()
        if found is None and len(words) > 1 and DAY_WORDS & set(words[1:]):
            if self.not_entities.get(words[0]) == "calendar":
                found = "calendar"
        return found


def _one_word_name(entity: CuratedEntity, kind: str, name: str) -> bool:
    """Does the curated entity have a one-word name of this match key? "Treasury" alone is
    not the U.S. Treasury wherever it is written: its context decides (org_short_names)."""
    wanted = match_key(kind, name)
    return any(" " not in name_key(n) and match_key(kind, n) == wanted for n in entity.names)


@cache
def curated() -> Curated:
    entities = []
    with open(DATA / "entities.csv", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            others = tuple(n.strip() for n in row["other names (separated by |)"].split("|"))
            entities.append(
                CuratedEntity(row["kind"], row["name"].strip(), tuple(filter(None, others)))
            )
    by_key: dict[str, CuratedEntity] = {}
    by_match_key: dict[tuple[str, str], CuratedEntity] = {}
    for entity in entities:
        for name in entity.names:
            by_key.setdefault(name_key(name), entity)
            by_match_key.setdefault((entity.kind, match_key(entity.kind, name)), entity)
    not_entities, by_match = {}, {}
    with open(DATA / "not_entities.csv", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            not_entities[name_key(row["name"])] = row["class"]
            for kind in ("place", "organization", "person"):
                by_match.setdefault((kind, match_key(kind, row["name"])), row["class"])
    return Curated(tuple(entities), by_key, by_match_key, not_entities, by_match)
