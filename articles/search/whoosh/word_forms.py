"""The word forms a prefix stands for: indexed words of a field that begin with it."""

from __future__ import annotations

from ..engine import MAX_SCANNED


def prefix_forms(reader, fieldname: str, prefix: str, limit: int) -> tuple[list[str], int]:
    """The ``limit`` most frequent forms (most documents first, then alphabetically) and how
    many there are (at most MAX_SCANNED + 1)."""
    found: list[tuple[int, str]] = []
    if fieldname not in reader.schema:
        return [], 0
    for term in reader.expand_prefix(fieldname, prefix):
        text = term.decode("utf-8") if isinstance(term, bytes) else term
        found.append((reader.doc_frequency(fieldname, text), text))
        if len(found) > MAX_SCANNED:
            break
    found.sort(key=lambda pair: (-pair[0], pair[1]))
    return [text for _, text in found[:limit]], len(found)
