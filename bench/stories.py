"""How well articles are grouped into stories, against judged groups (bench/stories_judgments.json).

    .venv/bin/python bench/stories.py --data-dir DIR [--set near=0.45 ...] [--errors] [--timing]

Groups the archive in DIR in memory (nothing is written; the archive must have the stories
migration) with the shipped rules or the ones ``--set`` changes, then reports B-cubed
precision, recall and F1 and the share of judged look-alike pairs put into one story, for the
tuning part and the frozen part side by side. The frozen part is fixed by hash (see the
judgments' "about") and its digest is checked here: it was judged before any tuning, and
``--errors`` lists only the tuning part's mistakes. ``--timing`` also measures adding one
article: articles taken out of their story and grouped again one at a time, each in a
transaction rolled back afterwards.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
JUDGMENTS = ROOT / "bench" / "stories_judgments.json"
# sha256 of the frozen pools and look-alike pairs (canonical JSON): judged before tuning.
FROZEN_DIGEST = "96e016a2b32f19640c78d669ebcbca7777dad0df589aca82f45f2480c07dbffc"


def frozen(seed: str) -> bool:
    return hashlib.sha256(seed.encode()).hexdigest()[0] in "01234567"


def frozen_digest(doc: dict) -> str:
    part = {
        "pools": [p for p in doc["pools"] if frozen(p["seed"])],
        "lookalikes": [x for x in doc["lookalikes"] if frozen(x["pool"])],
    }
    return hashlib.sha256(json.dumps(part, sort_keys=True).encode()).hexdigest()


def document_name(ref: str) -> str:
    kind, number = ref.split(":")
    if kind == "r":
        return f"#{number}"
    return f"buzzfeed_webis_2016/articles/{number}.xml"


def article_ids(refs: set[str]) -> dict[str, int]:
    from articles.models import Article

    found = {}
    reuters = {
        name.rsplit("#", 1)[1]: article_id
        for article_id, name in Article.objects.filter(
            original_name__contains="reuters21578/"
        ).values_list("id", "original_name")
    }
    buzzfeed = {
        name.split("/corpus/", 1)[-1]: article_id
        for article_id, name in Article.objects.filter(
            original_name__contains="buzzfeed_webis_2016/"
        ).values_list("id", "original_name")
    }
    for ref in refs:
        kind, number = ref.split(":")
        article_id = reuters.get(number) if kind == "r" else buzzfeed.get(document_name(ref))
        if article_id is not None:
            found[ref] = article_id
    return found


def gold_clusters(pools: list[dict]) -> dict[str, int]:
    """ref -> gold cluster: groups of all pools, joined where they name one article."""
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for pool in pools:
        for group in pool["groups"]:
            for ref in group:
                parent[root(ref)] = root(group[0])
    roots = {}
    return {ref: roots.setdefault(root(ref), len(roots)) for ref in parent}


def b_cubed(items: list[str], gold: dict[str, int], predicted: dict[str, int]):
    precision, recall = [], []
    for ref in items:
        same_pred = {o for o in items if predicted[o] == predicted[ref]}
        same_gold = {o for o in items if gold[o] == gold[ref]}
        both = len(same_pred & same_gold)
        precision.append(both / len(same_pred))
        recall.append(both / len(same_gold))
    p, r = statistics.fmean(precision), statistics.fmean(recall)
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--set", action="append", default=[], help="rule=value (grouping.Rules)")
    parser.add_argument("--errors", action="store_true", help="list the tuning part's mistakes")
    parser.add_argument("--timing", type=int, default=0, help="articles to add one at a time")
    args = parser.parse_args()
    os.environ["NEWSROOM_DATA_DIR"] = str(Path(args.data_dir).resolve())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from articles.ingest.stories import group_archive
    from articles.similarity.grouping import RULES

    doc = json.loads(JUDGMENTS.read_text())
    digest = frozen_digest(doc)
    if digest != FROZEN_DIGEST:
        sys.exit(f"the frozen judgments changed (digest {digest}): they must not be edited")
    changes = {}
    for item in args.set:
        name, _, value = item.partition("=")
        changes[name] = type(getattr(RULES, name))(value)
    rules = dataclasses.replace(RULES, **changes)
    started = time.monotonic()
    report = group_archive(dry_run=True, rules=rules)
    seconds = time.monotonic() - started
    print(f"grouped {report.articles:,} articles in {seconds:.0f} s ({report.summary})")
    print("stages: " + ", ".join(f"{k} {v:.0f} s" for k, v in report.seconds.items()))
    gold = gold_clusters(doc["pools"])
    ids = article_ids(set(gold) | {r for x in doc["lookalikes"] for r in x["pair"]})
    missing = sorted(set(gold) - set(ids))
    if missing:
        print(f"{len(missing)} judged articles are not in this archive: {missing[:5]}")
    predicted = {ref: report.groups[ids[ref]] for ref in ids}
    header = f"{'part':8} {'pools':>5} {'items':>5} {'P':>6} {'R':>6} {'F1':>6}"
    print(f"\n{header} {'look-alikes merged':>20}")
    for part in ("tuning", "frozen"):
        pools = [p for p in doc["pools"] if frozen(p["seed"]) == (part == "frozen")]
        items = sorted({r for p in pools for g in p["groups"] for r in g if r in ids})
        p, r, f1 = b_cubed(items, gold, predicted)
        pairs = [x["pair"] for x in doc["lookalikes"] if frozen(x["pool"]) == (part == "frozen")]
        merged = sum(1 for a, b in pairs if predicted[a] == predicted[b])
        print(
            f"{part:8} {len(pools):5} {len(items):5} {p:6.3f} {r:6.3f} {f1:6.3f} "
            f"{merged:>8} of {len(pairs)} ({merged / len(pairs):.0%})"
        )
        if args.errors and part == "tuning":
            show_errors(items, gold, predicted, ids, pairs)
    if args.timing:
        time_additions(args.timing)


def show_errors(items, gold, predicted, ids, pairs) -> None:
    from articles.models import Article

    def line(ref):
        a = Article.objects.select_related("source").get(id=ids[ref])
        return f"{ref} {a.source} {a.published} {a.headline[:80]}"

    print("\nfalse merges (tuning):")
    for i, a in enumerate(items):
        for b in items[i + 1 :]:
            if predicted[a] == predicted[b] and gold[a] != gold[b]:
                print(f"  {line(a)}\n    ~ {line(b)}")
    print("missed (tuning):")
    for i, a in enumerate(items):
        for b in items[i + 1 :]:
            if predicted[a] != predicted[b] and gold[a] == gold[b]:
                print(f"  {line(a)}\n    ~ {line(b)}")
    print("look-alikes merged (tuning):")
    for a, b in pairs:
        if predicted[a] == predicted[b]:
            print(f"  {line(a)}\n    ~ {line(b)}")


def time_additions(count: int) -> None:
    """Take articles out of their stories and group them again, one at a time."""
    from django.db import transaction

    from articles.ingest.stories import group_new_articles
    from articles.models import Article

    ids = list(Article.objects.filter(story__isnull=False).values_list("id", flat=True))
    random.Random(22).shuffle(ids)
    costs = []

    class Rollback(Exception):
        pass

    for article_id in ids[:count]:
        try:
            with transaction.atomic():
                Article.objects.filter(id=article_id).update(story=None, copy_of=None)
                Article.copy_keys.rel.related_model.objects.filter(article_id=article_id).delete()
                started = time.perf_counter()
                group_new_articles([article_id])
                costs.append(time.perf_counter() - started)
                raise Rollback
        except Rollback:
            pass
    costs.sort()
    print(
        f"\nadding one article ({len(costs)}): median {statistics.median(costs) * 1000:.0f} ms, "
        f"p95 {costs[int(0.95 * (len(costs) - 1))] * 1000:.0f} ms, max {costs[-1] * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
