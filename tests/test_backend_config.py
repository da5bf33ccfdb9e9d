"""SEARCH_URL chooses the search backend: Whoosh by default, SolrCloud through haystack.

These tests stop where the network would start: the connection settings, the engine haystack
loads for them and the client it builds (tests/test_engine_parity.py runs on a real cluster).
"""

import subprocess
import sys
from pathlib import Path

import pytest
from django.utils.module_loading import import_string

from newsroom.search_config import SearchURLError, haystack_connections

from .test_settings_deploy import REPO, django_env, settings_in_subprocess

DATA = Path("/srv/newsroom")


def backend_for(search_url: str):
    """The haystack backend object the engine for ``search_url`` builds (no network)."""
    options = haystack_connections(search_url, DATA)["default"]
    engine = import_string(options["ENGINE"])
    assert engine is not None, f"{options['ENGINE']} is not available: is its client installed?"
    return engine.backend("default", **options)


@pytest.mark.parametrize("url", ["", "   ", "whoosh://"])
def test_no_search_url_means_whoosh_in_the_data_folder(url):
    options = haystack_connections(url, DATA)["default"]
    assert options["ENGINE"] == "articles.search.whoosh.backend.NewsroomWhooshEngine"
    assert options["PATH"] == "/srv/newsroom/whoosh"


def test_whoosh_url_moves_the_index_folder():
    options = haystack_connections("whoosh:///mnt/fast-disk/index", DATA)["default"]
    assert options["PATH"] == "/mnt/fast-disk/index"


@pytest.mark.parametrize(
    "url", ["elasticsearch://es:9200/newsroom", "elasticsearchs://es:9243/x", "http://es:9200/x"]
)
def test_an_elasticsearch_url_says_it_is_no_longer_supported_and_what_to_use(url):
    with pytest.raises(SearchURLError, match="Elasticsearch is no longer supported.*solr://"):
        haystack_connections(url, DATA)


@pytest.mark.parametrize(
    ("url", "endpoint"),
    [
        ("solr://solr:8983/solr/newsroom", "http://solr:8983/solr/newsroom"),
        ("solrs://search.example.org/solr/archive", "https://search.example.org/solr/archive"),
    ],
)
def test_solr_url_selects_haystacks_solr_backend(url, endpoint):
    options = haystack_connections(url, DATA)["default"]
    assert options["ENGINE"].rsplit(".", 1)[-1] in {"NewsroomSolrEngine", "SolrEngine"}
    assert options["URL"] == endpoint


def test_solr_engine_is_haystacks_solr_one_failing_over_between_nodes():
    pytest.importorskip("pysolr", reason="pysolr is not installed")
    from haystack.backends.solr_backend import SolrSearchBackend

    backend = backend_for("solr://solr1.internal:8983,solr2.internal:8983/solr/newsroom")
    assert isinstance(backend, SolrSearchBackend)
    assert backend.conn.urls == [
        "http://solr1.internal:8983/solr/newsroom",
        "http://solr2.internal:8983/solr/newsroom",
    ]


@pytest.mark.parametrize("url", ["ftp://x/y", "opensearch://os:9200/ix", "redis://r"])
def test_an_unknown_search_url_names_the_ones_that_work(url):
    with pytest.raises(SearchURLError, match="use whoosh:// or solr://"):
        haystack_connections(url, DATA)


def test_settings_take_search_url_from_the_environment(tmp_path):
    env = django_env(tmp_path, SEARCH_URL="solr://solr:8983/solr/newsroom")
    found = settings_in_subprocess(env, "HAYSTACK_CONNECTIONS")["HAYSTACK_CONNECTIONS"]
    assert found["default"]["ENGINE"] == "articles.search.cluster.NewsroomSolrEngine"
    assert found["default"]["URL"] == "http://solr:8983/solr/newsroom"


def test_settings_refuse_an_unknown_search_url_at_start(tmp_path):
    env = django_env(tmp_path, SEARCH_URL="sphinx://localhost:9312")
    done = subprocess.run(
        [sys.executable, str(REPO / "manage.py"), "check"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "SEARCH_URL scheme 'sphinx' is not supported" in done.stderr


def run_without_cluster_clients(tmp_path, code: str, **env) -> subprocess.CompletedProcess:
    """Run ``code`` in a Django process where the elasticsearch and pysolr imports fail."""
    prelude = (
        "import sys; sys.modules['elasticsearch'] = None; sys.modules['pysolr'] = None; "
        "import django; django.setup(); "
    )
    return subprocess.run(
        [sys.executable, "-c", prelude + code],
        cwd=REPO,
        env=django_env(tmp_path, **env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_whoosh_works_without_the_cluster_clients_installed(tmp_path):
    done = run_without_cluster_clients(
        tmp_path,
        "from haystack import connections; b = connections['default'].get_backend(); "
        "print(type(b).__name__, b.search('anything', end_offset=1)['hits'])",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["NewsroomWhooshSearchBackend", "0"]


def test_solr_without_its_client_says_what_to_install(tmp_path):
    done = run_without_cluster_clients(
        tmp_path,
        "from haystack import connections; connections['default'].get_backend()",
        SEARCH_URL="solr://solr:8983/solr/newsroom",
    )
    assert done.returncode != 0
    assert "pysolr" in done.stderr.splitlines()[-1].lower()
    assert "install" in done.stderr.splitlines()[-1].lower()


def article_index_fields() -> dict:
    from haystack import connections

    return connections["default"].get_unified_index().all_searchfields()


def test_solr_backend_from_search_url_has_a_schema_field_for_every_index_field():
    pytest.importorskip("pysolr", reason="pysolr is not installed")
    fields = article_index_fields()
    content_field, schema = backend_for("solr://solr:8983/solr/newsroom").build_schema(fields)
    assert content_field == "text"
    assert set(fields) <= {f["field_name"] for f in schema}
