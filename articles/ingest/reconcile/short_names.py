"""A surname or given name alone ("Trump", "Clinton", "Hillary"), given to the person the
archive means by it, article by article.

One article's "Clinton" is the Clinton that same article names in full; otherwise the one
the archive names overwhelmingly in the same year and outlet (then the same year, then the
same outlet, then ever): "Clinton" in a 2016 story is Hillary, in a 1998 one Bill. A name
nobody dominates stays as it is, and "White" never becomes the Robert P. White one story
named: a person must be named in at least MIN_ARTICLES articles to take anyone's short form.
Ravin & Kazi (1999) on why this is decided per document, with evidence.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from ... import corrections
from ...models import Entity, EntityRedirect, Mention
from .evidence import person_contexts

MIN_ARTICLES = 20  # a person named less often takes nobody's short form
FOLD = 4  # the chosen person is named this many times as often as the next one
MIN_CELL = 5  # articles a (year, outlet) cell needs before it is evidence of its own
EMPTY_REDIRECT_SHARE = 0.8  # a short name emptied mostly into one person redirects there


@dataclass(frozen=True)
class Move:
    mention_id: int
    short_id: int
    article_id: int
    person_id: int


def candidates_by_word(people: dict[int, tuple[str, int]]) -> dict[str, list[int]]:
    """Word -> people (ids) named in full whose first or last word it is, often enough."""
    out: dict[str, list[int]] = defaultdict(list)
    for person_id, (key, articles) in people.items():
        words = key.split()
        if len(words) >= 2 and articles >= MIN_ARTICLES:
            out[words[-1]].append(person_id)
            if words[0] != words[-1]:
                out[words[0]].append(person_id)
    return out


def choose(candidates: list[int], contexts: list[Counter]) -> int | None:
    """The candidate dominating the first context with enough evidence, or None."""
    for counts in contexts:
        ranked = sorted(((counts.get(c, 0), c) for c in candidates), reverse=True)
        total = sum(n for n, _ in ranked)
        if total < MIN_CELL:
            continue
        best, runner_up = ranked[0][0], ranked[1][0] if len(ranked) > 1 else 0
        return ranked[0][1] if best >= FOLD * runner_up else None
    return None


def plan_moves() -> list[Move]:
    contexts = person_contexts()
    by_person, short = contexts.by_person, contexts.short
    people = {
        pk: (key, sum(by_person.get(pk, Counter()).values()))
        for pk, key in Entity.objects.filter(kind="person").values_list("id", "key")
        if " " in key
    }
    by_word = candidates_by_word(people)
    keys = dict(Entity.objects.filter(kind="person").values_list("id", "key"))
    short = [s for s in short if by_word.get(keys.get(s[1], ""))]
    in_article = contexts.in_article
    cells = _cells(by_person, {c for cands in by_word.values() for c in cands})
    moves = []
    for mention_id, short_id, article_id, year, source_id in short:
        candidates = [c for c in by_word[keys[short_id]] if c != short_id]
        named_here = [c for c in candidates if c in in_article.get(article_id, ())]
        if len(named_here) == 1:
            person = named_here[0]
        else:
            contexts = [
                cells["year_source"][(year, source_id)] if year else Counter(),
                cells["year"][year] if year else Counter(),
                cells["source"][source_id],
                cells["all"],
            ]
            person = choose(candidates, contexts)
        if person is not None:
            moves.append(Move(mention_id, short_id, article_id, person))
    return moves


def _cells(by_person: dict[int, Counter], wanted: set[int]) -> dict:
    cells = {
        "year_source": defaultdict(Counter),
        "year": defaultdict(Counter),
        "source": defaultdict(Counter),
        "all": Counter(),
    }
    for person_id in wanted:
        for (year, source_id), n in by_person.get(person_id, Counter()).items():
            cells["year_source"][(year, source_id)][person_id] += n
            cells["year"][year][person_id] += n
            cells["source"][source_id][person_id] += n
            cells["all"][person_id] += n
    return cells


def carry_out(moves: list[Move], progress: Callable[[int], None] | None = None) -> int:
    """Give each mention to its person (one transaction per short name); a short name left
    with no mention is deleted, its slug redirecting to the person it mostly meant."""
    by_short: dict[int, list[Move]] = defaultdict(list)
    for move in moves:
        by_short[move.short_id].append(move)
    done = 0
    with corrections.changes_collected():  # each article marked and queued once
        for short_id, group in by_short.items():
            with transaction.atomic():
                done += _move_mentions(group)
                _retire_if_empty(short_id, group)
            if progress:
                progress(len(group))
    return done


def _move_mentions(group: list[Move]) -> int:
    existing = {
        (m.article_id, m.entity_id): m
        for m in Mention.objects.filter(
            article_id__in=[g.article_id for g in group],
            entity_id__in={g.person_id for g in group},
        )
    }
    short_mentions = {m.id: m for m in Mention.objects.filter(id__in=[g.mention_id for g in group])}
    updated, deleted = [], []
    for move in group:
        mention = short_mentions.get(move.mention_id)
        if mention is None:
            continue
        kept = existing.get((move.article_id, move.person_id))
        if kept is None:
            mention.entity_id = move.person_id
            updated.append(mention)
        else:
            kept.count += mention.count
            kept.surface_forms = sorted({*kept.surface_forms, *mention.surface_forms})
            updated.append(kept)
            deleted.append(mention.id)
    Mention.objects.bulk_update(updated, ["entity", "count", "surface_forms"])
    Mention.objects.filter(id__in=deleted).delete()
    corrections.articles_changed([g.article_id for g in group])
    return len(group)


def _retire_if_empty(short_id: int, group: list[Move]) -> None:
    short = Entity.objects.filter(pk=short_id).first()
    if short is None or Mention.objects.filter(entity_id=short_id).exists():
        return
    person_id, n = Counter(g.person_id for g in group).most_common(1)[0]
    if n >= EMPTY_REDIRECT_SHARE * len(group):
        EntityRedirect.objects.update_or_create(
            kind=short.kind, old_slug=short.slug, defaults={"entity_id": person_id}
        )
    short.delete()
