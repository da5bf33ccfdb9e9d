"""Two versions of the code, and SQLite FTS5, on one archive, taking turns: fair ratios on a
shared machine.

    .venv/bin/python bench/ab_compare.py --data-dir /work/bench-data/scale-66k \\
        --code main=/path/to/main-checkout --code branch=. --rounds 3 [--http]

Each round runs the 250 shared queries in-process (bench/search.py ``in_process``: all six
facet groups, JSON without facets, with filters, phrases) in a fresh process for each
checkout in turn, then FTS5 with two facet groups (bench/fts5_reference.py, its table built
once beside the archive), so a busy spell of the machine falls on every contender alike.
``--http``: then one gunicorn per checkout (as `make serve`, side by side), every page of
bench/search.py asked of each in turn, request by request, and the workers' memory.
Prints median and p95 per kind and contender, and the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import fts5_reference
import search as bench
from search import figures, load_queries, percentiles

BENCH = Path(__file__).resolve().parent
RUN = """
import json, os, sys
sys.path[:0] = [os.environ["AB_CODE"], os.environ["AB_BENCH"]]
import django
django.setup()  # the checkout's code: AB_CODE is first on the path
import search as bench
filters = bench.bench_filters()
bench.log = lambda *a: None
print("AB" + json.dumps(bench.in_process(bench.load_queries(), filters)))
"""


def run_code(code: Path, data_dir: Path) -> dict[str, list[float]]:
    env = dict(
        os.environ,
        NEWSROOM_DATA_DIR=str(data_dir),
        DJANGO_SETTINGS_MODULE="newsroom.settings",
        AB_CODE=str(code),
        AB_BENCH=str(BENCH),
    )
    python = code / ".venv" / "bin" / "python"
    out = subprocess.run(
        [str(python), "-c", RUN], cwd=code, env=env, capture_output=True, text=True
    )
    lines = [line for line in out.stdout.splitlines() if line.startswith("AB")]
    if not lines:
        raise RuntimeError(out.stderr[-3000:])
    return json.loads(lines[-1][2:])


def concurrent_rate(port: int, paths: list[str], clients: int, seconds: float) -> float:
    done = []
    stop_at = time.monotonic() + seconds

    def client(offset):
        i = offset
        while time.monotonic() < stop_at:
            done.append(bench.fetch(f"http://127.0.0.1:{port}{paths[i % len(paths)]}")[0])
            i += clients

    started = time.monotonic()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(client, range(clients)))
    return len(done) / (time.monotonic() - started)


def with_extra(path: str, extra: str) -> str:
    """``path`` with the contender's extra parameters, on search pages only."""
    if not extra or not path.startswith("/search/"):
        return path
    return path + ("&" if "?" in path else "?") + extra


def http_rounds(
    codes: dict[str, Path],
    data_dir: Path,
    workers: int,
    extras: dict[str, str] | None = None,
    only: list[str] | None = None,
) -> None:
    """Each page asked of every checkout's gunicorn in turn (the order alternating).

    ``extras``: contender -> query parameters added to its search pages (``stories=off``), so
    one checkout can run twice, as two contenders. ``only``: the kinds of page whose name
    contains one of these (all when empty)."""
    env = dict(os.environ, NEWSROOM_DATA_DIR=str(data_dir))
    extras = extras or {}
    servers = {}
    try:
        for port, (name, code) in enumerate(codes.items(), start=8931):
            servers[name] = (port, bench.start_gunicorn(env, port, workers, 900, code))
        bench.django_setup(data_dir)
        paths = bench.page_paths(load_queries(), bench.bench_filters(), bench.entity_paths())
        if only:
            paths = {k: v for k, v in paths.items() if any(o in k for o in only)}
        names = list(servers)
        times = {name: {} for name in names}
        failed = {name: {} for name in names}  # kind -> answers other than 200
        for kind, kind_paths in paths.items():
            for i, path in enumerate(kind_paths[:4] + kind_paths):  # the first 4 warm up
                for name in names if i % 2 else names[::-1]:
                    target = with_extra(path, extras.get(name, ""))
                    url = f"http://127.0.0.1:{servers[name][0]}{target}"
                    ms, status = bench.fetch(url)
                    if i >= 4:
                        times[name].setdefault(kind, []).append(ms)
                        if status != 200:
                            failed[name][kind] = failed[name].get(kind, 0) + 1
        rates = {name: [] for name in names}
        mixed = paths.get("full page (all filter groups)", []) + paths.get("page with filters", [])
        for turn in range(2 * len(names) if mixed else 0):  # 4 clients for 15 s, each twice
            name = names[turn % len(names)]
            own = [with_extra(p, extras.get(name, "")) for p in mixed]
            rates[name].append(concurrent_rate(servers[name][0], own, 4, 15))
        for name in names:
            print(f"{name} over HTTP (load average {os.getloadavg()[0]:.1f}):")
            print(f"  4 clients: {', '.join(f'{r:.1f}' for r in rates[name])} requests/s")
            for kind, values in times[name].items():
                bad = failed[name].get(kind)
                print(f"  {kind:32s} {figures(values)}" + (f"  non-200: {bad}" if bad else ""))
            memory = [bench.memory_mb(pid) for pid in bench.worker_pids(servers[name][1].pid)]
            rss = ", ".join(f"{m['rss']:.0f}" for m in memory)
            print(f"  workers: RSS {rss} MB; PSS together {sum(m['pss'] for m in memory):.0f} MB")
    finally:
        for _, proc in servers.values():
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--code", action="append", required=True, help="name=checkout folder")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--http", action="store_true")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument(
        "--extra",
        action="append",
        default=[],
        help="name=params: query parameters added to that contender's search pages over HTTP "
        "(e.g. --code off=. --extra off=stories=off)",
    )
    parser.add_argument(
        "--only", action="append", default=[], help="HTTP: only kinds of page containing this"
    )
    args = parser.parse_args()
    data_dir = Path(args.data_dir).resolve()
    codes = dict(c.split("=", 1) for c in args.code)
    if not (data_dir / fts5_reference.FILE_NAME).exists():
        fts5_reference.build(data_dir)
    queries = load_queries()
    times: dict[str, dict[str, list[float]]] = {name: {} for name in [*codes, "FTS5"]}
    loads = []
    for round_ in range(args.rounds):
        for name, code in codes.items():
            for kind, values in run_code(Path(code).resolve(), data_dir).items():
                times[name].setdefault(kind, []).extend(values)
        for kind, values in fts5_reference.measure(data_dir, queries).items():
            times["FTS5"].setdefault(kind, []).extend(values)
        loads.append(os.getloadavg()[0])
        print(f"[round {round_ + 1}] load average {loads[-1]:.1f}", flush=True)
    for name, kinds in times.items():
        print(f"{name}:")
        for kind, values in kinds.items():
            print(f"  {kind:32s} {figures(values)}")
    summary = {n: {k: percentiles(v) for k, v in kinds.items()} for n, kinds in times.items()}
    print(json.dumps({"loads": loads, "figures": summary}), file=sys.stderr)
    if args.http:
        extras = dict(e.split("=", 1) for e in args.extra)
        http_rounds(
            {n: Path(c).resolve() for n, c in codes.items()},
            data_dir,
            args.workers,
            extras,
            args.only,
        )


if __name__ == "__main__":
    main()
