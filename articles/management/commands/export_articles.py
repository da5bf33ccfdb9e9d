"""Write the whole archive as JSON Lines: the backup that any Newsroom can read back.

Articles with their original text, outlets, entities, aliases, redirects and mentions with
editors' corrections (see articles.export for the format). Read it back with
``manage.py import_articles FILE``. Reads only, in one snapshot of the database (a read
transaction: REPEATABLE READ on PostgreSQL, a WAL read on SQLite, neither blocks editors), so
it is safe to run at any time, also on a live site.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.export import export_archive


class Command(BaseCommand):
    help = "Write the whole archive (articles, outlets, entities, corrections) as JSON Lines."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            "-o",
            default="-",
            help="file to write (default: standard output); written whole or not at all",
        )

    def handle(self, *args, **options):
        output = options["output"]
        if output == "-":
            counts = export_archive(self.stdout._out)
            self.stderr.write(self._summary(counts, "standard output"))
            return
        path = Path(output)
        if path.parent and not path.parent.exists():
            raise CommandError(f"folder {path.parent} does not exist: create it first")
        partial = path.with_name(path.name + ".partial")
        try:
            with partial.open("w", encoding="utf-8") as stream:
                counts = export_archive(stream)
            partial.replace(path)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        self.stdout.write(self._summary(counts, str(path)))

    @staticmethod
    def _summary(counts: dict[str, int], where: str) -> str:
        names = {"source_redirect": "outlet redirect"}
        plurals = {"entity": "entities", "alias": "aliases"}

        def name(kind: str, n: int) -> str:
            singular = names.get(kind, kind)
            return singular if n == 1 else plurals.get(kind, singular + "s")

        # editors' decisions are named only when there are some
        shown = {k: n for k, n in counts.items() if n or k != "decision"}
        parts = ", ".join(f"{n} {name(kind, n)}" for kind, n in shown.items())
        return f"Exported {parts} to {where}"
