"""Grow a real archive to a target size with derived copies of its articles (bench only).

    .venv/bin/python bench/grow_archive.py --data-dir /work/bench-data/scale --target 200000

Copy k of original article o gets id ``o + k * base_max_id``, a fingerprint derived from the
original's and k (so every copy is a distinct article), a publication date k years earlier
(undated stays undated), the original's mentions (entities) and authors, so entity
recognition is not needed. Everything is bulk SQL on the SQLite database of the data folder:
the search index is not touched (rebuild it afterwards). The originals are the articles that
were there the first time this ran, recorded in ``scale-base.json`` beside the database;
running it again with a larger target continues where the last copy stopped.

The copies' words are the originals' words, so the index vocabulary does not grow with the
archive as a real one would (more names, more typos): posting lists grow, the term
dictionary does not.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sqlite3
import time
from pathlib import Path

ARTICLE_COLUMNS = (
    "source_id, headline, slug, body, caption, section, url, language, original_text, "
    "original_name, original_format, is_published, locked_fields, created_at, updated_at, "
    "date_evidence, date_precision, date_source, byline, extraction_notes"
)
MENTION_COLUMNS = "count, surface_forms, origin, suppressed, changed_by_id, entity_id"
AUTHORSHIP_COLUMNS = "position, author_id"
BATCH = 20_000


def derived_fingerprint(fingerprint: str, copy: int) -> str:
    return hashlib.sha256(f"{fingerprint}:copy:{copy}".encode()).hexdigest()


def connect(db_path: Path) -> sqlite3.Connection:
    con = sqlite3.connect(db_path, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=OFF")  # a bench copy: speed over durability
    con.execute("PRAGMA cache_size=-262144")  # 256 MB
    con.create_function("derived_fingerprint", 2, derived_fingerprint, deterministic=True)
    return con


def base_of(con: sqlite3.Connection, data_dir: Path) -> dict:
    """The originals: recorded the first time, so copies are never copied again."""
    path = data_dir / "scale-base.json"
    if path.exists():
        return json.loads(path.read_text())
    count, max_id = con.execute("SELECT count(*), max(id) FROM articles_article").fetchone()
    base = {"base_count": count, "base_max_id": max_id}
    path.write_text(json.dumps(base))
    return base


def grow(data_dir: Path, target: int, progress=print) -> dict:
    """Add derived copies until the archive holds ``target`` articles; returns figures."""
    db_path = data_dir / "newsroom.sqlite3"
    con = connect(db_path)
    base = base_of(con, data_dir)
    stride = base["base_max_id"]
    started = time.monotonic()
    count, max_id = con.execute("SELECT count(*), max(id) FROM articles_article").fetchone()
    copy = (max_id - 1) // stride  # the copy the newest article belongs to (0: originals)
    after = max_id - copy * stride  # the last original it copied
    if copy == 0:
        copy, after = 1, 0
    added = 0
    while count < target:
        n, last = _copy_batch(con, copy, stride, after, min(BATCH, target - count))
        if not n:  # this copy is complete: start the next
            copy, after = copy + 1, 0
            continue
        after = last
        count += n
        added += n
        progress(f"[grow] {count:,} articles (copy {copy})")
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    return {"articles": count, "added": added, "seconds": time.monotonic() - started}


def _copy_batch(con, copy: int, stride: int, after: int, limit: int) -> tuple[int, int]:
    """Copy originals with id > ``after`` (in id order, at most ``limit``) as copy ``copy``;
    returns how many and the last original copied."""
    shift = copy * stride
    rows = con.execute(
        "SELECT id FROM articles_article WHERE id > ? AND id <= ? ORDER BY id LIMIT ?",
        (after, stride, limit),
    ).fetchall()
    if not rows:
        return 0, after
    lo, hi = rows[0][0], rows[-1][0]
    con.execute("BEGIN")
    con.execute(
        f"INSERT INTO articles_article (id, published, date, fingerprint, {ARTICLE_COLUMNS}) "
        f"SELECT id + ?, date(published, ?), date(date, ?), derived_fingerprint(fingerprint, ?), "
        f"{ARTICLE_COLUMNS} FROM articles_article WHERE id BETWEEN ? AND ? ORDER BY id",
        (shift, f"-{copy} years", f"-{copy} years", copy, lo, hi),
    )
    con.execute(
        f"INSERT INTO articles_mention (article_id, {MENTION_COLUMNS}) "
        f"SELECT article_id + ?, {MENTION_COLUMNS} FROM articles_mention "
        "WHERE article_id BETWEEN ? AND ?",
        (shift, lo, hi),
    )
    con.execute(
        f"INSERT INTO articles_authorship (article_id, {AUTHORSHIP_COLUMNS}) "
        f"SELECT article_id + ?, {AUTHORSHIP_COLUMNS} FROM articles_authorship "
        "WHERE article_id BETWEEN ? AND ?",
        (shift, lo, hi),
    )
    con.execute("COMMIT")
    return len(rows), hi


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--target", type=int, required=True)
    args = parser.parse_args()
    print(grow(Path(args.data_dir), args.target))


if __name__ == "__main__":
    main()
