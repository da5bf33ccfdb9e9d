"""Date the archive: the date each article's source states, else one inferred from its
dateline, text, address or place among its outlet's article numbers, each with how it was
obtained (articles.ingest.dating).

Run it after upgrading to a release that dates articles, after a large import, or whenever
the archive has grown: each outlet's numbers are calibrated on everything the archive holds.
Safe to re-run: the same archive gives the same dates, and only what changed is written and
re-indexed. Editors' dates are never touched.
"""

from django.core.management.base import BaseCommand
from tqdm import tqdm

from articles.ingest.dating import date_archive
from articles.models import Article


class Command(BaseCommand):
    help = "Date every article (stated, inferred or the editor's), with how it was obtained."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="say what would change, write nothing"
        )
        parser.add_argument(
            "--no-index",
            action="store_true",
            help="leave the changed articles queued for the index worker",
        )

    def handle(self, *args, **options):
        total = Article.objects.count()
        with tqdm(total=2 * total, unit="doc", file=self.stderr._out, disable=None) as bar:
            report = date_archive(
                dry_run=options["dry_run"],
                index=not options["no_index"],
                on_progress=bar.update,
            )
        for article_id, reason in report.dropped[:20]:
            self.stderr.write(f"article {article_id}: {reason}; dropped")
        if len(report.dropped) > 20:
            self.stderr.write(f"{len(report.dropped) - 20} more dates dropped")
        for kind, count in report.by_source.most_common():
            self.stdout.write(f"  {kind}: {count:,}")
        for series, model in sorted(report.series.items()):
            if model:
                self.stdout.write(
                    f"  series {series}: {model.anchors:,} anchors ({model.source}), "
                    f"numbers {model.numbers[0]:,} to {model.numbers[1]:,}"
                )
            else:
                self.stdout.write(f"  series {series}: numbers do not follow dates; not used")
        prefix = "would be: " if options["dry_run"] else ""
        self.stdout.write(prefix + report.summary)
