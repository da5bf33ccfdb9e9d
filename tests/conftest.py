"""Shared fixtures: real corpus paths, a clean Whoosh index per test, a separate site."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
SEED = SHARED / "seed" / "000_deae15c0e1e0842a.txt"
CORPUS = SHARED / "corpus"


@pytest.fixture
def shared() -> Path:
    if not SHARED.exists():
        pytest.skip("../shared is not beside the repository")
    return SHARED


# The cluster pass of `make test` (scripts/with-solr.sh) points SEARCH_URL at a SolrCloud.
ON_CLUSTER = os.environ.get("SEARCH_URL", "").split(":", 1)[0] in ("solr", "solrs")
ENGINES = ["whoosh", "generic", "solr"]
whoosh_only = pytest.mark.skipif(ON_CLUSTER, reason="Whoosh-only: SEARCH_URL points at a cluster")


@pytest.fixture(params=ENGINES)
def engine(request, monkeypatch):
    """An empty index on each engine in turn: the embedded Whoosh engine, the generic haystack
    engine (the cluster's path) on Whoosh, and SolrCloud when SEARCH_URL points at one.

    Engine-level tests take this fixture and run once per engine, as django-modelsearch's
    BackendTests do; a deliberate difference between engines is written in the test."""
    from haystack import connections

    from articles import search
    from articles.search.haystack_engine import HaystackSearchEngine

    kind = request.param
    if kind == "solr" and not ON_CLUSTER:
        pytest.skip("no cluster: SEARCH_URL is not solr:// (make test-solr runs this)")
    if kind != "solr" and ON_CLUSTER:
        pytest.skip("the cluster pass runs the cluster; Whoosh runs in the other passes")
    connections.reload("default")
    if kind == "generic":
        engine = HaystackSearchEngine(connections["default"])
        monkeypatch.setattr(search.service, "current_engine", lambda: engine)
    search.clear_index()
    return kind


@pytest.fixture(scope="session", autouse=True)
def collection_of_this_configset():
    """On a cluster, before any test: the search alias points at a collection made from this
    code's configset (a new cluster has none; one kept from an earlier run may have been made
    from older files, which the engine refuses)."""
    if not ON_CLUSTER:
        return
    from articles import search
    from articles.search.solr.collections import CollectionMissing, ConfigsetMismatch

    engine = search.current_engine()
    try:
        engine.check_collection(force=True)
    except (CollectionMissing, ConfigsetMismatch):
        collections = engine.collections()
        old, fresh = collections.live(), collections.create()
        collections.admin.point_alias(collections.alias, fresh)
        engine.forget_checks()
        if old:
            collections.admin.delete_collection(old)


@pytest.fixture
def clean_index(settings):
    """A real, empty Whoosh index in the test's temporary data folder."""
    from haystack import connections

    if ON_CLUSTER:
        pytest.skip("Whoosh-only: SEARCH_URL points at a cluster")
    connections.reload("default")
    backend = connections["default"].get_backend()
    backend.clear()
    yield backend
    backend.clear()


@pytest.fixture(autouse=True)
def segment_postings_as_in_a_large_archive(monkeypatch):
    """Tests index a handful of articles: their segments and words get the decoded text
    postings a large archive's segments and common words get (articles.search.whoosh.
    segment_arrays, text_postings), so the suite searches the way a production archive
    does. test_search_engine checks that small segments answer alike."""
    from articles.search.whoosh import segment_arrays, text_postings

    monkeypatch.setattr(segment_arrays, "TEXT_POSTINGS_MIN_DOCS", 0)
    monkeypatch.setattr(text_postings, "MIN_TERM_DOCS", 1)


@pytest.fixture(autouse=True)
def stories_weigh_each_test_afresh(monkeypatch):
    """Grouping keeps the entity counts and word weights it read in the process (articles.
    ingest.stories); a test's archive is rolled back and its ids used again by the next, so
    each test starts with none kept."""
    from articles.ingest import stories

    monkeypatch.setattr(stories, "_counts", {})
    monkeypatch.setattr(stories, "_counts_since", 0.0)
    monkeypatch.setattr(stories, "_weights", None)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def site(tmp_path):
    """A separate site: its own data folder, file-based SQLite database and Whoosh index."""
    run, start = separate_site(tmp_path)
    return run, start, tmp_path


def separate_site(tmp_path: Path):
    """(run, start) for Python processes of a new site in ``tmp_path``: migrated, index made."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "SEARCH_URL", "DJANGO_SETTINGS_MODULE")
    }
    env.update(
        NEWSROOM_DATA_DIR=str(tmp_path / "data"),
        DJANGO_SETTINGS_MODULE="newsroom.settings",
        PYTHONPATH=str(REPO),
        DEBUG="true",
        LOG_LEVEL="WARNING",
    )

    def run(*args, extra_env=None, **kwargs) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, *args],
            cwd=REPO,
            env={**env, **(extra_env or {})},
            capture_output=True,
            text=True,
            timeout=600,
            **kwargs,
        )

    def start(*args, extra_env=None) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, *args],
            cwd=REPO,
            env={**env, **(extra_env or {})},
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )

    migrated = run("manage.py", "migrate", "--no-input", "-v0")
    assert migrated.returncode == 0, migrated.stderr
    # Create the empty index first: several processes creating it at once race inside
    # haystack's setup (reported to the search layer's owner).
    cleared = run("manage.py", "shell", "-c", "from articles import search; search.clear_index()")
    assert cleared.returncode == 0, cleared.stderr
    return run, start


@pytest.fixture
def pompeo_archive(shared, clean_index):
    """Four Tehran Times stories, three naming Mike Pompeo in full and one calling him
    "Pompeo" alone; a BBC sport story with a "Mike" alone and a BBC arts story naming Mike
    Mills (issue 19: who a short name is). Returns the three stories the tests look at."""
    from articles.extraction.readers import read_paths
    from articles.ingest import import_documents
    from articles.models import Article

    wanted = {"12896", "12897", "12919", "13118"}
    tehran_times = CORPUS / "tehran_times" / "tehran_times.jsonl"
    raws = [r for r in read_paths([str(tehran_times)]) if r.ordinal in wanted]
    bbc = CORPUS / "bbc_news"
    raws += list(
        read_paths([str(bbc / "sport" / "400.txt"), str(bbc / "entertainment" / "118.txt")])
    )
    report = import_documents(raws)
    assert len(report.created) == 6, report.failed
    by_label = {label: Article.objects.get(pk=pk) for label, pk in report.created}

    def pick(end: str) -> Article:
        return next(a for label, a in by_label.items() if label.endswith(end))

    return {"pompeo_alone": pick("#13118"), "sevens": pick("400.txt"), "rem": pick("118.txt")}
