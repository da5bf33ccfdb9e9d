"""Automatic merges an older release made on a spelling rule this one no longer holds.

"A variant spelling" merges names that share a match key. When a release learns that two
such names differ ("Ipsos", the pollster, is not "IPSO": a one-word name keeps its final s),
the merge an older release made stays on record, and so does the alias that files every
newly imported "Ipsos" under IPSO. `resolve_entities` undoes it from its record
(articles.merge_history), as an editor's "unmerge" would: the name is an entity again with
its articles and aliases. Editors' merges are theirs and stay.
"""

from __future__ import annotations

from django.db import transaction

from ... import corrections
from ...extraction.variants import match_key
from ...models import MergeRecord
from .proposals import VARIANT_SPELLING


def stale() -> list[MergeRecord]:
    """Automatic variant-spelling merges whose two names this release keys apart."""
    records = MergeRecord.objects.filter(
        action=MergeRecord.Action.MERGE,
        origin=MergeRecord.Origin.AUTOMATIC,
        reason=VARIANT_SPELLING,
        undone_at__isnull=True,
        entity__isnull=False,
    ).order_by("-created_at", "-id")  # the latest first: an older one may depend on it
    return [r for r in records if match_key(r.kind, r.name) != match_key(r.kind, r.entity_name)]


def undo(records: list[MergeRecord], skipped: list[str]) -> int:
    """Undo each record; one that cannot be played back is noted in ``skipped``."""
    undone = 0
    for record in records:
        try:
            with transaction.atomic():
                corrections.unmerge(record)
            undone += 1
        except corrections.CorrectionError as exc:
            skipped.append(f"{record.name} → {record.entity_name} not undone: {exc}")
    return undone
