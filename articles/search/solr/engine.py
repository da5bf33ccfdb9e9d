"""SolrCloud behind the generic haystack engine: what Solr does its own way.

The words, filters and dates are translated by the generic engine
(articles.search.haystack_engine); a page with its facets and timeline is asked in one or two
requests (``faceted``). Here too: more-like-this through the ``{!mlt}`` query parser on
/select (haystack's goes to the /mlt handler, which on a sharded collection looks in one
shard only); a rebuild into a new collection swapped in by moving the alias (searches never
see a partial index); the check that the live collection was made from this code's
configset; reads of the whole index with a cursor instead of deep pages.
"""

from __future__ import annotations

import copy
import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, timedelta

from django.utils import timezone

from ...models import Article
from ..analysis import MIN_WORD_LENGTH, text_analyzer
from ..haystack_engine import HaystackSearchEngine
from ..query import Clause
from ..types import EngineQuery, EngineResult, IndexNeedsRebuild, SearchUnavailable
from . import faceted
from .client import FailoverSolr, SolrAdmin, unreachable
from .collections import Collections

logger = logging.getLogger(__name__)

CT = "articles.article"
BATCH = 1000
CURSOR_ROWS = 2000  # documents per request when reading every match with a cursor
# How long a process trusts its last look at the alias and configset.
CHECK_EVERY_SECONDS = 30.0
# Between moving the alias and deleting the old collection: every node has seen the move.
ALIAS_SETTLE_SECONDS = 2.0
# schema.xml's LengthFilter: no document holds a longer word. Such a word is left out of the
# request too (a query term of thousands of characters breaks Solr's requests between nodes).
MAX_WORD = 255
_checked: dict[tuple, float] = {}
_checked_lock = threading.Lock()


def _doc_id(article_id: int) -> str:
    return f"{CT}.{article_id}"


class SolrSearchEngine(HaystackSearchEngine):
    @property
    def options(self) -> dict:
        return self.connection.options

    def node_urls(self) -> list[str]:
        return [url.rsplit("/", 1)[0] for url in self.options["URLS"]]

    def collections(self) -> Collections:
        admin = SolrAdmin(self.node_urls(), timeout=max(60, self.options.get("TIMEOUT", 30)))
        o = self.options
        return Collections(admin, o["ALIAS"], o["SHARDS"], o["REPLICAS"])

    def _client_for(self, collection: str) -> FailoverSolr:
        return FailoverSolr(
            [f"{node}/{collection}" for node in self.node_urls()],
            timeout=max(60, self.options.get("TIMEOUT", 30)),
        )

    def check_collection(self, *, force: bool = False) -> None:
        """Raise (CollectionMissing, ConfigsetMismatch) unless the alias points at a
        collection made from this code's configset; looked at once per CHECK_EVERY_SECONDS."""
        key = (tuple(self.options["URLS"]), self.options["ALIAS"])
        now = time.monotonic()
        if not force and now - _checked.get(key, -1e9) < CHECK_EVERY_SECONDS:
            return
        try:
            self.collections().check()
        except IndexNeedsRebuild as exc:
            logger.error("search collection refused: %s", exc.detail)
            raise
        with _checked_lock:
            _checked[key] = now

    @staticmethod
    def forget_checks() -> None:
        with _checked_lock:
            _checked.clear()

    @contextmanager
    def _reporting_outages(self):
        with super()._reporting_outages():
            self.check_collection()
            yield

    # --- reading ------------------------------------------------------------------------
    def search(
        self, query, *, sort, offset, limit, facets, suggest, timeline="", facets_within=()
    ) -> EngineResult:
        searchable = _without_long_words(query)
        if searchable is None:
            return EngineResult(0, [], {})
        with self._reporting_outages():
            result = faceted.search(
                self, searchable, sort, offset, limit, facets, timeline, facets_within
            )
        if suggest and query.parsed.required and result.total <= 3:
            result.corrections = self._corrections(query.parsed.positive_words())
        result.unsearchable = _unsearchable(query.parsed)
        return result

    def count(self, query: EngineQuery) -> int:
        searchable = _without_long_words(query)
        return 0 if searchable is None else super().count(searchable)

    def iter_ids(self, query: EngineQuery, sort: str) -> Iterator[int]:
        """With a cursor: a CSV of the whole archive reads each match once, where pages by
        offset make every shard sort all the matches before each page again."""
        searchable = _without_long_words(query)
        if searchable is None:
            return
        with self._reporting_outages():
            q, fq, order = faceted.translated(self, searchable, sort)
        order = ", ".join(filter(None, [order or "score desc", "id asc"]))
        cursor = "*"
        while True:
            with self._reporting_outages():
                page = self.backend.conn.search(
                    q, fq=fq, sort=order, rows=CURSOR_ROWS, cursorMark=cursor, fl="article_id"
                )
            for doc in page.docs:
                yield int(doc["article_id"])
            if not page.nextCursorMark or page.nextCursorMark == cursor:
                return
            cursor = page.nextCursorMark

    def _corrections(self, words: list[str]) -> dict[str, str]:
        """Folded word -> the likelier headline word, from Solr's spellcheck component (the
        service writes the suggestion in the reader's letter case, as on Whoosh)."""
        with self._reporting_outages():
            found = self.backend.conn.search(
                "*:*",
                rows=0,
                spellcheck="true",
                **{"spellcheck.q": " ".join(words), "spellcheck.count": 1},
            )
        suggestions = (found.raw_response.get("spellcheck") or {}).get("suggestions") or []
        out = {}
        # Solr 9 lists them as [word, {"suggestion": [{"word": ...}]}, ...].
        for word, info in zip(suggestions[::2], suggestions[1::2], strict=False):
            options = info.get("suggestion") or []
            if options and isinstance(word, str):
                best = options[0]
                out[word] = best["word"] if isinstance(best, dict) else str(best)
        return out

    def more_like_this(self, article_id: int, limit: int) -> list[int]:
        if not Article.objects.filter(pk=article_id, is_published=True).exists():
            return []  # not in the index: {!mlt} would answer 400
        with self._reporting_outages():
            found = self.backend.conn.search(
                f"{{!mlt qf=text mintf=1 mindf=2 maxqt=25}}{_doc_id(article_id)}",
                fq=[f"django_ct:{CT}"],
                rows=limit + 1,
            )
        ids = [int(doc["article_id"]) for doc in found.docs]
        return [i for i in ids if i != article_id][:limit]

    def indexed_versions(self) -> dict[int, datetime]:
        out = {}
        with self._reporting_outages():
            cursor = "*"
            while True:
                page = self.backend.conn.search(
                    "*:*",
                    fq=[f"django_ct:{CT}"],
                    sort="id asc",
                    rows=CURSOR_ROWS,
                    cursorMark=cursor,
                )
                for doc in page.docs:
                    out[int(doc["article_id"])] = _as_datetime(doc["updated_at"])
                if not page.nextCursorMark or page.nextCursorMark == cursor:
                    return out
                cursor = page.nextCursorMark

    def probe_count(self) -> int:
        """The live collection's size; FileNotFoundError (CollectionMissing) before the first
        build, ConfigsetMismatch when it was made from other configset files."""
        try:
            self.check_collection(force=True)
            found = self._client_for(self.options["ALIAS"]).search("*:*", rows=0)
        except Exception as exc:
            if unreachable(exc):
                raise SearchUnavailable(str(exc)) from exc
            raise
        return int(found.hits)

    # --- writing ------------------------------------------------------------------------
    def index(self, article_ids: Iterable[int]) -> None:
        self.check_collection()
        super().index(article_ids)

    def remove(self, article_ids: Iterable[int]) -> None:
        ids = sorted({int(i) for i in article_ids})
        if ids:
            self.check_collection()
            with self._failing_loudly():
                self.backend.conn.delete(id=[_doc_id(i) for i in ids], commit=True)

    def clear(self) -> None:
        """Empty the live collection (made first on a new cluster)."""
        self.collections().ensure()
        self.forget_checks()
        self.backend.conn.delete(q="*:*", commit=True)

    def rebuild(self, progress: Callable[[int], None] | None = None, processes: int = 1) -> int:
        """Fill a new collection, catch up what changed meanwhile, then move the alias to it.

        Searches keep reading the live collection until the alias moves; a rebuild that dies
        leaves it as it was (the next one deletes the half-built collection). ``processes``
        is ignored: the cluster does the indexing work."""
        collections = self.collections()
        old = collections.live()
        fresh = collections.create()
        started = time.monotonic()
        try:
            builder = copy.copy(self.backend)
            builder.conn = self._client_for(fresh)
            count = self._fill(builder, progress)
        except BaseException:
            collections.admin.delete_collection(fresh)
            raise
        collections.admin.point_alias(collections.alias, fresh)
        self.forget_checks()
        if old and old != fresh:
            time.sleep(ALIAS_SETTLE_SECONDS)
            collections.admin.delete_collection(old)
        logger.info(
            "search collection %s built: %d articles in %.1f s",
            fresh,
            count,
            time.monotonic() - started,
        )
        return count

    def _fill(self, builder, progress) -> int:
        index = self.article_index
        since = timezone.now() - timedelta(seconds=2)
        ids = list(index.index_queryset().order_by("id").values_list("id", flat=True).iterator())
        count = 0
        with self._failing_loudly(), ThreadPoolExecutor(1) as poster:
            # Solr indexes one batch while this process builds the next documents.
            sending = None
            for start in range(0, len(ids), BATCH):
                objects = index.attach_documents(
                    Article.objects.filter(id__in=ids[start : start + BATCH]).only("id")
                )
                if sending is not None:
                    sending.result()
                sending = poster.submit(builder.update, index, objects, commit=False)
                count += len(objects)
                if progress:
                    progress(len(objects))
            if sending is not None:
                sending.result()
            # Saves made during the build (their index tasks also wait in the queue).
            changed = list(
                Article.objects.filter(updated_at__gte=since).values_list("id", flat=True)
            )
            published = set(index.index_queryset().values_list("id", flat=True))
            if changed:
                builder.update(index, Article.objects.filter(id__in=changed, is_published=True))
            gone = (set(ids) | set(changed)) - published
            if gone:
                builder.conn.delete(id=[_doc_id(i) for i in sorted(gone)])
            builder.conn.commit()
        return count


def _unsearchable(parsed) -> list[tuple[tuple[str, ...], str]]:
    """Query words and phrases with no index terms, each with why ("common" or "short"):
    schema.xml analyses as analysis.text_analyzer() does, so its rules decide here too."""
    analyzer = text_analyzer()
    out: dict[tuple[str, ...], str] = {}
    for phrase in [alt for c in parsed.required for alt in c.alternatives] + list(parsed.excluded):
        if phrase not in out and not list(analyzer(" ".join(phrase))):
            out[phrase] = "short" if all(len(w) < MIN_WORD_LENGTH for w in phrase) else "common"
    return list(out.items())


def _without_long_words(query: EngineQuery) -> EngineQuery | None:
    """The query less the words no document can hold; None when it can match nothing."""

    def fits(phrase: tuple[str, ...]) -> bool:
        return all(len(word) <= MAX_WORD for word in phrase)

    parsed = query.parsed
    if all(fits(alt) for c in parsed.required for alt in c.alternatives) and all(
        fits(p) for p in parsed.excluded
    ):
        return query
    required = []
    for clause in parsed.required:
        kept = tuple(alt for alt in clause.alternatives if fits(alt))
        if not kept:
            return None
        required.append(Clause(kept))
    excluded = tuple(p for p in parsed.excluded if fits(p))
    return replace(query, parsed=replace(parsed, required=tuple(required), excluded=excluded))


def _as_datetime(value) -> datetime:
    if isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
