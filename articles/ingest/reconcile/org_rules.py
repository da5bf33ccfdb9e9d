"""An organization's name written a little wrong, or filed under the wrong kind (pure).

- a name cut before its head word ("International Monetary" beside the International
  Monetary Fund): the one organization its words begin, when that one is named far more and
  the cut name ends in a word no other organization ends with (a modifier, not a name:
  "Federal Reserve" ends in a word names end with, and stays);
- one name filed as a person and as an organization, spelt alike once hyphens and spaces
  are folded, the far less named reading joining the other only where the archive's names
  agree: an organization "Kamal Kharrazi" is the person when it has no organization word
  and starts with a given name (of the word list, or the first word of GIVEN_NAME_PEOPLE
  people the archive names in full; not a common word or a well-known place: "Green Zone",
  "Tehran Zoo"); a person "al Nusra" is the organization "al-Nusra" when it starts with an
  Arabic article, an organization named in full contains it ("al-Nusra Front") and no
  person's name ends with it ("al-Sudani" of Mohammed Shia al-Sudani stays a person).
  Tagger counts alone decide nothing: "Staffan de Mistura" filed mostly as an organization
  stays a person;
- one word filed as a person and as an organization ("Balco", the steroid lab) is the
  organization when the archive writes it as a thing ("the Balco scandal", MIN_THE times)
  and names the organization in full ("Balco Laboratories"; without that an editor decides:
  "the Fordo facility" is a place)
  and it is no given name, no place ("the Kent athlete"), people ("the Greeks") or ordinary
  word, and no word of a person the archive names in full ("the Trump administration").
A name is not cut when its words are a place or another kind's name of their own ("St.
Cloud" beside the "St. Cloud Police" is the city).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from functools import lru_cache

from ...extraction.headlines import common_words
from ...extraction.outlets import is_outlet_name
from ...extraction.person_names import ORG_PLACE_WORDS, person_shaped
from ...extraction.places import demonym_country, gazetteer
from ...extraction.variants import ORG_FORMS, person_words
from ...extraction.wordlists import given_names
from .evidence import Evidence, Name
from .junk import GENERIC_ORGANIZATION
from .name_evidence import name_like
from .org_short_names import full_name
from .proposals import SAME, Proposal

# Words an organization's name ends with: what it is (a fund, a bank, a front, an agency).
HEAD_WORDS = (
    ORG_FORMS
    | GENERIC_ORGANIZATION
    | frozenset(
        """fund bank banks union council party front movement army corps force forces guard
        guards service services court assembly parliament congress senate alliance league
        federation network center centre institute university college association society
        foundation exchange ministry nations organisation organization reserve police admin
        venture zoo laboratory laboratories lab labs""".split()
    )
)
FOLD = 2  # the whole name is named this many times as often as the cut one
MIN_ARTICLES = 2  # the more named reading of a name filed under two kinds
GIVEN_NAME_PEOPLE = 5  # people named in full starting with a word: it is a given name
ARTICLES = frozenset("al el ad an as ash at az".split())  # "al-Nusra": no one's given name
NOT_GIVEN = frozenset(
    "le la de du st saint cie compagnie martyr shahid prophet ansar majlis jabhat jaish".split()
)


MIN_THE = 2  # times written after "the" as a thing ("the Balco investigation")
THE_SHARE = 0.3  # of its capitalized uses inside sentences


def organization_rules(names: list[Name], ev: Evidence) -> list[Proposal]:
    return _cut_before_its_head(names) + _one_name_two_kinds(names) + _one_word_two_kinds(names, ev)


def _cut_before_its_head(names: list[Name]) -> list[Proposal]:
    orgs = [n for n in names if n.kind == "organization" and full_name(n.key)]
    by_head: dict[tuple[str, ...], list[Name]] = defaultdict(list)
    endings: dict[str, int] = defaultdict(int)  # last word -> organizations ending with it
    for org in orgs:
        words = tuple(org.words)
        if words[-1] in HEAD_WORDS:
            by_head[words[:-1]].append(org)
        endings[words[-1]] += 1
    other_kinds = {n.key for n in names if n.kind != "organization"}
    out = []
    for org in orgs:
        words = tuple(org.words)
        wholes = by_head.get(words, [])
        if len(wholes) != 1 or words[-1] in HEAD_WORDS or endings[words[-1]] > 1:
            continue
        if org.key in other_kinds or gazetteer().lookup(org.name) is not None:
            continue  # "St. Cloud" (the city) is no cut "St. Cloud Police"
        whole = wholes[0]
        if whole.articles >= FOLD * org.articles:
            out.append(
                Proposal(
                    SAME,
                    org,
                    whole,
                    score=0.9,
                    reason="a name cut before its last word",
                    evidence={"articles": org.articles, "whole": whole.articles},
                )
            )
    return out


def _one_name_two_kinds(names: list[Name]) -> list[Proposal]:
    by_key: dict[str, dict[str, Name]] = defaultdict(dict)
    firsts: Counter = Counter()
    in_org_names: set[str] = set()  # "al nusra" of "al nusra front", "jabhat al nusra"
    person_tails: set[str] = set()  # "al sudani" of "mohammed shia al sudani"
    for name in names:
        if name.kind in ("person", "organization") and full_name(name.key):
            by_key[name.key][name.kind] = name
        words = name.words
        starts = [i for i, w in enumerate(words) if w in ARTICLES]
        if name.kind == "organization":
            in_org_names |= {
                " ".join(words[i:j])
                for i in starts
                for j in range(i + 2, len(words) + 1)
                if j - i < len(words)  # a longer name around it, not itself
            }
        elif name.kind == "person":
            given = person_words(name.name)
            if len(given) >= 2:
                firsts[given[0]] += 1
    learned = {w for w, n in firsts.items() if n >= GIVEN_NAME_PEOPLE and len(w) > 1}
    for name in names:  # a person's name: a given name first ("Jabhat al-Nusra" is none)
        if name.kind == "person" and len(name.words) > 2 and _given_name_first(name, learned):
            words = name.words
            person_tails |= {" ".join(words[i:]) for i, w in enumerate(words) if w in ARTICLES}
    out = []
    for key, readings in by_key.items():
        person, org = readings.get("person"), readings.get("organization")
        if person is None or org is None or _organization_word(person) or _organization_word(org):
            continue
        first = person.words[0]
        if _given_name_first(person, learned):
            less, more = org, person
        elif first in ARTICLES and key in in_org_names and key not in person_tails:
            less, more = person, org
        else:
            continue
        if more.articles >= MIN_ARTICLES and more.articles >= FOLD * less.articles:
            out.append(
                Proposal(
                    SAME,
                    less,
                    more,
                    score=0.9,
                    reason=f"one name filed as {_filed_as(more)} and as {_filed_as(less)}",
                    evidence={"articles": less.articles, "as_" + more.kind: more.articles},
                )
            )
    return out


def _one_word_two_kinds(names: list[Name], ev: Evidence) -> list[Proposal]:
    """ "Balco" the person beside "Balco" the organization: the archive writes "the Balco
    doping scandal", "the Balco investigation", as no one writes a person's name."""
    orgs = {n.key: n for n in names if n.kind == "organization" and " " not in n.key}
    parts = set()  # of people named in full ("Balco boss Victor Conte" is no one's name)
    for name in names:
        if name.kind == "person" and len(name.words) > 1 and name_like(name.name):
            parts |= {name.words[0], name.words[-1]}
    # "Balco Laboratories", "Aramco Oil Company": the word names an organization in full
    heads = {
        n.words[0]: n.name
        for n in names
        if n.kind == "organization" and full_name(n.key) and n.words[-1] in HEAD_WORDS
    }
    out = []
    for person in names:
        key = person.key
        org = orgs.get(key)
        if person.kind != "person" or org is None or person.edited or not key.isalpha():
            continue
        if key in parts or key in _given_names() or key in common_words():
            continue
        if _not_one_organization(person, org, ev):
            continue
        the, capitalized = ev.case.after_the[key], ev.case.capitalized[key]
        if the >= MIN_THE and the >= THE_SHARE * capitalized:
            evidence = {"after_the": the, "capitalized": capitalized}
            if key in heads:
                evidence["named_in_full"] = heads[key]
            out.append(
                Proposal(
                    SAME,
                    person,
                    org,
                    score=0.9 if key in heads else 0.6,  # else an editor decides ("Fordo")
                    reason="one word filed as a person and as an organization, written as a thing",
                    evidence=evidence,
                )
            )
    return out


def _not_one_organization(person: Name, org: Name, ev: Evidence) -> bool:
    """A place ("the Kent athlete": the county; "in Fordo"), a people ("the Greeks",
    "Hindus"), a word the archive mostly writes in lower case ("the Kingdom", "the Sea") or an
    acronym beside a word ("SEA", "Sea"): written as a thing, yet no one organization."""
    key = person.key
    if gazetteer().lookup(person.name) is not None or demonym_country(key) or key.endswith("s"):
        return True
    if 2 * ev.case.located[key] >= max(ev.case.after_the[key], 1):
        return True
    share, uses = ev.case.lower_share(key)
    return (uses >= MIN_THE and share >= 0.5) or org.name.isupper() != person.name.isupper()


@lru_cache(maxsize=1)
def _given_names() -> frozenset[str]:
    return frozenset(n.lower() for n in given_names())


def _given_name_first(name: Name, learned: set[str]) -> bool:
    first = name.words[0]
    if first in ARTICLES or first in NOT_GIVEN or first in common_words():
        return False
    place = gazetteer().lookup(first)
    if place is not None and (place.feature != "city" or place.population >= 100_000):
        return False  # "Tehran Zoo", "Dallas Mavericks"
    return first in learned or person_shaped(name.name.replace("-", " ").split())


def _filed_as(name: Name) -> str:
    return "a person" if name.kind == "person" else "an organization"


def _organization_word(name: Name) -> bool:
    """An organization's word, acronym, outlet, "&" or number in the name."""
    tokens = name.name.split()
    if is_outlet_name(name.name) or "&" in name.name:
        return True
    if any(t.isupper() and len(t.strip(".,")) >= 2 for t in tokens):
        return True
    return any(w in ORG_PLACE_WORDS or w in HEAD_WORDS or w.isdigit() for w in name.words)
