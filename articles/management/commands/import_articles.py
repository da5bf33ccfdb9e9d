"""Import news articles from files, folders and .zip archives.

Safe to run twice: an article already in the archive (same fingerprint) is reported as a
duplicate and nothing new is written. One bad file never stops the rest.

Each article is dated as it is stored (the date its source states, or one inferred with the
archive's calibration); after an import of many articles their outlets' article numbers are
calibrated again on everything and the new articles re-dated (articles.ingest.dating).
"""

from itertools import islice

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from articles.export import looks_like_export, restore_file
from articles.extraction.readers import count_documents, read_paths
from articles.ingest import checks, import_documents
from articles.ingest.dating import date_archive
from articles.models import Article

# An import this large is dated again on the whole archive: its articles calibrate their
# outlets' article numbers, which the archive could not do before they arrived.
REDATE_AFTER = 200


class Command(BaseCommand):
    help = "Import articles from files, folders (recursively) and .zip archives."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="files, folders or .zip archives")
        parser.add_argument(
            "--processes",
            type=int,
            default=1,
            help="entity-recognition processes (2 on a two-core machine for big imports)",
        )
        parser.add_argument("--no-index", action="store_true", help="store only; index later")
        parser.add_argument("--limit", type=int, default=0, help="stop after N documents")
        parser.add_argument("--quiet-failures", action="store_true", help="only count failures")
        parser.add_argument(
            "--no-dating",
            action="store_true",
            help="skip re-dating a large import on the whole archive (date_articles does it)",
        )

    def handle(self, *args, **options):
        # Files written by export_articles are restored as they are, not re-extracted.
        exports = [p for p in options["paths"] if looks_like_export(p)]
        for path in exports:
            self.restore(path, options)
        paths = [p for p in options["paths"] if p not in exports]
        if not paths:
            return
        items = read_paths(paths, **checks.reader_limits())
        total = count_documents(paths)
        if options["limit"]:
            items = islice(items, options["limit"])
            total = min(total or options["limit"], options["limit"])
        with tqdm(
            total=total, unit="doc", desc="Importing", file=self.stderr._out, disable=None
        ) as bar:
            report = import_documents(
                items,
                n_process=max(1, options["processes"]),
                on_progress=bar.update,
                index=not options["no_index"],
            )
        if not options["quiet_failures"]:
            for label, reason in report.failed:
                self.stderr.write(f"failed: {label}: {reason}")
        self.stdout.write(report.summary)
        if len(report.created) >= REDATE_AFTER and not options["no_dating"]:
            created = Article.objects.filter(id__in=[i for _, i in report.created])
            total = Article.objects.count() + created.count()
            with tqdm(
                total=total, unit="doc", desc="Dating", file=self.stderr._out, disable=None
            ) as bar:
                dating = date_archive(
                    created, index=not options["no_index"], on_progress=bar.update
                )
            self.stdout.write(f"dates: {dating.summary}")
        if report.failed and not report.created and not report.duplicates:
            raise CommandError("nothing could be imported")

    def restore(self, path: str, options) -> None:
        report = restore_file(path, index=not options["no_index"])
        if not options["quiet_failures"]:
            for label, reason in report.failed:
                self.stderr.write(f"failed: {label}: {reason}")
        self.stdout.write(f"{path}: restored from export: {report.summary}")
        if report.failed and not report.created and not report.duplicates:
            raise CommandError(f"nothing could be restored from {path}")
