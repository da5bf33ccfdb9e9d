"""A size on the cluster first, then Whoosh, with bench/scale.py's own functions, in the
order that fits a deadline (``scale.py --sizes N`` rebuilds Whoosh before the cluster, hours
at 1,000,000 on a loaded 2-core machine):

  1. the cluster's first build at the archive's size as it is (makes the collection and alias),
  2. grow the archive to --size (bench/grow_archive.py, as scale.py does),
  3. rebuild on the cluster beside the live collection (timed; a client counts the live alias),
  4. the cluster's size and pages over HTTP (gunicorn pointed at it), the JVM's memory,
  5. Whoosh: rebuild (2 processes, a client counts the live index), size, warm-up, HTTP.

Every step appends its row to --results in the data folder as soon as it is done, so a run
stopped at a deadline keeps what it measured.

    SOLR_HEAP=2g scripts/with-solr.sh sh -c '.venv/bin/python bench/scale_cluster.py \
        --data-dir /work/bench-data/perf --size 1000000 --search-url "$SEARCH_URL"'
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

REPO = Path.cwd()
sys.path.insert(0, str(REPO / "bench"))

import grow_archive  # noqa: E402
import scale  # noqa: E402
import search as search_bench  # noqa: E402
from search import log  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--search-url", default="")
    parser.add_argument("--whoosh", choices=("after", "only", "no"), default="after")
    parser.add_argument("--results", default="scale-1m-results.jsonl")
    parser.add_argument("--clients", default="4,16")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--reindex-processes", type=int, default=2)
    parser.add_argument("--solr-pid", type=int, default=int(os.environ.get("SOLR_PID") or 0))
    args = parser.parse_args()
    args.clients = [int(n) for n in args.clients.split(",")]
    data_dir = Path(args.data_dir).resolve()
    env = scale.prepare_archive(args, data_dir)

    def write(step: str, row: dict) -> None:
        row = dict(row, step=step, at=time.strftime("%Y-%m-%d %H:%M:%S"), machine=scale.machine())
        with (data_dir / args.results).open("a") as fh:
            fh.write(json.dumps(row) + "\n")
        log(f"[step] {step} written ({row['machine']})")

    log(f"[env] {os.cpu_count()} cores, {scale.machine()}, disk {shutil.disk_usage(data_dir)}")
    queries = search_bench.load_queries()

    if args.whoosh != "only":
        cluster(args, env, write, queries, data_dir)
    if args.whoosh != "no":
        whoosh(args, env, write, queries, data_dir)


def cluster(args, env, write, queries, data_dir) -> None:
    solr_env = dict(env, SEARCH_URL=args.search_url)
    # 1. The cluster's first build at the archive's size as it is.
    before = scale.grow_archive_count(data_dir)
    started = time.monotonic()
    search_bench.manage(solr_env, "rebuild_search_index")
    write(
        "solr first build",
        {
            "articles": before,
            "seconds": time.monotonic() - started,
            "count": scale.solr_count(args.search_url),
        },
    )

    # 2. Grow.
    row = {"machine_before": scale.machine()}
    row["grow"] = grow_archive.grow(data_dir, args.size, progress=lambda _: None)
    log(f"[grow] {row['grow']}")
    row["articles"] = scale.grow_archive_count(data_dir)
    row["database_bytes"] = scale.database_bytes(data_dir)
    write("grow", row)

    # 3. Rebuild on the cluster beside the live collection.
    row = {"machine_before": scale.machine(), "articles": scale.grow_archive_count(data_dir)}
    row["reindex"] = search_bench.reindex(solr_env, lambda: scale.solr_count(args.search_url))
    row["index_bytes"] = scale.solr_index_bytes(args.search_url)
    row["count"] = scale.solr_count(args.search_url)
    log(f"[solr] {row['count']:,} articles, {row['index_bytes'] / 2**20:.0f} MB")
    if args.solr_pid:
        row["jvm"] = search_bench.memory_mb(args.solr_pid)
    write("solr rebuild", row)

    # 4. The cluster's pages over HTTP (filters from the landing page's top values: this
    # process searches the Whoosh index, still the original archive's; the copies carry the
    # originals' entities, so the top values are the same).
    filters = search_bench.bench_filters()
    row = {"machine_before": scale.machine(), "search_url": args.search_url}
    row["http"] = scale.http_figures(solr_env, args, queries, filters)
    if args.solr_pid:
        row["jvm"] = search_bench.memory_mb(args.solr_pid)
        log(f"[solr] JVM RSS {row['jvm']['rss']:.0f} MB (peak {row['jvm']['peak_rss']:.0f} MB)")
    write("solr http", row)


def whoosh(args, env, write, queries, data_dir) -> None:
    # 5. Whoosh at the same size (grown first if --whoosh only).
    if scale.grow_archive_count(data_dir) < args.size:
        grow_archive.grow(data_dir, args.size, progress=lambda _: None)
    from articles import search

    row = {"machine_before": scale.machine(), "articles": scale.grow_archive_count(data_dir)}
    row["reindex"] = search_bench.reindex(
        env,
        lambda: search.search_articles(search.SearchRequest(facets=False)).total,
        args.reindex_processes,
    )
    row["index_bytes"] = scale.folder_bytes(scale.live_index_dir(data_dir))
    log(f"[whoosh] index {row['index_bytes'] / 2**20:.0f} MB")
    write("whoosh rebuild", row)
    row = {"machine_before": scale.machine(), "warm_up": scale.warm_up_figures(env)}
    log(f"[warm-up] {row['warm_up']}")
    filters = search_bench.bench_filters()
    row["http"] = scale.http_figures(env, args, queries, filters)
    write("whoosh http", row)


if __name__ == "__main__":
    main()
