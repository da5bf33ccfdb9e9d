"""SQLite FTS5 as a reference engine for the search benchmarks (bench only).

    .venv/bin/python bench/fts5_reference.py --data-dir /work/bench-data/full

Builds an FTS5 table over the published articles of a data folder's database (headline and
body, Porter stemming) in a separate file beside it (``fts5-reference.sqlite3``; the
archive's database is only read), then answers the 250 shared queries as an engine call with
two facet groups: the top 20 by FTS5's bm25, and counts per outlet and per place over every
match (their sum is the exact total). It ships with Python's sqlite3: the cheapest
"real database full-text" to compare Newsroom's engine with.
"""

from __future__ import annotations

import argparse
import re
import sqlite3
import time
from pathlib import Path

FILE_NAME = "fts5-reference.sqlite3"
TOP = "SELECT rowid FROM doc WHERE doc MATCH ? ORDER BY rank LIMIT 20"
BY_SOURCE = (
    "SELECT s.source_id, count(*) FROM doc JOIN doc_source s ON s.article_id = doc.rowid "
    "WHERE doc MATCH ? GROUP BY 1"
)
BY_PLACE = (
    "SELECT p.place_id, count(*) FROM doc JOIN doc_place p ON p.article_id = doc.rowid "
    "WHERE doc MATCH ? GROUP BY 1"
)


def build(data_dir: Path, progress=print) -> dict:
    """(Re)build the reference table; returns its size and build time."""
    path = data_dir / FILE_NAME
    path.unlink(missing_ok=True)
    started = time.monotonic()
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode=OFF")
    con.execute("PRAGMA synchronous=OFF")
    source = (data_dir / "newsroom.sqlite3").resolve()
    con.execute("ATTACH DATABASE ? AS src", (f"file:{source}?mode=ro",))
    con.execute("BEGIN")
    con.execute(
        "CREATE VIRTUAL TABLE doc USING fts5(headline, body, "
        "tokenize = 'porter unicode61 remove_diacritics 2')"
    )
    con.execute(
        "INSERT INTO doc (rowid, headline, body) "
        "SELECT id, headline, body FROM src.articles_article WHERE is_published"
    )
    con.execute("CREATE TABLE doc_source (article_id INTEGER PRIMARY KEY, source_id INTEGER)")
    con.execute(
        "INSERT INTO doc_source SELECT id, source_id FROM src.articles_article WHERE is_published"
    )
    con.execute("CREATE TABLE doc_place (article_id INTEGER, place_id INTEGER)")
    con.execute(
        "INSERT INTO doc_place SELECT m.article_id, m.entity_id FROM src.articles_mention m "
        "JOIN src.articles_entity e ON e.id = m.entity_id "
        "WHERE e.kind = 'place' AND NOT m.suppressed ORDER BY m.article_id"
    )
    con.execute("CREATE INDEX doc_place_article ON doc_place (article_id)")
    con.execute("COMMIT")
    con.execute("INSERT INTO doc (doc) VALUES ('optimize')")
    con.close()
    seconds = time.monotonic() - started
    size = path.stat().st_size
    progress(f"[fts5] built {path} in {seconds:.0f} s, {size / 2**20:.0f} MB")
    return {"seconds": seconds, "bytes": size}


def match_expression(q: str) -> str:
    """The shared queries as FTS5 expressions: words ANDed, a quoted query as one phrase."""
    words = re.findall(r"\w+", q.lower())
    if q.startswith('"'):
        return '"' + " ".join(words) + '"'
    return " ".join(f'"{w}"' for w in words)


def measure(data_dir: Path, queries: list[tuple[str, str]]) -> dict[str, list[float]]:
    """Timings (ms) of the top 20 and the two facet groups per query, by query kind."""
    con = sqlite3.connect(f"file:{data_dir / FILE_NAME}?mode=ro", uri=True)
    for _, q in queries[:20]:  # warm the page cache
        con.execute(BY_SOURCE, (match_expression(q),)).fetchall()
    kinds: dict[str, list[float]] = {}
    for kind, q in queries:
        expression = match_expression(q)
        t = time.perf_counter()
        con.execute(TOP, (expression,)).fetchall()
        sum(n for _, n in con.execute(BY_SOURCE, (expression,)).fetchall())  # the total
        con.execute(BY_PLACE, (expression,)).fetchall()
        elapsed = (time.perf_counter() - t) * 1000
        kinds.setdefault(f"{kind} + 2 facets", []).append(elapsed)
        kinds.setdefault("all + 2 facets", []).append(elapsed)
    con.close()
    return kinds


def main() -> None:
    from search import figures, load_queries  # bench/search.py, beside this file

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--reuse", action="store_true", help="keep an existing reference file")
    args = parser.parse_args()
    data_dir = Path(args.data_dir)
    if not (args.reuse and (data_dir / FILE_NAME).exists()):
        build(data_dir)
    for kind, times in measure(data_dir, load_queries()).items():
        print(f"  FTS5 {kind:27s} {figures(times)}")


if __name__ == "__main__":
    main()
