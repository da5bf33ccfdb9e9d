"""Editors' decisions about names, taken from the admin: carried out at once and remembered.

Each decision is an EntityDecision of origin "editor", kept by names (kind and key), so it
wins over the archive's evidence in every later `resolve_entities`, in re-extraction and in
imports, and survives an export and restore. The suggestion it answers is removed.
"""

from __future__ import annotations

from django.db import transaction

from ... import corrections
from ...models import Entity, EntityDecision, Mention, MergeRecord

Verdict = EntityDecision.Verdict


def _remember(entity: Entity, verdict: str, user, *, other: Entity | None = None, **extra):
    EntityDecision.objects.filter(
        kind=entity.kind, key=entity.key, origin=EntityDecision.Origin.SUGGESTED
    ).delete()
    if other is not None:  # the suggestion may have been filed the other way round
        EntityDecision.objects.filter(
            kind=other.kind, key=other.key, other_kind=entity.kind, other_key=entity.key
        ).exclude(origin=EntityDecision.Origin.EDITOR).delete()
    EntityDecision.objects.update_or_create(
        kind=entity.kind,
        key=entity.key,
        verdict=verdict,
        other_kind=other.kind if other else extra.pop("other_kind", ""),
        other_key=other.key if other else extra.pop("other_key", ""),
        origin=EntityDecision.Origin.EDITOR,
        defaults={
            "name": entity.name,
            "other_name": other.name if other else "",
            "decided_by": user if getattr(user, "pk", None) else None,
            "score": 1.0,
            **extra,
        },
    )


@transaction.atomic
def same(entity: Entity, survivor: Entity, user=None) -> Entity:
    """``entity`` is ``survivor``: merged into it (across kinds if need be)."""
    _remember(entity, Verdict.SAME, user, other=survivor)
    why = {"origin": MergeRecord.Origin.EDITOR, "reason": "an editor's decision"}
    if entity.kind == survivor.kind:
        return corrections.merge_entities(entity, survivor, user, **why)
    return corrections.merge_across_kinds(entity, survivor, user, **why)


@transaction.atomic
def unmerge(merge: MergeRecord, user=None) -> Entity:
    """Undo a merge (or a short name's move) exactly from its record, and remember that the
    two are not the same, so no later run or import merges them again."""
    restored = corrections.unmerge(merge, user)
    into = merge.entity
    # whoever decided it, imports would file the name under the survivor again
    EntityDecision.objects.filter(
        kind=restored.kind, key=restored.key, verdict__in=(Verdict.SAME, Verdict.KIND)
    ).delete()
    _remember(restored, Verdict.DIFFERENT, user, other=into)
    _remember(into, Verdict.DIFFERENT, user, other=restored)
    return restored


@transaction.atomic
def different(entity: Entity, other: Entity, user=None) -> None:
    """Never merge these two, whatever the evidence says."""
    _remember(entity, Verdict.DIFFERENT, user, other=other)
    _remember(other, Verdict.DIFFERENT, user, other=entity)


@transaction.atomic
def not_an_entity(entity: Entity, user=None) -> int:
    """Take the name off every article extraction put it on, now and in future imports.
    Editors' own additions of it stay. Returns how many articles changed."""
    _remember(entity, Verdict.NOT_ENTITY, user)
    extracted = Mention.objects.filter(
        entity=entity, origin=Mention.Origin.EXTRACTED, suppressed=False
    )
    article_ids = list(extracted.values_list("article_id", flat=True))
    extracted.delete()
    corrections.articles_changed(article_ids)
    corrections.record(
        user, entity, "Not an entity: taken off the articles extraction found it in."
    )
    if not Mention.objects.filter(entity=entity).exists():
        entity.delete()
    return len(article_ids)


@transaction.atomic
def is_an_entity(entity: Entity, user=None) -> None:
    """Keep it as it is: no automatic drop, refiling or merge of it."""
    EntityDecision.objects.filter(kind=entity.kind, key=entity.key).exclude(
        origin=EntityDecision.Origin.EDITOR
    ).delete()
    _remember(entity, Verdict.ENTITY, user)


@transaction.atomic
def of_kind(entity: Entity, kind: str, user=None) -> Entity:
    """Refile it under another kind ("Houthis" is an organization)."""
    _remember(entity, Verdict.KIND, user, other_kind=kind, other_key=entity.key)
    return corrections.move_to_kind(entity, kind, user)


@transaction.atomic
def in_country(entity: Entity, country: str, user=None) -> Entity:
    """A place's country ("" for one spanning countries, such as a sea)."""
    _remember(entity, Verdict.COUNTRY, user, country=country)
    entity.country = country
    entity.save(update_fields=["country", "updated_at"])
    corrections.articles_changed(corrections.entity_articles(entity.pk))
    return entity


def carry_out(decision: EntityDecision, user=None) -> str:
    """Carry out a decision an editor wrote in the admin's form, at once: the entity it names
    is merged, dropped, refiled or given its country now, not at the next resolve_entities.
    Returns what happened, in words."""
    entity = Entity.objects.filter(kind=decision.kind, key=decision.key).first()
    if entity is None:
        return (
            f"No {decision.kind} “{decision.name}” in the archive now: imports and "
            "resolve_entities will follow the decision."
        )
    verdict = decision.verdict
    other = Entity.objects.filter(kind=decision.other_kind, key=decision.other_key).first()
    if verdict in (Verdict.SAME, Verdict.DIFFERENT) and (other is None or other.pk == entity.pk):
        return f"No {decision.other_kind} “{decision.other_name}” to compare it with: nothing done."
    if verdict == Verdict.SAME:
        survivor = same(entity, other, user)
        return f"“{entity.name}” merged into “{survivor.name}”; its old links lead there."
    if verdict == Verdict.DIFFERENT:
        different(entity, other, user)
        return f"“{entity.name}” and “{other.name}” will never be merged."
    if verdict == Verdict.NOT_ENTITY:
        n = not_an_entity(entity, user)
        return f"“{entity.name}” taken off {n} article(s)."
    if verdict == Verdict.KIND:
        moved = of_kind(entity, decision.other_kind, user)
        return f"“{entity.name}” is now the {moved.kind} “{moved.name}”; its old links lead there."
    if verdict == Verdict.COUNTRY:
        in_country(entity, decision.country, user)
        return f"“{entity.name}” is now in {decision.country or 'no single country'}."
    is_an_entity(entity, user)
    return f"“{entity.name}” is kept as it is."
