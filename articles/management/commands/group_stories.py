"""Group the archive's articles into stories: one event, every outlet's report of it.

Imports and uploads group each new article as it is stored; this command groups a whole
archive (the first time, or after rules changed). Safe to re-run: stories keep their ids
while most of their articles stay together, editors' splits, moves and merges are kept, and
nothing is written for what did not change. The search index is not touched.
"""

from django.core.management.base import BaseCommand
from tqdm import tqdm

from articles.ingest.stories import group_archive


class Command(BaseCommand):
    help = "Group every article into stories (--dry-run to count without writing)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="group, count, write nothing")

    def handle(self, *args, **options):
        bars: dict[str, tqdm] = {}

        def progress(stage: str, done: int, total: int) -> None:
            bar = bars.get(stage)
            if bar is None:
                bar = bars[stage] = tqdm(
                    total=total, desc=stage, unit=" articles", file=self.stderr._out, disable=None
                )
            bar.update(done - bar.n)

        report = group_archive(dry_run=options["dry_run"], progress=progress)
        for bar in bars.values():
            bar.close()
        self.stderr.write(
            "time: " + ", ".join(f"{stage} {s:.0f} s" for stage, s in report.seconds.items())
        )
        prefix = "would be: " if options["dry_run"] else ""
        self.stdout.write(prefix + report.summary)
