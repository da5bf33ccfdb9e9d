"""A person's name written a little wrong: the value joins the person it is (pure).

- a full name and a stray word ("Mohammad Javad Zarif Expecting"): the person;
- a surname and stray words, as headlines without their punctuation run them together
  ("Zarif U.S.", "Zarif Iran", "Sanctioning Zarif", "Zarif We"), or one name and an
  organization's ("Gilani Taleban"): not merged into another
  value; short_names gives each article's mention to the person that article's context
  names in full, else to the surname alone (surname_fragments); two surnames run together
  ("Zarif Lavrov", "Rouhani Zarif") name no one entity;
- a misspelling ("Mohamamd Javad Zarif", "George Schultz"), a middle initial for a middle
  name ("George Walker Bush" / "George W Bush"), a short given name ("Mike Pompeo" / "Michael
  Pompeo"), a middle name left out ("Mohammad Zarif"): the person, when the variant is named
  in the same outlets and periods as the person (Michael Johnson the sprinter of BBC 2004 is
  not Mike Johnson of HuffPost 2023).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from functools import lru_cache

from ...extraction.headlines import common_words
from ...extraction.names import name_key
from ...extraction.person_names import ORG_PLACE_WORDS, person_shaped, surname
from ...extraction.places import demonym_country, gazetteer
from ...extraction.variants import HYPOCORISMS, full_given_name, person_words
from ...extraction.wordlists import given_names
from .curated import curated
from .evidence import Evidence, Name
from .name_evidence import HEADLINE_WORDS
from .proposals import NOT_ENTITY, SAME, Proposal

WELL_KNOWN = 10  # articles naming a person in full, to be what a fragment means
FOLD = 5  # a misspelling is named this many times less than the person
SHARED_PERIODS = 0.5  # of the variant's articles, in periods that also name the person
NAMED_WHERE = 0.8  # ... for another given name or a middle name, in periods naming them twice
FAMOUS = 50  # articles: a surname run into another name makes two names, not a stray word
RARE_SPELLING = 3  # a surname one consonant apart: the other spelling this many times as named
SURNAME_BEARERS = 3  # ... and the rare spelling the surname of no more people than this
_TOKENS = re.compile(r"\s+|(?<=[a-z])-(?=[A-Z])")  # "Zarif-Borrell" is two names


def fragment_rules(names: list[Name], ev: Evidence) -> list[Proposal]:
    return _scan(names, ev)[0]


def surname_fragments(names: list[Name], ev: Evidence) -> dict[int, str]:
    """Person id -> the surname a headline ran stray words into ("Cuba Rouhani": rouhani).
    Not merged here: short_names gives each of their articles to the person the article's
    context names in full, or to the surname alone, never to another fragment."""
    return _scan(names, ev)[1]


def _scan(names: list[Name], ev: Evidence) -> tuple[list[Proposal], dict[int, str]]:
    """Both answers at once; a pass asks for each of them of the same names (rules.propose,
    then resolve_once), so the second is the first's."""
    ids = tuple(n.id for n in names)
    found = ev.derived.get("fragments")
    if found is None or found[0] != ids:
        found = ev.derived["fragments"] = (ids, _scan_names(names, ev))
    return found[1]


def _scan_names(names: list[Name], ev: Evidence) -> tuple[list[Proposal], dict[int, str]]:
    people = [n for n in names if n.kind == "person" and len(_words(n)) >= 2]
    # well-known people with a real name ("Zarif Iran", in 27 headlines, is no one's name)
    known = {
        _key(n): n
        for n in people
        if n.articles >= WELL_KNOWN and not any(_stray(t, "after") for t in _tokens(n))
    }
    surnames: dict[str, list[Name]] = defaultdict(list)
    for person in known.values():
        surnames[surname(_key(person))].append(person)  # "Trump" of "Donald Trump Jr."
    # a word some known person is called by first is a given name ("Abbas", "Paul", "Ali"),
    # whoever else has it as a surname
    firsts = {_words(p)[0] for p in known.values()} | _given()
    famous = {w for w, people in surnames.items() if max(p.articles for p in people) >= FAMOUS}
    but_one = _but_one_index(known)
    out = []
    fragments: dict[int, str] = {}
    for name in people:
        if _key(name) in known:
            continue
        proposal = _misspelt(name, but_one, ev)  # "Qassemi Soleimani": a typo, not two names
        proposal = proposal or _stray_words(name, known, surnames, firsts, famous)
        if isinstance(proposal, str):
            fragments[name.id] = proposal
        elif proposal is not None:
            out.append(proposal)
    out += _given_name_forms(people, known, ev)
    out += _middle_name_left_out(people, known, ev)
    out += _middle_initial_for_name(people, ev)
    out += _surname_one_letter_apart(people, ev)
    return out, fragments


def _words(name: Name) -> list[str]:
    return person_words(name.name)


def _key(name: Name) -> str:
    return " ".join(_words(name))


def _tokens(name: Name) -> list[str]:
    return [t for t in _TOKENS.split(name.name) if t]


def _stray_words(name: Name, known, surnames, firsts, famous) -> Proposal | str | None:
    """A proposal, or the surname a fragment is of (decided article by article)."""
    tokens = _tokens(name)
    keys = [name_key(t) for t in tokens]
    if len(tokens) < 2 or not all(keys) or any(k in ORG_PLACE_WORDS for k in keys):
        return None  # "Fox Business", "Blood Money Organization": not a person's name

    def stray(i: int, after: bool) -> bool:
        """Token i runs into the name: another famous surname, or a stray word (an acronym
        or a region only after the name: "Zarif UN", not "GH Miller", "Kent Gates")."""
        if keys[i] in firsts:
            return False
        return keys[i] in famous or _stray(tokens[i], "after" if after else "before")

    n = len(tokens)
    for cut in range(1, n):
        for head, rest, after in (
            (range(cut), range(cut, n), True),
            (range(cut, n), range(cut), False),
        ):
            person = known.get(" ".join(keys[i] for i in head))
            if person is not None and len(head) >= 2 and all(stray(i, after) for i in rest):
                if any(keys[i] in famous for i in rest):
                    return _two_names(name)
                return Proposal(
                    SAME, name, person, score=0.9, reason="a full name and a stray word"
                )
    if person_shaped(name.name.split()):
        return None  # "Graham Hand", "Warren Davidson": a name as people have them
    named = [i for i in range(n) if not _organization(keys[i])]
    if len(named) == 1:
        return keys[named[0]]  # "Gilani Taleban": a name run into an organization's
    for at, rest, after in ((0, range(1, n), True), (n - 1, range(n - 1), False)):
        word = keys[at]
        if word not in surnames or not all(stray(i, after) for i in rest):
            continue
        if at == 0 and word in firsts:
            continue  # "Paul McCartney", "Abdullah Gul": a given name first
        if any(keys[i] in famous for i in rest):
            if word in famous:
                return _two_names(name)  # "Rouhani Merkel", "Zarif Lavrov"
            continue
        return word
    return None


def _organization(key: str) -> bool:
    """One word the curated table names an organization by ("taleban", "hamas")."""
    entity = curated().by_key.get(key)
    return entity is not None and entity.kind == "organization" and " " not in key


def _two_names(name: Name) -> Proposal:
    return Proposal(NOT_ENTITY, name, score=0.9, reason="two names run together")


def _stray(token: str, where: str) -> bool:
    """A word a headline runs into a name: a country or nationality, a headline's function
    word or verb; after the name also an acronym ("UN", "IAEA"; not an initial, "B.J.") or
    a region ("Zarif Persian Gulf")."""
    key = name_key(token)
    if key in HEADLINE_WORDS or demonym_country(key):
        return True
    if key.endswith("ing") and key in common_words():  # "Sanctioning Zarif"
        return True
    place = gazetteer().lookup(token)
    features = ("country", "us-state") if where == "before" else ("country", "us-state", "region")
    if place is not None and place.feature in (*features, "continent"):
        return True
    letters = token.replace(".", "")
    return where == "after" and token.isupper() and len(letters) >= 2 and "." not in token


@lru_cache(maxsize=1)
def _given() -> frozenset[str]:
    return frozenset(n.lower() for n in given_names())


# --- variants named in the person's own outlets and periods --------------------------------


def shared_periods(variant: Name, person: Name, ev: Evidence) -> float:
    """The share of the variant's articles in periods (outlet and year) naming the person."""
    mine, theirs = ev.periods.get(variant.id, Counter()), ev.periods.get(person.id, Counter())
    total = sum(mine.values())
    return sum(n for period, n in mine.items() if theirs.get(period)) / total if total else 0.0


def _but_one_index(known: dict[str, Name]) -> dict[tuple, list[tuple[str, Name]]]:
    """(number of words, position, the other words) -> (the word there, person)."""
    index: dict[tuple, list[tuple[str, Name]]] = defaultdict(list)
    for key, person in known.items():
        words = key.split()
        for i, word in enumerate(words):
            index[(len(words), i, *words[:i], *words[i + 1 :])].append((word, person))
    return index


def _misspelt(name: Name, but_one, ev: Evidence) -> Proposal | None:
    words = _words(name)
    for i, word in enumerate(words):
        if len(word) < 5:
            continue
        for other, person in but_one.get((len(words), i, *words[:i], *words[i + 1 :]), ()):
            limit = 1 if len(word) <= 6 else 2
            if (
                other != word
                and len(other) >= 5
                and _distance(word, other) <= limit
                and person.articles >= FOLD * name.articles
                and shared_periods(name, person, ev) >= SHARED_PERIODS
            ):
                return Proposal(SAME, name, person, score=0.9, reason="a misspelling")
    return None


VOWELS = frozenset("aeiouy")


def _distance(a: str, b: str) -> int:
    """Edit distance counting a swap of two letters as one ("Mohamamd", "Mohammad") and a
    changed vowel as one ("Parvez", "Pervez": transliterations differ in vowels), a changed
    consonant as two ("Salari" is not "Salami")."""
    rows = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        rows[i][0] = i
    for j in range(len(b) + 1):
        rows[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            x, y = a[i - 1], b[j - 1]
            cost = 0 if x == y else 1 if x in VOWELS and y in VOWELS else 2
            rows[i][j] = min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                rows[i][j] = min(rows[i][j], rows[i - 2][j - 2] + 1)
    return rows[-1][-1]


def _given_name_forms(people: list[Name], known: dict[str, Name], ev: Evidence):
    """ "Michael Pompeo" and "Mike Pompeo": a given name and its short form, when the less
    named one is named where the well-known one is."""
    out = []
    for name in people:
        words = _words(name)
        full = full_given_name(words[0])
        candidates = [known.get(" ".join([full, *words[1:]]))] if full else []
        shorts = [
            known.get(" ".join([short, *words[1:]])) for short in _SHORT_FORMS.get(words[0], ())
        ]
        for other in [c for c in (*candidates, *shorts) if c is not None]:
            if other.articles > name.articles and _named_where(name, other, ev):
                out.append(Proposal(SAME, name, other, score=0.9, reason="a short given name"))
                break
    return out


_SHORT_FORMS = {group[0]: group[1:] for group in HYPOCORISMS}


def _named_where(variant: Name, person: Name, ev: Evidence) -> bool:
    """Nearly all of the variant's articles are in periods naming the person twice or more."""
    mine, theirs = ev.periods.get(variant.id, Counter()), ev.periods.get(person.id, Counter())
    total = sum(mine.values())
    shared = sum(n for period, n in mine.items() if theirs.get(period, 0) >= 2)
    return bool(total) and shared >= NAMED_WHERE * total


def _middle_name_left_out(people: list[Name], known: dict[str, Name], ev: Evidence):
    """ "Mohammad Zarif" is Mohammad Javad Zarif when no other Mohammad ... Zarif is named;
    "Vladimir Vladimirovich Putin" is Vladimir Putin when he is the only Vladimir ... Putin."""
    ends: dict[tuple[str, str], list[Name]] = defaultdict(list)
    for person in people:
        words = _words(person)
        ends[(words[0], words[-1])].append(person)
    out = []
    for name in people:
        words = _words(name)
        same_ends = [p for p in ends[(words[0], words[-1])] if p.id != name.id]
        wanted = [p for p in same_ends if _key(p) in known and p.articles > name.articles]
        if len(words) == 2:  # left out: one longer well-known name with these ends
            wanted = [p for p in wanted if len(_words(p)) >= 3]
            if len(wanted) != 1 or len([p for p in same_ends if len(_words(p)) >= 3]) != 1:
                continue
        elif len(words) >= 3:  # added: the ends are one well-known two-word name, no other
            if [len(_words(p)) for p in same_ends if p.articles >= name.articles] != [2]:
                continue
            wanted = [p for p in wanted if len(_words(p)) == 2]
        if len(wanted) == 1 and _named_where(name, wanted[0], ev):
            out.append(Proposal(SAME, name, wanted[0], score=0.9, reason="a middle name"))
    return out


def _middles(name: Name) -> list[str]:
    """A person's middle words, initials written together split ("George HW Bush": h, w)."""
    tokens = [t for t in name.name.replace(".", ". ").split() if name_key(t)]
    words = _words(name)
    if len(tokens) != len(words):  # an honorific or suffix dropped: take the folded words
        return words[1:-1]
    out = []
    for token, word in zip(tokens[1:-1], words[1:-1], strict=True):
        letters = token.replace(".", "")
        out += list(word) if letters.isupper() and 2 <= len(letters) <= 3 else [word]
    return out


def _same_middles(a: list[str], b: list[str]) -> bool:
    """Middle names that agree, an initial standing for a name ("W", "Walker")."""
    return len(a) == len(b) and all(
        x == y or (min(len(x), len(y)) == 1 and x[0] == y[0]) for x, y in zip(a, b, strict=True)
    )


def _middle_initial_for_name(people: list[Name], ev: Evidence) -> list[Proposal]:
    """ "George Walker Bush" is George W Bush, and "George HW Bush" George H. W. Bush: the
    same given name and surname, the middle initials agreeing with the middle names, the one
    person of that name the less named one could be, named where that person is."""
    ends: dict[tuple[str, str], list[Name]] = defaultdict(list)
    for person in people:
        words = _words(person)
        if len(words) >= 3:
            ends[(words[0], words[-1])].append(person)
    out = []
    for group in ends.values():
        for name in group:
            mine = _middles(name)
            agree = [p for p in group if p.id != name.id and _same_middles(mine, _middles(p))]
            if len(agree) != 1 or agree[0].articles <= name.articles:
                continue
            person = agree[0]
            if _named_where(name, person, ev):
                out.append(Proposal(SAME, name, person, score=0.9, reason="a middle initial"))
    return out


def _surname_one_letter_apart(people: list[Name], ev: Evidence) -> list[Proposal]:
    """ "George Schultz" is George Shultz: the same given names, a surname of five letters or
    more with one consonant more inside it (not a changed letter: Salari is not Salami; not
    a vowel: Davies and Davis; not at its end: Clark and Clarke are two families), the one
    spelling rare beside the other and a surname of few others (Paul Johnston is not Paul
    Johnson: the archive names ten other Johnstons), named in the same outlets and periods."""
    by_rest: dict[tuple, list[tuple[str, Name]]] = defaultdict(list)
    bearers: Counter = Counter()  # surname -> people of that surname
    for person in people:
        words = _words(person)
        last = words[-1]
        bearers[last] += 1
        if len(last) < 5:
            continue
        for i in range(1, len(last) - 1):  # the surname without one inner consonant
            if last[i] in VOWELS:
                continue  # "Davies" and "Davis" are two families
            by_rest[(*words[:-1], last[:i] + last[i + 1 :])].append((last, person))
    out = []
    for shorter in people:
        for _, longer in by_rest.get(tuple(_words(shorter)), ()):
            name, target = sorted((shorter, longer), key=lambda n: (n.articles, -n.id))
            if (
                target.articles >= RARE_SPELLING * name.articles
                and bearers[_words(name)[-1]] <= SURNAME_BEARERS
                and shared_periods(name, target, ev) >= SHARED_PERIODS
            ):
                out.append(Proposal(SAME, name, target, score=0.9, reason="a misspelling"))
    return out
