"""Values that are no place, organization or person as named, and what they are (pure).

Not entities:
- a nationality or a people ("Tajiks", "Britons"; "Bedouin" by the curated table), a name's
  suffix alone ("Jr");
- a generic word with no name ("Agency", the IAEA called "the Agency"; "U.S. Agency");
- an ordinary word the tagger took for a name ("Nevertheless", "ESCROWED"), decided by the
  word list of words English writes in lower case and, where the archive has any, by how
  its own articles write it;
- a treaty or agreement ("Non-Proliferation Treaty", "Additional Protocol"), a ship ("the
  tanker Stena Impero"), a title ("National Security Advisor", "Foreign Ministry
  Spokesman"; not the "Office of the Special Envoy"): not organizations, and this archive
  files no other kind.
Another kind: a building or venue filed as a person ("Ganjali Khan Bathhouse", "at
Anfield") is a place. Debris: a name cut after a small word ("Board of Governors of the") or
with a source glued on after a comma ("Strait of Hormuz, Tasnim") is the name before it.
"""

from __future__ import annotations

from functools import lru_cache

from ...extraction.headlines import common_words
from ...extraction.names import name_key
from ...extraction.outlets import is_outlet_name
from ...extraction.person_names import PERSON_SUFFIXES
from ...extraction.places import demonym_country, gazetteer
from ...extraction.variants import org_words
from ...extraction.wordlists import given_names
from .evidence import Evidence, Name
from .proposals import DEBRIS, KIND, NOT_ENTITY, RENAME, SAME, Proposal

# Words that name a kind of organization, not one: alone (or after "U.S."), no name.
GENERIC_ORGANIZATION = frozenset(
    """agency company organization organisation group firm body department office bureau
    ministry committee commission council board authority administration""".split()
)
TREATY_WORDS = frozenset(
    "treaty protocol accord accords agreement convention charter pact memorandum".split()
)
BUILDING_WORDS = frozenset(
    """bathhouse bath mosque palace stadium bridge tower hotel museum hall square garden
    gardens bazaar caravanserai castle fort fortress cathedral church temple shrine mausoleum
    tomb airport station arena theatre theater library monument gate dam""".split()
)
# What a title ends with: filed as an organization, it names someone's post.
TITLE_ENDS = frozenset(
    """adviser advisor secretary minister spokesman spokeswoman spokesperson ambassador envoy
    president chairman chairwoman director governor""".split()
)
SMALL_TAIL = frozenset({"of", "the", "and", "for", "to", "in", "on", "at", "a", "an"})
MIN_VESSEL = 2  # times written after "tanker", "vessel"...
VESSEL_SHARE = 0.2  # of its articles
LOCATED_SHARE = 0.5  # of its capitalized uses after "at" or "in": a place
MIN_LOCATED = 3
LOWER_SHARE = 0.75  # of its uses in lower case: an ordinary word
MIN_USES = 3
MIN_ARTICLES = 3  # from here on rules._not_entity weighs the archive's evidence


def junk_names(names: list[Name], ev: Evidence, parts: set[str]) -> list[Proposal]:
    """Not entities, and debris of names (see the module docstring)."""
    by_key = ev.by_key()  # every stored name, even one no article names now
    out = []
    for name in names:
        if name.edited:
            continue
        proposal = (
            _debris(name, by_key)
            or _suffix_alone(name)
            or _nationality(name, parts)
            or _treaty(name)
            or _title(name)
            or _vessel(name, ev)
            or _generic_organization(name)
            or _ordinary_word(name, ev, parts)
        )
        if proposal is not None:
            out.append(proposal)
    return out


def junk_kinds(names: list[Name], ev: Evidence, parts: set[str]) -> list[Proposal]:
    """Buildings and venues filed as people are places."""
    out = []
    for name in names:
        if name.kind != "person" or name.edited:
            continue
        words = name.words
        if len(words) > 1 and words[-1] in BUILDING_WORDS:
            if words[0] in _given():
                continue  # "John Tower", "Thomas Haden Church": a surname
            out.append(Proposal(KIND, name, kind="place", score=0.9, reason="a building's name"))
        elif len(words) == 1 and name.key not in parts:
            located, capitalized = ev.case.located[name.key], ev.case.capitalized[name.key]
            if located >= MIN_LOCATED and located >= LOCATED_SHARE * max(capitalized, 1):
                out.append(
                    Proposal(
                        KIND,
                        name,
                        kind="place",
                        score=0.9,
                        reason="written as a place (“at …”, “in …”)",
                        evidence={"at_or_in": located, "capitalized": capitalized},
                    )
                )
    return out


def _debris(name: Name, by_key) -> Proposal | None:
    words = name.name.split()
    if len(words) > 1 and words[-1].lower() in SMALL_TAIL:
        while len(words) > 1 and words[-1].lower() in SMALL_TAIL:
            words = words[:-1]
        whole = " ".join(words)
        target = by_key.get((name.kind, name_key(whole)))
        if target is not None and target.id != name.id:
            return Proposal(SAME, name, target, score=0.95, reason="a name cut short")
        if len(words) == 1:  # "Office of the", "University of the": no name left
            return Proposal(NOT_ENTITY, name, score=0.9, reason="a name cut short")
        return Proposal(RENAME, name, rename=whole, score=0.95, reason="a name cut short")
    head, _, tail = name.name.partition(",")
    if tail and _source_or_place(tail.strip()):
        target = by_key.get((name.kind, name_key(head)))
        if target is not None and target.id != name.id:
            return Proposal(SAME, name, target, score=0.95, reason=DEBRIS)
    return None


def _source_or_place(tail: str) -> bool:
    """ "Tasnim", "London": what a dateline or a credit adds after a comma; not the rest of
    a name ("Ministry of Science, Research and Technology")."""
    words = tail.split()
    if not 1 <= len(words) <= 2 or not all(w[:1].isupper() for w in words):
        return False
    place = gazetteer().lookup(tail)
    return is_outlet_name(tail) or (place is not None and place.feature in PLACE_FEATURES)


PLACE_FEATURES = ("country", "city", "region", "us-state", "continent")


def _suffix_alone(name: Name) -> Proposal | None:
    """ "Jr", "III": what follows a name, no name of its own."""
    if name.kind == "person" and name.key in PERSON_SUFFIXES:
        return Proposal(NOT_ENTITY, name, score=0.9, reason="a name's suffix alone")
    return None


def _nationality(name: Name, parts: set[str]) -> Proposal | None:
    """A nationality or a people ("Tajiks", "Britons", "Bangladeshi") taken for a person or
    an organization. Not a place of that name ("Fiji"), a given name ("Francis") or a word of
    someone the archive names in full ("Welsh" of Irvine Welsh: short_names decides it)."""
    if name.kind == "place" or " " in name.key or not demonym_country(name.key):
        return None
    if name.key in parts or name.key in _given() or gazetteer().lookup(name.name) is not None:
        return None
    return Proposal(NOT_ENTITY, name, score=0.9, reason="a nationality, no person or organization")


def _treaty(name: Name) -> Proposal | None:
    words = name.words
    if len(words) > 1 and words[-1] in TREATY_WORDS and name.kind != "person":
        return Proposal(NOT_ENTITY, name, score=0.9, reason="a treaty, agreement or convention")
    return None


def _title(name: Name) -> Proposal | None:
    words = name.words
    if name.kind == "organization" and len(words) > 1 and words[-1] in TITLE_ENDS:
        if "office" not in words:
            return Proposal(NOT_ENTITY, name, score=0.9, reason="a title, no organization")
    return None


def _vessel(name: Name, ev: Evidence) -> Proposal | None:
    n = ev.vessels.get(name.key, 0)
    if n >= MIN_VESSEL and n >= VESSEL_SHARE * name.articles:
        if gazetteer().lookup(name.name) is not None:
            return None  # "the destroyer Shahrekord" is named after the city
        return Proposal(
            NOT_ENTITY,
            name,
            score=0.9,
            reason="a ship",
            evidence={"written_as_a_ship": n, "articles": name.articles},
        )
    return None


def _generic_organization(name: Name) -> Proposal | None:
    if name.kind != "organization":
        return None
    words = org_words(name.name)
    if len(words) == 1 and words[0] in GENERIC_ORGANIZATION:
        qualified = name_key(name.name).split()
        if len(qualified) == 1 or not any(demonym_country(w) for w in qualified):
            return Proposal(NOT_ENTITY, name, score=0.9, reason="a kind of organization, no name")
    return None


def _ordinary_word(name: Name, ev: Evidence, parts: set[str]) -> Proposal | None:
    """A word English writes in lower case, taken for a name, and no name here: none of the
    archive's people is called by it, no place of the gazetteer, no acronym, no outlet."""
    key = name.key
    if " " in key or not key.isalpha() or key not in common_words() or key in parts:
        return None
    if name.articles >= MIN_ARTICLES and not name.name.isupper():
        return None  # enough articles for the archive's own evidence (rules._not_entity)
    if key in _given() or is_outlet_name(name.name) or gazetteer().lookup(name.name):
        return None
    if name.name.isupper() and len(key) <= 5:
        return None  # "NATO", "OPEC", "AIDS"
    share, uses = ev.case.lower_share(key)
    if name.name.isupper() or (uses >= MIN_USES and share >= LOWER_SHARE):
        evidence = {"lower_case_share": round(share, 3), "uses": uses}
        return Proposal(NOT_ENTITY, name, score=0.9, reason="an ordinary word", evidence=evidence)
    return None


@lru_cache(maxsize=1)
def _given() -> frozenset[str]:
    return frozenset(n.lower() for n in given_names())
