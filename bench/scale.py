"""Growth benchmark: how far one machine goes, from the real archive to a million articles.

    cp -a /work/bench-data/full /work/bench-data/scale          # never the original
    nohup .venv/bin/python bench/scale.py --data-dir /work/bench-data/scale \\
        --sizes 66265,200000,500000,1000000 > /work/bench-data/scale/scale.log 2>&1 &
    .venv/bin/python bench/scale_report.py --data-dir /work/bench-data/scale   # table + plot

At each size, in one run: grow the archive with derived copies of its articles
(bench/grow_archive.py: bulk SQL, the originals' entities, no entity recognition), rebuild
the index while a client keeps searching (`rebuild_search_index`: build time, never empty),
then measure database and index size, a fresh worker's start-up and warm-up, the 250 shared
queries in-process (bench/search.py `in_process`) and over HTTP against gunicorn as
`make serve` runs it (bench/search.py `over_http`: full page, filtered page, JSON, phrases,
requests/s at 4 clients, memory of each worker), SQLite FTS5 as a reference engine
(bench/fts5_reference.py) and the import of new articles (real extraction and indexing).
Every figure is appended to ``scale-results.jsonl`` in the data folder, with the machine's
load and a fixed CPU calibration, since the machine may be shared: compare ratios within one
run. Prints figures; asserts nothing.

``--search-url solr://...`` measures a SolrCloud cluster beside Whoosh at every size, in the
same run (rows under "clusters"): the rebuild into a new collection while a client counts the
live alias, its size, the same pages over HTTP with gunicorn pointed at the cluster, and the
JVM's memory (``--solr-pid``, default $SOLR_PID). Given several times (other aliases, other
``?shards=``), each layout is built and measured in turn on the same cluster:

    scripts/with-solr.sh sh -c '.venv/bin/python bench/scale.py --data-dir DATA \
        --sizes 0 --search-url "$SEARCH_URL" --clients 4,16 --import-count 0'

``--reference-code`` measures another checkout (say main before a change) just after, on the
same archive, index and collections, Whoosh and every cluster layout alike, up to
``--reference-upto`` articles.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

# Bench modules beside this file (python puts the script's folder first on sys.path).
import fts5_reference
import grow_archive
import search as search_bench
from search import PYTHON, REPO, log, percentiles

RESULTS = "scale-results.jsonl"
WARM_UP_PROBE = """
import json, os, sys, time
t0 = time.monotonic()
import django
django.setup()
t1 = time.monotonic()
from articles import search, selectors
search.warm_up()
t2 = time.monotonic()
selectors.warm_up()
t3 = time.monotonic()
print(json.dumps({"django_setup": t1 - t0, "search_warm_up": t2 - t1,
                  "browse_warm_up": t3 - t2}))
"""


def machine() -> dict:
    """How loaded the machine is now: load average and a fixed CPU workload's time."""
    t = time.perf_counter()
    total = 0
    for i in range(2_000_000):
        total += i % 7
    return {
        "load_1min": os.getloadavg()[0],
        "calibration_ms": (time.perf_counter() - t) * 1000,
    }


def folder_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def database_bytes(data_dir: Path) -> int:
    db = data_dir / "newsroom.sqlite3"
    con = sqlite3.connect(db)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    return sum(p.stat().st_size for p in data_dir.glob("newsroom.sqlite3*"))


def live_index_dir(data_dir: Path) -> Path:
    root = data_dir / "whoosh"
    return root / os.readlink(root / "current")


def warm_up_figures(env) -> dict:
    """A fresh process: Django set-up, then the warm-up a gunicorn worker runs."""
    out = subprocess.run(
        [str(PYTHON), "-c", WARM_UP_PROBE], cwd=REPO, env=env, capture_output=True, text=True
    )
    if out.returncode:
        raise RuntimeError(out.stderr[-2000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def summarise(kinds: dict[str, list[float]]) -> dict[str, dict]:
    return {kind: percentiles(times) for kind, times in kinds.items() if times}


def http_figures(env, args, queries, filters) -> dict:
    started = time.monotonic()
    proc = search_bench.start_gunicorn(env, args.port, args.workers, wait=900)
    start_up = time.monotonic() - started
    log(f"[http] gunicorn answered /healthz {start_up:.1f} s after start")
    clients, *more_clients = args.clients
    try:
        base = f"http://127.0.0.1:{args.port}"
        result = search_bench.over_http(base, queries, filters, clients, args.seconds, proc.pid)
        rates = {clients: result["requests_per_s"]}
        for n in more_clients:
            rates[n], _ = search_bench.concurrent_pages(result["kinds"], n, args.seconds)
        master = search_bench.memory_mb(proc.pid)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)
    workers = list(result["workers"].values())
    return {
        "start_up_s": start_up,
        "pages": summarise(result["timings"]),
        "concurrent": percentiles(result["concurrent"]),
        "requests_per_s": result["requests_per_s"],
        "requests_per_s_by_clients": rates,
        "worker_rss_mb": [w["rss"] for w in workers],
        "worker_peak_rss_mb": [w["peak_rss"] for w in workers],
        "workers_rss_sum_mb": sum(w["rss"] for w in workers),
        "workers_pss_sum_mb": sum(w["pss"] for w in workers) + master["pss"],
        "master_rss_mb": master["rss"],
    }


def solr_count(search_url: str) -> int:
    """Articles in the cluster's live alias, read over HTTP (this process searches Whoosh)."""
    from newsroom.search_config import haystack_connections

    options = haystack_connections(search_url, Path("."))["default"]
    with urllib.request.urlopen(f"{options['URL']}/select?q=*:*&rows=0&wt=json") as r:
        return json.loads(r.read())["response"]["numFound"]


def solr_collection(search_url: str) -> str:
    """The collection the alias of ``search_url`` points at."""
    from newsroom.search_config import haystack_connections

    options = haystack_connections(search_url, Path("."))["default"]
    node = options["URLS"][0].rsplit("/", 1)[0]
    with urllib.request.urlopen(f"{node}/admin/collections?action=LISTALIASES&wt=json") as r:
        return json.loads(r.read())["aliases"].get(options["ALIAS"], "")


def solr_index_bytes(search_url: str) -> int:
    """Index size on disk of every replica of the alias's collection (every copy of each
    shard), on every node."""
    from newsroom.search_config import haystack_connections

    options = haystack_connections(search_url, Path("."))["default"]
    collection = solr_collection(search_url)
    total = 0
    for url in options["URLS"]:
        node = url.rsplit("/", 1)[0]
        with urllib.request.urlopen(f"{node}/admin/cores?action=STATUS&wt=json") as r:
            cores = json.loads(r.read())["status"].items()
        total += sum(
            c.get("index", {}).get("sizeInBytes", 0)
            for name, c in cores
            if name.startswith(f"{collection}_shard")
        )
    return total


def cluster_figures(args, env, queries, filters, search_url: str) -> dict:
    """The same archive on the cluster: rebuild, size, pages over HTTP, JVM memory.

    The rebuild builds beside the live collection of the last size measured (the first
    build of a new cluster has none: it is timed, then rebuilt beside itself)."""
    env = dict(env, SEARCH_URL=search_url)
    row: dict = {"engine": "solr", "search_url": search_url, "machine_before": machine()}
    if not args.skip_reindex:
        try:
            solr_count(search_url)
        except OSError:  # a new cluster: the first build makes the collection and alias
            started = time.monotonic()
            search_bench.manage(env, "rebuild_search_index")
            row["first_build_s"] = time.monotonic() - started
            log(f"[solr] first build {row['first_build_s']:.0f} s; now a rebuild beside it")
        row["reindex"] = search_bench.reindex(env, lambda: solr_count(search_url))
    row["index_bytes"] = solr_index_bytes(search_url)
    log(
        f"[solr] {search_url}: {solr_count(search_url):,} articles, "
        f"{row['index_bytes'] / 2**20:.0f} MB of {solr_collection(search_url)}"
    )
    if not args.skip_http:
        row["http"] = http_figures(env, args, queries, filters)
    row["machine_after"] = machine()
    if args.solr_pid:
        row["jvm"] = search_bench.memory_mb(args.solr_pid)
        log(f"[solr] JVM RSS {row['jvm']['rss']:.0f} MB (peak {row['jvm']['peak_rss']:.0f} MB)")
    return row


def new_articles(count: int, folder: Path) -> Path:
    """JSON Lines of ``count`` articles no archive holds yet: real articles of the corpus
    (a mix of outlets) with a marked headline, so their fingerprints are new."""
    picked = []
    for doc in search_bench.read_corpus():
        picked.append(doc)
    rng = random.Random(12)
    rng.shuffle(picked)
    path = folder / "new-articles.jsonl"
    stamp = time.strftime("%Y%m%d%H%M%S")
    with path.open("w") as fh:
        for i, doc in enumerate(picked[:count]):
            record = {
                "title": f"{doc['headline']} (update {stamp}-{i})",
                "text": doc["body"],
                "source": doc["source"],
                "date": doc["published"].isoformat() if doc["published"] else None,
            }
            fh.write(json.dumps(record) + "\n")
    return path


def import_figures(env, count: int, data_dir: Path) -> dict:
    """Import new articles (entity recognition, storing, indexing) into the grown archive,
    then delete them again with SQL so the next size grows from the same originals."""
    db = data_dir / "newsroom.sqlite3"
    con = sqlite3.connect(db)
    (before,) = con.execute("SELECT max(id) FROM articles_article").fetchone()
    con.close()
    with tempfile.TemporaryDirectory(prefix="newsroom-scale-import-") as folder:
        path = new_articles(count, Path(folder))
        started = time.monotonic()
        result = search_bench.manage(
            env, "import_articles", str(path), "--processes", "2", "--quiet-failures"
        )
        elapsed = time.monotonic() - started
    summary = result.stdout.strip().splitlines()[-1]
    created = int(summary.split()[0])
    log(f"[import] {summary} in {elapsed:.0f} s = {created / elapsed:.1f} articles/s")
    con = sqlite3.connect(db)
    with con:
        con.execute("DELETE FROM articles_mention WHERE article_id > ?", (before,))
        con.execute("DELETE FROM articles_indextask WHERE article_id > ?", (before,))
        con.execute("DELETE FROM articles_article WHERE id > ?", (before,))
    con.close()
    return {"created": created, "seconds": elapsed, "per_s": created / elapsed}


def measure(size: int, args, env, queries) -> dict:
    from articles import search

    data_dir = Path(args.data_dir)
    row: dict = {"size": size, "started": time.strftime("%Y-%m-%d %H:%M:%S")}
    row["machine_before"] = machine()
    if size > 0:
        row["grow"] = grow_archive.grow(data_dir, size, progress=lambda _: None)
        log(f"[grow] {row['grow']}")
    row["articles"] = grow_archive_count(data_dir)
    row["database_bytes"] = database_bytes(data_dir)
    if not args.skip_reindex:
        row["reindex"] = search_bench.reindex(
            env,
            lambda: search.search_articles(search.SearchRequest(facets=False)).total,
            args.reindex_processes,
        )
        row["reindex"]["processes"] = args.reindex_processes
    row["index_bytes"] = folder_bytes(live_index_dir(data_dir))
    log(
        f"[size] {row['articles']:,} articles: database {row['database_bytes'] / 2**20:.0f} MB, "
        f"index {row['index_bytes'] / 2**20:.0f} MB"
    )
    row["warm_up"] = warm_up_figures(env)
    log(f"[warm-up] {row['warm_up']}")
    filters = search_bench.bench_filters()
    row["in_process"] = summarise(search_bench.in_process(queries, filters))
    if row["articles"] <= args.fts5_upto:
        row["fts5_build"] = fts5_reference.build(data_dir, progress=log)
        fts = fts5_reference.measure(data_dir, queries)
        row["fts5"] = summarise(fts)
        for kind, times in fts.items():
            log(f"  FTS5 {kind:27s} {search_bench.figures(times)}")
        (data_dir / fts5_reference.FILE_NAME).unlink()
    if not args.skip_http:
        row["http"] = http_figures(env, args, queries, filters)
    row["clusters"] = [
        cluster_figures(args, env, queries, filters, url) for url in args.search_url or ()
    ]
    if args.reference_code and row["articles"] <= args.reference_upto:
        reference(args)  # before the import, which leaves its articles in the index
    if args.import_count:
        row["import"] = import_figures(env, args.import_count, data_dir)
    row["machine_after"] = machine()
    with (data_dir / args.results).open("a") as fh:
        fh.write(json.dumps(row) + "\n")
    return row


def reference(args) -> None:
    """The same measurements (no growing, no re-index, no import) with another checkout's
    code, e.g. main before these changes, on the same archive and index, just after."""
    code = Path(args.reference_code).resolve()
    for name in ("scale.py", "search.py", "grow_archive.py", "fts5_reference.py"):
        shutil.copy(Path(__file__).with_name(name), code / "bench" / name)
    command = [
        str(code / ".venv" / "bin" / "python"),
        str(code / "bench" / "scale.py"),
        "--data-dir",
        args.data_dir,
        "--sizes",
        "0",
        "--skip-reindex",
        "--import-count",
        "0",
        "--fts5-upto",
        "0",
        "--results",
        f"{Path(args.results).stem}-reference.jsonl",
        "--seconds",
        str(args.seconds),
        "--workers",
        str(args.workers),
        "--clients",
        ",".join(str(n) for n in args.clients),
        *(part for url in args.search_url or () for part in ("--search-url", url)),
    ]
    log(f"[reference] {' '.join(command)}")
    subprocess.run(command, cwd=code, check=False)


def grow_archive_count(data_dir: Path) -> int:
    con = sqlite3.connect(data_dir / "newsroom.sqlite3")
    (n,) = con.execute("SELECT count(*) FROM articles_article WHERE is_published").fetchone()
    con.close()
    return n


def prepare_archive(args, data_dir: Path) -> dict:
    """The archive migrated with its static files collected, a free port unless ``--port``
    named one, and the environment of the servers and commands measured: Whoosh here and in
    this process, the cluster only where --search-url says."""
    args.data_dir = str(data_dir)
    if not getattr(args, "port", 0):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            args.port = probe.getsockname()[1]
    env = dict(
        os.environ, NEWSROOM_DATA_DIR=args.data_dir, DJANGO_SETTINGS_MODULE="newsroom.settings"
    )
    env.pop("SEARCH_URL", None)
    os.environ.pop("SEARCH_URL", None)
    search_bench.django_setup(data_dir)
    search_bench.manage(env, "migrate", "--no-input", "-v0")
    search_bench.manage(env, "collectstatic", "--no-input", "-v0")
    return env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", required=True, help="a COPY of an archive: it grows")
    parser.add_argument(
        "--sizes", default="0,200000,500000,1000000", help="0 = the archive as it is"
    )
    parser.add_argument("--skip-reindex", action="store_true")
    parser.add_argument("--reindex-processes", type=int, default=2)
    parser.add_argument("--skip-http", action="store_true")
    parser.add_argument("--fts5-upto", type=int, default=1_000_000, help="FTS5 up to N")
    parser.add_argument("--import-count", type=int, default=3000, help="0: no import test")
    parser.add_argument("--port", type=int, default=0, help="0: any free port")
    parser.add_argument("--results", default=RESULTS, help="file name in the data folder")
    parser.add_argument(
        "--reference-code", help="also measure with this checkout's code at each size"
    )
    parser.add_argument("--workers", type=int, default=3, help="as gunicorn_conf on 2 cores")
    parser.add_argument(
        "--clients", default="4", help="concurrent clients, e.g. 4,16 (requests/s for each)"
    )
    parser.add_argument(
        "--search-url",
        action="append",
        help="a solr:// cluster measured beside Whoosh (again: another alias or layout)",
    )
    parser.add_argument(
        "--reference-upto", type=int, default=10**9, help="--reference-code up to N articles"
    )
    parser.add_argument(
        "--solr-pid", type=int, default=int(os.environ.get("SOLR_PID") or 0), help="its JVM"
    )
    parser.add_argument("--seconds", type=float, default=30)
    args = parser.parse_args()
    args.clients = [int(n) for n in str(args.clients).split(",")]
    data_dir = Path(args.data_dir).resolve()
    if data_dir == Path("/work/bench-data/full") or not (data_dir / "newsroom.sqlite3").exists():
        sys.exit("--data-dir must be a copy of an archive (it grows); see the docstring")
    env = prepare_archive(args, data_dir)
    log(f"[env] {os.cpu_count()} cores, {machine()}, disk free {shutil.disk_usage(data_dir)}")
    queries = search_bench.load_queries()
    for size in (int(s) for s in args.sizes.split(",")):
        measure(size, args, env, queries)


if __name__ == "__main__":
    main()
