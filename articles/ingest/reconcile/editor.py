"""Editors' decisions about names, taken from the admin: carried out at once and remembered.

Each decision is an EntityDecision of origin "editor", kept by names (kind and key), so it
wins over the archive's evidence in every later `resolve_entities`, in re-extraction and in
imports, and survives an export and restore. The suggestion it answers is removed.
"""

from __future__ import annotations

from django.db import transaction

from ... import corrections
from ...models import Entity, EntityDecision, Mention

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
    if entity.kind == survivor.kind:
        return corrections.merge_entities(entity, survivor, user)
    return corrections.merge_across_kinds(entity, survivor, user)


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
