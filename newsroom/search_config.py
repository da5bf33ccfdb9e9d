"""Turn the SEARCH_URL environment variable into HAYSTACK_CONNECTIONS.

Kept free of Django imports so settings.py can call it.
"""

import os
from pathlib import Path
from urllib.parse import parse_qs, urlsplit, urlunsplit


class SearchURLError(ValueError):
    pass


def haystack_connections(search_url: str, data_dir: Path) -> dict:
    """Return haystack's connection settings for ``search_url``.

    "" or "whoosh://"              -> Whoosh index in ``data_dir/whoosh``
    "whoosh:///abs/path"           -> Whoosh index in that folder
    "solr://host:8983/solr/name"   -> haystack's Solr backend on SolrCloud (https with
                                      "solrs://"); "name" is the alias searches go to
    "solr://h1:8983,h2:8983/solr/name?shards=2&replicas=2"
                                   -> every node listed (requests fail over between them);
                                      the shards and replicas of the collections it creates
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
        raise SearchURLError(
            "SEARCH_URL: Elasticsearch is no longer supported (haystack 3.4 drives only "
            "Elasticsearch 7, past its end of life, and no test ran it against a server): "
            "use solr://host:8983/solr/newsroom (deploy/DEPLOY.md)"
        )
    if scheme in ("solr", "solrs"):
        return {"default": _solr_options(parts, "https" if scheme == "solrs" else "http")}
    raise SearchURLError(f"SEARCH_URL scheme {scheme!r} is not supported: use whoosh:// or solr://")


def _solr_options(parts, web_scheme: str) -> dict:
    path = parts.path.rstrip("/") or "/solr/newsroom"
    base, _, alias = path.rpartition("/")
    if not base or not alias:
        raise SearchURLError(f"SEARCH_URL for Solr needs /solr/<name>, not {path!r}")
    userinfo, _, hosts = parts.netloc.rpartition("@")
    prefix = f"{userinfo}@" if userinfo else ""
    urls = [
        urlunsplit((web_scheme, prefix + host.strip(), path, "", ""))
        for host in hosts.split(",")
        if host.strip()
    ]
    query = parse_qs(parts.query)

    def number(name: str, default: int) -> int:
        try:
            value = int(query.get(name, [default])[0])
        except ValueError as exc:
            raise SearchURLError(f"SEARCH_URL: {name}= takes a whole number") from exc
        if value < 1:
            raise SearchURLError(f"SEARCH_URL: {name}= must be at least 1")
        return value

    return {
        "ENGINE": "articles.search.cluster.NewsroomSolrEngine",
        "URL": urls[0],  # haystack's own option; requests go to every node in URLS
        "URLS": urls,
        "ALIAS": alias,
        # Two of each: every shard keeps answering while one node of two is down.
        "SHARDS": number("shards", 2),
        "REPLICAS": number("replicas", 2),
        "INCLUDE_SPELLING": True,
        "TIMEOUT": 30,
    }
