"""What the query language costs, in-process, on an archive (issue 18).

    .venv/bin/python bench/query_language.py --data-dir /work/bench-data/q

(1) Reading and preparing each query, uncached (articles.search.query.parse_query and
articles.search.prepare: words the index cannot hold, prefix forms, outlets): the 250
shared queries and their variants below. (2) The variants searched with all facets and
the timeline, as the full page asks, beside the plain queries they come from: every
operator on the fast path. Prints median and p95 per kind. The shared queries' full page
before and after (this code against an older checkout) is bench/ab_compare.py's job.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from search import django_setup, figures, load_queries, log, percentiles


def variants(queries: list[tuple[str, str]]) -> dict[str, list[str]]:
    """Each operator applied to the words of the shared keyword and phrase queries."""
    two = [q.strip('"').split() for _, q in queries if len(q.strip('"').split()) >= 2]
    words = [w for ws in two for w in ws]
    return {
        "plain words": [" ".join(ws) for ws in two],
        "a NOT b": [f"{a} NOT {b}" for a, b, *_ in two],
        "(a OR b) c / a OR b": [
            f"({ws[0]} OR {ws[1]}) {ws[2]}" if len(ws) > 2 else f"{ws[0]} OR {ws[1]}" for ws in two
        ],
        '"a b" (exact forms)': [f'"{a} {b}"' for a, b, *_ in two],
        '"a b"~5': [f'"{a} {b}"~5' for a, b, *_ in two],
        "a NEAR/5 b": [f"{a} NEAR/5 {b}" for a, b, *_ in two],
        "prefix*": [f"{w[:4]}*" for w in words if len(w) >= 5][:100],
        "=exact": [f"={w}" for w in words][:100],
        "headline:a b": [f"headline:{a} {b}" for a, b, *_ in two],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", required=True)
    args = parser.parse_args()
    django_setup(Path(args.data_dir).resolve())

    from articles import search
    from articles.search import SearchRequest, search_articles
    from articles.search.prepare import prepare, searchable
    from articles.search.query import _parse, parse_query

    search.warm_up()
    shared = load_queries()
    kinds = variants(shared)
    engine = search.current_engine()
    every = [q for _, q in shared] + [q for qs in kinds.values() for q in qs]
    read = []  # a prefix's forms are read from the index the first time (then kept)
    for q in every:
        _parse.cache_clear()
        searchable.cache_clear()
        started = time.perf_counter()
        prepare(q, parse_query(q), engine)
        read.append((time.perf_counter() - started) * 1000)
    log(f"[env] load average {os.getloadavg()[0]:.1f}")
    log("read and prepare, uncached:")
    f = percentiles(read)
    log(
        f"  all {len(read)} queries: median {f['p50'] * 1000:.0f} µs, p95 {f['p95'] * 1000:.0f} µs,"
        f" max {f['max']:.1f} ms"
    )
    log("search_articles with all facets and the timeline (the full page's search):")
    for kind, qs in kinds.items():
        times = []
        for q in qs:
            started = time.perf_counter()
            search_articles(SearchRequest(q=q, timeline="auto"))
            times.append((time.perf_counter() - started) * 1000)
        log(f"  {kind:32s} {figures(times)}")


if __name__ == "__main__":
    main()
