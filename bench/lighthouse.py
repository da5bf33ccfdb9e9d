"""Lighthouse scores of the home page, a filtered search, an article, an entity page and a
comparison, on a phone (Lighthouse's default, mobile) and on a desktop, served as `make serve`
serves them (gunicorn with newsroom/gunicorn_conf.py, DEBUG off, collected static files).

    make bench-lighthouse                       # installs Lighthouse from package-lock.json
    .venv/bin/python bench/lighthouse.py [--data-dir DIR] [--preset mobile|desktop]

Without --data-dir a temporary archive is filled with the demo articles (`manage.py
load_demo`, a few minutes); with it, an existing archive is served as it is (it is migrated
and its static files collected into a temporary folder). Lighthouse (npm, node_modules) drives
Debian's Chromium (CHROME_PATH=/usr/bin/chromium). Prints each page's four scores and the
audits that cost points. Target (issue 17): 100 in all four categories on every page, with
both presets.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path

from search import start_gunicorn  # bench/search.py: gunicorn as `make serve` runs it

REPO = Path(__file__).resolve().parent.parent
PYTHON = REPO / ".venv" / "bin" / "python"
# LIGHTHOUSE=path runs another install (e.g. `npm install --prefix DIR lighthouse@12.2.3`).
LIGHTHOUSE = Path(os.environ.get("LIGHTHOUSE") or REPO / "node_modules" / ".bin" / "lighthouse")
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def manage(env: dict, *args: str) -> None:
    subprocess.run([str(PYTHON), "manage.py", *args], cwd=REPO, env=env, check=True)


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.loads(response.read())


def pages(base: str) -> list[tuple[str, str]]:
    """Home, a search with words and a place filter, its first article, the place's page and
    a comparison of the two most named places."""
    everything = get_json(f"{base}/search/?format=json")
    (place, name), (_, other) = ((v["slug"], v["name"]) for v in everything["facets"]["place"][:2])
    narrowed = get_json(f"{base}/search/?place={place}&format=json")
    word = narrowed["results"][0]["headline"].split()[0]
    query = urllib.parse.urlencode({"q": word, "place": place})
    search = f"{base}/search/?{query}"
    article = get_json(f"{search}&format=json")["results"][0]["url"]
    compare = f"{base}/compare/?{urllib.parse.urlencode([('q', name), ('q', other)])}"
    return [
        ("home", f"{base}/"),
        ("filtered search", search),
        ("article", article),
        ("entity page", f"{base}/places/{place}/"),
        ("compare", compare),
    ]


def lighthouse(url: str, preset: str | None, out: Path) -> dict:
    command = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={out}",
        f"--only-categories={','.join(CATEGORIES)}",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
    ]
    if preset == "desktop":  # mobile is Lighthouse's default
        command.append(f"--preset={preset}")
    env = {**os.environ, "CHROME_PATH": "/usr/bin/chromium"}
    subprocess.run(command, env=env, check=True, timeout=300)
    return json.loads(out.read_text())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", help="serve this archive instead of a new demo archive")
    parser.add_argument(
        "--preset", choices=["mobile", "desktop"], help="only this preset (default: both)"
    )
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        sys.exit("Lighthouse is not installed in node_modules: run `make bench-lighthouse`.")
    work = Path(tempfile.mkdtemp(prefix="newsroom-bench-lighthouse-"))
    data = Path(args.data_dir) if args.data_dir else work / "data"
    env = {
        **os.environ,
        "NEWSROOM_DATA_DIR": str(data),
        "STATIC_ROOT": str(work / "static"),
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": "",
        "SEARCH_URL": "",
    }
    manage(env, "migrate", "--no-input", "-v0")
    if not args.data_dir:
        manage(env, "load_demo")
    manage(env, "collectstatic", "--no-input", "-v0")
    port = free_port()
    server = start_gunicorn(env, port, workers=2)
    try:
        urls = pages(f"http://127.0.0.1:{port}")
        for preset in [args.preset] if args.preset else ["mobile", "desktop"]:
            print(f"Lighthouse ({preset}), gunicorn as `make serve` on {data}:")
            print(f"  {'page':16s} " + " ".join(f"{c:>15s}" for c in CATEGORIES))
            for name, url in urls:
                out = work / f"{preset}-{name.replace(' ', '-')}.json"
                report = lighthouse(url, preset, out)
                scores = [round(report["categories"][c]["score"] * 100) for c in CATEGORIES]
                print(f"  {name:16s} " + " ".join(f"{s:>15d}" for s in scores))
                for category in CATEGORIES:
                    for ref in report["categories"][category]["auditRefs"]:
                        audit = report["audits"][ref["id"]]
                        if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                            print(f"{'':20s}{category}: {ref['id']} ({audit['score']:.2f})")
                print(f"{'':20s}{url}")
    finally:
        server.terminate()
        server.communicate(timeout=60)
    print(f"Reports: {work}/*.json")


if __name__ == "__main__":
    main()
