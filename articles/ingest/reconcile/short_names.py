"""A surname or given name alone ("Zarif", "Clinton", "Hillary"), given to the person each
article means where the evidence is in that article's context (reconcile.name_evidence),
and taken back where an earlier run or import gave it without that evidence.

Every run decides every one-word mention afresh, so a rule made stricter repairs what was
merged before: "Mike" in BBC sport stories goes back to "Mike", off Mike Pompeo. A headline
fragment ("Cuba Rouhani") is its surname alone here: each of its articles goes to the person
the article's context names in full, else to the surname's own value. Each move
is written down with its evidence and articles (a MergeRecord), which the person's admin
page lists and an editor can undo. Names the curated table or an editor settled stay.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from ... import corrections, merge_history
from ...extraction.names import name_key
from ...extraction.variants import match_key
from ...models import Article, Entity, EntityDecision, EntityRedirect, Mention, MergeRecord
from .curated import Curated
from .evidence import PersonNames, person_names
from .initials import choose_namesake
from .name_evidence import (
    RELIGIOUS_NAMES,
    Choice,
    name_words,
    named_before,
    period_label,
    religious_use,
)

EMPTY_REDIRECT_SHARE = 0.8  # a short name emptied mostly into one person redirects there
EVIDENCE_SHOWN = 12  # periods listed in a record's evidence


@dataclass(frozen=True)
class Move:
    mention_id: int
    from_id: int
    article_id: int
    to_id: int | None  # None: back to the one-word name's own entity
    word: str
    form: str
    evidence: dict
    fragment: bool = False  # from a headline fragment of the word ("Cuba Rouhani")
    kind: str = "person"  # of the one-word name's own entity (org_short_names: organization)

    @classmethod
    def of(cls, sm, to_id: int | None, evidence: dict, **extra) -> Move:
        """The move of one short mention (its id, entity, article, word and form)."""
        return cls(
            sm.mention_id, sm.entity_id, sm.article_id, to_id, sm.word, sm.form, evidence, **extra
        )


def settled_pairs(cur: Curated) -> tuple[set[tuple[str, int]], dict[str, set[int]], set[str]]:
    """(word, person) pairs the curated table ("Rohani") or an editor made one; word ->
    people an editor said it is not; words an editor kept as entities of their own."""
    people = dict(Entity.objects.filter(kind="person", key__contains=" ").values_list("key", "id"))
    decided: set[tuple[str, int]] = set()
    for entity in cur.entities:
        person = people.get(name_key(entity.name))
        if entity.kind != "person" or person is None:
            continue
        for other in entity.other_names:
            if " " not in name_key(other):  # "Imam Khomeini" names him in full (evidence)
                decided.add((name_key(other), person))
    refused: dict[str, set[int]] = defaultdict(set)
    kept: set[str] = set()
    editor = EntityDecision.objects.filter(origin=EntityDecision.Origin.EDITOR, kind="person")
    for d in editor:
        words = name_words(d.key)
        other = people.get(d.other_key)
        if len(words) != 1:
            continue
        if d.verdict == EntityDecision.Verdict.SAME and other:
            decided.add((words[0], other))
        elif d.verdict == EntityDecision.Verdict.DIFFERENT and other:
            refused[words[0]].add(other)
        elif d.verdict == EntityDecision.Verdict.ENTITY:
            kept.add(words[0])
    return decided, refused, kept


def plan_moves(
    cur: Curated, fragments: dict[int, str] | None = None, namesakes: dict | None = None
) -> list[Move]:
    """``fragments``: person id -> the surname a headline fragment is of
    (reconcile.fragments.surname_fragments). ``namesakes``, when given, hears for each word
    the people its undecided articles were between (word -> Counter of person ids)."""
    decided, refused, kept = settled_pairs(cur)
    names = person_names(decided, curated_names(cur), fragments)
    moves = decide(names, refused, kept, namesakes, texts=religious_texts(names))
    return moves + plain_name_moves(names)


def plain_name_moves(names: PersonNames) -> list[Move]:
    """ "George Bush" to the namesake with middle initials each article means, where its
    context says which (reconcile.initials)."""
    moves = []
    for sm in names.plain:
        choice = choose_namesake(
            names.evidence, names.namesakes[sm.entity_id], sm.article_id, sm.period, sm.also
        )
        if choice.person is None:
            continue
        evidence = dict(choice.evidence)
        if evidence.get("context") == "period":
            evidence["period"] = period_label(sm.period, names.outlets)
        moves.append(Move.of(sm, choice.person, evidence))
    return moves


def religious_texts(names: PersonNames) -> dict[int, str]:
    """Article id -> text, for the articles writing a religious figure's name alone ("Ali"):
    there the person must be named in full before it (name_evidence.named_before)."""
    ids = {sm.article_id for sm in names.short if sm.word in RELIGIOUS_NAMES}
    rows = Article.objects.filter(pk__in=ids).values_list("id", "body")
    return dict(rows.iterator(chunk_size=2000))


NAMESAKE_SHARE = 0.2  # of a word's undecided articles, between a person and others


def namesakes(between: dict[str, Counter]) -> dict[int, list[str]]:
    """One-word person entity -> the full names its undecided articles were between, most
    often first ("Bush": George W Bush, George H. W. Bush), for its description."""
    words = {w: c for w, c in between.items() if c}
    entities = dict(
        Entity.objects.filter(kind="person", key__in=list(words)).values_list("key", "id")
    )
    people = {c for counts in words.values() for c in counts}
    names = dict(Entity.objects.filter(pk__in=people).values_list("id", "name"))
    out = {}
    for word, counts in words.items():
        total = counts.total()
        shown = [
            names[p] for p, n in counts.most_common() if p in names and n >= NAMESAKE_SHARE * total
        ]
        if word in entities and len(shown) >= 2:
            out[entities[word]] = shown
    return out


def curated_names(cur: Curated) -> dict[str, set[str]]:
    """Person key -> the keys of the curated table's other names of them of two words or
    more ("Imam Khomeini" for Ruhollah Khomeini): writing one names them in full."""
    out: dict[str, set[str]] = defaultdict(set)
    for entity in cur.entities:
        if entity.kind == "person":
            out[name_key(entity.name)] |= {
                name_key(n) for n in entity.other_names if " " in name_key(n)
            }
    return out


def kept_words(cur: Curated) -> set[str]:
    """One-word names an editor kept as entities of their own."""
    return settled_pairs(cur)[2]


def decide(
    names: PersonNames,
    refused: dict[str, set[int]],
    kept: set[str],
    namesakes: dict | None = None,
    texts: dict[int, str] | None = None,
) -> list[Move]:
    """``texts``: article id -> text of the articles writing a religious figure's name alone
    (religious_texts); without it, such a name joins no one."""
    moves = []
    for sm in names.short:
        if not sm.on_full and sm.word in kept:
            if sm.fragment:  # to the one-word name an editor kept
                moves.append(
                    Move(
                        sm.mention_id, sm.entity_id, sm.article_id, None, sm.word, sm.form, {}, True
                    )
                )
            continue
        choice = names.evidence.choose(
            sm.word, sm.article_id, sm.period, refused=refused.get(sm.word, ()), also=sm.also
        )
        if " " in sm.word:  # "Imam Hussein" on Saddam Hussein (name_evidence.religious_figure)
            moves.append(
                Move(
                    sm.mention_id,
                    sm.entity_id,
                    sm.article_id,
                    None,
                    sm.word,
                    sm.form,
                    {"titled": True},
                )
            )
            continue
        if choice.person is not None and sm.word in RELIGIOUS_NAMES:
            text = (texts or {}).get(sm.article_id, "")
            if choice.evidence.get("context") == "article":
                full = names.evidence.full.get(choice.person, "")
                if not named_before(text, full, sm.form):
                    choice = Choice(None, {"context": "article", "religious": True})
            elif not text or religious_use(text, sm.form):
                choice = Choice(None, {**choice.evidence, "religious": True})
        evidence = dict(choice.evidence)
        if evidence.get("context") == "period":
            evidence["period"] = period_label(sm.period, names.outlets)
            if choice.person is not None and evidence.get("named") and sm.also:
                years = ", ".join(str(p[1]) for p in sm.also)
                evidence["period"] += f" (its dated articles: {years})"
        if sm.on_full and choice.person == sm.entity_id:
            continue
        if choice.person is None and namesakes is not None and choice.evidence.get("between"):
            namesakes.setdefault(sm.word, Counter()).update(choice.evidence["between"])
        if not sm.on_full and not sm.fragment and choice.person is None:
            continue
        moves.append(Move.of(sm, choice.person, evidence, fragment=sm.fragment))
    return moves


def carry_out(moves: list[Move], progress: Callable[[int], None] | None = None) -> int:
    """Move each mention (one transaction per name and person), write each group down
    (MergeRecord) and retire one-word names and headline fragments left with no mention."""
    groups: dict[tuple[int, int | None, str], list[Move]] = defaultdict(list)
    for move in moves:
        groups[(move.from_id, move.to_id, move.word if move.to_id is None else "")].append(move)
    done = 0
    emptied: dict[int, Counter] = defaultdict(Counter)
    with corrections.changes_collected():  # each article marked and queued once
        for (from_id, to_id, word), group in groups.items():
            with transaction.atomic():
                source = Entity.objects.filter(pk=from_id).first()
                target = _target(to_id, word, group)
                if source is None or target is None:
                    continue
                done += _move(source, target, group)
                if to_id is not None or group[0].fragment:
                    emptied[from_id][target.pk] += len(group)
            if progress:
                progress(len(group))
        fragments = {m.from_id for m in moves if m.fragment}
        for short_id, into in emptied.items():
            with transaction.atomic():
                _retire_if_empty(short_id, into, fragment=short_id in fragments)
    return done


def drop_given_names(kept: set[str]) -> int:
    """A given name alone that no evidence gave to anyone ("Ali", "David" in a story naming
    no Ali or David in full) names no one: taken off the articles extraction put it on.
    A given name is the first word of two people the archive names in full and the last
    word of none ("Ali" is no given name while Muhammad Ali is named). Returns how many."""
    firsts: Counter = Counter()
    lasts: set[str] = set()
    for name in Entity.objects.filter(kind="person", key__contains=" ").values_list(
        "name", flat=True
    ):
        words = name_words(name)
        if len(words) >= 2:
            firsts[words[0]] += 1
            lasts.add(words[-1])
    alone = [
        pk
        for pk, key in Entity.objects.filter(kind="person")
        .exclude(key__contains=" ")
        .values_list("id", "key")
        if firsts[key] >= 2 and key not in lasts and key not in kept
    ]
    dropped = 0
    with corrections.changes_collected():
        for pk in alone:
            with transaction.atomic():
                extracted = Mention.objects.filter(
                    entity_id=pk, origin=Mention.Origin.EXTRACTED, suppressed=False
                )
                corrections.articles_changed(list(extracted.values_list("article_id", flat=True)))
                extracted.delete()
                if not Mention.objects.filter(entity_id=pk).exists():
                    Entity.objects.filter(pk=pk).delete()
                dropped += 1
    return dropped


def _target(to_id: int | None, word: str, group: list[Move]) -> Entity | None:
    if to_id is not None:
        return Entity.objects.filter(pk=to_id).first()
    kind = group[0].kind
    existing = Entity.objects.filter(kind=kind, key=word).first()
    if existing is not None:
        return existing
    # as written, alone or in a headline fragment ("Cuba Rouhani": "Rouhani")
    tokens = (t for m in group for t in (m.form, *m.form.split()))
    name = Counter(t for t in tokens if name_key(t) == word).most_common(1)
    name = name[0][0] if name else word.title()
    entity = Entity.objects.create(
        kind=kind,
        name=name[:300],
        key=word,
        slug=corrections.free_slug(kind, name),
        match_key=match_key(kind, name) if kind != "person" else word,
    )
    # A live entity owns its slug: the redirect left when it was emptied would shadow it.
    EntityRedirect.objects.filter(kind=kind, old_slug=entity.slug).delete()
    return entity


def _move(source: Entity, target: Entity, group: list[Move]) -> int:
    mentions = {
        m.id: m for m in Mention.objects.filter(id__in=[g.mention_id for g in group], entity=source)
    }
    existing = {
        m.article_id: m
        for m in Mention.objects.filter(
            entity=target, article_id__in=[m.article_id for m in mentions.values()]
        )
    }
    moved_states = merge_history.mention_states(mentions.values())
    kept_states = merge_history.mention_states(existing.values())
    updated, deleted = [], []
    for mention in mentions.values():
        kept = existing.get(mention.article_id)
        if kept is None:
            mention.entity_id = target.pk
            updated.append(mention)
        else:
            kept.count += mention.count
            kept.surface_forms = sorted({*kept.surface_forms, *mention.surface_forms})
            updated.append(kept)
            deleted.append(mention.id)
    Mention.objects.bulk_update(updated, ["entity", "count", "surface_forms"])
    Mention.objects.filter(id__in=deleted).delete()
    corrections.articles_changed([m.article_id for m in mentions.values()])
    if mentions:
        back = len(name_words(target.key)) < 2 if target.kind == "person" else " " not in target.key
        merge_history.record_moves(
            MergeRecord.Action.SHORT_NAME_BACK if back else MergeRecord.Action.SHORT_NAME,
            source,
            target,
            moved_states,
            kept_states,
            reason=_reason(back, group),
            evidence=_summary([g for g in group if g.mention_id in mentions]),
        )
    return len(mentions)


def _reason(back: bool, group: list[Move]) -> str:
    if back and group[0].fragment:
        return (
            "a surname and stray words of a headline; no article or outlet and period names "
            "the person in full"
        )
    if back and group[0].evidence.get("site"):
        return "a place's own name, not the building named after it"
    if back and group[0].evidence.get("titled"):
        return "a religious figure named by a title and one word: a person of their own"
    if back:
        whom = "the person" if group[0].kind == "person" else "the organization"
        return f"no article or outlet and period names {whom} in full as this one-word name"
    contexts = Counter(m.evidence.get("context") for m in group)
    if group[0].evidence.get("acronym"):
        parts = [f"an acronym ({group[0].evidence['acronym']})"]
        parts.append(f"{contexts['article']} named in full in the same article")
        return "; ".join(parts)
    parts = []
    if contexts["article"]:
        parts.append(f"{contexts['article']} named in full in the same article")
    if contexts["period"]:
        parts.append(f"{contexts['period']} by the outlet and period naming them in full")
    return "; ".join(parts)


def _summary(group: list[Move]) -> dict:
    """Per context, how many articles and what the period's evidence was."""
    in_article = sum(1 for m in group if m.evidence.get("context") == "article")
    periods: dict[str, dict] = {}
    counts = Counter(m.evidence.get("period") for m in group if m.evidence.get("period"))
    for m in group:
        label = m.evidence.get("period")
        if label and label not in periods:
            periods[label] = {
                k: m.evidence[k] for k in ("named", "uses", "runner_up") if k in m.evidence
            }
    shown = dict(counts.most_common(EVIDENCE_SHOWN))
    return {
        "word": group[0].word,
        "in_article": in_article,
        "periods": [{"period": p, "articles": n, **periods[p]} for p, n in shown.items()],
        "more_periods": max(0, len(counts) - EVIDENCE_SHOWN),
    }


def _retire_if_empty(short_id: int, into: Counter, *, fragment: bool = False) -> None:
    short = Entity.objects.filter(pk=short_id).first()
    if short is None or (len(name_words(short.key)) != 1 and not fragment):
        return
    if Mention.objects.filter(entity_id=short_id).exists():
        return
    person_id, n = into.most_common(1)[0]
    if n >= EMPTY_REDIRECT_SHARE * sum(into.values()):
        EntityRedirect.objects.update_or_create(
            kind=short.kind, old_slug=short.slug, defaults={"entity_id": person_id}
        )
    short.delete()
