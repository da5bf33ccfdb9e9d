"""Fill a new archive with demo articles, once.

`make run` calls this on every start: the first time it imports the seed page and about
2,000 real articles from several outlets under ../shared/corpus (or DEMO_CORPUS); later
runs find the marker in the data folder and return in a second.
"""

import os
from itertools import islice
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from tqdm import tqdm

from articles.extraction.readers import read_paths
from articles.ingest import checks, import_documents
from articles.models import Article

# (path under the corpus folder, how many documents to take)
DEMO_SLICES = [
    ("bbc_news/business", 80),
    ("bbc_news/entertainment", 80),
    ("bbc_news/politics", 80),
    ("bbc_news/sport", 80),
    ("bbc_news/tech", 80),
    ("buzzfeed_webis_2016/articles", 400),
    ("huffpost_2018_2022/News_Category_Dataset_v3.head.jsonl", 400),
    ("tehran_times/tehran_times.jsonl", 400),
    ("reuters21578/reut2-000.sgm", 400),
]


def default_corpus() -> Path:
    return Path(settings.BASE_DIR).parent / "shared" / "corpus"


class Command(BaseCommand):
    help = "Import the demo articles into an empty archive (does nothing the second time)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="import even if done before")
        parser.add_argument("--processes", type=int, default=2)

    def handle(self, *args, **options):
        marker = Path(settings.DATA_DIR) / "demo-imported.txt"
        if marker.exists() and not options["force"]:
            self.stdout.write(f"Demo articles already imported ({marker.read_text().strip()}).")
            return
        corpus = Path(os.environ.get("DEMO_CORPUS") or default_corpus())
        seed = corpus.parent / "seed"
        paths: list[tuple[str, int | None]] = []
        if seed.is_dir():
            paths.append((str(seed), None))
        if corpus.is_dir():
            if (corpus / DEMO_SLICES[0][0]).exists():
                paths += [
                    (str(corpus / rel), n) for rel, n in DEMO_SLICES if (corpus / rel).exists()
                ]
            else:  # DEMO_CORPUS points at some other folder of articles: take it whole
                paths.append((str(corpus), None))
        if not paths:
            self.stdout.write(
                "No demo corpus found: the archive starts empty. "
                "Add articles with `manage.py import_articles PATH` or in the admin."
            )
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.write_text("no demo corpus found")
            return

        def documents():
            for path, limit in paths:
                items = read_paths([path], **checks.reader_limits())
                yield from islice(items, limit) if limit else items

        total = sum(n or 1 for _, n in paths)
        with tqdm(
            total=total, unit="doc", desc="Importing demo articles", file=self.stderr._out
        ) as bar:
            report = import_documents(
                documents(), n_process=max(1, options["processes"]), on_progress=bar.update
            )
        for label, reason in report.failed[:20]:
            self.stderr.write(f"failed: {label}: {reason}")
        # One value per real-world entity across the demo archive (README, "One entity").
        call_command("resolve_entities", "--limit", "0", stdout=self.stdout, stderr=self.stderr)
        summary = f"{report.summary}; {Article.objects.count()} articles in the archive"
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text(summary + "\n")
        self.stdout.write(summary)
