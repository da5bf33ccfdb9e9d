"""Ranking check: precision at 10 of Newsroom's search against plain Whoosh BM25.

    NEWSROOM_DATA_DIR=/work/bench-data/full .venv/bin/python bench/ranking.py \\
        --data-dir /work/bench-data/full

Judgments are the TOPICS tags of the shared Reuters-21578 files: for each of the 20 most
frequent topics, a plain query (the words a reader would type, below) is searched, and a
result is relevant when its Reuters document carries that topic. Results without
judgments (Reuters documents with no TOPICS tag, or articles of other outlets) are skipped,
so each query is scored on its first 10 judged results.

- Newsroom: `articles.search.search_articles` on the data folder's archive, restricted to
  the outlet Reuters (as a reader would filter), i.e. the site's real ranking;
- plain Whoosh: a fresh Whoosh index (stemming analyzer, BM25F defaults, words ANDed as
  Whoosh's QueryParser does) of exactly the same Reuters documents: headline and body as
  stored in that archive.

Only reads the data folder; the plain index lives in a temporary folder. Prints both.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
REUTERS = REPO.parent / "shared" / "corpus" / "reuters21578"

# Plain words searched for each of the frequent TOPICS of Reuters-21578; the 20 most
# frequent among the archive's Reuters articles are used.
TOPIC_QUERIES = {
    "earn": "earnings",
    "acq": "acquisition",
    "money-fx": "foreign exchange",
    "grain": "grain",
    "crude": "crude oil",
    "trade": "trade",
    "interest": "interest rates",
    "ship": "shipping",
    "wheat": "wheat",
    "corn": "corn",
    "dlr": "dollar",
    "money-supply": "money supply",
    "oilseed": "oilseed",
    "sugar": "sugar",
    "coffee": "coffee",
    "gnp": "gross national product",
    "gold": "gold",
    "veg-oil": "vegetable oil",
    "soybean": "soybean",
    "nat-gas": "natural gas",
    "livestock": "livestock",
    "cpi": "consumer prices",
    "bop": "balance of payments",
    "cocoa": "cocoa",
    "copper": "copper",
    "jobs": "unemployment",
    "reserves": "currency reserves",
    "rubber": "rubber",
    "ipi": "industrial production",
    "iron-steel": "steel",
}
DEPTH = 10


def reuters_topics() -> dict[str, list[str]]:
    """NEWID -> TOPICS of every Reuters document (empty list: no judgment)."""
    doc = re.compile(r"<REUTERS\b[^>]*NEWID=\"(\d+)\"[^>]*>(.*?)</REUTERS>", re.S)
    topics = re.compile(r"<TOPICS>(.*?)</TOPICS>", re.S)
    out = {}
    for path in sorted(REUTERS.glob("reut2-*.sgm")):
        for newid, inner in doc.findall(path.read_bytes().decode("latin-1")):
            m = topics.search(inner)
            out[newid] = re.findall(r"<D>(.*?)</D>", m.group(1)) if m else []
    return out


def archive_documents() -> dict[int, tuple[str, str, str]]:
    """Published Reuters-21578 articles of the archive: id -> (NEWID, headline, body)."""
    from articles.models import Article

    out = {}
    rows = Article.objects.filter(
        is_published=True, original_name__contains="reuters21578/reut2-"
    ).values_list("id", "original_name", "headline", "body")
    for pk, name, headline, body in rows:
        newid = name.rpartition("#")[2]
        if newid.isdigit():
            out[pk] = (newid, headline, body)
    return out


def precision(ranked_topics, topic: str) -> tuple[float, int]:
    """Precision over the first DEPTH judged results, and how many unjudged were skipped."""
    judged, skipped = [], 0
    for topics in ranked_topics:
        if not topics:
            skipped += 1
            continue
        judged.append(topic in topics)
        if len(judged) == DEPTH:
            break
    return (sum(judged) / DEPTH if judged else 0.0), skipped


def newsroom_ranking(query: str, source: str, topics_of_article):
    from articles.search import SearchRequest, search_articles

    page = 1
    while True:
        response = search_articles(
            SearchRequest(q=query, include={"source": (source,)}, page=page, per_page=50)
        )
        for hit in response.hits:
            yield topics_of_article(hit.article_id)
        if page * 50 >= response.total:
            return
        page += 1


def plain_whoosh(docs: dict[int, tuple[str, str, str]], folder: str):
    """A Whoosh index of the same documents, stock settings: returns a ranking function."""
    from whoosh import fields, index
    from whoosh.analysis import StemmingAnalyzer
    from whoosh.qparser import QueryParser

    schema = fields.Schema(
        pk=fields.NUMERIC(stored=True), text=fields.TEXT(analyzer=StemmingAnalyzer())
    )
    ix = index.create_in(folder, schema)
    with ix.writer(limitmb=256) as writer:
        for pk, (_, headline, body) in docs.items():
            writer.add_document(pk=pk, text=f"{headline}\n{body}")
    parser = QueryParser("text", schema)
    searcher = ix.searcher()

    def ranking(query: str, topics_of_article):
        for hit in searcher.search(parser.parse(query), limit=None):
            yield topics_of_article(hit["pk"])

    return ranking


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", required=True)
    args = parser.parse_args()
    os.environ["NEWSROOM_DATA_DIR"] = str(Path(args.data_dir).resolve())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from articles.models import Source

    judgments = reuters_topics()
    docs = archive_documents()
    topics_by_pk = {pk: judgments.get(newid, []) for pk, (newid, _, _) in docs.items()}
    counts: dict[str, int] = {}
    for topics in topics_by_pk.values():
        for t in topics:
            counts[t] = counts.get(t, 0) + 1
    frequent = sorted(counts, key=lambda t: (-counts[t], t))[:20]
    print(
        f"{len(docs)} Reuters-21578 articles in the archive, "
        f"{sum(1 for t in topics_by_pk.values() if t)} with TOPICS judgments; "
        f"the 20 most frequent topics: {', '.join(frequent)}"
    )
    source = Source.objects.get(name="Reuters").slug
    with tempfile.TemporaryDirectory(prefix="newsroom-ranking-") as folder:
        plain = plain_whoosh(docs, folder)
        rows = []
        print(f"{'topic':13s} {'query':24s} {'Newsroom':>9s} {'Whoosh':>7s}  (P@{DEPTH})")
        for topic in frequent:
            query = TOPIC_QUERIES[topic]
            ours, _ = precision(newsroom_ranking(query, source, topics_by_pk.get), topic)
            theirs, _ = precision(plain(query, topics_by_pk.get), topic)
            rows.append((ours, theirs))
            print(f"{topic:13s} {query:24s} {ours:9.2f} {theirs:7.2f}")
    ours = statistics.mean(r[0] for r in rows)
    theirs = statistics.mean(r[1] for r in rows)
    print(f"mean P@{DEPTH}: Newsroom {ours:.3f}, plain Whoosh BM25 {theirs:.3f}")


if __name__ == "__main__":
    main()
