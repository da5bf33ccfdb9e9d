"""Turn the SEARCH_URL environment variable into HAYSTACK_CONNECTIONS.

Kept free of Django imports so settings.py can call it.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit


class SearchURLError(ValueError):
    pass


def haystack_connections(search_url: str, data_dir: Path) -> dict:
    """Return haystack's connection settings for ``search_url``.

    "" or "whoosh://"              -> Whoosh index in ``data_dir/whoosh``
    "whoosh:///abs/path"           -> Whoosh index in that folder
    "elasticsearch://host:9200/ix" -> haystack's elasticsearch7 backend, index "ix"
    "solr://host:8983/solr/core"   -> haystack's Solr backend (https with "solrs://")
    """
    url = (search_url or "").strip()
    scheme = urlsplit(url).scheme.lower() if url else "whoosh"
    parts = urlsplit(url)
    if scheme == "whoosh":
        path = parts.path if parts.path not in ("", "/") else str(data_dir / "whoosh")
        return {
            "default": {
                "ENGINE": "articles.search.whoosh.backend.NewsroomWhooshEngine",
                "PATH": path,
                # Whoosh's corrector scans every term (5.5 s a query); Newsroom suggests
                # from the index's headline words itself (articles.search.whoosh.spelling).
                "INCLUDE_SPELLING": False,
                "BATCH_SIZE": 1000,
                # Seconds a writer waits for the index's single writer lock before
                # index_articles()/remove_articles() raise IndexLockedError.
                "LOCK_TIMEOUT": float(os.environ.get("NEWSROOM_SEARCH_LOCK_TIMEOUT") or 60),
            }
        }
    if scheme in ("elasticsearch", "elasticsearchs", "es", "https", "http"):
        web_scheme = "https" if scheme in ("elasticsearchs", "https") else "http"
        index = parts.path.strip("/") or "newsroom"
        return {
            "default": {
                "ENGINE": "articles.search.cluster.NewsroomElasticsearchEngine",
                "URL": urlunsplit((web_scheme, parts.netloc, "", "", "")),
                "INDEX_NAME": index,
                "INCLUDE_SPELLING": True,
            }
        }
    if scheme in ("solr", "solrs"):
        web_scheme = "https" if scheme == "solrs" else "http"
        return {
            "default": {
                "ENGINE": "articles.search.cluster.NewsroomSolrEngine",
                "URL": urlunsplit((web_scheme, parts.netloc, parts.path, "", "")),
                "INCLUDE_SPELLING": True,
            }
        }
    raise SearchURLError(
        f"SEARCH_URL scheme {scheme!r} is not supported: use whoosh://, elasticsearch:// or solr://"
    )
