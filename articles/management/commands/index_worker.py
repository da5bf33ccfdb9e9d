"""The index worker as its own process: drains the index queue and resumes upload batches.

Saves and deletes queue index work in the database (articles.search.queue). On one machine
(`make serve`) every gunicorn worker runs a thread that does this job (articles.worker);
run this command instead where several app servers share the database (deploy/: set
NEWSROOM_INDEX_ON_COMMIT=0 and NEWSROOM_INDEX_DRAINER=0 for the web processes), or once
(`--once`) after a bulk change made with indexing off. Any number of copies may run: they
take turns through the same cross-process lock.
"""

import signal
import threading

from django.core.management.base import BaseCommand

from articles import worker
from articles.search import queue


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
        stop = threading.Event()

        def on_signal(signum, frame):
            stop.set()
            queue.work_queued.set()

        signal.signal(signal.SIGTERM, on_signal)
        signal.signal(signal.SIGINT, on_signal)
        worker.run(
            stop,
            interval=options["interval"],
            blocking=True,
            resume_uploads=not options["no_uploads"],
            uploads_in_background=False,
            resume_every=0,
            once=options["once"],
            report=self.report,
        )
        waiting = queue.queue_length()
        if waiting:
            self.stderr.write(
                f"{waiting} task(s) wait for a retry after errors (see Index tasks in the admin)"
            )

    def report(self, indexed: int, resumed: int) -> None:
        if resumed:
            self.stdout.write(f"worked on {resumed} upload batch(es)")
        if indexed:
            self.stdout.write(f"indexed {indexed} article(s)")
