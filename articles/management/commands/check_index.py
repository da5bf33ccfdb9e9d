"""Compare the search index with the database: articles missing from it, stale in it (changed
since indexed, or with other place, organization, person, outlet, section or year values than
the database gives them), or there when they should not be (deleted or unpublished).
``--fix`` queues and indexes them.

Safe to run twice and while the site is live: the fix goes through the index queue and its
one-writer lock (articles.search.queue), like every other index write.
"""

from datetime import UTC

from django.core.management.base import BaseCommand, CommandError

from articles import search
from articles.models import Article, IndexTask
from articles.search import queue


def _naive_utc(value):
    if value is None:
        return None
    if getattr(value, "tzinfo", None) is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


def is_stale(db_updated, indexed_updated) -> bool:
    db_value, indexed = _naive_utc(db_updated), _naive_utc(indexed_updated)
    if indexed is None:
        return True
    # The index kept whole seconds (haystack's parsing) or milliseconds (Solr's dates) only.
    for unit in (1_000_000, 1000):
        if indexed.microsecond % unit == 0 and db_value.microsecond % unit:
            db_value = db_value.replace(
                microsecond=db_value.microsecond - db_value.microsecond % unit
            )
            break
    return indexed < db_value


def compare_index() -> dict[str, list[int]]:
    """{"missing": [...], "stale": [...], "values": [...], "extra": [...]} article ids, sorted.

    "values": indexed as of their last change, yet with other filter values than the database
    gives them (a change made without marking its articles: a killed resolve_entities once).
    """
    indexed = {int(k): v for k, v in search.indexed_versions().items()}
    published = dict(Article.objects.filter(is_published=True).values_list("id", "updated_at"))
    missing = sorted(set(published) - set(indexed))
    stale = sorted(i for i in set(published) & set(indexed) if is_stale(published[i], indexed[i]))
    current = (set(published) & set(indexed)) - set(stale)
    values = sorted(search.differing_values(current))
    extra = sorted(set(indexed) - set(published))
    return {"missing": missing, "stale": stale, "values": values, "extra": extra}


class Command(BaseCommand):
    help = "Report articles missing from or stale in the search index; --fix repairs them."

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="re-index what is wrong")
        parser.add_argument("--verbose-ids", action="store_true", help="list every article id")

    def handle(self, *args, **options):
        problems = compare_index()
        labels = {
            "missing": "missing from the index",
            "stale": "stale in the index (changed since indexed)",
            "values": "with other places, organizations, people or outlets in the index",
            "extra": "in the index but deleted or unpublished",
        }
        total = 0
        for key, label in labels.items():
            ids = problems[key]
            total += len(ids)
            line = f"{len(ids)} article(s) {label}"
            if ids:
                shown = ids if options["verbose_ids"] else ids[:20]
                more = "" if len(shown) == len(ids) else f" (+{len(ids) - len(shown)} more)"
                line += ": " + ", ".join(map(str, shown)) + more
            self.stdout.write(line)
        if not total:
            self.stdout.write("The index matches the database.")
            return
        if not options["fix"]:
            self.stdout.write("Run with --fix to repair.")
            return
        queue.enqueue(
            problems["missing"] + problems["stale"] + problems["values"], IndexTask.Action.UPDATE
        )
        queue.enqueue(problems["extra"], IndexTask.Action.REMOVE)
        queue.drain(blocking=True)
        left = compare_index()
        remaining = sum(len(v) for v in left.values())
        if remaining:
            raise CommandError(
                f"{remaining} article(s) still differ after the fix; the search engine may be "
                "failing: see Index tasks in the admin for the last error, then run again."
            )
        self.stdout.write(f"Fixed {total} article(s). The index matches the database.")
