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
import json
import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, timedelta

import pysolr
from django.utils import timezone

from ...models import Article
from ..engine import MAX_SCANNED
from ..haystack_engine import HaystackSearchEngine
from ..query import NOTHING, Everything, Nothing, leaf_words, leaves, transform
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
_shards: dict[tuple, int] = {}
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
        collections = self.collections()
        try:
            collections.check()
        except IndexNeedsRebuild as exc:
            logger.error("search collection refused: %s", exc.detail)
            raise
        with _checked_lock:
            _checked[key] = now
            _shards[key] = collections.live_shards or self.options["SHARDS"]

    def live_shards(self) -> int:
        """Shards of the live collection, as the last check saw them."""
        key = (tuple(self.options["URLS"]), self.options["ALIAS"])
        return _shards.get(key) or self.options["SHARDS"]

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
        self,
        query,
        *,
        sort,
        offset,
        limit,
        facets,
        suggest,
        timeline="",
        facets_within=(),
        facet_limits=None,
    ) -> EngineResult:
        searchable = _without_long_words(query)
        if searchable is None:
            return EngineResult(0, [], {})
        with self._reporting_outages():
            result = faceted.search(
                self,
                searchable,
                sort,
                offset,
                limit,
                facets,
                timeline,
                facets_within,
                facet_limits,
            )
        if suggest and query.parsed.ranks and result.total <= 3:
            result.corrections = self._corrections(query.parsed.positive_words())
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

    def word_forms(self, fieldname: str, prefix: str, limit: int) -> tuple[list[str], int]:
        """SearchEngine.word_forms from the TermsComponent (/terms, solrconfig.xml) of every
        shard: the first MAX_SCANNED + 1 forms in index order, each with its documents
        summed over the shards, then the most frequent, as Whoosh's prefix_forms counts
        them. (The first n terms of the whole index are among each shard's first n, and
        each such term's count is then complete.)"""
        params = {
            "terms.fl": fieldname,
            "terms.prefix": prefix,
            "terms.sort": "index",
            "terms.limit": MAX_SCANNED + 1,
            "terms.mincount": 1,
            "wt": "json",
            "json.nl": "flat",
        }
        with self._reporting_outages():
            answer = self.backend.conn._send_request(
                "get", f"terms?{pysolr.safe_urlencode(params, doseq=True)}"
            )
        flat = (json.loads(answer).get("terms") or {}).get(fieldname) or []
        found = sorted(
            ((int(count), str(term)) for term, count in zip(flat[::2], flat[1::2], strict=True)),
            key=lambda pair: (-pair[0], pair[1]),
        )
        return [term for _, term in found[:limit]], len(found)

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
        # Filled with one copy of each shard, the others added once it is full: a new
        # replica copies the leader's index files instead of indexing every article again,
        # which halves the cluster's indexing work.
        fresh = collections.create(replicas=1)
        started = time.monotonic()
        try:
            builder = copy.copy(self.backend)
            builder.conn = self._client_for(fresh)
            count, since, ids = self._fill(builder, progress)
            collections.add_replicas(fresh)
            self._catch_up(builder, since, ids)
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

    def _fill(self, builder, progress) -> tuple[int, datetime, list[int]]:
        """Every published article into the new collection: (how many, when the build
        started, their ids)."""
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
                sending = poster.submit(_post_documents, builder.conn, index, objects)
                count += len(objects)
                if progress:
                    progress(len(objects))
            if sending is not None:
                sending.result()
            builder.conn.commit()
        return count, since, ids

    def _catch_up(self, builder, since: datetime, ids: list[int]) -> None:
        """Saves made during the build (their index tasks also wait in the queue), and
        articles unpublished or deleted meanwhile, just before the alias moves."""
        index = self.article_index
        with self._failing_loudly():
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


def _post_documents(conn: pysolr.Solr, index, objects) -> None:
    """The articles' index documents in Solr's JSON update format, not committed.

    The values are written as pysolr writes them for haystack's ``update`` (its XML, ten
    times slower to build: a fifth of a million-article rebuild's time on 2 cores)."""
    docs = []
    for obj in objects:
        doc = {}
        for key, value in index.full_prepare(obj).items():
            many = isinstance(value, (list, tuple, set))
            kept = [
                conn._from_python(v) for v in (value if many else (value,)) if v not in (None, "")
            ]
            if kept:
                doc[key] = kept if many else kept[0]
        docs.append(doc)
    if docs:
        conn._send_request(
            "post",
            "update?commit=false&wt=json",
            json.dumps(docs).encode("utf-8"),
            {"Content-type": "application/json; charset=utf-8"},
        )


def _without_long_words(query: EngineQuery) -> EngineQuery | None:
    """The query with each word no document can hold matching nothing; None when the whole
    query then matches nothing."""
    root = query.parsed.root
    if root is None or all(
        len(w) <= MAX_WORD for leaf, _ in leaves(root) for w in leaf_words(leaf)
    ):
        return query

    def fits(leaf, _positive):
        return leaf if all(len(w) <= MAX_WORD for w in leaf_words(leaf)) else NOTHING

    root = transform(root, fits)
    if isinstance(root, Nothing):
        return None
    if isinstance(root, Everything):
        root = None
    return replace(query, parsed=replace(query.parsed, root=root))


def _as_datetime(value) -> datetime:
    if isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
