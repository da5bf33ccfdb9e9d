"""One outlet, one value: outlets stored under another name of a known outlet ("Huffingtonpost",
from huffingtonpost.in, is HuffPost) join it; their old links redirect."""

from __future__ import annotations

from ... import corrections
from ...extraction.outlets import recognise_outlet
from ...models import Source


def merges() -> list[tuple[Source, Source]]:
    """(outlet, the outlet it is) for every stored outlet known by another stored name."""
    sources = list(Source.objects.all())
    by_name = {s.name: s for s in sources}
    out = []
    for source in sources:
        name, _ = recognise_outlet(hint=source.name)
        survivor = by_name.get(name)
        if survivor is not None and survivor.pk != source.pk:
            out.append((source, survivor))
    return out


def carry_out(pairs: list[tuple[Source, Source]]) -> int:
    for merged, survivor in pairs:
        corrections.merge_sources(merged, survivor)
    return len(pairs)
