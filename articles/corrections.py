"""Editors' corrections to entities: add, remove, rename, merge. Corrections that last.

Each service writes in one transaction, records who did it in Django's admin log, and
queues the affected articles for the search index (articles.search.queue). Re-extraction
(articles.ingest.reextract) leaves every correction made here in place:

- an added entity is a Mention with origin=editor;
- a removed entity is a suppressed Mention (deleting it would let extraction bring it back);
- a renamed or merged entity keeps its old name as an EntityAlias, so future imports resolve
  to it, and its old slug as an EntityRedirect, so old links keep working;
- an outlet whose slug changes keeps its old slug as a SourceRedirect.
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Iterable, Iterator

from django.contrib.admin.models import CHANGE, DELETION, LogEntry
from django.db import transaction
from django.utils import timezone

from . import merge_history
from .extraction.names import name_key, name_slug
from .extraction.variants import match_key
from .models import (
    Article,
    Entity,
    EntityAlias,
    EntityRedirect,
    Mention,
    MergeRecord,
    Source,
    SourceRedirect,
)
from .search.queue import enqueue


class CorrectionError(ValueError):
    """A correction that cannot be made as asked; the message says what to do instead."""


_collecting = threading.local()


def articles_changed(article_ids: Iterable[int]) -> list[int]:
    """Mark articles whose search document changed without a save of the row itself (an
    entity renamed or merged, an outlet renamed, an alias added) and queue them for the index.

    ``updated_at`` is what `check_index` and `update_index --age` compare, so it must move
    with the document; one UPDATE, not a save per article (a country can have 10,000).
    Call inside the transaction that makes the change: the marks and index tasks commit with
    it. Inside ``changes_collected()`` an article already queued there is not queued again.
    """
    ids = list(dict.fromkeys(article_ids))
    pending = getattr(_collecting, "ids", None)
    new = ids if pending is None else [i for i in ids if i not in pending]
    if pending is not None:
        pending.update(new)
    _mark_and_queue(new)
    return ids


def _mark_and_queue(ids: list[int]) -> None:
    for start in range(0, len(ids), 900):  # SQLite's limit on query parameters
        Article.objects.filter(pk__in=ids[start : start + 900]).update(updated_at=timezone.now())
    enqueue(ids)


@contextlib.contextmanager
def changes_collected() -> Iterator[set[int]]:
    """Many corrections in a row (resolve_entities: thousands of merges, one article touched
    by dozens of them): each changed article is marked and queued once, in the transaction
    of the first change to it, so a run killed halfway leaves no change unqueued (issue 17).
    At the end every one is marked and queued again: an index worker may have indexed an
    article between two of its changes."""
    if getattr(_collecting, "ids", None) is not None:  # already collecting: the outer one ends
        yield _collecting.ids
        return
    _collecting.ids = set()
    try:
        yield _collecting.ids
        ids = sorted(_collecting.ids)
    finally:
        _collecting.ids = None
    for start in range(0, len(ids), 5000):
        with transaction.atomic():
            _mark_and_queue(ids[start : start + 5000])


def entity_articles(*entity_ids: int) -> list[int]:
    return list(
        Mention.objects.filter(entity_id__in=entity_ids)
        .values_list("article_id", flat=True)
        .distinct()
    )


def country_articles(country: str) -> list[int]:
    """Articles naming a place in this country (ISO code)."""
    return list(
        Mention.objects.filter(entity__kind=Entity.Kind.PLACE, entity__country=country)
        .values_list("article_id", flat=True)
        .distinct()
    )


def record(user, obj, message: str, flag: int = CHANGE) -> None:
    """Write a Django admin log entry (the admin's History page shows it)."""
    if user is None or not getattr(user, "pk", None):
        return
    LogEntry.objects.log_actions(
        user_id=user.pk,
        queryset=[obj],
        action_flag=flag,
        change_message=message,
        single_object=True,
    )


def find_entity(kind: str, name: str) -> Entity | None:
    """The stored entity known by this name or one of its aliases."""
    key = name_key(name)
    if not key:
        return None
    entity = Entity.objects.filter(kind=kind, key=key).first()
    if entity:
        return entity
    alias = EntityAlias.objects.filter(kind=kind, key=key).select_related("entity").first()
    return alias.entity if alias else None


def free_slug(kind: str, name: str, *, exclude: int | None = None) -> str:
    base = name_slug(name)
    slug, n = base, 1
    taken = Entity.objects.filter(kind=kind)
    if exclude:
        taken = taken.exclude(pk=exclude)
    while taken.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _redirect(kind: str, old_slug: str, entity: Entity) -> None:
    """``kind``/``old_slug`` leads to ``entity`` from now on (``kind`` may be another kind
    than the entity's: the tagger filed it wrongly)."""
    if old_slug and (old_slug != entity.slug or kind != entity.kind):
        EntityRedirect.objects.update_or_create(
            kind=kind, old_slug=old_slug, defaults={"entity": entity}
        )
    # A live entity owns its slug: a redirect with the same slug would shadow it.
    EntityRedirect.objects.filter(kind=entity.kind, old_slug=entity.slug).delete()


def keep_alias(entity: Entity, name: str) -> None:
    key = name_key(name)
    if not key or key == entity.key:
        return
    EntityAlias.objects.update_or_create(
        kind=entity.kind, key=key, defaults={"entity": entity, "name": name[:300]}
    )


def get_or_create_entity(kind: str, name: str) -> Entity:
    name = " ".join(name.split())
    if not name_key(name):
        raise CorrectionError("Give the entity a name with at least one letter or digit.")
    if kind not in Entity.Kind.values:
        raise CorrectionError(f"Unknown kind {kind!r}: use place, organization or person.")
    entity = find_entity(kind, name)
    if entity:
        return entity
    return Entity.objects.create(
        kind=kind,
        name=name[:300],
        slug=free_slug(kind, name),
        key=name_key(name),
        match_key=match_key(kind, name)[:300],
    )


def _occurrences(article: Article, name: str) -> int:
    text = f"{article.headline}\n{article.body}"
    return len(re.findall(r"(?<!\w)" + re.escape(name) + r"(?!\w)", text, flags=re.IGNORECASE))


@transaction.atomic
def add_entity(article: Article, kind: str, name: str, user=None) -> Mention:
    """Put an entity on an article (creating the entity if new); re-extraction keeps it."""
    return _put_entity(article, get_or_create_entity(kind, name), name, user)


def _put_entity(article: Article, entity: Entity, name: str, user) -> Mention:
    mention = Mention.objects.filter(article=article, entity=entity).first()
    if mention is None:
        mention = Mention(article=article, entity=entity, surface_forms=[name])
        mention.count = max(1, _occurrences(article, name))
    mention.origin = Mention.Origin.EDITOR
    mention.suppressed = False
    mention.changed_by = user if getattr(user, "pk", None) else None
    mention.save()
    record(user, article, f"Added {entity.get_kind_display().lower()} “{entity.name}”.")
    return mention


@transaction.atomic
def replace_entity(article: Article, old: Entity, new: Entity, user=None) -> Mention:
    """The article names ``new`` where extraction saw ``old`` (Washington was the United
    Nations): ``old`` is removed and ``new`` added, so re-extraction brings neither back.
    """
    if old.pk == new.pk:
        return Mention.objects.get(article=article, entity=old)
    remove_entity(article, old, user)
    return _put_entity(article, new, new.name, user)


@transaction.atomic
def remove_entity(article: Article, entity: Entity, user=None) -> Mention:
    """Take an entity off an article; it stays off when extraction runs again."""
    mention, _ = Mention.objects.get_or_create(
        article=article, entity=entity, defaults={"count": 0}
    )
    mention.suppressed = True
    mention.changed_by = user if getattr(user, "pk", None) else None
    mention.save()
    record(user, article, f"Removed {entity.get_kind_display().lower()} “{entity.name}”.")
    return mention


@transaction.atomic
def rename_entity(entity: Entity, new_name: str, user=None) -> Entity:
    """Give an entity a new canonical name; the old name and slug keep leading to it."""
    new_name = " ".join(new_name.split())
    new_key = name_key(new_name)
    if not new_key:
        raise CorrectionError("Give the entity a name with at least one letter or digit.")
    other = Entity.objects.filter(kind=entity.kind, key=new_key).exclude(pk=entity.pk).first()
    if other:
        raise CorrectionError(
            f"“{other.name}” already exists: merge “{entity.name}” into it instead of renaming."
        )
    entity = Entity.objects.select_for_update().get(pk=entity.pk)
    old_name, old_slug, old_key = entity.name, entity.slug, entity.key
    if new_name == old_name:
        return entity
    # The new name may be one of its own aliases: the entity's key now covers it.
    EntityAlias.objects.filter(kind=entity.kind, key=new_key, entity=entity).delete()
    stray = EntityAlias.objects.filter(kind=entity.kind, key=new_key).exclude(entity=entity)
    stray.delete()  # the name now belongs to this entity, not to whoever had it as an alias
    entity.name = new_name[:300]
    entity.key = new_key
    entity.match_key = match_key(entity.kind, new_name)[:300]
    if name_slug(new_name) != old_slug:
        entity.slug = free_slug(entity.kind, new_name, exclude=entity.pk)
    entity.save()  # marks and queues every article that mentions it (articles.signals)
    if old_key != new_key:
        EntityAlias.objects.update_or_create(
            kind=entity.kind, key=old_key, defaults={"entity": entity, "name": old_name}
        )
    _redirect(entity.kind, old_slug, entity)
    record(user, entity, f"Renamed “{old_name}” to “{new_name}”.")
    return entity


@transaction.atomic
def merge_entities(
    merged: Entity,
    survivor: Entity,
    user=None,
    *,
    keep_name: bool = True,
    origin: str = "",
    reason: str = "",
) -> Entity:
    """Fold ``merged`` into ``survivor``: mentions move (counts summed), names become aliases,
    old slugs redirect, and future imports of either name resolve to the survivor.

    ``keep_name=False`` folds a name that is no name of the survivor ("TEHRAN- The Statistical
    Center of", debris of a dateline): it does not become a searchable alias, so the
    survivor's other articles are left as they are.

    Every merge is written down first (a MergeRecord: ``origin`` "editor" or "automatic",
    by default an editor's when there is a user), so :func:`unmerge` can undo it.
    """
    if merged.pk == survivor.pk:
        raise CorrectionError("Choose two different entities to merge.")
    if merged.kind != survivor.kind:
        raise CorrectionError(
            f"“{merged.name}” is a {merged.get_kind_display().lower()} and “{survivor.name}” "
            f"a {survivor.get_kind_display().lower()}: only entities of one kind can be merged."
        )
    return _fold(merged, survivor, user, keep_name=keep_name, origin=origin, reason=reason)


@transaction.atomic
def merge_across_kinds(
    merged: Entity, survivor: Entity, user=None, *, origin: str = "", reason: str = ""
) -> Entity:
    """Fold an entity the tagger filed under the wrong kind into the right one ("State Mike
    Pompeo", an organization, into the person Mike Pompeo). Its old slug redirects under
    its old kind, so ``?org=state-mike-pompeo`` finds the person."""
    if merged.pk == survivor.pk:
        raise CorrectionError("Choose two different entities to merge.")
    return _fold(merged, survivor, user, origin=origin, reason=reason)


def _fold(
    merged: Entity,
    survivor: Entity,
    user,
    *,
    keep_name: bool = True,
    origin: str = "",
    reason: str = "",
) -> Entity:
    old_kind, kind = merged.kind, survivor.kind
    state = merge_history.snapshot_fold(merged, survivor)
    # The survivor's own articles change too: its new aliases are indexed with its name.
    affected = set(
        entity_articles(merged.pk, survivor.pk) if keep_name else entity_articles(merged.pk)
    )
    _fold_mentions(merged, survivor, user)
    for alias in EntityAlias.objects.filter(entity=merged):
        taken = EntityAlias.objects.filter(kind=kind, key=alias.key).exclude(pk=alias.pk)
        if alias.key == survivor.key or taken.exists():
            alias.delete()
        else:
            EntityAlias.objects.filter(pk=alias.pk).update(entity=survivor, kind=kind)
    EntityRedirect.objects.filter(entity=merged).update(entity=survivor)
    old_name, old_slug, old_key = merged.name, merged.slug, merged.key
    record(user, merged, f"Merged into “{survivor.name}” (id {survivor.pk}).", DELETION)
    merged.delete()
    if old_key != survivor.key and keep_name:
        EntityAlias.objects.update_or_create(
            kind=kind, key=old_key, defaults={"entity": survivor, "name": old_name}
        )
    _redirect(old_kind, old_slug, survivor)
    articles_changed(affected)
    if not origin:
        has_user = getattr(user, "pk", None)
        origin = MergeRecord.Origin.EDITOR if has_user else MergeRecord.Origin.AUTOMATIC
    merge_history.record_fold(state, survivor, origin=origin, user=user, reason=reason)
    record(user, survivor, f"Merged “{old_name}” into this entity.")
    return survivor


@transaction.atomic
def unmerge(merge: MergeRecord, user=None) -> Entity:
    """Undo a merge or a short name's move from its record: the name is an entity again, its
    articles, aliases and old links are its own as before, and every article concerned is
    re-indexed. Returns the restored entity."""
    merge = MergeRecord.objects.select_for_update().get(pk=merge.pk)
    into = merge.entity
    try:
        restored, changed = merge_history.restore(merge, user)
    except merge_history.RestoreError as exc:
        raise CorrectionError(str(exc)) from exc
    if merge.action == MergeRecord.Action.MERGE:
        changed |= set(entity_articles(into.pk))  # its aliases, indexed with it, changed
    articles_changed(changed)
    record(user, restored, f"Unmerged from “{into.name}”: {merge.moved} article(s) back.")
    record(user, into, f"Unmerged “{restored.name}”: {merge.moved} article(s) given back.")
    return restored


def _fold_mentions(merged: Entity, survivor: Entity, user) -> None:
    """The merged entity's mentions become the survivor's; in an article naming both, one
    mention with the counts summed (removed only if the editor removed both)."""
    survivor_articles = Mention.objects.filter(entity=survivor).values("article_id")
    # Articles naming only the merged entity: its mentions change hands in one query.
    Mention.objects.filter(entity=merged).exclude(article_id__in=survivor_articles).update(
        entity=survivor
    )
    rest = {m.article_id: m for m in Mention.objects.filter(entity=merged)}
    if not rest:
        return
    kept_rows = Mention.objects.filter(
        entity=survivor, article_id__in=Mention.objects.filter(entity=merged).values("article_id")
    )
    changed = []
    for kept in kept_rows:
        mention = rest[kept.article_id]
        kept.count += mention.count
        kept.surface_forms = sorted({*kept.surface_forms, *mention.surface_forms})
        if mention.origin == Mention.Origin.EDITOR:
            kept.origin = Mention.Origin.EDITOR
        kept.suppressed = kept.suppressed and mention.suppressed
        kept.changed_by = user if getattr(user, "pk", None) else kept.changed_by
        changed.append(kept)
    Mention.objects.bulk_update(
        changed, ["count", "surface_forms", "origin", "suppressed", "changed_by"], batch_size=500
    )
    Mention.objects.filter(entity=merged).delete()


@transaction.atomic
def move_to_kind(entity: Entity, kind: str, user=None) -> Entity:
    """Refile an entity under the right kind ("Houthis" tagged a person is an organization);
    an entity of that kind and name absorbs it. Old links redirect."""
    if kind not in Entity.Kind.values:
        raise CorrectionError(f"Unknown kind {kind!r}: use place, organization or person.")
    if kind == entity.kind:
        return entity
    existing = Entity.objects.filter(kind=kind, key=entity.key).first()
    if existing is not None:
        return merge_across_kinds(entity, existing, user)
    old_kind, old_slug = entity.kind, entity.slug
    for alias in EntityAlias.objects.filter(entity=entity):
        if EntityAlias.objects.filter(kind=kind, key=alias.key).exclude(pk=alias.pk).exists():
            alias.delete()
        else:
            EntityAlias.objects.filter(pk=alias.pk).update(kind=kind)
    entity.kind = kind
    if old_kind == Entity.Kind.PLACE:  # a place's country and position are no one else's
        entity.country, entity.feature, entity.latitude, entity.longitude = "", "", None, None
    entity.slug = free_slug(kind, entity.name, exclude=entity.pk)
    entity.match_key = match_key(kind, entity.name)[:300]
    entity.save()  # marks and queues every article that mentions it (articles.signals)
    _redirect(old_kind, old_slug, entity)
    record(user, entity, f"Filed as {entity.get_kind_display().lower()} (was {old_kind}).")
    return entity


@transaction.atomic
def merge_sources(merged: Source, survivor: Source, user=None) -> Source:
    """One outlet under two names ("Huffingtonpost", "HuffPost"): its articles, domains and
    old links go to ``survivor``, and the articles are re-indexed."""
    if merged.pk == survivor.pk:
        raise CorrectionError("Choose two different outlets to merge.")
    article_ids = list(Article.objects.filter(source=merged).values_list("id", flat=True))
    Article.objects.filter(source=merged).update(source=survivor)
    survivor.domains = [
        *survivor.domains,
        *(d for d in merged.domains if d not in survivor.domains),
    ]
    survivor.save(update_fields=["domains"])
    SourceRedirect.objects.filter(source=merged).update(source=survivor)
    SourceRedirect.objects.update_or_create(old_slug=merged.slug, defaults={"source": survivor})
    record(user, survivor, f"Merged the outlet “{merged.name}” into this one.")
    merged.delete()
    articles_changed(article_ids)
    return survivor


@transaction.atomic
def source_slug_changed(source: Source, old_slug: str, user=None) -> None:
    """Keep ``old_slug`` leading to ``source`` (shared ``?source=`` links redirect).

    Call after saving the new slug, in the same transaction.
    """
    if old_slug and old_slug != source.slug:
        SourceRedirect.objects.update_or_create(old_slug=old_slug, defaults={"source": source})
        record(user, source, f"Address changed from “{old_slug}” to “{source.slug}”.")
    # A live outlet owns its slug: a redirect with the same slug would shadow it.
    SourceRedirect.objects.filter(old_slug=source.slug).delete()
