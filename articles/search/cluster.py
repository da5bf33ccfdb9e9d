"""The haystack engine for a SolrCloud cluster, chosen by SEARCH_URL.

It declares articles.search.solr.engine.SolrSearchEngine: the generic haystack engine
(articles.search.haystack_engine) with what Solr does its own way. Documents are built in
bulk (ArticleIndex.attach_documents) instead of haystack's per-object prepare. Without pysolr
installed, the engine says what to install instead of failing obscurely. The Whoosh engine
lives in articles.search.whoosh.backend.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from haystack.backends import BaseEngine
from haystack.exceptions import MissingDependency

from .engine import DeclaresSearchEngine
from .haystack_engine import HaystackSearchEngine


class BulkPrepareMixin:
    """haystack's update() calls full_prepare per object; prepare the batch in bulk first."""

    def update(self, index, iterable, commit=True):
        objects = list(iterable)
        if any(getattr(o, "_search_document", None) is None for o in objects):
            objects = index.attach_documents(objects)
        return super().update(index, objects, commit=commit)


def _engine_without_client(service: str, requirement: str) -> type[BaseEngine]:
    """An engine that says which client to install instead of failing obscurely."""

    class MissingClientBackend:
        def __init__(self, *args, **kwargs):
            raise ImproperlyConfigured(
                f"SEARCH_URL selects {service}, but its Python client is not installed: "
                f"install it with pip install '{requirement}', or unset SEARCH_URL for Whoosh."
            )

    return type(
        f"{service}EngineWithoutClient",
        (DeclaresSearchEngine, BaseEngine),
        {"backend": MissingClientBackend, "search_engine_class": HaystackSearchEngine},
    )


try:  # only importable when pysolr is installed
    from haystack.backends.solr_backend import SolrEngine, SolrSearchBackend

    from .solr.client import FailoverSolr
    from .solr.engine import SolrSearchEngine

    class NewsroomSolrSearchBackend(BulkPrepareMixin, SolrSearchBackend):
        # Sent as f.<field>.facet.limit / .mincount: every value that occurs, none that don't.
        facet_options = {"limit": -1, "mincount": 1}

        def __init__(self, connection_alias, **connection_options):
            super().__init__(connection_alias, **connection_options)
            urls = connection_options.get("URLS") or [connection_options["URL"]]
            self.conn = FailoverSolr(urls, timeout=self.timeout)

    class NewsroomSolrEngine(DeclaresSearchEngine, SolrEngine):
        backend = NewsroomSolrSearchBackend
        search_engine_class = SolrSearchEngine

except (ImportError, MissingDependency):  # pragma: no cover - optional client
    NewsroomSolrEngine = _engine_without_client("Solr", "pysolr")
