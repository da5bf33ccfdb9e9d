"""Are the facet lists trustworthy? Duplicates and non-entities in what readers see (issue 9).

    NEWSROOM_DATA_DIR=/work/bench-data/full .venv/bin/python bench/entities.py
    .venv/bin/python bench/entities.py --data-dir var/bench --top 50 --show 40

For the match-all search and the topical searches below, the top N values of the place,
organization and person filters (what the search page lists) are checked with heuristics
that are NOT the resolver's own rules, so they can disagree with it:

- likely the same entity twice: two values whose folded names are nearly the same
  (difflib ratio >= 0.88 after dropping legal forms and honorifics), one the initials of the
  other ("UN", "United Nations"), one a single word that ends or starts the other's name
  (people: "Trump", "Donald Trump"), or one name under two kinds;
- likely not an entity: a dateline code, a number word, a single word that English writes in
  lower case (the extraction's common-words list) and that is neither a known place nor a
  given name, or an all-capital ordinary word.

Prints, per search and in all, how many values were shown, the suspect pairs and words,
and the shares. Suspects are for a person to judge: the script decides nothing.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import sys
from itertools import combinations
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

TOPICAL = [
    "iran nuclear",
    "sanctions",
    "election",
    "oil prices",
    "syria",
    "saudi arabia",
    "coronavirus",
    "brexit",
    "trade deficit",
    "terrorism",
    "israel palestinians",
    "china",
    "russia ukraine",
    "impeachment",
    "interest rates",
    "football",
    "climate",
    "yemen",
]
KINDS = {"place": "place", "org": "organization", "person": "person"}
DATELINE = re.compile(r"^(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\s*\d{1,2}$", re.I)
NUMBER_WORDS = set(
    "one two three four five six seven eight nine ten eleven twelve hundred thousand million "
    "billion first second third fourth fifth".split()
)
DROP = set("inc corp co ltd plc llc the of and mr mrs dr president seyed seyyed ayatollah".split())


def setup(data_dir: str) -> None:
    os.environ["NEWSROOM_DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    sys.path.insert(0, str(REPO))
    import django

    django.setup()


def top_values(q: str, top: int) -> dict[str, list[tuple[str, str, int]]]:
    from articles.pages.search import _namer
    from articles.search import SearchRequest, search_articles

    response = search_articles(SearchRequest(q=q, per_page=1))
    wanted = {f: {fc.value for fc in response.facets[f][:top]} for f in KINDS}
    name_of = _namer(wanted)
    return {
        f: [(fc.value, name_of(f, fc.value), fc.count) for fc in response.facets[f][:top]]
        for f in KINDS
    }


def folded(name: str) -> str:
    from articles.extraction.names import name_key

    return " ".join(w for w in name_key(name).split() if w not in DROP)


def same_entity(a: str, b: str, kind: str) -> str | None:
    """Why two shown values look like one entity, or None."""
    from articles.extraction.variants import initials

    fa, fb = folded(a), folded(b)
    if not fa or not fb:
        return None
    if fa == fb or difflib.SequenceMatcher(None, fa, fb).ratio() >= 0.88:
        return "nearly the same name"
    letters_a, letters_b = fa.replace(" ", ""), fb.replace(" ", "")
    if (" " not in fa and letters_a == initials(b)) or (" " not in fb and letters_b == initials(a)):
        return "initials"
    if kind == "person":
        short, long = sorted((fa, fb), key=len)
        if " " not in short and short in (long.split()[0], long.split()[-1]):
            return "a short form"
    return None


def not_entity(name: str, ordinary: frozenset, given: frozenset) -> str | None:
    from articles.extraction.places import gazetteer

    key = folded(name)
    if DATELINE.match(name.replace(" ", "")) or re.fullmatch(r"[a-z]{3}\d{1,2}", key):
        return "a dateline code"
    if key in NUMBER_WORDS:
        return "a number word"
    if " " in key or not key.isalpha():
        return None
    if name.isupper() and len(key) <= 4:
        return None  # an acronym ("EU", "FBI", "MBS"), whatever the word list says
    if key in ordinary and gazetteer().lookup(name) is None and key not in given:
        return "an ordinary word" if not name.isupper() else "an ordinary word in capitals"
    return None


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--data-dir", default=os.environ.get("NEWSROOM_DATA_DIR", str(REPO / "var")))
    ap.add_argument("--top", type=int, default=50)
    ap.add_argument("--show", type=int, default=60, help="suspects listed")
    args = ap.parse_args(argv)
    setup(args.data_dir)
    from articles.extraction.headlines import common_words
    from articles.extraction.wordlists import given_names

    ordinary, given = frozenset(common_words()), frozenset(n.lower() for n in given_names())
    pairs: dict[tuple, str] = {}
    odd: dict[tuple, str] = {}
    shown = odd_shown = pairs_shown = 0
    for q in ["", *TOPICAL]:
        lists = top_values(q, args.top)
        n = sum(len(v) for v in lists.values())
        shown += n
        found_pairs = found_odd = 0
        everyone = [(f, slug, name) for f, values in lists.items() for slug, name, _ in values]
        for f, values in lists.items():
            for (_s1, n1, _), (_s2, n2, _) in combinations(values, 2):
                why = same_entity(n1, n2, KINDS[f])
                if why:
                    found_pairs += 1
                    pairs.setdefault((f, *sorted((n1, n2))), why)
            for _slug, name, _ in values:
                why = not_entity(name, ordinary, given)
                if why:
                    found_odd += 1
                    odd.setdefault((f, name), why)
        for (f1, _, n1), (f2, _, n2) in combinations(everyone, 2):
            if f1 != f2 and folded(n1) == folded(n2):
                found_pairs += 1
                pairs.setdefault((f"{f1}/{f2}", n1, n2), "one name under two kinds")
        odd_shown += found_odd
        pairs_shown += found_pairs
        print(
            f"{q or '(match-all)':22s} values shown {n:4d}   duplicate pairs {found_pairs:3d}   "
            f"not entities {found_odd:3d}"
        )
    print(
        f"\nIn all: {shown} values shown in {1 + len(TOPICAL)} searches (top {args.top} of "
        f"places, organizations, people)"
    )
    print(f"  suspect duplicate pairs: {pairs_shown} in the lists, {len(pairs)} distinct")
    print(
        f"  suspect non-entities: {odd_shown} of the values shown "
        f"({100 * odd_shown / max(1, shown):.2f}%), {len(odd)} distinct"
    )
    print("\nSuspect duplicates (judge them):")
    for (f, a, b), why in sorted(pairs.items())[: args.show]:
        print(f"  {f:12s} {a!r} ~ {b!r}: {why}")
    print("\nSuspect non-entities (judge them):")
    for (f, name), why in sorted(odd.items())[: args.show]:
        print(f"  {f:12s} {name!r}: {why}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
