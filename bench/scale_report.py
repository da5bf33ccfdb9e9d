"""The growth benchmark's table and curves, from the figures bench/scale.py recorded.

    .venv/bin/python bench/scale_report.py --data-dir /work/bench-data/scale \\
        [--out bench/results]                 # writes scale.md (the table) and scale.svg
    .venv/bin/python bench/scale_report.py --data-dir /work/bench-data/scale \\
        --results scale-results-reference.jsonl --name scale-main     # main, measured alike

Needs matplotlib (bench/requirements.txt). The last row recorded for each size wins, so a
size measured again replaces its earlier figures.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

IN_PROCESS = "all 250 + all facets"  # bench/search.py in_process: keyword and phrase
# Column title -> the page kind bench/search.py `over_http` times.
HTTP_PAGES = {
    "full page": "full page (all filter groups)",
    "filtered page": "page with filters",
    "JSON": "JSON, facets=off",
    "phrase page": "phrase, full page",
}


def _get(row: dict, *keys, default=None):
    for key in keys:
        if not isinstance(row, dict) or key not in row:
            return default
        row = row[key]
    return row


def _ms(figures: dict | None) -> str:
    if not figures:
        return "–"

    def one(ms: float) -> str:
        return f"{ms:.1f}" if ms < 10 else f"{ms:.0f}"

    return f"{one(figures['p50'])} / {one(figures['p95'])}"


def _num(value, fmt: str) -> str:
    return "–" if value is None else format(value, fmt)


def table(rows: list[dict]) -> str:
    head = [
        "articles",
        "database MB",
        "index MB",
        "re-index min",
        "worker start s",
        "warm-up s (search + browse), cold",
        "in-process full p50 / p95 ms",
        "FTS5 2 facets p50 / p95 ms",
        *(f"HTTP {name} p50 / p95 ms" for name in HTTP_PAGES),
        "req/s at 4 clients",
        "RSS per worker MB",
        "all workers MB (PSS; RSS sum)",
        "import articles/s",
        "load (1 min)",
    ]
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    for row in rows:
        warm = row.get("warm_up") or {}
        http = row.get("http") or {}
        reindex = _get(row, "reindex", "seconds")
        cells = [
            f"{row['articles']:,}",
            f"{row['database_bytes'] / 2**20:,.0f}",
            f"{row['index_bytes'] / 2**20:,.0f}",
            _num(reindex / 60 if reindex else None, ".1f"),
            _num(http.get("start_up_s"), ".1f"),
            f"{warm.get('search_warm_up', 0):.1f} + {warm.get('browse_warm_up', 0):.1f}"
            if warm
            else "–",
            _ms(_get(row, "in_process", IN_PROCESS)),
            _ms(_get(row, "fts5", "all + 2 facets")),
            *(_ms(_get(http, "pages", key)) for key in HTTP_PAGES.values()),
            _num(http.get("requests_per_s"), ".0f"),
            _num(max(http["worker_rss_mb"]) if http.get("worker_rss_mb") else None, ",.0f"),
            f"{http['workers_pss_sum_mb']:,.0f}; {http['workers_rss_sum_mb']:,.0f}"
            if http
            else "–",
            _num(_get(row, "import", "per_s"), ".1f"),
            f"{row['machine_before']['load_1min']:.1f}",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _warm_up(row: dict) -> float:
    warm = row.get("warm_up") or {}
    return warm.get("search_warm_up", 0) + warm.get("browse_warm_up", 0)


# Panel title -> (label, style, figure of a result row) per curve.
PANELS = {
    "p95 latency (ms)": [
        *(
            (f"HTTP {name}", "o-", lambda r, key=key: _get(r, "http", "pages", key, "p95"))
            for name, key in HTTP_PAGES.items()
        ),
        ("in-process, all facets", "s--", lambda r: _get(r, "in_process", IN_PROCESS, "p95")),
        ("FTS5, 2 facets (reference)", "x:", lambda r: _get(r, "fts5", "all + 2 facets", "p95")),
    ],
    "memory (MB)": [
        ("all workers (PSS)", "o-", lambda r: _get(r, "http", "workers_pss_sum_mb")),
        ("all workers (RSS sum)", "o--", lambda r: _get(r, "http", "workers_rss_sum_mb")),
        ("largest worker (RSS)", "s-", lambda r: max(_get(r, "http", "worker_rss_mb") or [0])),
    ],
    "build and start": [
        ("re-index (min)", "o-", lambda r: (_get(r, "reindex", "seconds") or 0) / 60),
        ("worker warm-up (s)", "s-", _warm_up),
    ],
    "throughput": [
        ("search pages/s at 4 clients", "o-", lambda r: _get(r, "http", "requests_per_s")),
        ("imported articles/s", "s-", lambda r: _get(r, "import", "per_s")),
    ],
}


def plot(rows: list[dict], path: Path) -> None:
    import matplotlib  # bench-only dependency (bench/requirements.txt)

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    x = [r["articles"] / 1000 for r in rows]
    fig, axes = plt.subplots(2, 2, figsize=(11, 8))
    for ax, (title, curves) in zip(axes.flat, PANELS.items(), strict=True):
        for label, style, figure in curves:
            ax.plot(x, [figure(r) for r in rows], style, label=label)
        ax.set(title=title, xlabel="thousand articles")
        ax.legend(fontsize=8)
    fig.suptitle("Newsroom on one 2-core machine (SQLite + Whoosh), bench/scale.py")
    fig.tight_layout()
    fig.savefig(path)


def load(path: Path) -> list[dict]:
    by_size: dict[int, dict] = {}
    for line in path.read_text().splitlines():
        if line.strip():
            row = json.loads(line)
            by_size[row["articles"]] = row
    return [by_size[k] for k in sorted(by_size)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--out", default=str(REPO / "bench" / "results"))
    parser.add_argument("--results", default="scale-results.jsonl", help="in the data folder")
    parser.add_argument("--name", default="scale", help="file names of the table and plot")
    args = parser.parse_args()
    rows = load(Path(args.data_dir) / args.results)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    text = table(rows)
    (out / f"{args.name}.md").write_text(text)
    plot(rows, out / f"{args.name}.svg")
    print(text)
    print(f"written: {out / args.name}.md, .svg")


if __name__ == "__main__":
    main()
