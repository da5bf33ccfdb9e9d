"""Run extraction again on stored articles (after the extractors improve), without undoing
editors' corrections: locked fields, entities editors added and entities editors removed
stay as they are (articles.ingest.reextract).
"""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from articles.ingest import ArchivePeople, reextract_articles
from articles.models import Article


class Command(BaseCommand):
    help = "Re-run extraction on articles (ids, or --all); editors' corrections are kept."

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="*", type=int, help="article ids")
        parser.add_argument("--all", action="store_true", help="every article")
        parser.add_argument("--processes", type=int, default=1)
        parser.add_argument("--batch", type=int, default=500, help="articles per batch")
        parser.add_argument(
            "--dry-run", action="store_true", help="say how many articles would be re-extracted"
        )

    def handle(self, *args, **options):
        if options["all"] == bool(options["ids"]):
            raise CommandError("Give article ids, or --all (not both).")
        queryset = Article.objects.order_by("id")
        if options["ids"]:
            queryset = queryset.filter(id__in=options["ids"])
            unknown = set(options["ids"]) - set(queryset.values_list("id", flat=True))
            for article_id in sorted(unknown):
                self.stderr.write(f"skipped: article {article_id} does not exist")
        total = queryset.count()
        if options["dry_run"]:
            self.stdout.write(f"would re-extract {total} article(s)")
            return
        updated = skipped = 0
        ids = list(queryset.values_list("id", flat=True))
        people = ArchivePeople()  # read once, kept up to date by every batch
        with tqdm(total=total, unit="doc", file=self.stderr._out, disable=None) as bar:
            for start in range(0, len(ids), options["batch"]):
                chunk = Article.objects.filter(id__in=ids[start : start + options["batch"]])
                report = reextract_articles(
                    chunk,
                    n_process=max(1, options["processes"]),
                    on_progress=bar.update,
                    people=people,
                )
                updated += len(report.updated)
                skipped += len(report.skipped)
                for article_id, reason in report.skipped:
                    self.stderr.write(f"skipped: article {article_id}: {reason}")
        self.stdout.write(f"{updated} re-extracted, {skipped} skipped")
