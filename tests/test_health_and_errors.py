"""/healthz tells a load balancer whether this server can answer; error pages leak nothing."""

import datetime
import logging
import sys
import types

import pytest
from django.test import Client
from django.urls import path
from whoosh import fields as wf
from whoosh.analysis import RegexTokenizer
from whoosh.filedb.filestore import FileStorage

from articles.models import Article
from newsroom.urls import handler404, handler500  # noqa: F401 (used by this test urlconf)
from newsroom.urls import urlpatterns as site_patterns

from .conftest import ON_CLUSTER, whoosh_only


def boom(request):
    raise RuntimeError("database password is hunter2")


# A urlconf for the 500 test: the site's URLs plus one view that fails.
urlpatterns = [path("boom/", boom), *site_patterns]


@pytest.fixture
def index_folder(settings, tmp_path, monkeypatch):
    """A real Whoosh index of this test's own, in tmp_path/whoosh (created empty)."""
    from haystack import connections

    if ON_CLUSTER:
        pytest.skip("Whoosh-only: SEARCH_URL points at a cluster")

    folder = tmp_path / "whoosh"
    monkeypatch.setitem(settings.HAYSTACK_CONNECTIONS["default"], "PATH", str(folder))
    connections.reload("default")
    connections["default"].get_backend().clear()
    yield folder
    monkeypatch.undo()
    connections.reload("default")


def published_article(headline: str) -> Article:
    return Article.objects.create(
        headline=headline,
        body=f"{headline}. Reported from Kirkuk.",
        fingerprint=headline.encode().hex().ljust(64, "0")[:64],
        published=datetime.date(2020, 1, 1),
    )


@pytest.mark.django_db
def test_healthz_answers_ok_for_database_and_search(client, index_folder):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "search": "ok"}
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_healthz_answers_other_methods_with_405(index_folder, method):
    client = Client(enforce_csrf_checks=True)
    response = getattr(client, method)("/healthz")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert client.head("/healthz").status_code == 200


def test_healthz_names_the_database_when_it_cannot_be_reached(client, index_folder, caplog):
    # No django_db mark: pytest-django refuses every query, as a database that is down would.
    with caplog.at_level(logging.ERROR, logger="newsroom.health"):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "failed", "search": "ok"}
    assert "health check: database failed" in caplog.text


@pytest.mark.django_db
def test_healthz_says_the_index_is_missing_and_does_not_create_one(client, index_folder, caplog):
    from articles import search

    article = published_article("Ain al-Asad base")
    search.index_articles([article.id])
    assert client.get("/healthz").json() == {"database": "ok", "search": "ok"}
    index_folder.rename(index_folder.with_name("moved-away"))

    with caplog.at_level(logging.ERROR, logger="newsroom.health"):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"database": "ok", "search": "index missing"}
    assert not index_folder.exists(), "the health check created a new, empty index"
    assert "health check: search: index missing" in caplog.text
    assert str(index_folder) in caplog.text
    assert str(index_folder) not in response.content.decode()


@pytest.mark.django_db
def test_healthz_reads_an_index_written_before_its_analyzers_moved(client, index_folder):
    """Whoosh stores an index's schema pickled, each analyzer named by its module path; the
    restructure moved them (articles.search_whoosh -> articles.search.analysis). The health
    check opens the index with the code's schema, as searches do, not the stored one."""
    from articles import search

    old_path = "articles.search_whoosh"
    old_module = types.ModuleType(old_path)
    tokenizer = type("StemmingTokenizer", (RegexTokenizer,), {"__module__": old_path})
    old_module.StemmingTokenizer = tokenizer
    sys.modules[old_path] = old_module
    try:
        schema = wf.Schema(id=wf.ID(stored=True, unique=True), text=wf.TEXT(analyzer=tokenizer()))
        old_index = FileStorage(str(index_folder / "current")).create_index(schema)
        with old_index.writer() as writer:
            writer.add_document(id="articles.article.1", text="Troops at Ain al-Asad")
    finally:
        del sys.modules[old_path]
    with pytest.raises(ModuleNotFoundError):  # the stored schema names a module now gone
        FileStorage(str(index_folder / "current"), readonly=True).open_index()

    assert search.probe_index() == 1
    assert client.get("/healthz").json() == {"database": "ok", "search": "ok"}


@pytest.mark.django_db
def test_healthz_says_the_index_is_empty_while_articles_are_published(client, index_folder):
    published_article("Troops at Ain al-Asad")
    published_article("Pentagon statement")
    Article.objects.create(headline="Withdrawn", body="x", fingerprint="f" * 64, is_published=False)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"database": "ok", "search": "index empty, 2 published articles"}


@pytest.mark.django_db
def test_healthz_says_failed_when_the_index_cannot_be_read(client, index_folder, caplog):
    [toc] = (index_folder / "current").glob("*.toc")
    toc.write_bytes(b"not a table of contents")

    with caplog.at_level(logging.ERROR, logger="newsroom.health"):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"database": "ok", "search": "failed"}
    assert "health check: search failed" in caplog.text


@whoosh_only
@pytest.mark.django_db
def test_healthz_names_the_search_index_when_its_folder_is_a_file(
    client, settings, tmp_path, monkeypatch
):
    from haystack import connections

    not_a_folder = tmp_path / "index-is-a-file"
    not_a_folder.write_text("not an index")
    monkeypatch.setitem(settings.HAYSTACK_CONNECTIONS["default"], "PATH", str(not_a_folder))
    connections.reload("default")
    try:
        response = client.get("/healthz")
    finally:
        monkeypatch.undo()
        connections.reload("default")
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "search": "index missing"}
    assert "index-is-a-file" not in response.content.decode()


@pytest.mark.django_db
def test_healthz_is_not_redirected_to_https(client, settings, index_folder):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/").status_code == 301


@pytest.mark.django_db
def test_missing_page_is_our_404_without_details(client):
    response = client.get("/no/such/page/", {"q": "<script>alert(1)</script>"})
    assert response.status_code == 404
    page = response.content.decode()
    assert "Page not found" in page
    assert "front page" in page
    for leak in ("Traceback", "urlpatterns", "no/such/page", "<script>alert", "Resolver404"):
        assert leak not in page


@pytest.mark.django_db
def test_unknown_article_is_our_404(client):
    response = client.get("/articles/999999/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.urls(__name__)
@pytest.mark.django_db
def test_server_error_is_our_500_and_the_log_says_what_happened(client, caplog):
    client.raise_request_exception = False
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/boom/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong" in page
    assert "hunter2" not in page and "Traceback" not in page and "RuntimeError" not in page
    assert "Internal Server Error: /boom/" in caplog.text
    assert "hunter2" in caplog.text  # the traceback is in the log, for the operator
