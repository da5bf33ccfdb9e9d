"""End-to-end import throughput: files -> extraction -> database -> search index.

Imports N articles (default 10,000, a mix of outlets from ../shared/corpus) into a fresh
data folder and prints articles per second, the split between stages and peak memory.

    .venv/bin/python bench/import_speed.py [--count 10000] [--processes 2]
"""

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="keep the data folder")
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="newsroom-bench-import-"))
    env = {**os.environ, "NEWSROOM_DATA_DIR": str(data_dir), "DATABASE_URL": ""}
    py = str(REPO / ".venv" / "bin" / "python")
    subprocess.run([py, "manage.py", "migrate", "-v0"], cwd=REPO, env=env, check=True)
    # A mix: Tehran Times (long), Reuters (short wire), BBC, BuzzFeed.
    paths = [
        str(CORPUS / "reuters21578"),
        str(CORPUS / "bbc_news"),
        str(CORPUS / "buzzfeed_webis_2016" / "articles"),
        str(CORPUS / "tehran_times" / "tehran_times.jsonl"),
    ]
    started = time.perf_counter()
    proc = subprocess.run(
        [
            py,
            "manage.py",
            "import_articles",
            *paths,
            "--limit",
            str(args.count),
            "--processes",
            str(args.processes),
            "--quiet-failures",
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else proc.stderr[-2000:])
    created = int(proc.stdout.strip().split()[0]) if proc.returncode == 0 else 0
    print(f"documents:        {args.count}")
    print(f"wall time:        {elapsed:.1f} s")
    print(f"articles/s:       {args.count / elapsed:.1f} (created {created})")
    print(f"peak RSS (child): {peak_mb:.0f} MB")
    if not args.keep:
        subprocess.run(["rm", "-rf", str(data_dir)])
    else:
        print(f"data folder kept: {data_dir}")
    sys.exit(proc.returncode)


if __name__ == "__main__":
    main()
