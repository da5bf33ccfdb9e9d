"""The same search as JSON, as an Atom feed and as CSV of every result; escaping everywhere."""

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest

from .test_search_page import corpus_slice, imported

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
ALERT = "<script>alert(1)</script>"
ALERT_PAGE = f"""News   /   World

Troops {ALERT} arrive in Baghdad as Pentagon "reviews" plans

A convoy in Baghdad <img src=x onerror=alert(2)> on Sunday. (Photo by AFP)

The Pentagon said on Sunday that troops had arrived in Baghdad, the capital of Iraq. {ALERT} was \
written on a wall near the base & nobody knew who wrote it.

Officials in Washington said the deployment of troops to Iraq would last for months, according \
to a statement from the Pentagon.
"""


@pytest.fixture(scope="module")
def archive(django_db_setup, django_db_blocker, tmp_path_factory):
    """The corpus slice plus one page whose headline and body carry a script tag."""
    alert = tmp_path_factory.mktemp("pages") / "alert.txt"
    alert.write_text(ALERT_PAGE, encoding="utf-8")
    with imported(django_db_blocker, [*corpus_slice(), str(alert)]) as found:
        from articles.models import Article

        found.alert = Article.objects.get(headline__contains="alert(1)")
        yield found


def get_json(client, querystring):
    response = client.get(f"/search/?{querystring}", follow=True)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()


# --- JSON ---------------------------------------------------------------------------


def test_json_has_results_facets_and_suggestion(client, archive):
    data = get_json(client, "q=troops&format=json")
    assert {"query", "summary", "total", "page", "pages", "results", "facets", "suggestion"} <= set(
        data
    )
    assert data["query"]["q"] == "troops"
    assert data["total"] >= 2
    result = data["results"][0]
    assert {"id", "url", "headline", "headline_html", "snippet_html", "source", "published"} <= set(
        result
    )
    assert result["url"].startswith("http://testserver/articles/")
    assert set(data["facets"]) == {
        *("place", "org", "person", "source", "section", "year", "dates", "author")
    }
    place = data["facets"]["place"][0]
    assert set(place) >= {"slug", "name", "count"} and place["count"] >= 1
    assert "suggestion" in data


def test_json_facet_values_carry_slug_name_and_count(client, archive):
    data = get_json(client, "format=json")
    sources = {f["slug"]: f for f in data["facets"]["source"]}
    assert sources["press-tv"]["name"] == "Press TV"
    assert sources["press-tv"]["count"] == 1
    assert sources["bbc-news"]["count"] == 20


def test_json_without_facets_for_speed(client, archive):
    data = get_json(client, "q=troops&format=json&facets=off")
    assert data["facets"] == {}
    assert data["total"] == get_json(client, "q=troops&format=json")["total"]
    assert data["links"]["self"] == "http://testserver/search/?q=troops&format=json&facets=off"


def test_json_and_page_show_the_same_search(client, archive):
    data = get_json(client, "q=troops&place=iraq&format=json")
    page = client.get("/search/?q=troops&place=iraq").content.decode()
    assert f"— {data['total']} article" in page
    for result in data["results"]:
        assert f'href="/articles/{result["id"]}/' in page


def test_json_with_parameters_out_of_order_redirects_keeping_the_format(client, archive):
    response = client.get("/search/?format=json&place=iraq&q=troops")
    assert response.status_code == 301
    assert response["Location"] == "/search/?q=troops&place=iraq&format=json"


def test_json_reports_notes_for_ignored_input(client, archive):
    data = get_json(client, "q=troops&colour=red&place=atlantis&format=json")
    assert "Unknown filter 'colour' was ignored." in data["notes"]
    assert "No place called 'atlantis' in this archive, so no article matches." in data["notes"]
    assert data["total"] == 0 and data["query"]["include"] == {}
    assert data["unmatched"][0]["parameter"] == "place"
    assert data["unmatched"][0]["without"]["url"] == "http://testserver/search/?q=troops"


def test_json_pages_link_to_each_other(client, archive):
    first = get_json(client, "format=json")
    assert first["pages"] == -(-first["total"] // 20)
    assert first["links"]["next"] == "http://testserver/search/?page=2&format=json"
    second = get_json(client, "page=2&format=json")
    assert {r["id"] for r in second["results"]}.isdisjoint(r["id"] for r in first["results"])


# --- Atom -----------------------------------------------------------------------------


def test_feed_is_atom_for_the_same_filters(client, archive):
    response = client.get("/search/feed/?place=iraq&org=pentagon")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.find(f"{ATOM}title").text == "Pentagon in Iraq · Newsroom"
    entries = feed.findall(f"{ATOM}entry")
    expected = get_json(client, "place=iraq&org=pentagon&sort=newest&format=json")
    assert len(entries) == expected["total"]
    links = [e.find(f"{ATOM}link").get("href") for e in entries]
    assert links == [r["url"] for r in expected["results"]]


def test_format_atom_on_the_search_url_gives_the_same_feed(client, archive):
    by_path = client.get("/search/feed/?q=troops")
    by_format = client.get("/search/?q=troops&format=atom")
    assert by_format.status_code == 200
    assert by_format["Content-Type"] == by_path["Content-Type"]
    ids = [
        [e.find(f"{ATOM}id").text for e in ET.fromstring(r.content).findall(f"{ATOM}entry")]
        for r in (by_path, by_format)
    ]
    assert ids[0] == ids[1] and ids[0]


# --- CSV -------------------------------------------------------------------------------


def test_csv_exports_every_result_not_one_page(client, archive):
    response = client.get("/search/?format=csv")
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:5] == ["id", "published", "source", "section", "headline"]
    assert len(rows) - 1 == archive.total > 20
    assert len({row[0] for row in rows[1:]}) == archive.total


def test_csv_follows_the_filters(client, archive):
    response = client.get("/search/?source=bbc-news&format=csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 20
    assert {row["source"] for row in rows} == {"BBC News"}
    assert all(row["newsroom_url"].startswith("http://testserver/articles/") for row in rows)


# --- Escaping ----------------------------------------------------------------------------


def test_a_script_in_an_article_is_text_on_the_search_page(client, archive):
    page = client.get("/search/?q=nobody").content.decode()
    assert archive.alert.get_absolute_url() in page
    assert ALERT not in page
    assert "onerror=alert(2)>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_script_in_an_article_is_text_in_the_snippet_and_json(client, archive):
    data = get_json(client, "q=nobody&format=json")
    [hit] = [r for r in data["results"] if r["id"] == archive.alert.id]
    assert hit["headline"] == archive.alert.headline  # the raw text, for programs
    for html_field in ("headline_html", "snippet_html"):
        assert "<script" not in hit[html_field]
        assert "<img" not in hit[html_field]
    raw = client.get("/search/?q=nobody&format=json").content.decode()
    assert json.loads(raw) == data


def test_a_script_in_an_article_is_escaped_in_the_feed(client, archive):
    response = client.get("/search/feed/?q=nobody")
    body = response.content.decode()
    assert ALERT not in body
    entry = [
        e
        for e in ET.fromstring(response.content).findall(f"{ATOM}entry")
        if e.find(f"{ATOM}title").text == archive.alert.headline
    ][0]
    summary = entry.find(f"{ATOM}summary")
    assert summary.get("type") == "html"
    assert "<script" not in summary.text  # the HTML a reader renders has no script tag


def test_a_script_in_an_article_is_text_on_the_article_page(client, archive):
    page = client.get(archive.alert.get_absolute_url()).content.decode()
    assert ALERT not in page
    assert "<img src=x" not in page
    assert "Troops &lt;script&gt;alert(1)&lt;/script&gt; arrive in" in page
    assert "&amp; nobody knew" in page


def test_csv_cells_that_look_like_formulas_are_defused():
    from articles.pages.search_formats import csv_cell as _csv_cell

    assert _csv_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert _csv_cell("-10") == "'-10"
    assert _csv_cell("Reuters") == "Reuters"
