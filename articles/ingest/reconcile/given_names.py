"""One given name written two ways: "Dave Collins" / "David Collins", "Donnie Trump" /
"Donald Trump" (a nickname), "Khadija" / "Khadijah" (a transliteration's final h).

Two people whose names differ only so, the rest of the name the same ("Donald Trump Jr." is
not "Donnie Trump"), are one person where an article names both ("The appointment of David
Collins" beside "Dave Collins" in one BBC story) and the other articles of the one joining
are nearly all in outlets naming the other; where only an outlet and period name both,
an editor decides (the table says "Willie" and "Bill" are one name: Willie Nelson is not Bill
Nelson), and never across outlets or periods. Nicknames come from
carltonnorthern's hand-curated table of English given names (PyPI ``nicknames``,
Apache-2.0). Pure: no database.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from functools import lru_cache

from nicknames import NickNamer

from .evidence import Evidence, Name
from .fragments import NAMED_WHERE
from .name_evidence import name_words
from .proposals import SAME, Proposal

MIN_STEM = 4  # a final h joins names this long ("Khadija" / "Khadijah"; not "Noa" / "Noah")
FORMAL = 3  # the formal spelling counts its articles this many times (_weight)


@lru_cache(maxsize=1)
def _namer() -> NickNamer:
    return NickNamer()


@lru_cache(maxsize=20_000)
def one_given_name(a: str, b: str) -> str:
    """How two given names are one ("nickname", "final h"), or "" when they are not."""
    if a == b:
        return ""
    short, long = sorted((a, b), key=len)
    if long == short + "h" and len(short) >= MIN_STEM:
        return "final h"
    namer = _namer()
    if b in namer.nicknames_of(a) or a in namer.nicknames_of(b):
        return "nickname"
    return ""


def given_name_rules(names: list[Name], ev: Evidence) -> list[Proposal]:
    """The less named of two spellings of one person's given name joins the other, at once
    where an outlet names both in one period, else as a suggestion."""
    by_rest: dict[tuple[str, ...], list[tuple[str, Name]]] = defaultdict(list)
    for name in names:
        if name.kind != "person":
            continue
        words = name_words(name.name)
        if words and words[0].isalpha():
            # one-word names meet only their final-h spelling (evidence.given_name_bucket)
            by_rest[words[1:] or ("", words[0].removesuffix("h"))].append((words[0], name))
    out = []
    for group in by_rest.values():
        if len(group) < 2:
            continue
        for first, name in group:
            proposal = _into(first, name, group, ev)
            if proposal is not None:
                out.append(proposal)
    return out


def _into(first: str, name: Name, group: list[tuple[str, Name]], ev: Evidence) -> Proposal | None:
    others = [(f, o, one_given_name(first, f)) for f, o in group if f != first]
    # a given name alone joins only its spelling: "Dave" alone is decided per article
    others = [(f, o, how) for f, o, how in others if how and (o.words[1:] or how == "final h")]
    if len({f for f, _, _ in others}) != 1:
        return None  # none, or "Don" of both Donald and Donovan: an editor decides
    other_first, _, how = others[0]
    target = max((o for _, o, _ in others), key=lambda o: (o.articles, -o.id))
    if _weight(target, other_first, first, how) <= _weight(name, first, other_first, how):
        return None  # the other joins this one
    together = ev.together.get((min(name.id, target.id), max(name.id, target.id)), 0)
    shared = set(ev.periods.get(name.id, ())) & set(ev.periods.get(target.id, ()))
    if not together and not shared:
        return None  # Michael Johnson of BBC 2004 is not Mike Johnson of HuffPost 2022
    named_where = _in_outlets_naming(name, target, ev)
    # the period alone: Willie Nelson is not Bill Nelson; one story naming both, and the
    # rest of the name's articles in outlets never naming the other: the footballer Danny
    # Williams, "Daniel Williams" in his match's line-up, is not the analyst Daniel Williams
    # of Reuters 1987
    sure = together and named_where >= NAMED_WHERE
    return Proposal(
        SAME,
        name,
        target,
        score=0.9 if sure else 0.6,
        reason=f"one given name ({how}: {first} / {other_first})",
        evidence={
            "articles_together": together,
            "shared_periods": len(shared),
            "named_where": round(named_where, 2),
        },
    )


def _in_outlets_naming(variant: Name, person: Name, ev: Evidence) -> float:
    """The share of the variant's articles in outlets that name the person."""
    mine, theirs = ev.periods.get(variant.id, Counter()), ev.periods.get(person.id, Counter())
    outlets = {source_id for source_id, _ in theirs}
    total = sum(mine.values())
    return (
        sum(n for (source_id, _), n in mine.items() if source_id in outlets) / total
        if total
        else 0.0
    )


def _weight(name: Name, first: str, other: str, how: str) -> tuple[int, int]:
    """Which spelling is shown: the most named, the formal name counting FORMAL times
    ("David Collins" over "Dave Collins"; "Mike Pompeo" named far more stays)."""
    formal = how == "nickname" and other in _namer().nicknames_of(first)
    return (name.articles * (FORMAL if formal else 1), -name.id)
