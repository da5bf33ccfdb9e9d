"""Haystack engines used by Newsroom (see articles.search_config)."""

from haystack.backends.whoosh_backend import WhooshEngine


class NewsroomWhooshEngine(WhooshEngine):
    pass


try:  # only importable when the elasticsearch client is installed
    from haystack.backends.elasticsearch7_backend import Elasticsearch7SearchEngine

    class NewsroomElasticsearchEngine(Elasticsearch7SearchEngine):
        pass

except ImportError:  # pragma: no cover - depends on optional client
    NewsroomElasticsearchEngine = None
