"""Carrying out what the evidence and the editors decided: merges, drops, kind moves,
country fixes and better names, each in its own transaction, every changed article queued
for the search index. Decisions are also written down (EntityDecision), so imports follow
them and the next run starts from them.

Merges go through articles.corrections.merge_entities, so a merged value's old slug
redirects to the survivor and its name stays an alias that future imports resolve.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction

from ... import corrections
from ...models import Entity, EntityDecision, Mention
from .evidence import Name
from .proposals import COUNTRY, DEBRIS, DIFFERENT, ENTITY, KIND, NOT_ENTITY, RENAME, SAME, Proposal


@dataclass
class Plan:
    """What one run will do, after editors' decisions have had their say."""

    merges: list[Proposal] = field(default_factory=list)
    drops: list[Proposal] = field(default_factory=list)
    kinds: list[Proposal] = field(default_factory=list)
    countries: list[Proposal] = field(default_factory=list)
    renames: list[Proposal] = field(default_factory=list)
    suggestions: list[Proposal] = field(default_factory=list)

    @property
    def size(self) -> int:
        return sum(
            len(x) for x in (self.merges, self.drops, self.kinds, self.countries, self.renames)
        )


def make_plan(
    proposals: list[Proposal], editor: list[EntityDecision], names: dict[int, Name]
) -> Plan:
    """Automatic proposals, overruled and completed by editors' decisions."""
    by_key = {(n.kind, n.key): n for n in names.values()}
    kept = [p for p in proposals if not _overruled(p, editor)]
    kept += _editor_proposals(editor, by_key)
    plan = Plan()
    buckets = {
        SAME: plan.merges,
        NOT_ENTITY: plan.drops,
        KIND: plan.kinds,
        COUNTRY: plan.countries,
        RENAME: plan.renames,
    }
    for proposal in kept:
        (buckets[proposal.verdict] if proposal.automatic else plan.suggestions).append(proposal)
    plan.merges = _final_targets(plan.merges)
    dropped = {p.subject.id for p in plan.drops}
    for p in [m for m in plan.merges if m.target.id in dropped]:  # into a non-entity: none
        plan.merges.remove(p)
        plan.drops.append(Proposal(NOT_ENTITY, p.subject, reason=f"a variant of {p.target.name}"))
    return plan


def _overruled(p: Proposal, editor: list[EntityDecision]) -> bool:
    subject = (p.subject.kind, p.subject.key)
    target = (p.target.kind, p.target.key) if p.target else None
    for d in editor:
        mine, other = (d.kind, d.key), (d.other_kind, d.other_key)
        if mine != subject and (target is None or other != subject or mine != target):
            continue
        if d.verdict == DIFFERENT and target in (mine, other) and subject in (mine, other):
            return True
        if (
            mine == subject
            and d.verdict in (ENTITY, SAME, NOT_ENTITY, KIND)
            and p.verdict != RENAME
        ):
            return True  # the editor decided this name's fate
    return False


def _editor_proposals(editor: list[EntityDecision], by_key) -> list[Proposal]:
    out = []
    for d in editor:
        subject = by_key.get((d.kind, d.key))
        if subject is None:
            continue
        if d.verdict == SAME:
            target = by_key.get((d.other_kind, d.other_key))
            if target is not None and target.id != subject.id:
                out.append(Proposal(SAME, subject, target, reason="an editor's decision"))
        elif d.verdict == NOT_ENTITY:
            out.append(Proposal(NOT_ENTITY, subject, reason="an editor's decision"))
        elif d.verdict == KIND and d.other_kind and d.other_kind != d.kind:
            out.append(Proposal(KIND, subject, kind=d.other_kind, reason="an editor's decision"))
        elif d.verdict == COUNTRY:
            out.append(Proposal(COUNTRY, subject, country=d.country, reason="an editor's decision"))
    return out


def _final_targets(merges: list[Proposal]) -> list[Proposal]:
    """Follow chains (A into B, B into C: A into C); a cycle keeps its most named member."""
    into = {p.subject.id: p for p in merges}

    def root(p: Proposal) -> Name:
        chain = [p.subject]
        target = p.target
        while target.id in into and target.id not in {n.id for n in chain}:
            chain.append(target)
            target = into[target.id].target
        if target.id in {n.id for n in chain}:  # a cycle: its most named member stays
            return max(chain, key=lambda n: (n.articles, -n.id))
        return target

    out = []
    for p in merges:
        target = root(p)
        if target.id != p.subject.id:
            p.target = target
            out.append(p)
    return out


# --- carrying it out ------------------------------------------------------------------------


FLUSH_EVERY = 5000  # decisions carried out between two markings of the changed articles


@dataclass
class Report:
    merged: int = 0
    dropped: int = 0
    moved: int = 0
    countries: int = 0
    renamed: int = 0
    reassigned: int = 0  # mentions of a one-word name given to the person it means
    described: int = 0  # entities whose description changed
    outlets: int = 0  # outlets merged into the known outlet they are
    unmerged: int = 0  # an older release's merges this one's rules no longer make (stale_merges)
    skipped: list[str] = field(default_factory=list)  # gone meanwhile, or refused


class Absorbed:
    """Entities merged into another earlier in this run: a later decision about one follows
    it to the entity that absorbed it ("COVAX" refiled into the organization of that name,
    then merged), instead of failing on a row that is gone."""

    def __init__(self):
        self.into: dict[int, int] = {}

    def follow(self, entity_id: int) -> int:
        seen = set()
        while entity_id in self.into and entity_id not in seen:
            seen.add(entity_id)
            entity_id = self.into[entity_id]
        return entity_id

    def entity(self, name: Name) -> Entity:
        return Entity.objects.get(pk=self.follow(name.id))

    def note(self, old_id: int, survivor: Entity) -> None:
        if survivor.pk != old_id:
            self.into[old_id] = survivor.pk


def carry_out(plan: Plan, *, progress: Callable[[int], None] | None = None) -> Report:
    report = Report()
    absorbed = Absorbed()
    steps = (
        (plan.drops, _drop, "dropped"),
        (plan.kinds, _move_kind, "moved"),
        (plan.merges, _merge, "merged"),
        (plan.countries, _set_country, "countries"),
        (plan.renames, _rename, "renamed"),
    )
    todo = [(p, action, counter) for proposals, action, counter in steps for p in proposals]
    # An article touched by dozens of merges ("Trump", "U.N." and "Seyyed Ali Khamenei" in one
    # story) is queued for the index once per batch, in the transaction of its first change.
    for start in range(0, len(todo), FLUSH_EVERY):
        with corrections.changes_collected():
            for proposal, action, counter in todo[start : start + FLUSH_EVERY]:
                try:
                    with transaction.atomic():
                        done = action(proposal, absorbed)
                except (Entity.DoesNotExist, corrections.CorrectionError) as exc:
                    report.skipped.append(f"{proposal.subject.name}: {exc}")
                    done = False
                if done:
                    setattr(report, counter, getattr(report, counter) + 1)
                if progress:
                    progress(1)
    return report


def _drop(p: Proposal, absorbed: Absorbed) -> bool:
    """Take a non-entity off every article extraction put it on; editors' own stay."""
    entity = absorbed.entity(p.subject)
    extracted = Mention.objects.filter(entity=entity, origin=Mention.Origin.EXTRACTED)
    article_ids = list(extracted.values_list("article_id", flat=True))
    extracted.filter(suppressed=False).delete()
    corrections.articles_changed(article_ids)
    if not Mention.objects.filter(entity=entity).exists():
        entity.delete()
    return True


def _move_kind(p: Proposal, absorbed: Absorbed) -> bool:
    entity = absorbed.entity(p.subject)
    if entity.kind == p.kind:
        return False
    entity_id = entity.pk  # a merge into an entity of that kind deletes the row
    absorbed.note(entity_id, corrections.move_to_kind(entity, p.kind))
    return True


def _merge(p: Proposal, absorbed: Absorbed) -> bool:
    merged, survivor = absorbed.entity(p.subject), absorbed.entity(p.target)
    merged_id = merged.pk  # the merge deletes the row
    if merged_id == survivor.pk:  # one already absorbed the other
        return False
    if merged.kind != survivor.kind:
        corrections.merge_across_kinds(merged, survivor)
    else:
        corrections.merge_entities(merged, survivor, keep_name=p.reason != DEBRIS)
    absorbed.note(merged_id, survivor)
    return True


def _set_country(p: Proposal, absorbed: Absorbed) -> bool:
    entity = absorbed.entity(p.subject)
    entity.country = p.country
    if p.feature:
        entity.feature = p.feature
    entity.save(update_fields=["country", "feature", "updated_at"])
    corrections.articles_changed(corrections.entity_articles(entity.pk))
    return True


def _rename(p: Proposal, absorbed: Absorbed) -> bool:
    if absorbed.follow(p.subject.id) != p.subject.id:
        return False  # a better name for a variant that is now part of another entity
    entity = absorbed.entity(p.subject)
    if entity.name == p.rename:
        return False
    corrections.rename_entity(entity, p.rename)
    return True


# --- remembering ----------------------------------------------------------------------------


def record(plan: Plan) -> None:
    """Write this run's automatic decisions and suggestions in place of the last run's.

    Automatic decisions are what imports consult (a "JUL7" is dropped on arrival, an "IRGC"
    lands on the Islamic Revolution Guards Corps); suggestions wait for an editor.
    """
    rows = []
    for p in (*plan.drops, *plan.kinds, *plan.merges, *plan.countries):
        rows.append(_decision(p, EntityDecision.Origin.AUTOMATIC))
    rows += [_decision(p, EntityDecision.Origin.SUGGESTED) for p in plan.suggestions]
    with transaction.atomic():
        EntityDecision.objects.exclude(origin=EntityDecision.Origin.EDITOR).delete()
        EntityDecision.objects.bulk_create(rows, ignore_conflicts=True)


def _decision(p: Proposal, origin: str) -> EntityDecision:
    target = p.target
    return EntityDecision(
        kind=p.subject.kind,
        key=p.subject.key[:300],
        name=p.subject.name[:300],
        verdict=p.verdict if p.verdict != RENAME else SAME,
        other_kind=target.kind if target else (p.kind or ""),
        other_key=target.key[:300] if target else (p.subject.key[:300] if p.kind else ""),
        other_name=target.name[:300] if target else "",
        country=p.country,
        origin=origin,
        score=p.score,
        evidence={"reason": p.reason, **p.evidence},
    )


def affected_by(plan: Plan) -> dict[str, int]:
    """How many of each verdict, for the command's summary."""
    counts: dict[str, int] = defaultdict(int)
    for p in (*plan.merges, *plan.drops, *plan.kinds, *plan.countries, *plan.renames):
        counts[p.verdict] += 1
    return dict(counts)
