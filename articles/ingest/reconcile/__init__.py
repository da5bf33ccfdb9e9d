"""Archive-level entity resolution: one real-world entity, one value in the facets.

Extraction looks at one article at a time; this looks at the whole archive. ``evidence``
reads what the archive says (counts, aliases, how words are written, acronyms it defines),
``rules`` proposes merges, drops, kind moves and country fixes with a score (pure),
``apply`` carries out what is sure and what editors decided and remembers it, the rest
waiting as suggestions in the admin; ``short_names`` gives a surname alone to the person
each article means, ``org_short_names`` a one-word organization ("Senate") to the
organization named in full where its context does, ``acronym_mentions`` an acronym ("IOM")
to the organization its own article spells it for, ``site_names`` a place's name back off
the building named after it ("Golestan" off "Golestan Palace"). `manage.py
resolve_entities` runs it all; imports follow the decisions it records
(articles.ingest.resolution). A merge an older release made on a spelling rule this one no
longer holds is undone first (``stale_merges``).

One run settles: a pass that takes one-word short forms back ("News" off News Corp) makes
or fills one-word entities the rules have not seen yet, so another pass reads the names and
mentions again and decides about them (at most MAX_PASSES), and a second run finds nothing to
do. The articles' text, which no pass changes, is read once for them all.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Max
from django.utils import timezone

from ... import merge_history
from ...models import Article, Entity
from .. import profiles
from . import (
    acronym_mentions,
    apply,
    evidence,
    org_short_names,
    outlets,
    rules,
    short_names,
    site_names,
    stale_merges,
)
from .curated import curated
from .fragments import surname_fragments

MAX_PASSES = 3  # evidence -> plan -> carry-out -> short names, until a pass leaves nothing new


@dataclass
class Outcome:
    plan: apply.Plan
    moves: list[short_names.Move]
    report: apply.Report | None = None  # None on a dry run
    seconds: dict[str, float] = field(default_factory=dict)  # stage -> wall-clock seconds
    passes: int = 1


class Stages:
    """Wall-clock seconds per stage, and a progress callback per long stage."""

    def __init__(self, progress: Callable[[str, int, int], None] | None):
        self.progress = progress
        self.seconds: dict[str, float] = {}
        self.clock = time.monotonic()
        self.suffix = ""  # " (pass 2)" from the second pass on

    def lap(self, stage: str) -> None:
        now = time.monotonic()
        self.seconds[stage + self.suffix] = round(now - self.clock, 1)
        self.clock = now

    def tick(self, stage: str, total: int) -> Callable[[int], None]:
        done = 0
        stage += self.suffix

        def step(n: int) -> None:
            nonlocal done
            done += n
            if self.progress:
                self.progress(stage, done, total)

        return step


@dataclass
class Pass:
    plan: apply.Plan
    moves: list[short_names.Move]
    report: apply.Report
    between: dict  # word -> the people its undecided articles were between
    left_new: bool  # took short forms back or made entities: the next pass may act on them


def resolve_archive(
    *, dry_run: bool = False, progress: Callable[[str, int, int], None] | None = None
) -> Outcome:
    """Read the evidence, decide, and (unless ``dry_run``) carry it out, pass after pass
    until a pass leaves nothing new for the next (at most MAX_PASSES).

    The articles' text is read once, before the first pass; each pass reads the names and
    mentions the pass before it left. ``progress(stage, done, total)`` hears of long stages
    ("reading the text", "applying decisions", "short names"; from the second pass on,
    "... (pass 2)").
    """
    total_articles = Article.objects.filter(is_published=True).count()
    stages = Stages(progress)
    text = evidence.read_text(progress=stages.tick("reading the text", total_articles))
    stages.lap("reading the text")
    if dry_run:
        ev = evidence.load(text=text)
        stages.lap("reading the archive")
        plan = apply.make_plan(rules.propose(ev, curated()), ev.decisions, ev.names)
        fragments = surname_fragments([n for n in ev.names.values() if n.articles], ev)
        stages.lap("deciding")
        moves = short_names.plan_moves(curated(), fragments) + org_short_names.plan_moves(curated())
        moves += acronym_mentions.plan_moves(curated())
        moves += site_names.plan_moves()
        stages.lap("short names")
        return Outcome(plan, moves, seconds=stages.seconds)
    plan, moves, report = apply.Plan(), [], apply.Report()
    report.unmerged = stale_merges.undo(stale_merges.stale(), report.skipped)
    for number in range(1, MAX_PASSES + 1):
        stages.suffix = f" (pass {number})" if number > 1 else ""
        this = resolve_once(stages, text)
        _add_plan(plan, this.plan)
        apply.record(plan)  # this run's decisions so far, every pass's
        _add_report(report, this.report)
        moves += this.moves
        if not this.left_new:
            break
    stages.suffix = ""
    report.described = profiles.update_all(
        progress=stages.tick("descriptions", total_articles),
        namesakes=short_names.namesakes(this.between),
    )
    stages.lap("descriptions")
    return Outcome(plan, moves, report, stages.seconds, passes=number)


def resolve_once(stages: Stages, text: evidence.ArchiveText) -> Pass:
    """One pass: read the names and mentions (the articles' ``text`` was read once for all
    passes), decide, carry out, then give one-word names to whom each article means (or take
    them back)."""
    newest = _newest_entity()
    ev = evidence.load(text=text)
    evidence.store_match_keys(ev)  # imports match new names by the stored keys
    stages.lap("reading the archive")
    plan = apply.make_plan(rules.propose(ev, curated()), ev.decisions, ev.names)
    fragments = surname_fragments([n for n in ev.names.values() if n.articles], ev)
    stages.lap("deciding")
    started = timezone.now()
    report = apply.carry_out(plan, progress=stages.tick("applying decisions", plan.size))
    report.outlets = outlets.carry_out(outlets.merges())
    merge_history.explain(  # refiling into an entity of that kind and name merges too
        {
            p.subject.id: (p.reason, {**p.evidence, "score": p.score})
            for p in (*plan.kinds, *plan.merges)
        },
        since=started,
    )
    stages.lap("carrying out")
    between: dict = {}
    moves = short_names.plan_moves(curated(), fragments, between)
    report.reassigned = short_names.carry_out(
        moves, progress=stages.tick("short names", len(moves))
    )
    report.dropped += short_names.drop_given_names(short_names.kept_words(curated()))
    org_moves = org_short_names.plan_moves(curated())
    report.reassigned += short_names.carry_out(
        org_moves, progress=stages.tick("organizations' short names", len(org_moves))
    )
    moves += org_moves
    acronym_moves = acronym_mentions.plan_moves(curated())
    report.reassigned += short_names.carry_out(
        acronym_moves, progress=stages.tick("acronyms", len(acronym_moves))
    )
    moves += acronym_moves
    site_moves = site_names.plan_moves()
    report.reassigned += short_names.carry_out(site_moves)
    moves += site_moves
    stages.lap("short names")
    took_back = any(m.to_id is None for m in moves)
    return Pass(plan, moves, report, between, took_back or _newest_entity() > newest)


def _newest_entity() -> int:
    return Entity.objects.aggregate(newest=Max("pk"))["newest"] or 0


def _add_plan(total: apply.Plan, plan: apply.Plan) -> None:
    """Every pass's decisions; the suggestions of the last (earlier ones may be settled)."""
    for name in ("merges", "drops", "kinds", "countries", "renames"):
        getattr(total, name).extend(getattr(plan, name))
    total.suggestions = plan.suggestions


def _add_report(total: apply.Report, report: apply.Report) -> None:
    for f in dataclasses.fields(apply.Report):
        setattr(total, f.name, getattr(total, f.name) + getattr(report, f.name))
