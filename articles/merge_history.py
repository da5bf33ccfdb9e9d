"""What a merge moved, written down before it happens and played back to undo it.

articles.corrections folds one entity into another; resolve_entities gives one-word names to
the person each article means (articles.ingest.reconcile.short_names). Both call here
first, so every merge leaves a MergeRecord: the articles that moved (the entity's history
lists them) and what undoing needs, which :func:`restore` plays back: the merged entity
under its old id, name, slug, aliases and redirects, and each moved mention as it was.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from .models import Article, Entity, EntityAlias, EntityRedirect, Mention, MergeRecord

ENTITY_FIELDS = ("name", "slug", "key", "match_key", "country", "feature", "latitude", "longitude")


class RestoreError(ValueError):
    """A record that cannot be played back as it stands; the message says why."""


def _mention_state(m: Mention) -> dict:
    return {
        "id": m.pk,
        "a": m.article_id,
        "c": m.count,
        "f": list(m.surface_forms),
        "o": m.origin,
        "s": m.suppressed,
        "u": m.changed_by_id,
    }


def mention_states(mentions: Iterable[Mention]) -> list[dict]:
    return [_mention_state(m) for m in mentions]


def snapshot_fold(merged: Entity, survivor: Entity) -> dict:
    """Everything of ``merged`` a fold into ``survivor`` changes (read before the fold)."""
    moved = list(Mention.objects.filter(entity=merged))
    kept = Mention.objects.filter(entity=survivor, article_id__in=[m.article_id for m in moved])
    return {
        "entity": {f: getattr(merged, f) for f in ENTITY_FIELDS}
        | {"id": merged.pk, "kind": merged.kind},
        "aliases": list(EntityAlias.objects.filter(entity=merged).values_list("key", "name")),
        "redirects": list(
            EntityRedirect.objects.filter(entity=merged).values_list("kind", "old_slug")
        ),
        "survivor_aliases": list(
            EntityAlias.objects.filter(entity=survivor).values_list("key", flat=True)
        ),
        "mentions": mention_states(moved),
        "kept": mention_states(kept),  # the survivor's own, in articles naming both
    }


def record_fold(
    state: dict,
    survivor: Entity,
    *,
    origin: str,
    user=None,
    reason: str = "",
    evidence: dict | None = None,
) -> MergeRecord:
    merged = state["entity"]
    return MergeRecord.objects.create(
        action=MergeRecord.Action.MERGE,
        origin=origin,
        entity=survivor,
        entity_kind=survivor.kind,
        entity_name=survivor.name[:300],
        kind=merged["kind"],
        name=merged["name"][:300],
        key=merged["key"][:300],
        slug=merged["slug"][:300],
        old_id=merged["id"],
        reason=reason[:300],
        evidence=evidence or {},
        article_ids=sorted({m["a"] for m in state["mentions"]}),
        state=state,
        created_by=user if getattr(user, "pk", None) else None,
    )


def record_moves(
    action: str,
    name: Entity,
    into: Entity,
    moved: list[dict],
    kept: list[dict],
    *,
    reason: str,
    evidence: dict,
) -> MergeRecord:
    """Mentions of ``name`` (states before the move) given to ``into``, which already had
    the ``kept`` ones in the same articles."""
    return MergeRecord.objects.create(
        action=action,
        origin=MergeRecord.Origin.AUTOMATIC,
        entity=into,
        entity_kind=into.kind,
        entity_name=into.name[:300],
        kind=name.kind,
        name=name.name[:300],
        key=name.key[:300],
        slug=name.slug[:300],
        old_id=name.pk,
        reason=reason[:300],
        evidence=evidence,
        article_ids=sorted({m["a"] for m in moved}),
        state={
            "entity": {f: getattr(name, f) for f in ENTITY_FIELDS}
            | {"id": name.pk, "kind": name.kind},
            "mentions": moved,
            "kept": kept,
        },
    )


def explain(reasons: dict[int, tuple[str, dict]], *, since) -> int:
    """Give the automatic merges written down since ``since`` their reason and evidence
    (old entity id -> (reason, evidence), as resolve_entities proposed them)."""
    records = list(
        MergeRecord.objects.filter(
            action=MergeRecord.Action.MERGE,
            origin=MergeRecord.Origin.AUTOMATIC,
            created_at__gte=since,
            old_id__in=list(reasons),
        )
    )
    for record in records:
        record.reason, record.evidence = reasons[record.old_id]
        record.reason = record.reason[:300]
    MergeRecord.objects.bulk_update(records, ["reason", "evidence"], batch_size=1000)
    return len(records)


# --- playing a record back ----------------------------------------------------------------


def restore(record: MergeRecord, user=None) -> tuple[Entity, set[int]]:
    """Undo ``record``: the name whose articles moved is an entity again, with those
    mentions as they were, and the receiving entity's own mentions as they were before.
    Returns (the restored entity, the articles that changed). Call in a transaction."""
    if record.undone_at is not None:
        raise RestoreError("This merge has been undone already.")
    into = record.entity
    if into is None:
        raise RestoreError(
            f"“{record.entity_name}” no longer exists: undo what happened to it first."
        )
    state = record.state
    restored = _entity_again(record, state["entity"])
    if record.action == MergeRecord.Action.MERGE:
        _names_back(state, restored, into)
    changed = _mentions_back(state, restored, into)
    record.undone_at = timezone.now()
    record.undone_by = user if getattr(user, "pk", None) else None
    record.save(update_fields=["undone_at", "undone_by"])
    return restored, changed


def _entity_again(record: MergeRecord, fields: dict) -> Entity:
    existing = Entity.objects.filter(kind=record.kind, key=record.key).first()
    if existing is not None:  # a one-word name still in use, or re-created by an import
        return existing
    values = {f: fields.get(f) for f in ENTITY_FIELDS}
    values["country"] = values["country"] or ""
    values["feature"] = values["feature"] or ""
    if Entity.objects.filter(kind=record.kind, slug=values["slug"]).exists():
        raise RestoreError(
            f"Another {record.kind} has the address “{values['slug']}” now: rename it first."
        )
    keep_id = fields.get("id")
    if keep_id and Entity.objects.filter(pk=keep_id).exists():
        keep_id = None
    # The old id again where it is free, so old admin links find it.
    entity = Entity(pk=keep_id, kind=record.kind, **values)
    entity.save(force_insert=True)
    # A live entity owns its slug: the redirect its merge left would shadow it.
    EntityRedirect.objects.filter(kind=entity.kind, old_slug=entity.slug).delete()
    return entity


def _names_back(state: dict, restored: Entity, into: Entity) -> None:
    """Its aliases and old slugs lead to it again, not to the survivor."""
    EntityAlias.objects.filter(entity=into, key=restored.key).delete()
    survivor_before = set(state.get("survivor_aliases", ()))
    for key, name in state["aliases"]:
        if key not in survivor_before:
            EntityAlias.objects.filter(entity=into, key=key).delete()
        EntityAlias.objects.get_or_create(
            kind=restored.kind, key=key, defaults={"entity": restored, "name": name}
        )
    for kind, old_slug in state["redirects"]:
        EntityRedirect.objects.filter(kind=kind, old_slug=old_slug).update(entity=restored)


def _mentions_back(state: dict, restored: Entity, into: Entity) -> set[int]:
    moved, kept = state["mentions"], {m["a"]: m for m in state.get("kept", ())}
    article_ids = [s["a"] for s in moved]
    into_now = {
        m.article_id: m for m in Mention.objects.filter(entity=into, article_id__in=article_ids)
    }
    mine_now = {
        m.article_id: m for m in Mention.objects.filter(entity=restored, article_id__in=article_ids)
    }
    alive = set(Article.objects.filter(pk__in=article_ids).values_list("id", flat=True))
    changed: set[int] = set()
    for s in moved:
        article_id = s["a"]
        if article_id not in alive:
            continue
        changed.add(article_id)
        before, now = kept.get(article_id), into_now.get(article_id)
        if before is None and now is not None and now.pk == s["id"] and article_id not in mine_now:
            now.entity = restored  # the very row that moved: it moves back
            _set(now, s)
            now.save()
            continue
        if now is not None and before is not None:
            _set(now, before)
            now.save()
        elif now is not None:
            now.delete()
        mine = mine_now.get(article_id)
        if mine is None:
            free = not Mention.objects.filter(pk=s["id"]).exists()
            mine = Mention(pk=s["id"] if free else None, article_id=article_id, entity=restored)
        _set(mine, s)
        mine.save()
    return changed


def _set(mention: Mention, s: dict) -> None:
    mention.count, mention.surface_forms, mention.origin = s["c"], s["f"], s["o"]
    mention.suppressed, mention.changed_by_id = s["s"], s["u"]
