"""Reconcile the archive's entities: one real-world entity, one value in the facets.

Merges variants of one name ("UN", "U.N." and "United Nations"), drops names that are no
entity ("JUL7", "Nine"), refiles the wrongly kinded ("Houthis" tagged a person), takes a
single country off regions and seas, and gives a surname alone to the person each article
means. Editors' decisions in the admin win and survive every run; what the evidence cannot
settle waits there as a suggestion. Safe to run again: a second run finds nothing to do.
Changed articles are re-indexed (the index queue), unless --no-index.
"""

from django.core.management.base import BaseCommand
from tqdm import tqdm

from articles.ingest.reconcile import resolve_archive
from articles.management.progress import stage_bars, stage_times
from articles.models import Article
from articles.search import queue

REBUILD_SHARE = 0.25  # of the published articles changed: rebuilding beats updating them


class Command(BaseCommand):
    help = "Merge, drop and refile entities across the archive (--dry-run to list)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="list what would be merged, dropped, moved"
        )
        parser.add_argument(
            "--no-index", action="store_true", help="leave re-indexing to the index worker"
        )
        parser.add_argument("--limit", type=int, default=50, help="lines listed per verdict")
        parser.add_argument(
            "--processes",
            type=int,
            default=1,
            help="when much of the archive changed, rebuild the index in N processes "
            "(as rebuild_search_index --processes)",
        )

    def handle(self, *args, **options):
        with stage_bars(self.stderr._out) as progress, queue.deferred():
            outcome = resolve_archive(dry_run=options["dry_run"], progress=progress)
        self.list_plan(outcome, options["limit"], options["dry_run"])
        self.stderr.write(stage_times(outcome.seconds))
        if options["dry_run"]:
            return
        report = outcome.report
        self.stdout.write(
            f"{report.merged} merged, {report.dropped} dropped, {report.moved} refiled, "
            f"{report.countries} countries corrected, {report.renamed} renamed, "
            f"{report.reassigned} short names given to the person they mean (or taken back), "
            f"{report.described} descriptions updated, {report.outlets} outlets merged; "
            f"{len(outcome.plan.suggestions)} suggestions wait for an editor"
            + (f"; {report.unmerged} older merges undone" if report.unmerged else "")
        )
        for line in report.skipped[: options["limit"]]:
            self.stderr.write(f"skipped: {line}")
        if not options["no_index"]:
            self.reindex(max(1, options["processes"]))

    def reindex(self, processes: int = 1) -> None:
        """Index what changed: batch by batch for a few articles, one rebuild (swapped in
        when done, the live index answering meanwhile) when much of the archive changed."""
        queued = queue.queued_articles()
        published = Article.objects.filter(is_published=True).count()
        if queued > REBUILD_SHARE * published:
            self.stdout.write(f"{queued} articles changed: rebuilding the search index")
            with tqdm(total=published, unit="doc", file=self.stderr._out, disable=None) as bar:
                count = queue.rebuild_for_queue(progress=bar.update, processes=processes)
            self.stdout.write(f"re-indexed {count} article(s)")
        else:
            self.stdout.write(f"re-indexed {queue.drain(blocking=True)} article(s)")

    def list_plan(self, outcome, limit: int, dry_run: bool) -> None:
        plan = outcome.plan
        sections = (
            ("Merged into another entity", plan.merges, _merge_line),
            ("Dropped, not an entity", plan.drops, lambda p: p.subject.name),
            ("Refiled under another kind", plan.kinds, lambda p: f"{p.subject.name}: {p.kind}"),
            ("Country set", plan.countries, lambda p: f"{p.subject.name}: {p.country or 'none'}"),
            ("Renamed", plan.renames, lambda p: f"{p.subject.name} → {p.rename}"),
        )
        for title, proposals, line in sections:
            if not proposals or not limit:
                continue
            ranked = sorted(proposals, key=lambda p: -p.subject.articles)
            more = f", the {limit} most named" if len(proposals) > limit else ""
            self.stdout.write(f"{title}{' (dry run)' if dry_run else ''}: {len(proposals)}{more}")
            for p in ranked[:limit]:
                self.stdout.write(f"  {line(p)}  ({p.subject.articles} articles; {p.reason})")
        if dry_run:
            self.stdout.write(
                f"{len(plan.merges)} would be merged, {len(plan.drops)} dropped, "
                f"{len(plan.kinds)} refiled, {len(plan.countries)} countries set, "
                f"{len(plan.renames)} renamed; {len(outcome.moves)} one-word names would go to "
                f"the person each article means; {len(plan.suggestions)} suggestions"
            )


def _merge_line(p) -> str:
    if p.subject.kind == p.target.kind:
        return f"{p.subject.name} → {p.target.name}"
    return f"{p.subject.name} ({p.subject.kind}) → {p.target.name} ({p.target.kind})"
