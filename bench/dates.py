"""Measure date inference (issue 20, item 1) on the shared corpus.

    .venv/bin/python bench/dates.py                  # every figure, tuning and frozen side by side
    .venv/bin/python bench/dates.py --errors 20      # print tuning-split errors (never frozen ones)

The split is fixed by a hash of each document's name in the corpus ("reuters21578/reut2-000.sgm
#264"), decided before any error was looked at: about 30% of every corpus is "frozen", never
tuned on, and ``--errors`` never prints its errors.
"""

from __future__ import annotations

import hashlib

FROZEN_SHARE = 3  # in 10


def corpus_key(origin: str, ordinal: str | None) -> str:
    """A document's name relative to the corpus folder, the same on every machine."""
    tail = origin.replace("\\", "/").split("/corpus/", 1)[-1]
    return f"{tail}#{ordinal}" if ordinal else tail


def is_frozen(key: str) -> bool:
    return int(hashlib.sha256(key.encode("utf-8")).hexdigest(), 16) % 10 < FROZEN_SHARE
