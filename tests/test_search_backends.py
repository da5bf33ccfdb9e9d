"""Backend selection, the committed Solr configset, and the generic SearchQuerySet path."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from haystack import connections

from articles import search
from articles.models import Article
from articles.search import SearchRequest, search_articles
from articles.search.haystack_engine import HaystackSearchEngine
from articles.search.types import EngineQuery
from articles.search.vocabulary import FILTER_FIELDS
from newsroom.search_config import SearchURLError, haystack_connections

from .conftest import whoosh_only
from .test_search_engine import (  # noqa: F401  (fixture)
    assert_counts_are_what_a_click_finds,
    ids,
    newsroom,
)

FIELDS = {"text", "headline", "article_id", "published", "updated_at"}
FACETS = set(FILTER_FIELDS)


# --- SEARCH_URL ----------------------------------------------------------------------------


def test_default_is_whoosh_under_the_data_folder():
    conf = haystack_connections("", Path("/data"))["default"]
    assert conf["ENGINE"] == "articles.search.whoosh.backend.NewsroomWhooshEngine"
    assert conf["PATH"] == "/data/whoosh"
    assert conf["INCLUDE_SPELLING"] is False  # Whoosh's corrector: 5.5 s per query
    assert conf["LOCK_TIMEOUT"] == 60


def test_writer_lock_wait_is_configurable(monkeypatch):
    monkeypatch.setenv("NEWSROOM_SEARCH_LOCK_TIMEOUT", "5")
    assert haystack_connections("", Path("/data"))["default"]["LOCK_TIMEOUT"] == 5


def test_whoosh_url_with_a_path():
    conf = haystack_connections("whoosh:///srv/index", Path("/data"))["default"]
    assert conf["PATH"] == "/srv/index"


def test_solr_url_lists_every_node_and_the_alias():
    conf = haystack_connections("solr://a:8983,b:8983/solr/news?shards=3", Path("/d"))["default"]
    assert conf["ENGINE"] == "articles.search.cluster.NewsroomSolrEngine"
    assert conf["URLS"] == ["http://a:8983/solr/news", "http://b:8983/solr/news"]
    assert conf["URL"] == "http://a:8983/solr/news"
    assert (conf["ALIAS"], conf["SHARDS"], conf["REPLICAS"]) == ("news", 3, 2)


def test_elasticsearch_url_says_to_use_solr():
    with pytest.raises(SearchURLError, match="Elasticsearch is no longer supported.*solr://"):
        haystack_connections("elasticsearch://es:9200/news", Path("/d"))


def test_unknown_scheme_says_what_is_supported():
    with pytest.raises(SearchURLError, match="use whoosh:// or solr://"):
        haystack_connections("mysql://x", Path("/d"))


@whoosh_only
def test_configured_engine_is_newsroom_whoosh():
    from articles.search.whoosh.backend import NewsroomWhooshSearchBackend

    assert isinstance(connections["default"].get_backend(), NewsroomWhooshSearchBackend)


# --- the committed Solr configset ----------------------------------------------------------------


def _searchfields():
    return connections["default"].get_unified_index().all_searchfields()


def _schema_fields() -> dict[str, dict[str, str]]:
    import xml.etree.ElementTree as ET

    from articles.search.solr.collections import CONFIGSET_DIR

    root = ET.parse(CONFIGSET_DIR / "schema.xml").getroot()
    return {f.get("name"): f.attrib for f in root.iter() if f.tag in ("field", "dynamicField")}


def test_solr_schema_has_every_field_the_article_index_declares():
    fields = _schema_fields()
    declared = {n for n in _searchfields() if not n.endswith("_exact")}
    assert declared | {"id", "django_ct", "django_id"} <= set(fields)
    assert {f"{facet}_exact" for facet in FACETS} <= set(_searchfields())
    exact = fields["*_exact"]  # the copy haystack sends for each facet: exact strings
    assert (exact["type"], exact["multiValued"], exact["docValues"]) == ("string", "true", "true")
    for facet in FACETS:
        assert fields[facet]["type"] == "string" and fields[facet]["multiValued"] == "true"
    assert fields["published"]["type"] == "pdate" and fields["article_id"]["type"] == "plong"
    assert fields["text"]["type"] == "text_newsroom"


def test_solr_stop_words_are_the_whoosh_analyzers():
    from articles.search.analysis import STOP_WORDS
    from articles.search.solr.collections import CONFIGSET_DIR

    lines = (CONFIGSET_DIR / "stopwords.txt").read_text().splitlines()
    assert {w for w in lines if w and not w.startswith("#")} == set(STOP_WORDS)


def _stop_word_char_filter() -> str:
    """The pattern schema.xml's char filter must have: every whole token Whoosh's StopFilter
    drops (a stop word, one written with dots that AcronymFilter joins, a single character)."""
    from articles.search.analysis import STOP_WORDS

    words = sorted(STOP_WORDS, key=lambda w: (-len(w), w))
    dotted = [r"\.".join(w) for w in words if len(w) > 1 and w.isalpha()]
    return r"(?i)(?<!\w)(?<!\w\.)(?:" + "|".join([*words, *dotted]) + r"|\w)(?!\w)(?!\.\w)"


def test_solr_text_types_drop_stop_words_before_numbering_them_as_whoosh_does():
    import xml.etree.ElementTree as ET

    from articles.search.solr.collections import CONFIGSET_DIR

    root = ET.parse(CONFIGSET_DIR / "schema.xml").getroot()
    types = {t.get("name"): t for t in root.iter("fieldType")}
    for name in ("text_newsroom", "text_words"):
        (char_filter,) = types[name].iter("charFilter")
        assert char_filter.get("pattern") == _stop_word_char_filter(), name


def test_the_stop_word_char_filter_closes_gaps_as_whoosh_does_on_corpus_text():
    """Whoosh renumbers the words after a dropped one; with the char filter first, Lucene's
    StopFilter (which keeps gaps, as renumber=False does here) sees no word to drop, so the
    words stand as far apart as in Whoosh (Java and Python read this pattern alike). Whoosh
    starts counting at its first word kept: what phrases compare is the distances."""
    import re

    from whoosh.analysis import LowercaseFilter, RegexTokenizer, StopFilter

    from articles.extraction.names import fold_text
    from articles.search.analysis import MIN_WORD_LENGTH, STOP_WORDS, AcronymFilter
    from articles.search.analysis import unstemmed_analyzer as whoosh

    from .conftest import CORPUS

    if not CORPUS.exists():
        pytest.skip("../shared/corpus is not beside the repository")
    lucene_like = (
        RegexTokenizer()
        | LowercaseFilter()
        | AcronymFilter()
        | StopFilter(stoplist=STOP_WORDS, minsize=MIN_WORD_LENGTH, renumber=False)
    )
    char_filter = re.compile(_stop_word_char_filter())
    texts = [p.read_text(encoding="latin-1") for p in sorted(CORPUS.glob("bbc_news/*/1*.txt"))]
    texts.append("Other A.N. and U.S. a.m. x.the the.5 ...of I B.B.C. THE End - o-f")
    assert len(texts) > 100

    def numbered(tokens) -> list[tuple[str, int]]:
        words = [(t.text, t.pos) for t in tokens]
        return [(word, pos - words[0][1]) for word, pos in words]

    for text in map(fold_text, texts):
        expected = numbered(whoosh()(text, positions=True))
        filtered = char_filter.sub("", text)
        assert numbered(lucene_like(filtered, positions=True)) == expected
        if text.startswith("other a.n."):
            assert expected[:4] == [("other", 0), ("us", 1), ("am", 2), ("x.the", 3)]


def test_the_configset_name_changes_with_its_files(tmp_path, monkeypatch):
    from articles.search.solr import collections

    before = collections.configset_name()
    for name, data in collections.configset_files().items():
        (tmp_path / name).write_bytes(data)
    monkeypatch.setattr(collections, "CONFIGSET_DIR", tmp_path)
    assert collections.configset_name() == before
    (tmp_path / "schema.xml").write_bytes(b"<schema/>")
    assert collections.configset_name() != before


def test_whoosh_schema_keeps_facets_as_exact_keywords(clean_index):
    from whoosh.fields import KEYWORD

    schema = clean_index.schema
    for facet in FACETS:
        assert isinstance(schema[f"{facet}_exact"], KEYWORD)
    assert not schema["text"].stored  # highlighting comes from the database


# --- the generic SearchQuerySet path, run on Whoosh --------------------------------------------


@pytest.fixture
def generic(monkeypatch):
    """Search as on Solr: no fast path, only SearchQuerySet."""
    monkeypatch.setattr(
        search.service, "current_engine", lambda: HaystackSearchEngine(connections["default"])
    )


@pytest.mark.django_db
def test_generic_path_words_phrases_exclusions_or(newsroom, generic):  # noqa: F811
    assert ids(search_articles(SearchRequest(q="Kata'ib"))) == {newsroom["kirkuk"].id}
    assert ids(search_articles(SearchRequest(q='"oil prices"'))) == {newsroom["biden"].id}
    assert newsroom["baghdad"].id not in ids(search_articles(SearchRequest(q="troops -pentagon")))
    assert ids(search_articles(SearchRequest(q="Tehran OR Kirkuk"))) == {
        newsroom["kirkuk"].id,
        newsroom["tehran"].id,
    }


@pytest.mark.django_db
def test_generic_path_filters_facets_dates_and_sort(newsroom, generic):  # noqa: F811
    response = search_articles(
        SearchRequest(include={"place": ("iraq",)}, exclude={"org": ("pentagon",)})
    )
    assert ids(response) == {newsroom["kirkuk"].id, newsroom["biden"].id}
    assert response.total == 2
    assert {f.value: f.count for f in response.facets["source"]} == {"press-tv": 1, "reuters": 1}
    dated = search_articles(SearchRequest(date_from=date(2020, 1, 3), date_to=date(2020, 1, 5)))
    assert ids(dated) == {newsroom["kirkuk"].id, newsroom["baghdad"].id}
    newest = search_articles(SearchRequest(q="troops", sort="newest")).hits
    assert newest[0].article_id == newsroom["biden"].id
    assert list(search.iter_result_ids(SearchRequest(q="troops", sort="newest")))[0] == (
        newsroom["biden"].id
    )


@pytest.mark.django_db
def test_generic_path_odd_queries(newsroom, generic):  # noqa: F811
    for q in ['"', "(", "AND", "*", "x" * 5000, "كتائب", ""]:
        assert search_articles(SearchRequest(q=q)).total >= 0


# --- haystack's own commands use the bulk document builder ---------------------------------------


@pytest.mark.django_db
def test_update_index_with_age_reindexes_recent_articles(newsroom):  # noqa: F811
    Article.objects.filter(pk=newsroom["tehran"].pk).update(headline="Saffron harvest")
    call_command("update_index", age=1, verbosity=0)
    assert ids(search_articles(SearchRequest(q="saffron"))) == {newsroom["tehran"].id}


@pytest.mark.django_db
def test_rebuild_search_index_command(newsroom, capsys):  # noqa: F811
    call_command("rebuild_search_index")
    assert "5 articles" in capsys.readouterr().out
    assert search_articles(SearchRequest()).total == 5


@pytest.mark.django_db
@pytest.mark.parametrize("sort", ["oldest", "newest"])
def test_generic_path_sorts_undated_articles_last(newsroom, generic, sort):  # noqa: F811
    undated = Article.objects.create(
        headline="Undated troops report", slug="undated", body="troops", fingerprint="undated"
    )
    search.index_articles([undated.id])
    everything = list(search.iter_result_ids(SearchRequest(q="troops", sort=sort)))
    assert len(everything) == 5 and everything[-1] == undated.id
    pages = [
        search_articles(SearchRequest(q="troops", sort=sort, page=p, per_page=2)) for p in (1, 2, 3)
    ]
    assert [h.article_id for page in pages for h in page.hits] == everything
    assert all(page.total == 5 for page in pages)


@pytest.mark.django_db
def test_generic_path_facets_are_disjunctive(newsroom, generic):  # noqa: F811
    counts = assert_counts_are_what_a_click_finds(SearchRequest(include={"source": ("reuters",)}))
    assert counts["source"] == {"reuters": 3, "press-tv": 2}
    assert counts["place"] == {"iraq": 2}
    counts = assert_counts_are_what_a_click_finds(
        SearchRequest(q="troops", include={"place": ("iraq",), "source": ("reuters",)})
    )
    assert counts["source"] == {"reuters": 2, "press-tv": 1}
    assert counts["place"] == {"iraq": 2}


# --- what the cluster backends are sent (no server: haystack builds the request) -------------


@contextmanager
def default_connection(search_url: str):
    """Point haystack's default connection at ``search_url`` for this thread."""
    info = connections.connections_info
    saved = info["default"]
    info["default"] = haystack_connections(search_url, Path("/nonexistent"))["default"]
    connections.reload("default")
    try:
        yield connections["default"].get_backend()
    finally:
        info["default"] = saved
        connections.reload("default")


def _request_kwargs(backend, include) -> dict:
    """The request search.py's haystack path makes, as the backend itself builds it."""
    from articles.search.query import parse_query

    engine = HaystackSearchEngine(connections["default"])
    sqs = engine._with_facets(
        engine._queryset(EngineQuery(parse_query("troops"), include), "newest"), FILTER_FIELDS
    )
    return backend.build_search_kwargs(sqs.query.build_query(), **sqs.query.build_params())


def test_solr_facet_parameters_take_only_solr_options():
    pytest.importorskip("pysolr")
    with default_connection("solr://127.0.0.1:9/solr/newsroom") as backend:
        params = _request_kwargs(backend, {"place": ("iraq",)})
    assert params["facet"] == "on"
    assert set(params["facet.field"]) == {f"{name}_exact" for name in FILTER_FIELDS}
    options = {key.rsplit(".", 1)[-1] for key in params if key.startswith("f.")}
    assert options == {"limit", "mincount"}
    assert all(params[f"f.{f}_exact.facet.limit"] == "-1" for f in FILTER_FIELDS)


@pytest.mark.django_db
def test_a_cluster_that_does_not_answer_says_search_is_unavailable(newsroom, client):  # noqa: F811
    pytest.importorskip("pysolr")
    with default_connection("solr://127.0.0.1:9/solr/newsroom"):  # nothing listens on 9
        with pytest.raises(search.SearchUnavailable):
            search_articles(SearchRequest(q="troops"))
        page = client.get("/search/?q=troops")
        as_json = client.get("/search/?q=troops&format=json")
    assert page.status_code == 503
    text = page.content.decode()
    assert "Search is unavailable right now" in text
    assert "No articles match" not in text
    assert as_json.status_code == 503 and "unavailable" in as_json.json()["error"]


@pytest.mark.django_db
def test_generic_path_counts_articles(newsroom, generic):  # noqa: F811
    from .test_search_engine import COUNTED

    for request in COUNTED:
        assert search.count_articles(request) == search_articles(request).total


@pytest.mark.django_db
def test_a_cluster_write_that_fails_raises_so_the_index_queue_retries_it(newsroom):  # noqa: F811
    pytest.importorskip("pysolr")
    from articles.models import Article, IndexTask
    from articles.search import queue

    article = Article.objects.filter(is_published=True).first()
    with default_connection("solr://127.0.0.1:9/solr/newsroom"):  # nothing listens on 9
        with pytest.raises(Exception):  # noqa: B017 - the client's connection error
            search.index_articles([article.pk])
        with pytest.raises(Exception):  # noqa: B017
            search.remove_articles([article.pk])
        IndexTask.objects.all().delete()
        queue.enqueue([article.pk])
        assert queue.drain() == 0
    task = IndexTask.objects.get(article_id=article.pk)
    assert task.attempts == 1 and task.last_error  # kept for a retry, not dropped as done


@pytest.mark.django_db
@pytest.mark.parametrize("engine", ["whoosh", "generic"])
def test_undated_articles_are_the_year_value_undated_on_both_engines(
    newsroom,  # noqa: F811
    monkeypatch,
    engine,
):
    if engine == "generic":
        monkeypatch.setattr(
            search.service, "current_engine", lambda: HaystackSearchEngine(connections["default"])
        )
    undated = Article.objects.create(
        headline="Undated troops report", slug="undated", body="troops", fingerprint="undated"
    )
    search.index_articles([undated.id])
    everything = search_articles(SearchRequest(q="troops"))
    years = {f.value: f.count for f in everything.facets["year"]}
    assert years["undated"] == 1 and sum(years.values()) == everything.total
    only = SearchRequest(q="troops", include={"year": ("undated",)})
    assert ids(search_articles(only)) == {undated.id}
    counts = assert_counts_are_what_a_click_finds(only)
    assert counts["year"] == years  # the year group is counted without its own selection
    left_out = search_articles(SearchRequest(q="troops", exclude={"year": ("undated",)}))
    assert left_out.total == everything.total - 1 and undated.id not in ids(left_out)
    either = SearchRequest(q="troops", include={"year": ("undated", "2021")})
    assert search.count_articles(either) == 1 + years["2021"]
