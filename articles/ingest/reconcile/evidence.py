"""What the archive says about its names: counts, aliases, how words are written, acronyms.

The text is read once per `resolve_entities` run (read_text: about half a minute at 66,000
articles), the names and mentions once per pass in a few grouped queries (load), then handed to
the pure rules (reconcile.rules).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Count, Max, Min

from ...extraction.names import name_key
from ...extraction.variants import acronym_key, is_acronym_of, match_key
from ...models import Article, Entity, EntityAlias, EntityDecision, Mention, Source
from .initials import initialled_namesakes
from .name_evidence import (
    NameEvidence,
    Period,
    UndatedRanks,
    name_words,
    religious_figure,
    short_word,
    window_of,
)

TEXT_CHARS = 3000  # of each article, for how words are written and acronyms defined
CHUNK = 2000


@dataclass(slots=True)
class Name:
    """One stored entity as the rules see it."""

    id: int
    kind: str
    name: str
    key: str
    match_key: str
    slug: str
    country: str
    feature: str
    articles: int = 0
    edited: bool = False  # an editor put it on an article: never dropped automatically

    @property
    def words(self) -> list[str]:
        return self.key.split()


@dataclass
class WordCase:
    """How often a word is written in lower case, and capitalized inside a sentence."""

    lower: Counter = field(default_factory=Counter)
    capitalized: Counter = field(default_factory=Counter)
    # capitalized after "at" or "in" ("at Anfield", "in Tehran"): a place's or a venue's use
    located: Counter = field(default_factory=Counter)
    # capitalized after "the", no capitalized word after it ("the Balco scandal"): a thing's
    # use, not a person's (unless a word of a person named in full: "the Trump campaign")
    after_the: Counter = field(default_factory=Counter)

    def lower_share(self, word: str) -> tuple[float, int]:
        """(share of the word's mid-sentence uses in lower case, number of uses)."""
        low, cap = self.lower[word], self.capitalized[word]
        total = low + cap
        return (low / total if total else 0.0), total

    def of(self, words: set[str]) -> WordCase:
        """The counts of ``words`` only (the one-word names a pass weighs)."""
        return WordCase(
            *(
                Counter({w: n for w, n in counter.items() if w in words})
                for counter in (self.lower, self.capitalized, self.located, self.after_the)
            )
        )


@dataclass
class ArchiveText:
    """What the articles' text says, whatever the names: how every word is written, the
    acronyms defined, the ships named. Resolution changes no text, so one run reads it once
    for all its passes; each pass weighs the words of its own one-word names (WordCase.of)."""

    case: WordCase
    acronyms: Counter  # (acronym key, expansion key) -> times defined
    expansions: dict[str, str]
    vessels: Counter


@dataclass
class Evidence:
    names: dict[int, Name]
    aliases: dict[tuple[str, str], int]  # (kind, key) -> entity id
    case: WordCase
    # (acronym key, expansion key) -> times "Expansion (ACR)" or "ACR (Expansion)" was written
    acronyms: Counter
    expansions: dict[str, str]  # expansion key -> the expansion as written
    decisions: list[EntityDecision]  # editors' only
    # place entity id -> articles naming it, by the countries of the other places they name
    place_countries: dict[int, Counter] = field(default_factory=dict)
    # entity id -> its match key as this release computes it, where the stored one differs
    stale_match_keys: dict[int, str] = field(default_factory=dict)
    # name key -> times written after a ship's kind ("the tanker Stena Impero")
    vessels: Counter = field(default_factory=Counter)
    # person id -> articles naming them, by period (outlet and year; name_evidence.Period)
    periods: dict[int, Counter] = field(default_factory=dict)
    # (person id, person id) -> articles naming both, for people whose names differ only by
    # their given name's spelling ("Dave Collins" and "David Collins"; given_names)
    together: Counter = field(default_factory=Counter)
    # one-word people the archive writes role words beside ("President Assad"): people
    roled: set[int] = field(default_factory=set)
    # what the pure rules work out of this evidence and ask for twice in a pass (fragments)
    derived: dict = field(default_factory=dict, repr=False, compare=False)

    def by_key(self) -> dict[tuple[str, str], Name]:
        return {(n.kind, n.key): n for n in self.names.values()}


def load(
    progress: Callable[[int], None] | None = None, text: ArchiveText | None = None
) -> Evidence:
    """What the archive says now; ``text``: its articles' text read earlier in the run
    (read_text), or None to read it here (``progress`` then hears of each article)."""
    names, stale = _names()
    candidates = {n.key for n in names.values() if " " not in n.key and n.key.isalpha()}
    text = text or read_text(progress)
    aliases = {
        (kind, key): entity_id
        for kind, key, entity_id in EntityAlias.objects.values_list("kind", "key", "entity_id")
    }
    decisions = list(EntityDecision.objects.filter(origin=EntityDecision.Origin.EDITOR))
    places = _place_countries(names)
    ev = Evidence(
        names,
        aliases,
        text.case.of(candidates),
        text.acronyms,
        text.expansions,
        decisions,
        places,
        stale,
        text.vessels,
    )
    ev.periods, ev.together = _person_periods()
    ev.roled = _roled_one_word_people()
    return ev


def _roled_one_word_people() -> set[int]:
    """One-word people whose stored description has role words (the last run's profiles)."""
    rows = Entity.objects.filter(kind="person").exclude(key__contains=" ")
    return {pk for pk, profile in rows.values_list("id", "profile") if (profile or {}).get("roles")}


def mention_rows(kind: str):
    """(mention, entity, article, published, outlet, surface forms, origin) of every
    published mention of an entity of ``kind``, streamed: what short names are decided on."""
    rows = Mention.objects.filter(
        entity__kind=kind, suppressed=False, article__is_published=True
    ).values_list(
        "id",
        "entity_id",
        "article_id",
        "article__published",
        "article__source_id",
        "surface_forms",
        "origin",
    )
    return rows.iterator(chunk_size=10_000)


def undated_ranks() -> UndatedRanks:
    """Undated articles' places in their outlets, and outlets' dated spans."""
    spans = (
        Article.objects.filter(published__isnull=False)
        .order_by()
        .values("source_id")
        .annotate(first=Min("published"), last=Max("published"))
        .values_list("source_id", "first", "last")
    )
    undated = Article.objects.filter(published__isnull=True).values_list("id", "source_id")
    return UndatedRanks(undated, spans)


def _person_periods() -> tuple[dict[int, Counter], Counter]:
    """Where and when each person is named (for telling a variant of their name from a
    namesake: "Michael Pompeo" in Pompeo's outlets and years), and which people whose names
    differ only in the given name one article names together."""
    ranks = undated_ranks()
    out: dict[int, Counter] = defaultdict(Counter)
    bucket_of = _given_name_buckets()
    by_article: dict[int, set[int]] = defaultdict(set)
    rows = Mention.objects.filter(
        entity__kind="person", suppressed=False, article__is_published=True
    ).values_list("entity_id", "article_id", "article__published", "article__source_id")
    for entity_id, article_id, published, source_id in rows.iterator(chunk_size=20_000):
        period = ranks.period(article_id, source_id, published.year if published else 0)
        out[entity_id][window_of(period)] += 1
        if entity_id in bucket_of:
            by_article[article_id].add(entity_id)
    together: Counter = Counter()
    for people in by_article.values():
        buckets: dict[tuple, list[int]] = defaultdict(list)
        for person in sorted(people):
            buckets[bucket_of[person]].append(person)
        for ids in buckets.values():
            together.update((a, b) for i, a in enumerate(ids) for b in ids[i + 1 :])
    return out, together


def _given_name_buckets() -> dict[int, tuple]:
    """Person id -> given_name_bucket, for people who share one with someone of another
    given name (the only ones whose articles together are counted)."""
    firsts: dict[tuple, set[str]] = defaultdict(set)
    bucket_of = {}
    for pk, key in Entity.objects.filter(kind="person").values_list("id", "key"):
        words = name_words(key)
        if words:
            bucket_of[pk] = given_name_bucket(key)
            firsts[bucket_of[pk]].add(words[0])
    return {pk: b for pk, b in bucket_of.items() if len(firsts[b]) > 1}


def given_name_bucket(key: str) -> tuple:
    """What two names differing only by the given name's spelling share: the rest of the
    name ("collins" of Dave and David Collins), or a one-word name without a final h."""
    words = name_words(key)
    if len(words) >= 2:
        return words[1:]
    return (words[0].removesuffix("h"),) if words else ()


def _place_countries(names: dict[int, Name]) -> dict[int, Counter]:
    """For each place: in how many of its articles each country is named by another place
    (the evidence for a place the gazetteer does not know: "South Pars" is named beside
    Iranian places, not Korean ones)."""
    by_article: dict[int, list[int]] = defaultdict(list)
    rows = Mention.objects.filter(
        entity__kind="place", suppressed=False, article__is_published=True
    ).values_list("article_id", "entity_id")
    for article_id, entity_id in rows.iterator(chunk_size=20_000):
        by_article[article_id].append(entity_id)
    out: dict[int, Counter] = defaultdict(Counter)
    for entity_ids in by_article.values():
        countries = {names[e].country for e in entity_ids if e in names and names[e].country}
        for entity_id in entity_ids:
            own = names.get(entity_id)
            others = countries - {own.country} if own and own.country else countries
            # the place's own country counts only when another place there names it too
            if (
                own
                and own.country
                and any(
                    names[e].country == own.country
                    for e in entity_ids
                    if e != entity_id and e in names
                )
            ):
                others = others | {own.country}
            out[entity_id].update(others)
    return out


def store_match_keys(ev: Evidence) -> int:
    """Store the match keys this release computes where they differ from the stored ones: a
    release that learns a new variant ("Crown Prince ...", "... (OIC") then has imports meet
    old values under it too. Returns how many changed."""
    stale = [Entity(id=pk, match_key=key) for pk, key in ev.stale_match_keys.items()]
    Entity.objects.bulk_update(stale, ["match_key"], batch_size=2000)
    return len(stale)


def _names() -> tuple[dict[int, Name], dict[int, str]]:
    counts = dict(
        Mention.objects.filter(suppressed=False, article__is_published=True)
        .values("entity_id")
        .annotate(n=Count("id"))
        .values_list("entity_id", "n")
    )
    edited = set(
        Mention.objects.filter(origin=Mention.Origin.EDITOR).values_list("entity_id", flat=True)
    )
    names, stale = {}, {}
    rows = Entity.objects.values_list(
        "id", "kind", "name", "key", "match_key", "slug", "country", "feature"
    )
    for row in rows.iterator(chunk_size=5000):
        name = Name(*row)
        key = match_key(name.kind, name.name)  # as this release computes it
        if key != name.match_key:
            stale[name.id] = key
            name.match_key = key
        name.articles = counts.get(name.id, 0)
        name.edited = name.id in edited
        names[name.id] = name
    return names, stale


_LOWER_WORD = re.compile(r"(?<![\w'’.-])[a-z]+(?![\w'’-])")
# Capitalized on its own inside a sentence: after a whole lower-case word or a comma (not after
# a full stop), and not followed by another capitalized word: "the Army said" counts for
# "Army", "the Syrian Army" and "the Army Corps" do not (there "Army" is part of a name).
_MID_CAPITAL = re.compile(r"(?:(?<![\w'’.-])[a-z]+|[,;]) ([A-Z][a-z]+)(?![\w'’-]| [A-Z])")
_LOCATED = re.compile(r"(?<![\w'’.-])(?:at|in) ([A-Z][a-z]+)(?![\w'’-]| [A-Z])")
_AFTER_THE = re.compile(r"(?<![\w'’.-])the ([A-Z][a-z]+)(?![\w'’-]| [A-Z])")
# "the tanker Stena Impero", "the destroyer Dena": what a ship's kind names
_SHIP = r"(?:super)?(?:tanker|vessel|ship|destroyer|frigate|warship|boat|yacht|submarine|ferry)"
_SHIP_NAME = r"[A-Z][\w-]*(?:\s+(?:[A-Z][\w-]*|\d+))?"
# "the tanker Stena Impero", "the vessel named “Stena Impero”", "the Stena Impero tanker"
_VESSEL = re.compile(
    rf"\b{_SHIP}\s+(?:the\s+|named\s+|called\s+)?[“\"']?({_SHIP_NAME})"
    rf"|\b({_SHIP_NAME})[”\"']?\s+(?:oil\s+)?{_SHIP}s?\b"
)
_NAME_WORD = r"[A-Z][\w'’&.-]*"
_SMALL = r"(?:of|for|and|the|on|in|to|de|du|al|el|&)"
# "Islamic Revolution Guards Corps (IRGC)": up to eight capitalized words and small words.
_LONG_THEN_SHORT = re.compile(
    rf"((?:{_NAME_WORD}\s+(?:{_SMALL}\s+)*){{1,8}}{_NAME_WORD})\s+\(([A-Z][A-Za-z.&]{{1,10}})\)"
)
# "IRGC (Islamic Revolution Guards Corps)"
_SHORT_THEN_LONG = re.compile(
    rf"\b([A-Z][A-Z.&]{{1,10}})\s+\(((?:{_NAME_WORD}\s+(?:{_SMALL}\s+)*){{1,8}}{_NAME_WORD})\)"
)


def read_text(progress: Callable[[int], None] | None = None) -> ArchiveText:
    """One pass over the published articles' text (the first TEXT_CHARS of each body)."""
    lower, capitalized, located, after_the = Counter(), Counter(), Counter(), Counter()
    acronyms: Counter = Counter()
    expansions: dict[str, str] = {}
    vessels: Counter = Counter()
    texts = Article.objects.filter(is_published=True).values_list("headline", "body")
    for headline, body in texts.iterator(chunk_size=CHUNK):
        text = body[:TEXT_CHARS]
        lower.update(_LOWER_WORD.findall(text))
        capitalized.update(_MID_CAPITAL.findall(text))
        located.update(_LOCATED.findall(text))
        after_the.update(_AFTER_THE.findall(text))
        for after, before in _VESSEL.findall(text):
            key = name_key(after or before)
            vessels[key] += 1
            if key.rsplit(" ", 1)[-1].isdigit():  # "Grace 1" is called "Grace" too
                vessels[key.rsplit(" ", 1)[0]] += 1
        for short, long in _pairs(f"{headline}\n{text}"):
            acronyms[(acronym_key(short), name_key(long))] += 1
            expansions.setdefault(name_key(long), long)
        if progress:
            progress(1)
    case = WordCase(lower, *map(_lowered, (capitalized, located, after_the)))
    return ArchiveText(case, acronyms, expansions, vessels)


def _lowered(counter: Counter) -> Counter:
    """Counts by the word in lower case: the words counted are one capital and lower-case
    letters ("Army"), so no two of them fall together."""
    return Counter({word.lower(): n for word, n in counter.items()})


def _pairs(text: str):
    """(acronym, expansion) definitions in a text, the expansion cut to its shortest tail
    whose initials are the acronym (Schwartz & Hearst's idea: "the 1979 Islamic
    Revolution Guards Corps (IRGC)" defines "Islamic Revolution Guards Corps")."""
    found = [(m.group(2), m.group(1)) for m in _LONG_THEN_SHORT.finditer(text)]
    found += [(m.group(1), m.group(2)) for m in _SHORT_THEN_LONG.finditer(text)]
    for short, long in found:
        words = long.split()
        for start in range(len(words) - 1, -1, -1):
            tail = " ".join(words[start:])
            if is_acronym_of(short, tail):
                yield short, tail
                break


@dataclass
class ShortMention:
    """A mention of a one-word name: on the one-word entity itself, or on a person named in
    full to whom an earlier run or import gave it (``on_full``)."""

    mention_id: int
    entity_id: int
    word: str
    article_id: int
    period: Period
    form: str  # as written
    on_full: bool
    also: tuple[Period, ...] = ()  # periods an undated article may be from
    fragment: bool = False  # on a headline fragment of the word ("Cuba Rouhani")


@dataclass
class PersonNames:
    evidence: NameEvidence
    short: list[ShortMention]
    outlets: dict[int, str]
    # mentions of a name without the middle initials of its namesakes ("George Bush"), and
    # person -> those namesakes (reconcile.initials)
    plain: list[ShortMention] = field(default_factory=list)
    namesakes: dict[int, set[int]] = field(default_factory=dict)


def one_of_its_words(forms: list[str], key: str, ends: tuple[str, str] | None) -> str:
    """The word a person's mention stands for when its forms are all words of their name
    written alone ("Zarif"; "Cameron" and "David": the surname; "Seyyed": a title), or ""."""
    words = {name_key(f) for f in forms if isinstance(f, str)}
    if not words or any(" " in w or not w for w in words) or not words <= set(key.split()):
        return ""
    for end in reversed(ends or ()):
        if end in words:
            return end
    return min(words)


def person_names(
    decided: set[tuple[str, int]] = frozenset(),
    curated: dict[str, set[str]] | None = None,
    fragments: dict[int, str] | None = None,
) -> PersonNames:
    """Every person mention, read once: who is named in full where, and every one-word name.

    ``decided``: (word, person id) pairs the curated table or an editor settled; their
    one-word mentions stay where they are. ``curated``: person key -> other names of theirs
    that name them in full ("Imam Khomeini"). ``fragments``: person id -> the surname a
    headline fragment is of ("Cuba Rouhani": rouhani); their mentions are that word alone.
    """
    fragments = fragments or {}
    ranks = undated_ranks()
    ev = NameEvidence()
    one_word: dict[int, str] = {}  # bare one-word names ("Zarif", not "Mr Zarif")
    titled: dict[int, str] = {}  # a title and one word ("Imam Hussein")
    in_full: dict[int, tuple[str, set[str]]] = {}  # person -> own name, curated full names
    keys: dict[int, str] = {}
    for pk, name, key in Entity.objects.filter(kind="person").values_list("id", "name", "key"):
        keys[pk] = key
        if pk in fragments:
            continue  # no one's full name
        if (curated or {}).get(key):
            in_full[pk] = (name, curated[key])
        if ev.person(pk, name):
            continue
        if " " not in key:
            one_word[pk] = key
        elif len(name_words(key)) == 1:
            titled[pk] = name
    namesakes = initialled_namesakes(keys)
    short, plain = [], []
    for mention_id, entity_id, article_id, published, source_id, forms, origin in mention_rows(
        "person"
    ):
        period = ranks.period(article_id, source_id, published.year if published else 0)
        fragment = entity_id in fragments
        if fragment:
            word, on_full = fragments[entity_id], False
        elif entity_id in titled:
            # "Hajj Qassem": its one-word mentions ("Hajj", the pilgrimage, given to it by an
            # older release) are decided afresh, the rest name someone by a title
            word = short_word(forms)
            if not word or word not in name_key(titled[entity_id]).split():
                ev.titled_name(titled[entity_id], period)
                continue
            on_full = True
        else:
            word = one_word.get(entity_id)
            on_full = False
        if word is None:
            own = in_full.get(entity_id)
            if own and any(name_key(f) in own[1] for f in forms if isinstance(f, str)):
                forms = [*forms, own[0]]
            if ev.mention(entity_id, forms, article_id, period):
                if entity_id in namesakes and origin != Mention.Origin.EDITOR:
                    also = ranks.undated_also(source_id, published.year if published else 0)
                    form = next((f for f in forms if isinstance(f, str)), "")
                    plain.append(
                        ShortMention(
                            mention_id,
                            entity_id,
                            keys[entity_id],
                            article_id,
                            period,
                            form,
                            False,
                            also,
                        )
                    )
                continue
            word = one_of_its_words(forms, keys.get(entity_id, ""), ev.ends.get(entity_id))
            # "Imam Hussein" given to Saddam Hussein by an older release: a person of his own
            word = word or religious_figure(forms)
            on_full = bool(word)
            if not on_full or (word, entity_id) in decided:
                continue
        if origin == Mention.Origin.EDITOR:
            continue
        ev.alone_in[article_id].update(
            w for w in (name_key(f) for f in forms if isinstance(f, str)) if w and " " not in w
        )
        form = next((f for f in forms if isinstance(f, str) and f.strip()), word)
        year = published.year if published else 0
        also = ranks.undated_also(source_id, year)
        short.append(
            ShortMention(
                mention_id, entity_id, word, article_id, period, form, on_full, also, fragment
            )
        )
    outlets = dict(Source.objects.values_list("id", "name"))
    return PersonNames(ev, short, outlets, plain, namesakes)
