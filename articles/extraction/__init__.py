"""Text in, metadata out: pure functions, no database.

raw file -> readers.read_paths -> RawDocument
         -> pages.parse_document -> ParsedArticle
         -> entities.find_entities -> places, organizations, people
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice

from .types import ExtractedArticle, ParsedArticle, RawDocument, ReadFailure


def extract_documents(
    items: Iterable[RawDocument | ReadFailure],
    *,
    model: str,
    n_process: int = 1,
    batch_size: int = 256,
) -> Iterator[ExtractedArticle | ReadFailure]:
    """Parse and recognise entities in documents, in input order.

    Read failures pass straight through; a document that cannot be parsed becomes a
    ReadFailure naming the reason, and never stops the rest.
    """
    from .entities import find_entities
    from .pages import parse_document

    iterator = iter(items)
    while True:
        chunk = list(islice(iterator, batch_size))
        if not chunk:
            return
        parsed: list[tuple[RawDocument, ParsedArticle]] = []
        results: list[ExtractedArticle | ReadFailure | None] = []
        for item in chunk:
            if isinstance(item, ReadFailure):
                results.append(item)
                continue
            try:
                article = parse_document(item)
            except Exception as exc:  # one bad document never stops the rest
                results.append(ReadFailure(item.origin, f"could not parse: {exc}", item.ordinal))
                continue
            if not article.body.strip() and not article.title.strip():
                results.append(ReadFailure(item.origin, "no article text found", item.ordinal))
                continue
            parsed.append((item, article))
            results.append(None)
        found = find_entities([a for _, a in parsed], model=model, n_process=n_process)
        found_iter = iter(zip(parsed, found, strict=True))
        for result in results:
            if result is not None:
                yield result
                continue
            (raw, article), entities = next(found_iter)
            yield ExtractedArticle(
                origin=raw.origin,
                format=raw.format,
                ordinal=raw.ordinal,
                parsed=article,
                places=entities.places,
                organizations=entities.organizations,
                people=entities.people,
                countries=list(entities.countries),
                original_text=raw.text or raw_fields_text(raw),
            )


def raw_fields_text(raw: RawDocument) -> str:
    """A structured record kept as JSON, so extraction can be re-run from it."""
    import json

    fields = {k: v for k, v in raw.fields.items() if not k.startswith("gold_")}
    return json.dumps(fields, ensure_ascii=False, default=str, sort_keys=True)
