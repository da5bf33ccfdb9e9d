"""Archive-level entity resolution: one real-world entity, one value in the facets.

Extraction looks at one article at a time; this looks at the whole archive. ``evidence``
reads what the archive says (counts, aliases, how words are written, acronyms it defines),
``rules`` proposes merges, drops, kind moves and country fixes with a score (pure),
``apply`` carries out what is sure and what editors decided and remembers it, the rest
waiting as suggestions in the admin; ``short_names`` gives a surname alone to the person
each article means. `manage.py resolve_entities` runs it all; imports follow the
decisions it records (articles.ingest.resolution).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ...models import Article
from . import apply, evidence, rules, short_names
from .curated import curated


@dataclass
class Outcome:
    plan: apply.Plan
    moves: list[short_names.Move]
    report: apply.Report | None = None  # None on a dry run


def resolve_archive(
    *, dry_run: bool = False, progress: Callable[[str, int, int], None] | None = None
) -> Outcome:
    """Read the evidence, decide, and (unless ``dry_run``) carry it out.

    ``progress(stage, done, total)`` hears of long stages ("text", "apply", "short names").
    """
    total_articles = _published()

    def tick(stage: str, total: int):
        done = 0

        def step(n: int) -> None:
            nonlocal done
            done += n
            if progress:
                progress(stage, done, total)

        return step

    ev = evidence.load(progress=tick("reading the archive", total_articles))
    plan = apply.make_plan(rules.propose(ev, curated()), ev.decisions, ev.names)
    if dry_run:
        return Outcome(plan, short_names.plan_moves())
    report = apply.carry_out(plan, progress=tick("applying decisions", plan.size))
    apply.record(plan)
    moves = short_names.plan_moves()
    report.reassigned = short_names.carry_out(moves, progress=tick("short names", len(moves)))
    return Outcome(plan, moves, report)


def _published() -> int:
    return Article.objects.filter(is_published=True).count()
