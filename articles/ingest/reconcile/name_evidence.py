"""Who a first name or surname alone means, and the evidence for it (pure: no database).

A one-word name ("Zarif", "Mike", "Khan", "Chelsea") is given to a person only where the
evidence is in its own context (Ravin & Kazi 1999: within one document a short form means
one full name; across documents it is many-to-many):

1. the same article names the person in full, and no other person of that name; or
2. the same outlet in the same period names the person in full, far more often than anyone
   else of that name: "Tehran Times, 2018" names Mohammad Javad Zarif in hundreds of articles.
   A first name needs more, since few are called by it: the outlet must also write it alone
   for them ("Hillary" in HuffPost 2016; not "Mike" for Mike Pompeo in Tehran Times).

Only people with a real name qualify: person-shaped ("Mike Leigh", "Bashar al-Assad"), made
of name words and named in full in MIN_NAMED articles ("Ariel Sharon"), or named in full in
WELL_KNOWN articles ("Qassem Soleimani"); not the tagger's "Trump Iran" or "Obama White
House".

Never across outlets or decades: "Mike" in BBC sport is nobody's when the BBC never names
Mike Pompeo, and "Zhao" in Reuters 1987 is not a spokesman of 2020. A period is the year for
a dated article; for an undated one, the HALF_WINDOW undated articles of its outlet on either
side of it in archive order (an outlet's feed arrives in order).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from ...extraction.headlines import common_words
from ...extraction.names import name_key
from ...extraction.person_names import ORG_PLACE_WORDS, PERSON_SUFFIXES, person_shaped
from ...extraction.places import demonym_country, gazetteer
from ...extraction.variants import person_words

HALF_WINDOW = 500  # an undated article's period: its outlet's undated articles this near
WINDOW = 2 * HALF_WINDOW  # undated articles grouped by their outlet's order (fragments)
MIN_NAMED = 2  # articles of the period naming the person in full
MIN_USES = 2  # for a first name: of those, articles also writing it alone for them
MIN_USE_SHARE = 0.1  # ... and that share of them ("Ali" is seldom Ali Khamenei)
FOLD = 4  # named this many times as often as anyone else of that name in the period
WELL_KNOWN = 10  # articles naming a person in full, when the name's shape does not say
NARROW_YEARS = 3  # an outlet dated within this many years dates its undated articles too

# Names of the Prophet's family and the Shia Imams. In Iranian outlets the word alone is
# usually the religious figure ("chanting Ali, Ali", "Imam Hussein (AS)", Fatima, Zeinab), so
# it names a living person only where its own article names them in full before it, never
# on its outlet and period alone as a given name, and never in a story that writes it as the
# figure (issue 19: "Ali" in a Fajr festival story is not Ali Moradkhani; "Hussein" in
# Muharram stories is not Saddam Hussein).
RELIGIOUS_NAMES = frozenset(
    """ali hussein hossein husain hosein hassan hasan mohammad muhammad mohammed fatima
    fatemeh zeinab zainab zaynab mahdi mehdi""".split()
)
# Titles that make a religious figure of one name ("Imam Hussein", "Prophet Mohammad").
RELIGIOUS_TITLES = frozenset({"imam", "prophet", "hazrat", "saint"})
# Ruling families: "al-Sabah" alone names the family (or Malaysia's state of Sabah), not one
# of the sheikhs whose full names end with it.
ROYAL_HOUSES = frozenset({"sabah", "saud", "thani", "khalifa", "nahyan", "maktoum"})

# (outlet id, year); an undated article's "year" is -1 - its place among the outlet's undated
Period = tuple[int | None, int]


def period_of(source_id: int | None, year: int, undated_rank: int = 0) -> Period:
    return (source_id, year if year else -1 - undated_rank)


def window_of(period: Period) -> Period:
    """A period coarse enough to compare two names' periods by equality (fragments)."""
    source_id, year = period
    return period if year > 0 else (source_id, -1 - (-1 - year) // WINDOW)


def period_label(period: Period, outlets: dict[int, str]) -> str:
    source_id, year = period
    outlet = outlets.get(source_id, "no outlet") if source_id else "no outlet"
    if year > 0:
        return f"{outlet} {year}"
    return f"{outlet}, undated (its {HALF_WINDOW} undated articles either side of no. {-1 - year})"


class Periods(Counter):
    """Articles by period, counted around a period: the year itself, or the undated
    articles of the outlet within HALF_WINDOW places of it."""

    def around(self, period: Period) -> int:
        source_id, year = period
        if year > 0:
            return self.get(period, 0)
        ranks = self._ranks().get(source_id)
        if not ranks:
            return 0
        rank = -1 - year
        return bisect_right(ranks, rank + HALF_WINDOW) - bisect_left(ranks, rank - HALF_WINDOW)

    def __setitem__(self, key, value) -> None:
        super().__setitem__(key, value)
        self.__dict__.pop("_by_source", None)  # counted afresh when next asked

    def _ranks(self) -> dict:
        cached = self.__dict__.get("_by_source")
        if cached is None:
            cached = defaultdict(list)
            for (source_id, year), n in self.items():
                if year < 0:
                    cached[source_id].extend([-1 - year] * n)
            for ranks in cached.values():
                ranks.sort()
            self.__dict__["_by_source"] = cached
        return cached


class UndatedRanks:
    """Each undated article's place among its outlet's undated articles (by id), and the
    years of an outlet whose dated articles all fall within NARROW_YEARS (its undated ones
    are from then too: a 2016 collection with a few dates missing)."""

    def __init__(self, rows: Iterable[tuple[int, int | None]], spans: Iterable = ()) -> None:
        self.ids: dict[int | None, list[int]] = defaultdict(list)
        for article_id, source_id in rows:
            self.ids[source_id].append(article_id)
        for ids in self.ids.values():
            ids.sort()
        self.years: dict[int | None, tuple[int, ...]] = {
            source_id: tuple(range(first.year, last.year + 1))
            for source_id, first, last in spans
            if first and last and last.year - first.year < NARROW_YEARS
        }

    def period(self, article_id: int, source_id: int | None, year: int) -> Period:
        if year:
            return period_of(source_id, year)
        return period_of(source_id, 0, bisect_left(self.ids.get(source_id, []), article_id))

    def undated_also(self, source_id: int | None, year: int) -> tuple[Period, ...]:
        """The periods an undated article of a narrowly dated outlet may be from."""
        if year:
            return ()
        return tuple(period_of(source_id, y) for y in self.years.get(source_id, ()))


@lru_cache(maxsize=200_000)
def name_words(name: str) -> tuple[str, ...]:
    """A person's name words without honorifics: "Mr. Zarif" is one word, a short form."""
    return tuple(person_words(name))


def short_word(forms: Iterable[str]) -> str:
    """The one word a mention's surface forms all are, written alone ("Zarif"), or "".

    A title makes a name of its own: "Imam Hussein" is not a short form of Saddam Hussein."""
    words = {name_key(f) for f in forms if isinstance(f, str)}
    if len(words) == 1:
        (only,) = words
        if only and " " not in only:
            return only
    return ""


def family_name_of_house(words: tuple[str, ...] | list[str]) -> bool:
    """Does a name end with a ruling family's name and its article ("... al-Sabah")?"""
    return len(words) >= 3 and words[-1] in ROYAL_HOUSES and words[-2] in ("al", "el")


def religious_figure(forms: Iterable[str]) -> str:
    """The key of the religious figure every form names by a title and one word ("Imam
    Hussein": "imam hussein"), or "": a name of its own, never a short form of a namesake."""
    keys = {name_key(f) for f in forms if isinstance(f, str)}
    if len(keys) != 1:
        return ""
    (key,) = keys
    words = key.split()
    return key if len(words) == 2 and words[0] in RELIGIOUS_TITLES else ""


_AFTER_NAME_WORD = r"(?![\w'’-])(?!\s+(?:[A-Z]|[ae]l-|bin\b|ibn\b))"


_HONORIFIC = r"\s*\((?:AS|as|A\.S\.|SA|sa|S|s|PBUH|pbuh|ra|RA)\)"  # "Ali (AS)", "Zahra (SA)"


def named_before(text: str, full_name: str, form: str) -> bool:
    """Does ``text`` name ``full_name`` before it first writes ``form`` alone, and never
    write ``form`` as a religious figure ("Imam Ali", "Ali (AS)")? "chanting Ali, Ali"
    before "Ali Moradkhani, the head of the Music Center" is not him."""
    start = text.find(full_name)
    if start < 0 or not form or religious_use(text, form):
        return False
    alone = re.search(rf"(?<![\w'’-]){re.escape(form)}{_AFTER_NAME_WORD}", text)
    return alone is None or alone.start() > start


def religious_use(text: str, form: str) -> bool:
    """Does ``text`` write ``form`` as a religious figure ("Imam Hussein", "Hussein (AS)")?"""
    word = re.escape(form)
    titles = "|".join(t.title() for t in RELIGIOUS_TITLES)
    return re.search(rf"\b(?:{titles})\s+{word}\b|\b{word}{_HONORIFIC}", text) is not None


# Words headlines run into a name once their punctuation is gone ("Zarif: We ...").
HEADLINE_WORDS = frozenset(
    """we there here this that these those it he she they you i our their his her its a an
    the and but or because does do did is are was were has have had will would should can
    could may might must not no yes why how what when where who whom which watch says said
    say tells told asks asked meets met calls called urges urged warns warned slams slammed
    visits visited vows vowed rejects rejected denies denied hails hailed blasts blasted
    among amid after before over against with without between on in at to from by for of
    dear""".split()
)


# "Bashar al-Assad", "Abu Muhammad al-Adnani", "Hamdan bin Zayed al-Nahyan": a given name or
# a kunya, then a family name with its article (the given-name list knows few Arabic names)
_GIVEN = re.compile(r"^[A-Z][a-z]+(?:['’-][A-Z]?[a-z]+)*$")
_FAMILY = re.compile(r"^(?:[Aa]l|[Ee]l)[-‑][A-Z][a-z]+(?:-[A-Z][a-z]+)*$")
_JOINING = frozenset({"bin", "ibn", "bint", "abu", "al", "el"})


@lru_cache(maxsize=20_000)
def _has_large_place(name: str) -> bool:
    """Is a word of the name a place of 100,000 people or more ("Providence")?"""
    places = (gazetteer().lookup(t) for t in name.split())
    return any(p is not None and p.population >= 100_000 for p in places)


def family_name_shaped(name: str) -> bool:
    """Could this be a full name ending in a family name with its article ("Bashar
    al-Assad")? Not when a word of it is no name's ("Syria al-Assad", "Says al-Assad":
    headline fragments; name_like)."""
    tokens = name.split()
    if not tokens or _FAMILY.match(tokens[-1]) is None or not name_like(name):
        return False
    places = (gazetteer().lookup(t) for t in tokens[:-1])
    return not any(p is not None and p.population >= 100_000 for p in places)  # "Damascus"


def name_like(name: str) -> bool:
    """Capitalized name words only ("Ariel Sharon", "Abu Muhammad al-Adnani"), none of them a
    country, region or nationality, an ordinary word, a headline's word or an organization's
    or a place's word ("Trump Iran", "Obama White House", "Slams Trump" are not)."""
    tokens = name.split()
    if not 2 <= len(tokens) <= 5 or tokens[0].lower() in _JOINING - {"abu"}:
        return False
    if tokens[-1].lower() in _JOINING:
        return False
    for token in tokens:
        low = token.lower()
        if low in _JOINING or _FAMILY.match(token):
            continue
        if not _GIVEN.match(token) or low in common_words() or low in HEADLINE_WORDS:
            return False
        if low in ORG_PLACE_WORDS or demonym_country(low):
            return False
        place = gazetteer().lookup(token)
        if place is not None and place.feature != "city":
            return False  # a country, a state, a region: "Trump Iran"
    return True


@dataclass(frozen=True)
class Choice:
    person: int | None
    evidence: dict


@dataclass
class NameEvidence:
    """The people the archive names in full, where, and which words it writes for them."""

    named: dict[int, Periods] = field(default_factory=lambda: defaultdict(Periods))
    uses: dict[tuple[str, int], Periods] = field(default_factory=lambda: defaultdict(Periods))
    in_article: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    by_word: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    ends: dict[int, tuple[str, str]] = field(default_factory=dict)  # person -> first, last
    shaped: set[int] = field(default_factory=set)  # people whose name is person-shaped
    name_like: set[int] = field(default_factory=set)  # ... or made of name words (name_like)
    # word -> period -> articles naming someone by a title and that word ("Imam Hussein"):
    # a person never named in full, whom the word alone may mean too
    titled: dict[str, Periods] = field(default_factory=lambda: defaultdict(Periods))
    # article -> the one-word names written in it ("Saddam" and "Hussein"): the other word of
    # a namesake's name, written alone in the same article, says which one it means
    alone_in: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))
    full: dict[int, str] = field(default_factory=dict)  # person -> their name in full
    # surname -> articles naming its best-known qualified bearer in full (read once asked)
    _surname_fame: dict[str, int] = field(default_factory=dict, repr=False)

    def person(self, person_id: int, name: str) -> bool:
        """Note a person named in full (two words or more); False for a one-word name."""
        words = name_words(name)
        if len(words) < 2:
            return False
        self._surname_fame.clear()
        self.ends[person_id] = (words[0], words[-1])
        self.full[person_id] = name
        self.by_word[words[0]].add(person_id)
        if not family_name_of_house(words) and words[-1] not in PERSON_SUFFIXES:
            self.by_word[words[-1]].add(person_id)  # "Jr" alone is no one's name
        if person_shaped(name.split()) or family_name_shaped(name):
            self.shaped.add(person_id)
        elif name_like(name):
            self.name_like.add(person_id)
        return True

    def titled_name(self, name: str, period: Period) -> None:
        """An article names someone by a title and one word ("Imam Hussein", "Mr Zarif")."""
        words = name_words(name)
        if len(words) == 1 and words[0] != name_key(name):
            self.titled[words[0]][period] += 1

    def is_surname(self, word: str) -> bool:
        """The last word of someone qualified ("trump" of Donald Trump)."""
        return any(
            self.ends[p][-1] == word and self.qualified(p) for p in self.by_word.get(word, ())
        )

    def _better_known_surname(self, word: str, person_id: int) -> bool:
        """Is ``word`` the surname of someone qualified named more often than this person?"""
        best = self._surname_fame.get(word)
        if best is None:
            best = max(
                (
                    sum(self.named.get(p, Counter()).values())
                    for p in self.by_word.get(word, ())
                    if self.ends[p][-1] == word and self.qualified(p)
                ),
                default=-1,
            )
            self._surname_fame[word] = best
        return best > sum(self.named.get(person_id, Counter()).values())

    def qualified(self, person_id: int) -> bool:
        if person_id in self.shaped:
            return True
        named = sum(self.named.get(person_id, Counter()).values())
        return named >= WELL_KNOWN or (person_id in self.name_like and named >= MIN_NAMED)

    def mention(self, person_id: int, forms: list[str], article_id: int, period: Period) -> bool:
        """One article's mention of a person named in full; False when every form is one
        word alone (a short form given to them: evidence of nothing)."""
        ends = self.ends.get(person_id)
        if ends is None:
            return False
        shapes = [name_words(f) for f in forms if isinstance(f, str)]
        if not any(len(words) >= 2 for words in shapes):
            return False
        self.named[person_id][period] += 1
        self._surname_fame.clear()
        self.in_article[article_id].add(person_id)
        for word in {words[0] for words in shapes if len(words) == 1}:
            if word in ends:
                self.uses[(word, person_id)][period] += 1
        return True

    def choose(
        self,
        word: str,
        article_id: int,
        period: Period,
        *,
        refused: Iterable[int] = (),
        also: tuple[Period, ...] = (),
    ) -> Choice:
        """The person ``word`` alone means in this article, with the evidence, or None.
        ``also``: the periods an undated article may be from, asked when its own window
        says nothing (UndatedRanks.undated_also)."""
        choice = self._choose(word, article_id, (period,), refused)
        if choice.person is None and also and choice.evidence.get("context") == "period":
            if choice.evidence["named"] == 0:
                return self._choose(word, article_id, also, refused)
        return choice

    def _choose(
        self, word: str, article_id: int, periods: tuple[Period, ...], refused: Iterable[int]
    ) -> Choice:
        everyone = self.by_word.get(word, set()) - set(refused)
        candidates = {p for p in everyone if self.qualified(p)}
        # in its own article, a name of name words named once is enough for its surname
        # ("Dezer" beside "Gil Dezer"; not "Trump" beside a headline's "Trump Grifts")
        # and a family name written first ("Lim" beside "Lim Keng Yaik") or a name Malay and
        # Indonesian stories call someone by ("Baihaki" beside "Baihaki Hakim"), where the
        # word is the surname of no one better known ("Trump" of "Trump Grifts" is)
        local = candidates | {
            p
            for p in everyone & self.name_like
            if (word == self.ends[p][-1] and not self.is_surname(self.ends[p][0]))
            or (
                word == self.ends[p][0]
                and not self._better_known_surname(word, p)
                and not _has_large_place(self.full.get(p, ""))  # "Kurdestan Providence"
            )
        }
        if not local:
            return Choice(None, {})
        here = local & self.in_article.get(article_id, set())
        if len(here) == 1:
            return Choice(next(iter(here)), {"context": "article"})
        if here:
            return Choice(
                None, {"context": "article", "ambiguous": len(here), "between": sorted(here)}
            )

        def count(counts: Periods | None) -> int:
            return sum(counts.around(period) for period in periods) if counts else 0

        ranked = sorted(((count(self.named[p]), p) for p in everyone), key=lambda x: (-x[0], x[1]))
        named, best = ranked[0]
        if not candidates:
            return Choice(None, {})
        partly = self._other_word_written(word, article_id, candidates)
        if len(partly) == 1:
            # named in full in the period too, and not dwarfed there by a namesake (a tagging
            # slip "Hillary Clinton-Donald Trump" does not take "Trump" beside "Hillary")
            ((person, other),) = partly.items()
            here_named = count(self.named.get(person))
            if here_named and FOLD * here_named >= named:
                return Choice(person, {"context": "article", "also_written": other})
        if word in RELIGIOUS_NAMES and word != self.ends[best][-1]:
            # a religious figure's name as a given name ("Ali" of Ali Khamenei); as a surname
            # ("Hussein" of Saddam Hussein) its story's text decides (short_names.decide)
            return Choice(None, {"context": "period", "named": named, "religious": True})
        runner_up = ranked[1][0] if len(ranked) > 1 else 0
        titled = count(self.titled.get(word))
        uses = count(self.uses.get((word, best)))
        given_name = word != self.ends[best][-1]
        evidence = {"context": "period", "named": named, "uses": uses, "runner_up": runner_up}
        if titled:
            evidence["titled"] = titled
        if (
            best in candidates
            and named >= MIN_NAMED
            and named >= FOLD * max(runner_up, titled)
            and (not given_name or (uses >= MIN_USES and uses >= MIN_USE_SHARE * named))
        ):
            return Choice(best, evidence)
        if best in candidates and named >= MIN_NAMED and runner_up:
            # namesakes the period names ("Bush": George W. and George H. W.)
            evidence["between"] = [p for n, p in ranked[:3] if n and p in candidates]
        return Choice(None, evidence)

    def _other_word_written(
        self, word: str, article_id: int, candidates: set[int]
    ) -> dict[int, str]:
        """Namesakes whose other name word the article also writes alone ("Saddam" beside
        "Hussein"): person -> that word."""
        written = self.alone_in.get(article_id, set()) - {word}
        out = {}
        for person in candidates:
            first, last = self.ends[person]
            other = first if word == last else last if word == first else ""
            if other and other in written:
                out[person] = other
        return out
