"""Rebuild the search index from the database without ever serving an empty index.

haystack's own `rebuild_index` deletes the live index first, so search answers nothing for the
whole rebuild. This command builds a complete new index beside the live one and switches to
it at the end (Whoosh); readers pick it up on their next query. Safe to run twice.

Index tasks queued before the rebuild began (an `import_articles --no-index`, say) are done
by it and removed at the end; left in the queue, the site's background indexer would index
every one of those articles again after the rebuild, slowing the site for as long. Other
index writers wait while it runs (the site's background indexer leaves its tasks for later).
"""

import time

from django.core.management.base import BaseCommand
from tqdm import tqdm

from articles.models import Article
from articles.search import queue


class Command(BaseCommand):
    help = "Build a fresh search index beside the live one and swap it in atomically."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="only say how many articles would be indexed"
        )
        parser.add_argument(
            "--processes",
            type=int,
            default=1,
            help="index in N processes (Whoosh; 2 on a two-core machine halves the time, "
            "but leaves no core to the site while it runs)",
        )

    def handle(self, *args, **options):
        total = Article.objects.filter(is_published=True).count()
        if options["dry_run"]:
            self.stdout.write(f"would index {total} articles")
            return
        started = time.monotonic()
        with tqdm(
            total=total, unit="article", desc="Indexing", file=self.stderr._out, disable=None
        ) as bar:
            count = queue.rebuild_for_queue(
                progress=bar.update, processes=max(1, options["processes"])
            )
        elapsed = time.monotonic() - started
        rate = count / elapsed if elapsed else 0
        self.stdout.write(f"indexed {count} articles in {elapsed:.1f} s ({rate:.0f}/s)")
