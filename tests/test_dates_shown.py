"""Inferred dates shown as such everywhere, counted apart by the timeline and the "dates"
filter, never presented as published; an editor's date stands (issue 20, item 1)."""

import csv
import io
import xml.etree.ElementTree as ET
from datetime import date

import pytest
from haystack import connections

from articles import search
from articles.ingest import reextract_article
from articles.ingest.dating import date_archive
from articles.models import Article, Source
from articles.search import SearchRequest, search_articles
from articles.search.haystack_engine import HaystackSearchEngine

from .test_corrections import _article_form

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def dated(clean_index):
    """Four articles on oil: published, inferred to a month, inferred to a day, undated."""
    outlet = Source.objects.create(name="Tehran Times", slug="tehran-times")
    made = {}

    def article(key, headline, **fields):
        made[key] = Article.objects.create(
            source=outlet,
            headline=headline,
            slug=key,
            body=f"{headline}. Oil prices rose.",
            fingerprint=key,
            **fields,
        )

    article("stated", "Oil exports rise", published=date(2019, 3, 5))
    article(
        "month",
        "Oil minister visits Caracas",
        date=date(2019, 3, 18),
        date_source="sequence",
        date_precision="month",
        date_evidence="Its article number lies between numbers dated 14 Mar 2019 and 20 Mar 2019.",
    )
    article(
        "day",
        "Oil tanker seized",
        date=date(2019, 3, 27),
        date_source="dateline",
        date_precision="day",
        date_evidence="Its dateline (TEHRAN, March 27), the year from its article number.",
    )
    article("undated", "Oil and gas fair opens")
    search.index_articles(a.pk for a in made.values())
    return made


def test_article_page_says_how_an_inferred_date_was_obtained(client, dated):
    page = client.get(dated["month"].get_absolute_url()).content.decode()
    assert "about March 2019 (inferred from its place among the outlet" in page
    assert "How the date was inferred: Its article number lies between" in page
    assert "article:published_time" not in page  # no published date to claim
    stated = client.get(dated["stated"].get_absolute_url()).content.decode()
    assert '<time datetime="2019-03-05">5 March 2019</time>' in stated
    assert 'article:published_time" content="2019-03-05"' in stated


def test_results_mark_inferred_dates(client, dated):
    page = client.get("/search/?q=oil").content.decode()
    assert '<time class="date-inferred" datetime="2019-03-18" title="Inferred: Its article' in page
    assert ">about Mar 2019</time>" in page
    assert ">27 Mar 2019 (inferred)</time>" in page
    assert '<time datetime="2019-03-05">5 Mar 2019</time>' in page


def test_json_keeps_published_for_published_dates_and_says_how_others_were_found(client, dated):
    data = client.get("/search/?q=oil&format=json").json()
    by_id = {r["id"]: r for r in data["results"]}
    month = by_id[dated["month"].pk]
    assert month["published"] is None
    assert month["date"] == {
        "value": "2019-03-18",
        "source": "sequence",
        "precision": "month",
        "inferred": True,
        "text": "about March 2019 (inferred from its place among the outlet’s article numbers)"
        if "’" in month["date"]["text"]
        else month["date"]["text"],
        "evidence": dated["month"].date_evidence,
    }
    assert month["date"]["text"].startswith("about March 2019 (inferred from")
    stated = by_id[dated["stated"].pk]
    assert stated["published"] == "2019-03-05" and stated["date"]["inferred"] is False
    assert by_id[dated["undated"].pk]["date"] is None
    facet = [{k: v for k, v in value.items() if k != "url"} for value in data["facets"]["dates"]]
    assert facet == [
        {"slug": "inferred", "name": "Inferred", "count": 2, "selected": False, "excluded": False},
        {
            "slug": "published",
            "name": "Published",
            "count": 1,
            "selected": False,
            "excluded": False,
        },
    ]
    # each count is what its link finds (issue 18 item 3)
    for value in data["facets"]["dates"]:
        assert client.get(value["url"] + "&format=json").json()["total"] == value["count"]
    periods = [p for p in data["timeline"]["periods"] if p["count"]]
    assert [(p["start"], p["count"], p["inferred"]) for p in periods] == [
        ("2019-03-05", 1, 0),
        ("2019-03-18", 1, 1),
        ("2019-03-27", 1, 1),
    ]
    assert data["timeline"]["inferred"] == 2 and data["timeline"]["undated"] == 1


def test_csv_leaves_published_empty_for_an_inferred_date(client, dated):
    response = client.get("/search/?q=oil&format=csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    month = next(r for r in rows if r["id"] == str(dated["month"].pk))
    assert (month["published"], month["date"], month["date_source"], month["date_precision"]) == (
        "",
        "2019-03-18",
        "sequence",
        "month",
    )
    stated = next(r for r in rows if r["id"] == str(dated["stated"].pk))
    assert (stated["published"], stated["date_source"]) == ("2019-03-05", "published")


def test_atom_publishes_only_published_dates_and_says_the_others(client, dated):
    feed = ET.fromstring(client.get("/search/?q=oil&format=atom").content)
    entries = {e.findtext(f"{ATOM}title"): e for e in feed.iter(f"{ATOM}entry")}
    assert entries["Oil exports rise"].findtext(f"{ATOM}published").startswith("2019-03-05")
    month = entries["Oil minister visits Caracas"]
    assert month.find(f"{ATOM}published") is None
    assert "Date: about March 2019 (inferred from" in month.findtext(f"{ATOM}summary")
    assert month.findtext(f"{ATOM}updated")


@pytest.mark.parametrize("engine", ["fast", "generic"])
def test_dates_filter_and_timeline_count_inferred_dates_apart(dated, engine, monkeypatch):
    if engine == "generic":  # as on Elasticsearch and Solr
        monkeypatch.setattr(
            search.service, "current_engine", lambda: HaystackSearchEngine(connections["default"])
        )

    def found(**include):
        response = search_articles(SearchRequest(q="oil", include=include, timeline="day"))
        return {h.article_id for h in response.hits}, response.timeline

    everything, timeline = found()
    assert len(everything) == 4
    assert sum(timeline.inferred) == 2 and timeline.undated == 1
    published, timeline = found(dates=("published",))
    assert published == {dated["stated"].pk}
    assert sum(timeline.inferred) == 0
    inferred, _ = found(dates=("inferred",))
    assert inferred == {dated["month"].pk, dated["day"].pk}
    leaving_out = search_articles(SearchRequest(q="oil", exclude={"dates": ("inferred",)}))
    assert {h.article_id for h in leaving_out.hits} == {dated["stated"].pk, dated["undated"].pk}


def test_the_timeline_draws_and_names_the_inferred_part(client, dated):
    page = client.get("/search/?q=oil").content.decode()
    assert 'class="bar-inferred"' in page
    assert "2 with an inferred date" in page
    assert "?q=oil&amp;dates=published" in page  # published dates only
    assert "1 article, 1 with an inferred date" in page


def test_an_unknown_kind_of_date_finds_nothing_with_a_note(client, dated):
    # A filter value that names nothing never shows the unfiltered archive (issue 18 item 2).
    data = client.get("/search/?q=oil&dates=guessed&format=json").json()
    assert data["total"] == 0
    assert any("'guessed' is not a kind of date, so no article matches" in n for n in data["notes"])
    (unmatched,) = data["unmatched"]
    assert unmatched["without"]["count"] == 4


# --- editors ----------------------------------------------------------------------------


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_superuser("editor", "editor@example.org", "pw")


def test_an_editors_date_survives_redating_and_reextraction(client, editor, dated, shared):
    from .conftest import SEED

    article = dated["month"]
    article.original_text = SEED.read_text(encoding="utf-8")
    article.original_format = "text"
    article.save()
    client.force_login(editor)
    response = client.post(
        f"/admin/articles/article/{article.pk}/change/",
        _article_form(article, date="2019-04-02", date_precision="day"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    article.refresh_from_db()
    assert (article.date, article.date_source, article.date_precision) == (
        date(2019, 4, 2),
        "editor",
        "day",
    )
    assert "date" in article.locked_fields and "Set by editor." == article.date_evidence

    date_archive()
    reextract_article(article)

    article.refresh_from_db()
    assert (article.date, article.date_source) == (date(2019, 4, 2), "editor")
    page = client.get(article.get_absolute_url()).content.decode()
    assert "2 April 2019 (date set by an editor)" in page


def test_the_admin_refuses_an_impossible_date_with_a_message(client, editor, dated):
    article = dated["stated"]
    client.force_login(editor)
    response = client.post(
        f"/admin/articles/article/{article.pk}/change/",
        _article_form(article, date="9999-12-31", date_precision="day"),
    )
    assert response.status_code == 200
    assert "9999-12-31 cannot be when an article appeared" in response.content.decode()
    article.refresh_from_db()
    assert article.date == date(2019, 3, 5)
