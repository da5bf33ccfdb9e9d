"""Group the archive's articles into stories: one event, every outlet's report of it.

Imports and uploads group each new article as it is stored; this command groups a whole
archive (the first time, or after rules changed). Safe to re-run: stories keep their ids
while most of their articles stay together, editors' splits, moves and merges are kept, and
nothing is written for what did not change. The search index is not touched.
"""

from django.core.management.base import BaseCommand

from articles.ingest.stories import group_archive
from articles.management.progress import stage_bars, stage_times


class Command(BaseCommand):
    help = "Group every article into stories (--dry-run to count without writing)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="group, count, write nothing")

    def handle(self, *args, **options):
        with stage_bars(self.stderr._out, unit=" articles") as progress:
            report = group_archive(dry_run=options["dry_run"], progress=progress)
        self.stderr.write(stage_times(report.seconds))
        prefix = "would be: " if options["dry_run"] else ""
        self.stdout.write(prefix + report.summary)
