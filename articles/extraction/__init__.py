"""Text in, metadata out: pure functions, no database.

raw file -> readers.read_paths -> RawDocument
         -> article_fields.parse_document -> ParsedArticle
         -> entities.find_entities -> places, organizations, people
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator

from .article_fields import parse_document
from .entities import article_text, find_entities
from .types import ExtractedArticle, ParsedArticle, RawDocument, ReadFailure

logger = logging.getLogger(__name__)

# Longest text (headline, caption and body) entity recognition runs on. A long-form feature
# is 50,000 characters; 200,000 take the pipeline about 5 s. A file far longer is a dump of
# many articles or a book, not one article, and storing it whole as one would mislead.
MAX_ARTICLE_CHARS = 200_000
# Text (characters) one batch of documents holds at most for each process recognising
# entities, whatever its count: what an upload's extraction keeps in memory at once (one
# long article, or some sixty short ones). bench/upload_memory.py: a realistic upload's peak
# went from about 115 MB to 80 MB over the worker's baseline (256 documents a batch before).
MAX_BATCH_CHARS = 150_000


def extract_documents(
    items: Iterable[RawDocument | ReadFailure],
    *,
    model: str,
    n_process: int = 1,
    batch_size: int = 256,
    max_chars: int | None = MAX_ARTICLE_CHARS,
) -> Iterator[ExtractedArticle | ReadFailure]:
    """Parse and recognise entities in documents, in input order.

    Read failures pass straight through; a document that cannot be parsed, is longer than
    ``max_chars`` (None: no limit) or makes entity recognition fail becomes a ReadFailure
    naming the reason, and never stops the rest.
    """
    for chunk in _batches(items, batch_size, MAX_BATCH_CHARS * max(1, n_process)):
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
            length = len(article_text(article))
            if max_chars and length > max_chars:
                results.append(ReadFailure(item.origin, too_long(length, max_chars), item.ordinal))
                continue
            parsed.append((item, article))
            results.append(None)
        found = recognise(
            [a for _, a in parsed],
            labels=[_label(r) for r, _ in parsed],
            model=model,
            n_process=n_process,
        )
        found_iter = iter(zip(parsed, found, strict=True))
        for result in results:
            if result is not None:
                yield result
                continue
            (raw, article), entities = next(found_iter)
            if isinstance(entities, str):
                yield ReadFailure(raw.origin, entities, raw.ordinal)
                continue
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


def _batches(items: Iterable, size: int, max_chars: int) -> Iterator[list]:
    """``items`` in lists of ``size``, cut early once they hold ``max_chars`` of text."""
    batch: list = []
    chars = 0
    for item in items:
        batch.append(item)
        if isinstance(item, RawDocument):
            chars += len(item.text) + sum(
                len(v) for v in item.fields.values() if isinstance(v, str)
            )
        if len(batch) >= size or chars >= max_chars:
            yield batch
            batch, chars = [], 0
    if batch:
        yield batch


def too_long(length: int, limit: int) -> str:
    return (
        f"article text is {length:,} characters, over the {limit:,}-character limit for one "
        "article (NEWSROOM_MAX_ARTICLE_CHARS): a file this long usually holds many articles; "
        "split it into one file per article, or as JSON Lines with one article per line"
    )


def recognise(articles: list[ParsedArticle], *, labels: list[str], model: str, n_process: int):
    """Entities of each article, or the reason recognition failed on it (a str).

    The batch runs as one; if it raises, each article runs alone, so one document that
    breaks the pipeline fails by itself and the others keep their entities.
    """
    if not articles:
        return []
    try:
        return find_entities(articles, model=model, n_process=n_process)
    except Exception:  # retried one by one below; the culprit gets its own reason
        logger.info("entity recognition failed on a batch; retrying document by document")
    out: list = []
    for article, label in zip(articles, labels, strict=True):
        try:
            out.extend(find_entities([article], model=model))
        except Exception as exc:
            logger.warning("entity recognition failed on %s", label, exc_info=True)
            out.append(f"entity recognition failed ({type(exc).__name__}: {str(exc)[:300]})")
    return out


def _label(raw: RawDocument) -> str:
    return f"{raw.origin}#{raw.ordinal}" if raw.ordinal else raw.origin


def raw_fields_text(raw: RawDocument) -> str:
    """A structured record kept as JSON, so extraction can be re-run from it."""
    fields = {k: v for k, v in raw.fields.items() if not k.startswith("gold_")}
    return json.dumps(fields, ensure_ascii=False, default=str, sort_keys=True)
