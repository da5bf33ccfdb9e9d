"""Exact and near-exact copies of one article: shingled MinHash of the body.

Two bodies are copies when most of their runs of ``SHINGLE`` words are the same (Jaccard of
the shingle sets, estimated from ``PERMUTATIONS`` min-hashes). ``band_keys`` cut a signature
into LSH bands: two copies share a band key with near certainty, two unrelated articles
almost never, so copies of a new article are found by looking its keys up.
"""

from __future__ import annotations

import hashlib

import numpy as np
from datasketch import MinHash

from .text import words

SHINGLE = 4
MAX_WORDS = 600  # copies share their start; long bodies cost time, not evidence
PERMUTATIONS = 64
SEED = 22
# 8 bands of 4 rows (the first 32 min-hashes): a pair of Jaccard 0.8 shares a band with
# probability 0.985, one of 0.3 with 0.06.
BANDS, ROWS = 8, 4
COPY_JACCARD = 0.8

SCHEME = "affine32"
_TEMPLATE = MinHash(num_perm=PERMUTATIONS, seed=SEED, scheme=SCHEME)  # permutations, made once


def shingles(body: str) -> list[bytes]:
    tokens = words(body)[:MAX_WORDS]
    if len(tokens) < SHINGLE:
        return [" ".join(tokens).encode()] if tokens else []
    return [" ".join(tokens[i : i + SHINGLE]).encode() for i in range(len(tokens) - SHINGLE + 1)]


def signature(body: str) -> np.ndarray | None:
    """The body's MinHash values (uint64, PERMUTATIONS of them), None for an empty body."""
    found = shingles(body)
    if not found:
        return None
    sketch = MinHash(
        num_perm=PERMUTATIONS, seed=SEED, scheme=SCHEME, permutations=_TEMPLATE.permutations
    )
    sketch.update_batch(found)
    return sketch.hashvalues


def band_keys(values: np.ndarray) -> list[int]:
    """One signed 63-bit key per band (band number mixed in), to store and look up."""
    keys = []
    for band in range(BANDS):
        chunk = values[band * ROWS : (band + 1) * ROWS].astype("<u8").tobytes()
        digest = hashlib.blake2b(bytes([band]) + chunk, digest_size=8).digest()
        keys.append(int.from_bytes(digest, "little") >> 1)
    return keys


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two bodies' shingle sets."""
    return float(np.count_nonzero(a == b)) / len(a)


def is_copy(a: np.ndarray | None, b: np.ndarray | None) -> bool:
    return a is not None and b is not None and jaccard(a, b) >= COPY_JACCARD
