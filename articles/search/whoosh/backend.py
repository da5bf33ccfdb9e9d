"""The haystack Whoosh backend Newsroom runs on, and the haystack engine that declares it.

What stock haystack lacks (see /work/shared/haystack-whoosh-facts.md): index generations
swapped atomically on rebuild (articles.search.whoosh.generations), a bounded wait for the
single writer lock, documents built in bulk, a lean schema (the text is searched, not
stored; column-only ids and times), and the fast read path (articles.search.whoosh.fast).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from datetime import timedelta

from django.utils import timezone
from haystack import connections
from haystack.backends.whoosh_backend import WhooshEngine, WhooshSearchBackend
from haystack.constants import ID
from haystack.utils import get_identifier
from whoosh import columns
from whoosh import fields as wf
from whoosh.filedb.filestore import FileStorage

from ..analysis import text_analyzer, unstemmed_analyzer
from ..engine import DeclaresSearchEngine
from ..haystack_engine import ListsWordForms
from ..vocabulary import FILTER_FIELDS, TEXT_FIELDS
from .engine import WhooshSearchEngine
from .fast import FastSearch
from .generations import IndexLocation
from .parser import teach_lucene_phrases
from .segment_arrays import prebuild
from .snapshot import LiveSearcher
from .values import whoosh_document
from .word_forms import prefix_forms

logger = logging.getLogger(__name__)

# Segments as plain files, not one compound file: Whoosh copies each part of a compound
# segment into a private BytesIO when a reader opens it (155 MB per worker at 61,000
# articles), where plain files are read through the shared page cache.
WRITER_OPTIONS = {"compound": False}

# One long-lived searcher per index folder per process, shared by every thread. haystack gives
# each thread its own backend and schema object, so the searcher is keyed by what the schema
# says (field names and types), not by which object says it: keyed by identity, every search
# on a second thread threw away the snapshot and rebuilt it (0.002 s -> 1-2 s a search).
_LIVE: dict[str, tuple[tuple, LiveSearcher]] = {}
_LIVE_LOCK = threading.Lock()


def schema_fingerprint(schema) -> tuple:
    """Field names and types of a Whoosh schema (analyzers come from this process's code)."""
    return tuple(sorted((name, type(fieldobj).__name__) for name, fieldobj in schema.items()))


def shared_live_searcher(location: IndexLocation, schema) -> LiveSearcher:
    key, fingerprint = str(location.root), schema_fingerprint(schema)
    entry = _LIVE.get(key)
    if entry is None or entry[0] != fingerprint:
        with _LIVE_LOCK:
            entry = _LIVE.get(key)
            if entry is None or entry[0] != fingerprint:
                entry = _LIVE[key] = (fingerprint, LiveSearcher(location, schema))
    return entry[1]


def _chunks(ids: list[int], size: int):
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _write(ix, documents: Iterable[dict], delete_ids: list[int], timeout: float) -> None:
    """One writer: delete these articles' old documents, add the new ones, commit.

    Whoosh's update_document() opens a new reader of the whole index for every document;
    one searcher for all the deletions is what keeps a 500-article batch under a second.
    """
    writer = ix.writer(timeout=timeout, limitmb=256, **WRITER_OPTIONS)
    try:
        with writer.searcher() as searcher:
            for article_id in delete_ids:
                writer.delete_by_term(ID, f"articles.article.{article_id}", searcher=searcher)
        for doc in documents:
            writer.add_document(**doc)
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    prebuild(ix)  # the new segment's arrays, so searchers only map files


class NewsroomWhooshSearchBackend(WhooshSearchBackend, ListsWordForms):
    """Whoosh with generations, a bounded writer lock and the fast read path."""

    # haystack's Whoosh backend takes no facet options (the fast path counts every value).
    facet_options: dict = {}

    def __init__(self, connection_alias, **connection_options):
        super().__init__(connection_alias, **connection_options)
        self.location = IndexLocation(self.path)
        self.lock_timeout = float(connection_options.get("LOCK_TIMEOUT", 60))
        self._generation: str | None = None

    # --- setup and schema ----------------------------------------------------------------
    def setup(self):
        _, schema = self.build_schema(
            connections[self.connection_alias].get_unified_index().all_searchfields()
        )
        live = self.location.live_dir(schema)
        self.path = str(live)
        self._generation = live.name
        super().setup()
        teach_lucene_phrases(self.parser)

    def code_schema(self):
        """The schema this code writes, without setting up (setup creates an empty index
        where there is none)."""
        if self.setup_complete:
            return self.schema
        fields = connections[self.connection_alias].get_unified_index().all_searchfields()
        return self.build_schema(fields)[1]

    def _sync(self):
        """Follow the live generation if a rebuild or clear swapped it."""
        if not self.setup_complete or self.location.current_name() != self._generation:
            self.setup()

    def build_schema(self, fields):
        content_field_name, schema = super().build_schema(fields)
        names = dict(schema.items())
        # The text is only searched: storing it (haystack's default) doubles the index.
        # Highlighting is done by articles.search from the database.
        names[content_field_name] = wf.TEXT(stored=False, analyzer=text_analyzer(), phrase=True)
        for name in TEXT_FIELDS.values():  # positions for phrases and NEAR in each
            if name in names and name != content_field_name:
                unstemmed = name.endswith("_unstemmed")
                analyzer = unstemmed_analyzer() if unstemmed else text_analyzer()
                names[name] = wf.TEXT(stored=False, analyzer=analyzer, phrase=True)
        # Column-only values (no index terms): a 64-bit NUMERIC adds 16 terms per document.
        if "article_id" in names:
            names["article_id"] = wf.COLUMN(columns.NumericColumn("q"))
        if "updated_at" in names:  # microseconds since the epoch, UTC
            names["updated_at"] = wf.COLUMN(columns.NumericColumn("q"))
        for name in FILTER_FIELDS:
            # Facets and filters use `<name>_exact`; the plain copy would double the work.
            if f"{name}_exact" in names:
                names.pop(name, None)
        for name, fieldobj in list(names.items()):
            if isinstance(fieldobj, wf.KEYWORD):
                names[name] = wf.KEYWORD(stored=False, commas=True, scorable=False)
        return content_field_name, wf.Schema(**names)

    # --- reading ---------------------------------------------------------------------------
    def search(self, query_string, **kwargs):
        self._sync()
        return super().search(query_string, **kwargs)

    def more_like_this(self, model_instance, **kwargs):
        self._sync()
        return super().more_like_this(model_instance, **kwargs)

    def word_forms(self, fieldname: str, prefix: str, limit: int) -> tuple[list[str], int]:
        """For the generic engine run on Whoosh (the embedded engine asks its snapshot)."""
        self._sync()
        with self.index.refresh().searcher() as searcher:
            return prefix_forms(searcher.reader(), fieldname, prefix, limit)

    def fast(self) -> FastSearch:
        """The query side over this process's long-lived searcher of the live generation."""
        if not self.setup_complete:
            self.setup()
        return FastSearch(shared_live_searcher(self.location, self.schema))

    # --- writing ---------------------------------------------------------------------------
    @contextmanager
    def _writing(self):
        """The live index, under the one writer lock (waited for at most lock_timeout s)."""
        self._sync()  # outside the lock: a brand-new index is created under it
        with self.location.write_lock(self.lock_timeout):
            self._sync()
            yield self.index.refresh()

    def update(self, index, iterable, commit=True):
        """haystack's entry point (update_index, signals): bulk documents, one locked write."""
        self.index_ids(index, [obj.pk for obj in iterable])

    def index_ids(self, index, article_ids: Iterable[int]) -> None:
        """(Re)index these articles; the unpublished or deleted among them are removed."""
        ids = sorted({int(i) for i in article_ids})
        if not ids:
            return
        with self._writing() as ix:
            docs = (whoosh_document(doc, self.schema) for doc in index.build_documents(ids))
            _write(ix, docs, ids, timeout=self.lock_timeout)

    def remove_ids(self, article_ids: Iterable[int]) -> None:
        ids = sorted({int(i) for i in article_ids})
        if not ids:
            return
        with self._writing() as ix:
            _write(ix, (), ids, timeout=self.lock_timeout)

    def remove(self, obj_or_string, commit=True):
        # haystack's remove() only logs a LockError and leaves the article searchable.
        ident = get_identifier(obj_or_string)
        with self._writing() as ix:
            writer = ix.writer(timeout=self.lock_timeout, **WRITER_OPTIONS)
            writer.delete_by_term(ID, ident)
            writer.commit()
            prebuild(ix)

    def clear(self, models=None, commit=True):
        """Swap in an empty generation (the whole index holds articles only)."""
        if not self.setup_complete:
            self.setup()
        with self.location.write_lock(self.lock_timeout):
            fresh = self.location.new_generation_dir()
            FileStorage(str(fresh)).create_index(self.schema)
            self.location.swap(fresh)
        self.setup()

    def delete_index(self):
        self.clear()

    def rebuild(self, index, progress: Callable[[int], None] | None = None, procs: int = 1) -> int:
        """Build a complete new generation beside the live one, then swap it in.

        Articles saved during the build are caught up under the writer lock just before the
        swap, so nothing written meanwhile is lost.
        """
        if not self.setup_complete:
            self.setup()
        started = time.time()
        since = timezone.now() - timedelta(seconds=2)
        with self.location.building() as fresh:
            count = self._build(fresh, index, since, progress, procs)
        self.setup()
        logger.info("search index rebuilt: %d articles in %.1f s", count, time.time() - started)
        return count

    def _build(self, fresh, index, since, progress, procs: int) -> int:
        """Fill the new generation ``fresh`` and swap it in; returns how many were indexed."""
        ix = FileStorage(str(fresh)).create_index(self.schema)
        writer_args = {"limitmb": 256, **WRITER_OPTIONS}
        if procs > 1:
            # One segment per process, not merged into one at the end: merging is serial
            # and was a third of the build; the read side works per segment anyway.
            writer_args.update(procs=procs, multisegment=True)
        writer = ix.writer(**writer_args)
        count = 0
        ids = list(index.index_queryset().order_by("id").values_list("id", flat=True).iterator())
        for chunk in _chunks(ids, 1000):
            n = 0
            for doc in index.build_documents(chunk):
                writer.add_document(**whoosh_document(doc, self.schema))
                n += 1
            count += n
            if progress:
                progress(n)
        writer.commit()
        with self.location.write_lock(self.lock_timeout):
            count += self._catch_up(ix, index, since)
            # Built before the swap: workers switching to the new index map files.
            prebuild(ix)
            self.location.finished(fresh)
            self.location.swap(fresh)
        return count

    def _catch_up(self, ix, index, since) -> int:
        """Apply what changed in the database while a new generation was being built."""
        model = index.get_model()
        changed = list(
            model.objects.filter(**{f"{index.get_updated_field()}__gte": since}).values_list(
                "id", flat=True
            )
        )
        published = set(index.index_queryset().values_list("id", flat=True))
        with ix.searcher() as searcher:
            in_index = {
                int(v)
                for sub, _ in searcher.leaf_searchers()
                for v in sub.reader().column_reader("article_id")
            }
        stale = in_index - published
        if not changed and not stale:
            return 0
        docs = (whoosh_document(doc, self.schema) for doc in index.build_documents(changed))
        _write(ix, docs, sorted(stale | set(changed)), timeout=self.lock_timeout)
        return 0


class NewsroomWhooshEngine(DeclaresSearchEngine, WhooshEngine):
    backend = NewsroomWhooshSearchBackend
    search_engine_class = WhooshSearchEngine
