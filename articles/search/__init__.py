"""Search: the vocabulary, the query parser, text analysis, the engines and the index queue.

The rest of the app imports the service API from here::

    from articles import search
    search.search_articles(search.SearchRequest(q="iraq", include={"place": ("iraq",)}))

Layout (each module says more):
- ``vocabulary``: filter fields, labels, sorts, page sizes; ``types``: request and result;
- ``query``: the reader's query language; ``analysis``: words → index terms;
  ``highlight``: escaped, marked headlines and snippets;
- ``engine``: the interface the service calls; ``whoosh/``: the embedded engine;
  ``haystack_engine``, ``cluster`` and ``solr/``: SolrCloud through haystack;
- ``documents``: the haystack index (what an article's search document holds);
- ``service``: searching and indexing; ``queue``: the index queue and its one writer.
"""

from .query import QueryError
from .service import (
    check_query,
    clear_index,
    count_articles,
    current_engine,
    differing_values,
    index_articles,
    indexed_versions,
    iter_result_ids,
    more_like_this,
    probe_index,
    query_relaxations,
    rebuild_index,
    remove_articles,
    search_articles,
    warm_up,
)
from .types import (
    REBUILD_COMMAND,
    SEARCH_UNAVAILABLE,
    FacetCount,
    FacetCounts,
    Hit,
    IndexNeedsRebuild,
    SearchRequest,
    SearchResponse,
    SearchUnavailable,
    Timeline,
)

__all__ = [
    "REBUILD_COMMAND",
    "SEARCH_UNAVAILABLE",
    "FacetCount",
    "FacetCounts",
    "IndexNeedsRebuild",
    "Hit",
    "SearchRequest",
    "SearchResponse",
    "QueryError",
    "SearchUnavailable",
    "Timeline",
    "check_query",
    "clear_index",
    "count_articles",
    "current_engine",
    "differing_values",
    "index_articles",
    "indexed_versions",
    "iter_result_ids",
    "more_like_this",
    "probe_index",
    "query_relaxations",
    "rebuild_index",
    "remove_articles",
    "search_articles",
    "warm_up",
]
