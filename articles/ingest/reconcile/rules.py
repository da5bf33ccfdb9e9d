"""What the archive's evidence proposes about each stored entity: pure functions, no writes.

Each rule returns proposals with a score: at AUTO or above `resolve_entities` applies them,
from SUGGEST up they wait for an editor in the admin, below they are dropped. Rules, by the
mistake they catch:

- curated: the commonest entities' other names and kinds (data/entities.csv), and words that
  name nothing (data/not_entities.csv);
- not an entity, from evidence: dateline codes ("JUL7"), a word the archive mostly writes
  in lower case ("Nine", "State", "Proceeds"), an all-capital word that is an ordinary word
  ("COMPLETES");
- wrong kind: an acronym tagged a person ("MEK"), a company tagged a person ("Drexel
  Burnham Lambert Inc"), a place or an outlet tagged a person, a title's tail glued to a
  person ("State Mike Pompeo"), one name mostly of one kind;
- one entity, several values: the same match key (honorifics, transliterations, legal forms,
  spelling), an acronym the archive defines ("Islamic Revolution Guards Corps (IRGC)"), the
  same initials and most words ("Islamic Republic Guard Corps"), dropped middle initials;
- places: regions and seas get no single country; dateline debris ("TEHRAN - Iranian").
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from ...extraction.headlines import common_words
from ...extraction.names import name_key
from ...extraction.outlets import is_outlet_name
from ...extraction.person_names import person_shaped
from ...extraction.place_names import SINGLE_COUNTRY_PLACES
from ...extraction.places import NAMED_FEATURES, gazetteer
from ...extraction.variants import (
    LEGAL_FORMS,
    ORG_FORMS,
    PERSON_PREFIXES,
    acronym_key,
    initials,
    org_words,
)
from ...extraction.wordlists import given_names
from . import org_short_names
from .curated import Curated
from .evidence import Evidence, Name
from .fragments import fragment_rules
from .given_names import given_name_rules
from .junk import junk_kinds, junk_names
from .org_rules import organization_rules
from .proposals import (
    COUNTRY,
    DEBRIS,
    KIND,
    NOT_ENTITY,
    RENAME,
    SAME,
    VARIANT_SPELLING,
    Proposal,
)

DATELINE_CODE = re.compile(r"^(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)\d{1,2}$")
ROLE_WORDS = frozenset(
    """state secretary minister president senator sen rep governor gov leader chairman chief
    spokesman spokeswoman envoy ambassador general commander director ceo adviser advisor
    deputy vice foreign defense defence interior""".split()
)
ORG_WORDS = ORG_FORMS | frozenset(
    """bank university college party brothers lambert securities exchange association
    institute ministry department agency council committee commission company corporation
    foundation fund union municipality""".split()
)
# What a place the gazetteer does not know ends with when it is an organization.
PLACE_ORG_WORDS = ORG_WORDS | {"railway", "railways"}
MIN_ARTICLES = 3  # entities named in fewer articles are left to editors and later runs
PART_ARTICLES = 20  # a person named this often makes their first and last names names


def propose(ev: Evidence, cur: Curated) -> list[Proposal]:
    """Every proposal the evidence supports, at most one decision per entity: curated
    tables first, then non-entities, wrong kinds and merges, in that order."""
    names = [n for n in ev.names.values() if n.articles]
    decided: dict[int, Proposal] = {}
    curated_proposals = curated_rules(names, cur, ev)
    # A curated entity's survivor stays: no other rule merges it away.
    survivors = {p.target.id for p in curated_proposals if p.target is not None}
    survivors |= {p.subject.id for p in curated_proposals if p.verdict == RENAME}
    parts = _name_parts(names)
    rounds = (
        curated_proposals,
        not_entity_rules(names, ev, cur) + junk_names(names, ev, parts),
        kind_rules(names, ev) + junk_kinds(names, ev, parts),
        merge_rules(names, ev) + fragment_rules(names, ev) + organization_rules(names, ev),
    )
    renames = []
    for proposals in rounds:
        for proposal in proposals:
            if proposal.verdict == RENAME:
                renames.append(proposal)
                continue
            if proposal.subject.id in survivors and proposal.verdict == SAME:
                continue
            current = decided.get(proposal.subject.id)
            if current is None or (not current.automatic and proposal.score > current.score):
                decided[proposal.subject.id] = proposal
    out = list(decided.values())
    out += place_rules(names, {p.subject.id for p in out if p.automatic}, ev.place_countries)
    return out + [r for r in renames if r.subject.id not in decided]


# --- curated tables --------------------------------------------------------------------------


def curated_rules(names: list[Name], cur: Curated, ev: Evidence) -> list[Proposal]:
    """Every stored name of a curated entity becomes that entity, of its curated kind; the
    survivor is the entity already under the curated name, else the most named member."""
    members: dict[str, list[Name]] = defaultdict(list)
    out = []
    for name in names:
        klass = cur.not_entity_class(name.name, name.kind)
        if klass:
            out.append(Proposal(NOT_ENTITY, name, reason=f"a {klass} word (curated)"))
            continue
        entity = cur.entity_for(name.kind, name.name)
        if entity is None or (
            name.kind == "place" and entity.kind != "place" and gazetteer().lookup(name.name)
        ):
            continue  # a known place ("Fars") is not the outlet named after it; "Daesh" is no place
        members[entity.name].append(name)
    by_name = {e.name: e for e in cur.entities}
    for canonical_name, group in members.items():
        entity = by_name[canonical_name]
        canonical_key = name_key(entity.name)
        same_kind = [n for n in group if n.kind == entity.kind]
        exact = [n for n in same_kind if n.key == canonical_key]
        survivor = exact[0] if exact else (_survivor(same_kind) if same_kind else None)
        for name in group:
            if survivor is None:
                out.append(Proposal(KIND, name, kind=entity.kind, reason=f"curated: {entity.name}"))
            elif name.id != survivor.id:
                out.append(Proposal(SAME, name, survivor, reason=f"curated: {entity.name}"))
        if survivor is not None and survivor.name != entity.name:
            out.append(Proposal(RENAME, survivor, rename=entity.name, reason="the curated name"))
    return out


# --- not entities ------------------------------------------------------------------------------


def not_entity_rules(names: list[Name], ev: Evidence, cur: Curated) -> list[Proposal]:
    surnames = _name_parts(names)
    ordinary = common_words()
    out = []
    for name in names:
        if name.edited or cur.entity_for(name.kind, name.name) is not None:
            continue
        proposal = _not_entity(name, ev, surnames, ordinary)
        if proposal is not None:
            out.append(proposal)
    return out


def _not_entity(name: Name, ev: Evidence, parts: set[str], ordinary) -> Proposal | None:
    key = name.key
    if DATELINE_CODE.match(key.replace(" ", "")):
        return Proposal(NOT_ENTITY, name, reason="a dateline code")
    if name.kind == "organization" and key and all(w in ORG_FORMS for w in key.split()):
        return Proposal(NOT_ENTITY, name, reason="a legal form alone")
    if " " in key or not key.isalpha() or name.articles < MIN_ARTICLES:
        return None
    if name.kind == "place" and gazetteer().lookup(name.name) is not None:
        return None  # "Turkey", "Chad": the gazetteer knows the place
    share, uses = ev.case.lower_share(key)
    if name.kind == "person" and key in parts and share < 0.9:
        return None  # "White", "Bill": a short form of someone, resolved per article
    evidence = {"lower_case_share": round(share, 3), "uses": uses}
    if name.name.isupper() and len(key) > 4 and key in ordinary:
        return Proposal(
            NOT_ENTITY, name, score=0.9, reason="an ordinary word in capitals", evidence=evidence
        )
    # Few uses are enough when nearly all are in lower case, but not for a name written in
    # capitals ("DW", "API"): its lower-case twins are mostly web addresses.
    few_enough = uses >= 5 and share >= 0.9 and not name.name.isupper()
    if (uses >= 20 and share >= 0.6) or few_enough:
        score = 0.9 if share >= 0.75 else 0.6
        return Proposal(
            NOT_ENTITY, name, score=score, reason="mostly written in lower case", evidence=evidence
        )
    return None


def _name_parts(names: Iterable[Name]) -> set[str]:
    """First and last words of the people the archive names in full, often enough."""
    parts = set()
    for name in names:
        words = name.words
        if name.kind == "person" and len(words) > 1 and name.articles >= PART_ARTICLES:
            parts.update((words[0], words[-1]))
    return parts


# --- wrong kinds --------------------------------------------------------------------------------


def kind_rules(names: list[Name], ev: Evidence) -> list[Proposal]:
    by_key = ev.by_key()
    people = {n.key: n for n in names if n.kind == "person" and " " in n.key}
    parts = _name_parts(names)
    every_part = {w for key in people for w in (key.split()[0], key.split()[-1])}
    out = []
    for name in names:
        if name.edited:
            continue
        proposal = (
            _person_of_another_kind(name, parts)
            or _place_named_as_no_one(name, every_part, ev.roled, by_key)
            if name.kind == "person"
            else _title_glued_to_person(name, people)
        )
        proposal = proposal or _person_filed_as_another_kind(name, by_key)
        proposal = proposal or _minority_kind(name, by_key, parts)
        if proposal is not None:
            out.append(proposal)
    return out


def _person_of_another_kind(name: Name, parts: set[str]) -> Proposal | None:
    words = name.words
    if is_outlet_name(name.name):
        return Proposal(KIND, name, kind="organization", reason="an outlet's name")
    if words and words[-1] in ORG_WORDS and len(words) > 1:
        return Proposal(KIND, name, kind="organization", score=0.9, reason="a company's name")
    if name.name.isupper() and " " not in name.key and 2 <= len(name.key) <= 5:
        if name.key not in parts:  # "LAWSON" in a Reuters headline is Nigel Lawson
            return Proposal(KIND, name, kind="organization", score=0.9, reason="an acronym")
    place = gazetteer().lookup(name.name)
    if place is not None and place.feature in (*NAMED_FEATURES, "continent"):
        return Proposal(KIND, name, kind="place", score=0.9, reason=f"a {place.feature}")
    return None


def _place_named_as_no_one(
    name: Name, name_parts: set[str], roled: set[int], by_key
) -> Proposal | None:
    """ "Jenin" the person: one word the gazetteer knows as a place and the archive files as
    a place more often, that is no word of any person's name the archive writes in full, no
    given name, and that no role word is written beside ("President Assad" would be): the
    place. Not "Bush" (a city in Egypt, and George W. Bush's surname), "Chelsea" (Chelsea
    Clinton) or "Fernandez" (a surname and a town, never filed as a place)."""
    key = name.key
    if " " in key or not key.isalpha() or key in name_parts or name.id in roled:
        return None
    if key in _given_name_keys() or key in common_words():
        return None
    as_place = by_key.get(("place", key))
    if as_place is None or as_place.articles < name.articles:
        return None
    place = gazetteer().lookup(name.name)
    if place is None:
        return None
    reason = f"a {place.feature} named as no one"
    return Proposal(KIND, name, kind="place", score=0.9, reason=reason)


@lru_cache(maxsize=1)
def _given_name_keys() -> frozenset[str]:
    return frozenset(n.lower() for n in given_names())


def _title_glued_to_person(name: Name, people: dict[str, Name]) -> Proposal | None:
    """ "State Mike Pompeo": the tail of "Secretary of State" and a person."""
    words = name.words
    for cut in range(1, min(3, len(words) - 1)):
        head, tail = words[:cut], " ".join(words[cut:])
        person = people.get(tail)
        if person is not None and all(w in ROLE_WORDS for w in head):
            return Proposal(SAME, name, person, score=0.95, reason="a title's tail and a person")
    return None


def _person_filed_as_another_kind(name: Name, by_key) -> Proposal | None:
    """ "Nikki Haley" the organization (76 articles) beside "Nikki Haley" the person (73): a
    person-shaped name the archive also files as a person is that person, whichever kind the
    tagger chose more often ("Charles Schwab" the company has no person twin of that size).
    Places too, when the gazetteer does not know them ("Sourena Sattari")."""
    if name.kind == "person" or not person_shaped(name.name.split()):
        return None
    if name.kind == "place" and gazetteer().lookup(name.name) is not None:
        return None
    person = by_key.get(("person", name.key))
    if person is None or person.articles < MIN_ARTICLES or 2 * person.articles < name.articles:
        return None
    filed_as = "a place" if name.kind == "place" else "an organization"
    return Proposal(
        SAME,
        name,
        person,
        score=0.9,
        reason=f"a person's name filed as {filed_as}",
        evidence={"articles": name.articles, "as_person": person.articles},
    )


def _minority_kind(name: Name, by_key, parts: set[str]) -> Proposal | None:
    """One name mostly of one kind: the few others follow (not place/person homonyms:
    "Jordan" the country and the player; nor a word that is a first or last name of people
    the archive names: "Chelsea" the club is not Chelsea Manning, whose "Chelsea" alone is
    decided article by article)."""
    best = max(
        (
            by_key[(k, name.key)]
            for k in ("place", "organization", "person")
            if (k, name.key) in by_key
        ),
        key=lambda n: n.articles,
    )
    # A full name of several words is rarely two kinds ("Nancy Pelosi" the organization is an
    # extraction slip): twice the articles is evidence enough; one word needs five times.
    ratio = 2 if " " in name.key else 5
    if best.id == name.id or best.articles < 20 or best.articles < ratio * name.articles:
        return None
    one_word = " " not in name.key
    homonyms = one_word and (
        {name.kind, best.kind} == {"place", "person"}
        or ("person" in (name.kind, best.kind) and name.key in parts)
    )
    score = 0.6 if homonyms else 0.9
    return Proposal(
        SAME,
        name,
        best,
        score=score,
        reason=f"mostly {'an' if best.kind == 'organization' else 'a'} {best.kind}",
        evidence={"articles": name.articles, "as_" + best.kind: best.articles},
    )


# --- one entity, several values ------------------------------------------------------------------


def merge_rules(names: list[Name], ev: Evidence) -> list[Proposal]:
    out = []
    out += _same_match_key(names)
    out += _learned_acronyms(names, ev)
    out += _initials_family(names)
    out += _dropped_initials(names)
    out += given_name_rules(names, ev)
    return out


def _survivor(group: list[Name]) -> Name:
    """The member whose name is shown: the most named one, unless another member says the
    same without an honorific or legal form ("Hassan Nasrallah", "Chrysler")."""
    best = max(group, key=lambda n: (n.articles, -len(n.name), -n.id))
    plain = [n for n in group if _plain(n)]
    if not _plain(best) and plain:
        return max(plain, key=lambda n: (n.articles, -n.id))
    return best


def _plain(name: Name) -> bool:
    if name.name.count("(") != name.name.count(")") or name.name.endswith(")"):
        return False  # "... (OIC", "... (OIC)": the bracket is not part of the name
    words = name.words
    if name.kind == "person":
        return bool(words) and words[0] not in PERSON_PREFIXES
    if name.kind == "organization":
        return bool(words) and words[-1] not in LEGAL_FORMS
    return True


def _same_match_key(names: list[Name]) -> list[Proposal]:
    groups: dict[tuple[str, str], list[Name]] = defaultdict(list)
    for name in names:
        if not name.match_key or (name.kind == "person" and " " not in name.match_key):
            continue  # a surname or given name alone is resolved per article (short_names)
        groups[(name.kind, name.match_key)].append(name)
    out = []
    for (kind, _), group in groups.items():
        if kind == "organization":
            group = org_short_names.without_short_forms(group)
        if len(group) < 2:
            continue
        survivor = _survivor(group)
        for name in group:
            if name.id != survivor.id:
                out.append(Proposal(SAME, name, survivor, score=0.95, reason=VARIANT_SPELLING))
    return out


def _learned_acronyms(names: list[Name], ev: Evidence) -> list[Proposal]:
    """ "UN" is "United Nations" where the archive writes "United Nations (UN)" often, and
    (nearly) always with that expansion."""
    by_acronym: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for (short, long), n in ev.acronyms.items():
        by_acronym[short].append((long, n))
    orgs = {n.key: n for n in names if n.kind == "organization"}
    out = []
    for name in names:
        letters = acronym_key(name.name)
        if name.kind == "place" or not letters or not name.name[:2].isupper():
            continue
        pairs = sorted(by_acronym.get(letters, ()), key=lambda p: -p[1])
        total = sum(n for _, n in pairs)
        for long, n in pairs[:1]:
            target = orgs.get(long)
            if target is None or target.id == name.id or n < 3:
                continue
            share = n / total
            score = 0.95 if share >= 0.7 else 0.6 if share >= 0.4 else 0.0
            if score:
                out.append(
                    Proposal(
                        SAME,
                        name,
                        target,
                        score=score,
                        reason="an acronym the archive defines",
                        evidence={"defined": n, "share": round(share, 2)},
                    )
                )
    return out


def _initials_family(names: list[Name]) -> list[Proposal]:
    """ "Islamic Republic Guard Corps" beside "Islamic Revolution Guards Corps": the same
    initials and most words in common."""
    groups: dict[str, list[Name]] = defaultdict(list)
    for name in names:
        letters = initials(name.name)
        if name.kind == "organization" and len(letters) >= 3 and name.articles >= MIN_ARTICLES:
            groups[letters].append(name)
    out = []
    for group in groups.values():
        if len(group) < 2:
            continue
        survivor = _survivor(group)
        mine = set(org_words(survivor.name))
        for name in group:
            if name.id == survivor.id:
                continue
            theirs = set(org_words(name.name))
            overlap = len(mine & theirs) / len(mine | theirs)
            score = 0.6 if overlap >= 0.6 else 0.0  # an editor decides: Tokyo is not Toronto
            if score:
                out.append(
                    Proposal(
                        SAME,
                        name,
                        survivor,
                        score=score,
                        reason="same initials, most words",
                        evidence={"overlap": round(overlap, 2)},
                    )
                )
    return out


def _dropped_initials(names: list[Name]) -> list[Proposal]:
    """ "Donald J Trump" is "Donald Trump" when no other Donald ? Trump is named."""
    people = [n for n in names if n.kind == "person" and len(n.words) >= 2]
    by_ends: dict[tuple[str, str], list[Name]] = defaultdict(list)
    for name in people:
        by_ends[(name.words[0], name.words[-1])].append(name)
    out = []
    for group in by_ends.values():
        plain = [n for n in group if len(n.words) == 2]
        initialled = [
            n for n in group if len(n.words) > 2 and all(len(w) == 1 for w in n.words[1:-1])
        ]
        if len(plain) != 1 or not initialled:
            continue
        distinct = {tuple(n.words[1:-1]) for n in initialled}
        if len(distinct) == 1:
            for name in initialled:
                out.append(Proposal(SAME, name, plain[0], score=0.9, reason="a middle initial"))
    return out


# --- places -------------------------------------------------------------------------------------


def place_rules(names: list[Name], settled: set[int], countries: dict) -> list[Proposal]:
    """Regions and seas the gazetteer knows span countries lose the single country they were
    filed under; dateline debris ("TEHRAN - Iranian") is the place it starts with."""
    places = {n.key: n for n in names if n.kind == "place"}
    out = []
    for name in names:
        if name.kind != "place" or name.id in settled:
            continue
        if name.key in COMPASS_WORDS:
            out.append(Proposal(NOT_ENTITY, name, score=0.9, reason="a direction, no place"))
            continue
        head = _DATELINE_DASH.split(name.name, maxsplit=1)[0]
        if head != name.name and name_key(head) in places:
            out.append(Proposal(SAME, name, places[name_key(head)], score=0.95, reason=DEBRIS))
            continue
        place = gazetteer().lookup(name.name)
        if place is None and name.articles >= MIN_ARTICLES:
            moved = _place_of_another_kind(name)
            if moved is not None:
                out.append(moved)
                continue
        site = _single_country_place(name.key) or (
            _place_at_head(name.name) if place is None else None  # "Baghdad ... Airport"
        )
        if site is not None and site.country:
            # a site or region in one country the gazetteer knows, or a site named after one:
            # settled, whatever the countries its articles name
            if site.country != name.country:
                reason = f"in {site.name}" if site.name != name.name else "the gazetteer"
                out.append(
                    Proposal(
                        COUNTRY, name, country=site.country, feature=name.feature, reason=reason
                    )
                )
            continue
        if place is not None and not place.country and name.country:
            out.append(
                Proposal(
                    COUNTRY,
                    name,
                    country="",
                    feature=place.feature,
                    reason=f"a {place.feature} spanning countries",
                )
            )
        elif place is None and name.articles >= MIN_ARTICLES:
            proposal = _country_from_neighbours(name, countries.get(name.id))
            if proposal is not None:
                out.append(proposal)
    return out


# A direction alone is no place ("North" the place; "North" the person is Oliver North).
COMPASS_WORDS = frozenset("north south northern southern eastern western".split())

# Words a facility or division adds to the place it is in: "Baghdad International Airport",
# "Azerbaijan Republic", "Damavand County".
SITE_WORDS = frozenset("airport international port harbor harbour province county republic".split())
_DATELINE_DASH = re.compile(r"\s*-\s+")  # "TEHRAN - Iranian", "TEHRAN- The World Bank"


def _place_at_head(text: str):
    """The place a site is in, when the site's name is that place and site words."""
    words = text.split()
    while len(words) > 1 and words[-1].lower() in SITE_WORDS:
        words = words[:-1]
        place = gazetteer().lookup(" ".join(words))
        if place is not None and place.country and _well_known(place):
            return place
    return None


@dataclass(frozen=True)
class Site:
    name: str
    country: str


@lru_cache(maxsize=1)
def _single_country_places() -> dict[str, Site]:
    return {
        name_key(alias): Site(name, cc)
        for name, (cc, others) in SINGLE_COUNTRY_PLACES.items()
        for alias in (name, *others)
    }


def _single_country_place(key: str) -> Site | None:
    return _single_country_places().get(key)


def _well_known(place) -> bool:
    """A country, state or large city: what a site's name starts with ("Baghdad", not "Ali")."""
    return place.feature != "city" or place.population >= 100_000


def _place_of_another_kind(name: Name) -> Proposal | None:
    """A place the gazetteer does not know that is named like an organization: an outlet
    ("Bloomberg", "Middle East Eye") or a name ending in an organization word ("George
    Washington University", "Islamic Republic of Iran Railways")."""
    words = name.words
    if is_outlet_name(name.name):
        return Proposal(KIND, name, kind="organization", score=0.9, reason="an outlet's name")
    if len(words) > 1 and words[-1] in PLACE_ORG_WORDS:
        return Proposal(KIND, name, kind="organization", score=0.9, reason="an organization's name")
    return None


def _country_from_neighbours(name: Name, neighbours) -> Proposal | None:
    """A place the gazetteer does not know took its country from one article's neighbours;
    the archive's articles, taken together, say which country it is in (or none)."""
    if not neighbours:
        return None
    country, n = neighbours.most_common(1)[0]
    share = n / name.articles
    evidence = {"articles": name.articles, country: n}
    if name.country and neighbours.get(name.country, 0) / name.articles >= 0.3:
        return None  # its own country is well named too: keep it (runs do not flip it back)
    if share >= 0.6 and country != name.country:
        return Proposal(
            COUNTRY,
            name,
            country=country,
            score=0.9,
            reason="the country its articles name",
            evidence=evidence,
        )
    if share < 0.3 and name.country:
        return Proposal(
            COUNTRY,
            name,
            country="",
            score=0.6,
            reason="no country its articles agree on",
            evidence=evidence,
        )
    return None
