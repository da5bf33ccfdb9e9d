"""Dry run of the importer: print what extraction makes of files, store nothing.

One JSON object per document (JSON Lines) on standard output; failures on standard error.
Editors use it to preview an upload; bench/extraction.py uses it to measure quality.
"""

import json
from itertools import islice

from django.core.management.base import BaseCommand

from articles.extraction.dating import date_clues, infer_date
from articles.extraction.readers import read_paths
from articles.extraction.types import FoundEntity, ReadFailure
from articles.ingest import checks, extract_with_settings


def entity_json(entity: FoundEntity) -> dict:
    data = {
        "name": entity.name,
        "mentions": sorted(entity.mentions),
        "count": entity.count,
        "aliases": list(entity.aliases),
    }
    if entity.kind == "place":
        data.update(
            country=entity.country or None,
            feature=entity.feature or None,
            latitude=entity.latitude,
            longitude=entity.longitude,
        )
    return data


class Command(BaseCommand):
    help = "Print the metadata extracted from files as JSON Lines, without storing anything."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+")
        parser.add_argument("--processes", type=int, default=1)
        parser.add_argument("--limit", type=int, default=0)

    def handle(self, *args, **options):
        items = read_paths(options["paths"], **checks.reader_limits())
        if options["limit"]:
            items = islice(items, options["limit"])
        failures = 0
        for result in extract_with_settings(items, n_process=max(1, options["processes"])):
            if isinstance(result, ReadFailure):
                failures += 1
                where = f"{result.origin}#{result.ordinal}" if result.ordinal else result.origin
                self.stderr.write(f"failed: {where}: {result.reason}")
                continue
            parsed = result.parsed
            inferred = infer_date(date_clues(parsed.title, parsed.body, parsed.url))
            record = {
                "file": result.origin,
                "id": result.ordinal,
                "format": result.format,
                "title": parsed.title,
                "source": parsed.source or None,
                "section": parsed.section or None,
                "published": parsed.published.isoformat() if parsed.published else None,
                # inferred from this document alone (an import also calibrates on the archive)
                "inferred_date": (
                    {
                        "value": inferred.day.isoformat(),
                        "source": inferred.source,
                        "precision": inferred.precision,
                        "evidence": inferred.evidence,
                    }
                    if inferred and not parsed.published
                    else None
                ),
                "authors": parsed.authors,
                "dropped": [n for n in (parsed.date_note, *parsed.notes) if n],
                "url": parsed.url or None,
                "caption": parsed.caption or None,
                "body": parsed.body,
                "places": [entity_json(e) for e in result.places],
                "organizations": [entity_json(e) for e in result.organizations],
                "people": [entity_json(e) for e in result.people],
                "countries": result.countries,
            }
            self.stdout.write(json.dumps(record, ensure_ascii=False))
        if failures:
            self.stderr.write(f"{failures} document(s) could not be read")
