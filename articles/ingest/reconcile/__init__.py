"""Archive-level entity resolution: one real-world entity, one value in the facets.

Extraction looks at one article at a time; this looks at the whole archive. ``evidence``
reads what the archive says (counts, aliases, how words are written, acronyms it defines),
``rules`` proposes merges, drops, kind moves and country fixes with a score (pure),
``apply`` carries out what is sure and what editors decided and remembers it, the rest
waiting as suggestions in the admin; ``short_names`` gives a surname alone to the person
each article means, ``org_short_names`` a one-word organization ("Senate") to the
organization named in full where its context does. `manage.py resolve_entities` runs it
all; imports follow the decisions it records (articles.ingest.resolution).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone

from ... import merge_history
from ...models import Article
from .. import profiles
from . import apply, evidence, org_short_names, outlets, rules, short_names
from .curated import curated
from .fragments import surname_fragments


@dataclass
class Outcome:
    plan: apply.Plan
    moves: list[short_names.Move]
    report: apply.Report | None = None  # None on a dry run
    seconds: dict[str, float] = field(default_factory=dict)  # stage -> wall-clock seconds


def resolve_archive(
    *, dry_run: bool = False, progress: Callable[[str, int, int], None] | None = None
) -> Outcome:
    """Read the evidence, decide, and (unless ``dry_run``) carry it out.

    ``progress(stage, done, total)`` hears of long stages ("text", "apply", "short names").
    """
    total_articles = Article.objects.filter(is_published=True).count()
    seconds: dict[str, float] = {}
    clock = time.monotonic()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.monotonic()
        seconds[stage] = round(now - clock, 1)
        clock = now

    def tick(stage: str, total: int):
        done = 0

        def step(n: int) -> None:
            nonlocal done
            done += n
            if progress:
                progress(stage, done, total)

        return step

    ev = evidence.load(progress=tick("reading the archive", total_articles))
    if not dry_run:
        evidence.store_match_keys(ev)  # imports match new names by the stored keys
    lap("reading the archive")
    plan = apply.make_plan(rules.propose(ev, curated()), ev.decisions, ev.names)
    fragments = surname_fragments([n for n in ev.names.values() if n.articles], ev)
    lap("deciding")
    if dry_run:
        moves = short_names.plan_moves(curated(), fragments) + org_short_names.plan_moves(curated())
        lap("short names")
        return Outcome(plan, moves, seconds=seconds)
    started = timezone.now()
    report = apply.carry_out(plan, progress=tick("applying decisions", plan.size))
    report.outlets = outlets.carry_out(outlets.merges())
    merge_history.explain(  # refiling into an entity of that kind and name merges too
        {
            p.subject.id: (p.reason, {**p.evidence, "score": p.score})
            for p in (*plan.kinds, *plan.merges)
        },
        since=started,
    )
    apply.record(plan)
    lap("carrying out")
    between: dict = {}
    moves = short_names.plan_moves(curated(), fragments, between)
    report.reassigned = short_names.carry_out(moves, progress=tick("short names", len(moves)))
    report.dropped += short_names.drop_given_names(short_names.kept_words(curated()))
    org_moves = org_short_names.plan_moves(curated())
    report.reassigned += short_names.carry_out(
        org_moves, progress=tick("organizations' short names", len(org_moves))
    )
    moves += org_moves
    lap("short names")
    report.described = profiles.update_all(
        progress=tick("descriptions", total_articles), namesakes=short_names.namesakes(between)
    )
    lap("descriptions")
    return Outcome(plan, moves, report, seconds)
