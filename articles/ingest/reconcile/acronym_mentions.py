"""An acronym written where the organization it stands for is named in full ("the AHC"
beside "Asian Handball Confederation"; "The Commodity Credit Corporation, CCC, has ..."),
given to that organization mention by mention, as one-word short forms are
(org_short_names), with the same recorded MergeRecord evidence: where the same article names
in full exactly one organization the acronym spells (Schwartz & Hearst's reading,
variants.spells).

Extraction links an acronym to its name only where the article defines it in brackets
("International Organization for Migration (IOM)"); this takes the rest. "CBC" in a CNN story
naming the Congressional Black Caucus is the caucus, in a story naming the Canadian
Broadcasting Corporation the broadcaster: one acronym is never merged across its meanings.
An acronym alone is left as it is, whatever its outlet and period use it for: in Reuters
1987 "CCC" alone is the Commodity Credit Corporation in grain stories, but as often an S&P
rating ("CCC-plus") or Commercial Credit's ticker ("<CCC>"). A whole acronym joins an
organization only when the archive defines it for that one (rules._learned_acronyms).

Only acronyms of MIN_LETTERS or more written in capitals and no place's ("UAE"); a title
filed as an organization ("National Security Advisor") is no acronym's sense ("NSA"). An
acronym an alias, the curated table or an editor settled is left alone, as is what an editor
put on an article.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ...extraction.names import name_key
from ...extraction.places import gazetteer
from ...extraction.variants import acronym_key, spells
from ...models import Entity, EntityAlias, EntityDecision, Mention
from .curated import Curated
from .evidence import mention_rows
from .junk import TITLE_ENDS
from .org_short_names import full_name
from .short_names import Move

KIND = "organization"
MIN_LETTERS = 3


def written_as_acronym(name: str) -> str:
    """The acronym's letters when ``name`` is written as one ("IOM", "C.C.C."), else ""."""
    letters = acronym_key(name)
    if len(letters) < MIN_LETTERS or not name.replace(".", "").isupper():
        return ""
    return letters


def a_title(key: str) -> bool:
    return key.split()[-1] in TITLE_ENDS


@dataclass(frozen=True)
class Written:
    """An acronym's mention on its own entity."""

    mention_id: int
    entity_id: int
    letters: str
    form: str
    article_id: int


def settled(cur: Curated) -> set[str]:
    """Acronyms the curated table, an alias or an editor decided about."""
    keys = {name_key(n) for e in cur.entities for n in e.names}
    keys |= set(EntityAlias.objects.filter(kind=KIND).values_list("key", flat=True))
    editors = EntityDecision.objects.filter(kind=KIND, origin=EntityDecision.Origin.EDITOR)
    keys |= set(editors.values_list("key", flat=True))
    return keys


def plan_moves(cur: Curated) -> list[Move]:
    """Every acronym mention its article gives to an organization named in full."""
    skip = settled(cur)
    acronyms: dict[int, str] = {}
    names: dict[int, str] = {}
    for pk, name, key in Entity.objects.filter(kind=KIND).values_list("id", "name", "key"):
        letters = written_as_acronym(name)
        if letters and key not in skip and gazetteer().lookup(name) is None:
            acronyms[pk] = letters
        elif full_name(key) and not a_title(key):
            names[pk] = name
    in_article: dict[int, set[int]] = defaultdict(set)
    written: list[Written] = []
    for mention_id, entity_id, article_id, _, _, forms, origin in mention_rows(KIND):
        if entity_id in names:
            if any(full_name(name_key(f)) for f in forms if isinstance(f, str)):
                in_article[article_id].add(entity_id)
            continue
        letters = acronyms.get(entity_id)
        if letters and origin != Mention.Origin.EDITOR:
            form = next((f for f in forms if isinstance(f, str) and f.strip()), letters.upper())
            written.append(Written(mention_id, entity_id, letters, form, article_id))
    return decide(written, in_article, names)


def decide(
    written: list[Written], in_article: dict[int, set[int]], names: dict[int, str]
) -> list[Move]:
    """Each written acronym's organization: the one organization its article names in full
    that it spells; none when the article names none or two ("CCC" beside the Commodity
    Credit Corporation and Commercial Credit Co)."""
    moves = []
    for w in written:
        found = [o for o in in_article.get(w.article_id, ()) if spells(w.letters, names[o])]
        if len(found) != 1:
            continue
        evidence = {"context": "article", "acronym": w.letters.upper()}
        moves.append(
            Move(
                w.mention_id,
                w.entity_id,
                w.article_id,
                found[0],
                w.letters,
                w.form,
                evidence,
                kind=KIND,
            )
        )
    return moves
