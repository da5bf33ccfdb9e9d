"""What only a cluster has: faults, collections behind an alias, and a node that goes down.

The tests that need a cluster run in `make test-solr` (SEARCH_URL from scripts/with-solr.sh,
SOLR_CONTROL_URL to stop and start a node) and are skipped elsewhere; the unreachable
cluster needs none and runs in every pass.
"""

from __future__ import annotations

import io
import json
import os
import threading
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from haystack import connections

from articles import search
from articles.ingest.columns import article_fingerprint
from articles.models import Article, IndexTask
from articles.search import SearchRequest, queue, search_articles
from articles.search.solr.collections import configset_files
from newsroom.search_config import haystack_connections

from .conftest import ON_CLUSTER
from .test_search_engine import make_newsroom

pytestmark = pytest.mark.django_db
cluster_only = pytest.mark.skipif(
    not ON_CLUSTER, reason="no cluster: SEARCH_URL is not solr:// (make test-solr runs this)"
)


@pytest.fixture
def unreachable_cluster():
    pytest.importorskip("pysolr")
    info = connections.connections_info
    saved = info["default"]
    # Nothing listens on port 9 of this machine.
    info["default"] = haystack_connections("solr://127.0.0.1:9/solr/newsroom", Path("/x"))[
        "default"
    ]
    connections.reload("default")
    yield
    info["default"] = saved
    connections.reload("default")


def test_an_unreachable_cluster_answers_503_naming_search_and_pages_say_so(
    unreachable_cluster, client
):
    article = Article.objects.create(headline="Okapi", slug="okapi", body="Okapi.", fingerprint="o")
    shown = client.get(article.get_absolute_url())
    assert shown.status_code == 200 and "Okapi" in shown.content.decode()  # no neighbours
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.json() == {"database": "ok", "search": "search engine unreachable"}
    for url in ("/search/?q=troops", "/places/iraq/", "/compare/?q=a&q=b"):
        page = client.get(url)
        assert page.status_code in (503, 404), url  # 404: no such place in this database
        assert "500" not in str(page.status_code)
    search_page = client.get("/search/?q=troops")
    assert search_page.status_code == 503
    assert "Search is unavailable right now" in search_page.content.decode()
    assert client.get("/search/?q=troops&format=json").status_code == 503


# --- collections behind the alias ---------------------------------------------------------


@pytest.fixture
def solr(engine):
    if engine != "solr":
        pytest.skip("cluster only")
    return search.current_engine()


@cluster_only
def test_a_collection_from_other_configset_files_names_the_command_that_fixes_it(solr, client):
    newsroom = make_newsroom()
    collections = solr.collections()
    live = collections.live()
    # An older release's configset: the same files with another schema name.
    older = io.BytesIO()
    with zipfile.ZipFile(older, "w") as archive:
        for name, data in configset_files().items():
            if name == "schema.xml":
                data = data.replace(b'name="newsroom"', b'name="newsroom-older"')
            archive.writestr(name, data)
    collections.admin.upload_configset("newsroom-older", older.getvalue())
    stale = f"{collections.alias}_older"
    collections.admin.create_collection(stale, "newsroom-older", 2, 1)
    collections.admin.point_alias(collections.alias, stale)
    collections.admin.delete_collection(live)
    solr.forget_checks()
    try:
        health = client.get("/healthz")
        assert health.status_code == 503
        assert health.json()["search"] == (
            "index built for another version: run manage.py rebuild_search_index"
        )
        page = client.get("/search/?q=troops")
        assert page.status_code == 503
        assert "manage.py rebuild_search_index" in page.content.decode()
        with pytest.raises(search.IndexNeedsRebuild) as refused:
            call_command("check_index", stdout=io.StringIO())
        assert "newsroom-older" in refused.value.detail
        assert "manage.py rebuild_search_index" in refused.value.detail
    finally:
        out = io.StringIO()
        call_command("rebuild_search_index", stdout=out, stderr=io.StringIO())
    assert "5 articles" in out.getvalue()
    assert client.get("/healthz").status_code == 200
    assert search_articles(SearchRequest(q="troops")).total == 4
    assert stale not in collections.admin.cluster_status()["collections"]
    assert newsroom


@cluster_only
def test_a_failed_rebuild_leaves_the_live_alias_and_the_next_one_succeeds(solr):
    make_newsroom()
    collections = solr.collections()
    live = collections.live()

    def dies(_n):
        raise KeyboardInterrupt  # as a Ctrl-C in the middle of the build

    with pytest.raises(KeyboardInterrupt):
        search.rebuild_index(progress=dies)
    assert collections.live() == live
    assert search_articles(SearchRequest()).total == 5
    # A rebuild killed outright (SIGKILL) cannot clean up: its half-filled collection stays.
    half = collections.create()
    solr._client_for(half).add([{"id": "articles.article.999999", "django_ct": "x"}])
    assert collections.live() == live
    call_command("rebuild_search_index", stdout=io.StringIO(), stderr=io.StringIO())
    names = collections.admin.cluster_status()["collections"]
    assert half not in names and live not in names
    assert collections.live() in names
    assert search_articles(SearchRequest()).total == 5


# --- a node goes down ------------------------------------------------------------------------


def control(action: str) -> str:
    url = os.environ["SOLR_CONTROL_URL"] + action
    method = "GET" if action == "/nodes" else "POST"
    with urllib.request.urlopen(urllib.request.Request(url, method=method), timeout=60) as r:
        return r.read().decode()


def make_article(n: int) -> Article:
    headline = f"Pangolin census {n}"
    body = f"{headline}. The pangolin survey counted scales."
    return Article.objects.create(
        headline=headline, slug="p", body=body, fingerprint=article_fingerprint(headline, body)
    )


@cluster_only
@pytest.mark.skipif(not os.environ.get("SOLR_CONTROL_URL"), reason="no SOLR_CONTROL_URL")
def test_a_node_goes_down_searches_keep_answering_and_no_write_is_lost(solr):
    made = [make_article(n) for n in range(60)]
    queue.drain()
    assert search.count_articles(SearchRequest(q="pangolin")) == 60
    stats = {"searches": 0, "failed": 0, "slowest": 0.0, "errors": []}
    stop = threading.Event()

    def reader():  # counts only: the thread must not share the test's database connection
        while not stop.is_set():
            started = time.monotonic()
            try:
                response = search_articles(SearchRequest(q="pangolin", per_page=0))
                assert response.total >= 60, response.total
                stats["searches"] += 1
            except Exception as exc:  # noqa: BLE001 - counted and reported
                stats["failed"] += 1
                stats["errors"].append(repr(exc)[:300])
            stats["slowest"] = max(stats["slowest"], time.monotonic() - started)

    readers = [threading.Thread(target=reader) for _ in range(4)]
    for thread in readers:
        thread.start()
    try:
        time.sleep(1)
        before = stats["searches"]
        control("/nodes/1/stop")
        down_at = time.monotonic()
        # Saves while the node is down: into the queue, drained when the cluster takes them.
        saved = [make_article(100 + n) for n in range(10)]
        drained_while_down = queue.drain()
        waiting = IndexTask.objects.count()
        time.sleep(3)
        during = stats["searches"] - before
        control("/nodes/1/start")
        solr.collections().admin.wait_for_replicas(solr.collections().live())
        back_after = time.monotonic() - down_at
        time.sleep(1)
    finally:
        stop.set()
        for thread in readers:
            thread.join()
    IndexTask.objects.update(not_before=None)
    queue.drain()
    # Both nodes down: no write can land; the saves wait in the queue, then drain.
    control("/nodes/0/stop")
    control("/nodes/1/stop")
    try:
        held = [make_article(200 + n) for n in range(5)]
        assert queue.drain() == 0
        assert IndexTask.objects.filter(attempts=1).count() == len(held)
        assert "Failed to connect" in IndexTask.objects.first().last_error
    finally:
        control("/nodes/0/start")
        control("/nodes/1/start")
    solr.collections().admin.wait_for_replicas(solr.collections().live())
    IndexTask.objects.update(not_before=None)
    drained_when_back = queue.drain()
    figures = {
        "searches": stats["searches"],
        "during outage": during,
        "failed": stats["failed"],
        "slowest search s": round(stats["slowest"], 3),
        "saves while down": len(saved),
        "drained while down": drained_while_down,
        "left queued while down": waiting,
        "node back and replicas active after s": round(back_after, 1),
        "saves while both nodes were down, drained when back": drained_when_back,
    }
    print("node loss:", json.dumps(figures))
    assert stats["failed"] == 0, stats["errors"][:3]
    assert during > 0
    assert not IndexTask.objects.exists()
    assert drained_when_back == len(held)
    expected = {a.pk for a in made + saved + held}
    assert set(search.iter_result_ids(SearchRequest(q="pangolin"))) == expected
    assert "1 running" in control("/nodes")


@cluster_only
def test_a_rebuild_killed_outright_leaves_the_live_alias_and_a_second_run_succeeds(site, shared):
    """A real SIGKILL of `rebuild_search_index` in another process, on a site of its own
    (its own database and alias): nothing cleans up after it, the next run does."""
    from .conftest import CORPUS

    run, start, _ = site
    env = {"SEARCH_URL": os.environ["SEARCH_URL"].replace("/solr/newsroom", "/solr/killed")}
    files = sorted(str(p) for p in (CORPUS / "bbc_news" / "politics").glob("*.txt"))[:40]
    imported = run("manage.py", "import_articles", "--no-index", *files, extra_env=env)
    assert imported.returncode == 0, imported.stderr[-2000:]
    first = run("manage.py", "rebuild_search_index", extra_env=env)
    assert first.returncode == 0, first.stderr[-2000:]
    engine = search.current_engine()
    admin = engine.collections().admin
    live = admin.aliases()["killed"]
    count = _alias_count(engine, "killed")
    assert count > 30

    rebuild = start("manage.py", "rebuild_search_index", extra_env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        names = [n for n in admin.cluster_status()["collections"] if n.startswith("killed_")]
        if len(names) > 1:  # the new collection exists: the build has begun
            break
        time.sleep(0.05)
    rebuild.kill()
    rebuild.communicate(timeout=60)
    assert len(names) > 1, "the second rebuild never began"
    assert admin.aliases()["killed"] == live
    assert _alias_count(engine, "killed") == count

    second = run("manage.py", "rebuild_search_index", extra_env=env)
    assert second.returncode == 0, second.stderr[-2000:]
    names = [n for n in admin.cluster_status()["collections"] if n.startswith("killed_")]
    assert names == [admin.aliases()["killed"]] and names != [live]
    assert _alias_count(engine, "killed") == count
    admin.collections(action="DELETEALIAS", name="killed")
    admin.delete_collection(names[0])


def _alias_count(engine, alias: str) -> int:
    return engine._client_for(alias).search("*:*", rows=0).hits


@cluster_only
def test_the_index_gives_back_each_articles_filter_values_and_counts_within_a_selection(solr):
    """What check_index compares (the values the index holds) and what the map counts (a
    selected field's values among the results themselves) come from Solr too."""
    from articles.search.query import parse_query
    from articles.search.types import EngineQuery

    newsroom = make_newsroom()
    docs = solr.backend.conn.search(f"article_id:{newsroom['kirkuk'].id}").docs
    assert set(docs[0]["place"]) == {"kirkuk", "iraq"}
    assert docs[0]["org"] == ["kataib-hezbollah"] and docs[0]["year"] == ["2020"]
    query = EngineQuery(parse_query(""), {"place": ("kirkuk",)})
    result = solr.search(
        query, sort="newest", offset=0, limit=0, facets=True, suggest=False,
        facets_within=("place",),
    )  # fmt: skip
    assert dict(result.facets["place"]) == {"iraq": 3, "kirkuk": 1, "iran": 1}
    assert dict(result.facets_within["place"]) == {"kirkuk": 1, "iraq": 1}
