"""The one indexing worker: drains the index queue and resumes unfinished upload batches.

Saves and deletes queue index work in the database (articles.indexing). On one machine
(`make serve`) every gunicorn worker runs a drainer thread that does this job; run this
command instead where several app servers share the database (deploy/: set
NEWSROOM_INDEX_ON_COMMIT=0 and NEWSROOM_INDEX_DRAINER=0 for the web processes), or once
(`--once`) after a bulk change made with indexing off. Any number of copies may run: they
take turns through the same cross-process lock.
"""

import signal
import time

from django.core.management.base import BaseCommand

from articles import indexing, uploads


class Command(BaseCommand):
    help = "Drain the search-index queue (and resume upload batches); --once to drain and exit."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="drain what is queued, then exit")
        parser.add_argument(
            "--interval", type=float, default=1.0, help="seconds between polls (default 1)"
        )
        parser.add_argument(
            "--no-uploads", action="store_true", help="do not resume unfinished upload batches"
        )

    def handle(self, *args, **options):
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        while True:
            if not options["no_uploads"]:
                resumed = uploads.resume_unfinished_batches()
                if resumed:
                    self.stdout.write(f"worked on {resumed} upload batch(es)")
            done = indexing.drain(blocking=True)
            if done:
                self.stdout.write(f"indexed {done} article(s)")
            if options["once"] or stopping:
                waiting = indexing.queue_length()
                if waiting:
                    self.stderr.write(
                        f"{waiting} task(s) wait for a retry after errors "
                        "(see Index tasks in the admin)"
                    )
                return
            time.sleep(options["interval"])
            if stopping:
                return
