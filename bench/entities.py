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

Also checked, outside the search (issue 19):

- short-name merges without evidence: every mention whose surface forms are one word alone
  on an entity whose name has more ("Mike" on Mike Pompeo), per kind; its evidence holds
  when the article's text names the entity in full, or another article of the same outlet
  and period does (the year; undated articles: the WINDOW articles before and after it in
  the archive's order). Counted, not sampled; the failures are listed for a person to judge.
- automatic merges, sampled (--sample, a fixed seed): the merged name, the entity, the
  rule's reason, for a person to judge.

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
SMALL_END = {"of", "the", "and", "for", "to", "in"}
GENERIC = set("agency ministry department company organization organisation office group".split())
WATER = {"gulf", "sea", "strait", "bay"}
WINDOW = 500  # undated articles of one outlet on either side, taken as one period


def setup(data_dir: str) -> None:
    os.environ["NEWSROOM_DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    sys.path.insert(0, str(REPO))
    import django

    django.setup()


def top_values(q: str, top: int) -> dict[str, list[tuple[str, str, int]]]:
    from articles.pages.search import Namer
    from articles.search import SearchRequest, search_articles

    response = search_articles(SearchRequest(q=q, per_page=1))
    wanted = {f: {fc.value for fc in response.facets[f][:top]} for f in KINDS}
    name_of = Namer(wanted)
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
        wa, wb = fa.split(), fb.split()
        if len(wa) >= 2 and len(wb) >= 2 and wa[-1] == wb[-1] and wa[0][0] == wb[0][0]:
            return "one surname, one initial"  # "Mike Pompeo", "Michael Pompeo"
    if kind == "place":
        wa, wb = fa.split(), fb.split()
        if wa[-1:] == wb[-1:] and {wa[0], wb[0]} <= WATER and len(wa) > 1 and len(wb) > 1:
            return "one water, two words for it"  # "Gulf of Oman", "Sea of Oman"
    return None


def not_entity(name: str, ordinary: frozenset, given: frozenset) -> str | None:
    from articles.extraction.places import gazetteer

    key = folded(name)
    if DATELINE.match(name.replace(" ", "")) or re.fullmatch(r"[a-z]{3}\d{1,2}", key):
        return "a dateline code"
    raw = name.lower().split()
    if len(raw) > 1 and raw[-1] in SMALL_END:
        return "a name cut short"
    if "," in name:
        return "a comma inside"
    words = [w for w in key.split() if w not in ("u", "s", "us")]
    if len(words) == 1 and words[0] in GENERIC:
        return "a generic word"
    if key in NUMBER_WORDS:
        return "a number word"
    if " " in key or not key.isalpha():
        return None
    if name.isupper() and len(key) <= 4:
        return None  # an acronym ("EU", "FBI", "MBS"), whatever the word list says
    if key in ordinary and gazetteer().lookup(name) is None and key not in given:
        return "an ordinary word" if not name.isupper() else "an ordinary word in capitals"
    return None


def short_name_merges(show: int, seed: int) -> None:
    """Mentions whose forms are one word alone, on entities named with more, per kind, and
    whether their article or its outlet and period names the entity in full."""
    import random
    from bisect import bisect_left
    from collections import Counter, defaultdict

    from articles.extraction.names import name_key
    from articles.extraction.places import gazetteer
    from articles.ingest.reconcile.curated import curated
    from articles.models import Article, Entity, EntityAlias, Mention

    full_names: dict[int, set[str]] = defaultdict(set)
    kinds: dict[int, str] = {}
    own_names: dict[int, str] = {}
    for pk, kind, name in Entity.objects.values_list("id", "kind", "name"):
        if len(name_key(name).split()) >= 2:
            full_names[pk].add(name)
            kinds[pk] = kind
            own_names[pk] = name
    # a one-word alias the archive keeps (curated, an editor's, an acronym) is a decision,
    # not a short name given by evidence
    one_word_aliases: set[tuple[int, str]] = set()
    for pk, name, key in EntityAlias.objects.values_list("entity_id", "name", "key"):
        if pk in kinds and len(key.split()) >= 2:
            full_names[pk].add(name)
        elif pk in kinds:
            one_word_aliases.add((pk, key))

    # the curated table's names of an entity are its names too ("Imam Khomeini", "Rohani")
    by_name = {(kinds[pk], name_key(own_names[pk])): pk for pk in kinds}
    for entity in curated().entities:
        pk = by_name.get((entity.kind, name_key(entity.name)))
        for other in entity.other_names if pk else ():
            if len(name_key(other).split()) >= 2:
                full_names[pk].add(other)
            else:
                one_word_aliases.add((pk, name_key(other)))

    def known_alias(entity_id: int, key: str, form: str) -> bool:
        if (entity_id, key) in one_word_aliases:
            return True
        if kinds[entity_id] != "place":
            return False
        place, own = gazetteer().lookup(form), gazetteer().lookup(own_names[entity_id])
        return place is not None and own is not None and place.name == own.name  # "Bosnia"

    articles = {
        pk: (source, published.year if published else 0)
        for pk, source, published in Article.objects.filter(is_published=True).values_list(
            "id", "source_id", "published"
        )
    }
    undated: dict = defaultdict(list)
    for pk, (source, year) in sorted(articles.items()):
        if not year:
            undated[source].append(pk)

    def period(pk: int):
        source, year = articles[pk]
        if year:
            return (source, year)
        return (source, -bisect_left(undated[source], pk))  # a rank, compared within WINDOW

    named: dict[int, list] = defaultdict(list)  # entity -> periods naming it in full
    short = []
    rows = Mention.objects.filter(suppressed=False).values_list(
        "entity_id", "article_id", "surface_forms"
    )
    for entity_id, article_id, forms in rows.iterator(chunk_size=20_000):
        if entity_id not in kinds or article_id not in articles:
            continue
        keys = [name_key(f) for f in forms if isinstance(f, str)]
        if any(" " in k for k in keys):
            named[entity_id].append(period(article_id))
        elif keys:
            words = set(name_key(own_names[entity_id]).split())
            if all(k in words for k in keys) and not all(
                known_alias(entity_id, k, f) for k, f in zip(keys, forms, strict=False)
            ):
                short.append((entity_id, article_id, forms))

    def in_period(entity_id: int, article_id: int) -> bool:
        source, when = period(article_id)
        for other_source, other_when in named.get(entity_id, ()):
            if other_source != source:
                continue
            if when > 0 and other_when == when:
                return True
            if when <= 0 and other_when <= 0 and abs(other_when - when) <= WINDOW:
                return True
        return False

    texts = {}
    ids = sorted({a for _, a, _ in short})
    for start in range(0, len(ids), 2000):
        chunk = ids[start : start + 2000]
        for pk, headline, body in Article.objects.filter(pk__in=chunk).values_list(
            "id", "headline", "body"
        ):
            texts[pk] = f"{headline}\n{body}".casefold()
    totals, by_text, by_period, failures = Counter(), Counter(), Counter(), defaultdict(list)
    for entity_id, article_id, forms in short:
        kind = kinds[entity_id]
        totals[kind] += 1
        if any(n.casefold() in texts.get(article_id, "") for n in full_names[entity_id]):
            by_text[kind] += 1
        elif in_period(entity_id, article_id):
            by_period[kind] += 1
        else:
            failures[kind].append((entity_id, article_id, forms))
    print("\nShort-name merges (a one-word form on an entity named with more), per kind:")
    for kind in ("person", "organization", "place"):
        print(
            f"  {kind:12s} {totals[kind]:6d} merged; evidence: the article {by_text[kind]:6d}, "
            f"its outlet and period {by_period[kind]:6d}; without evidence {len(failures[kind]):5d}"
        )
    names = dict(
        Entity.objects.filter(pk__in={e for f in failures.values() for e, _, _ in f}).values_list(
            "id", "name"
        )
    )
    rng = random.Random(seed)
    for kind, found in failures.items():
        print(f"\n  without evidence, {kind} (a sample, judge them):")
        for entity_id, article_id, forms in rng.sample(found, min(show, len(found))):
            source, year = articles[article_id]
            when = year or "undated"
            print(
                f"    {forms} -> {names.get(entity_id)!r}  article {article_id} ({source}, {when})"
            )


def merge_sample(n: int, seed: int) -> None:
    """A sample of resolve_entities' own merges, with their reasons, for a person to judge."""
    import random
    from collections import Counter

    from django.db import DatabaseError

    from articles.models import MergeRecord

    try:
        MergeRecord.objects.exists()
    except DatabaseError:
        print("\nAutomatic merges on record: none (an archive from before merge records)")
        return
    records = list(
        MergeRecord.objects.filter(origin="automatic", undone_at__isnull=True).values_list(
            "action",
            "kind",
            "name",
            "entity_kind",
            "entity_name",
            "reason",
            "article_ids",
            "evidence",
        )
    )
    print(f"\nAutomatic merges on record: {len(records)}")
    for (action, reason), count in Counter((r[0], r[5][:60]) for r in records).most_common(12):
        print(f"  {count:6d}  {action}: {reason}")
    print(f"\nA sample of {min(n, len(records))} (judge them):")
    for action, kind, name, e_kind, e_name, reason, ids, evidence in random.Random(seed).sample(
        records, min(n, len(records))
    ):
        word = (evidence or {}).get("word") if isinstance(evidence, dict) else None
        if action == "short_name_back" and word:
            # the one-word mentions moved, never the entity named in full
            print(
                f"  {action}: {word!r} taken off {name!r} ({kind}) back to {e_name!r} "
                f"({e_kind}), {len(ids)}: {reason}"
            )
            continue
        print(f"  {action}: {name!r} ({kind}) -> {e_name!r} ({e_kind}), {len(ids)}: {reason}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--data-dir", default=os.environ.get("NEWSROOM_DATA_DIR", str(REPO / "var")))
    ap.add_argument("--top", type=int, default=50)
    ap.add_argument("--show", type=int, default=60, help="suspects listed")
    ap.add_argument("--sample", type=int, default=40, help="automatic merges listed to judge")
    ap.add_argument("--seed", type=int, default=2026, help="of the samples")
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
    short_name_merges(args.show, args.seed)
    merge_sample(args.sample, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
