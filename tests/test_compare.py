"""/compare/: up to four searches on one timeline, as counts and shares; JSON and CSV."""

from __future__ import annotations

import csv
import html
import io
import re

import pytest

from .test_pictures import total_of
from .test_search_backends import generic  # noqa: F401  (fixture)
from .test_search_engine import newsroom  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def cells(page: str) -> list[tuple[str, int]]:
    return [
        (html.unescape(url), int(count))
        for url, count in re.findall(
            r'<a href="([^"]+)" class="compare-count" data-count="(\d+)">', page
        )
    ]


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_each_count_is_what_its_link_finds_and_shares_are_of_all_articles(
    client,
    newsroom,  # noqa: F811
):
    response = client.get("/compare/?q=troops&q=oil")
    assert response.status_code == 200
    page = response.content.decode()
    shown = cells(page)
    assert shown
    for url, count in shown:
        assert url.startswith("/search/?q=") and "from=" in url and "to=" in url
        assert total_of(client, url) == count
    data = client.get("/compare/?q=troops&q=oil&format=json").json()
    assert data["queries"] == ["troops", "oil"] and data["unit"] == "month"
    assert [s["total"] for s in data["series"]] == [4, 3]
    january = next(p for p in data["periods"] if p["start"] == "2020-01-01")
    assert january["all"] == 2 and january["counts"] == [2, 1] and january["shares"] == [1.0, 0.5]
    for period in data["periods"]:
        for count, share in zip(period["counts"], period["shares"], strict=True):
            assert share == (round(count / period["all"], 6) if period["all"] else None)
    assert page.count('class="series-line series-') == 4  # two lines in each of two charts


def test_filters_apply_to_every_search(client, newsroom):  # noqa: F811
    data = client.get("/compare/?q=troops&q=oil&source=reuters&format=json").json()
    assert [s["total"] for s in data["series"]] == [3, 1]
    assert data["all_articles"] == 3
    assert data["series"][0]["url"] == "http://testserver/search/?q=troops&source=reuters"


def test_the_url_is_canonical(client, newsroom):  # noqa: F811
    moved = client.get("/compare/?source=reuters&q=troops&q=oil&q=Troops&q=")
    assert moved.status_code == 301
    assert moved["Location"] == "/compare/?q=troops&q=oil&source=reuters"
    assert client.get(moved["Location"]).status_code == 200
    # The searches keep the order they were written in: it is the legend's.
    assert client.get("/compare/?q=oil&q=troops").status_code == 200


@pytest.mark.parametrize(
    ("querystring", "message"),
    [
        ("q=a&q=b&q=c&q=d&q=e", "Compare up to four searches at once: “e” was left out."),
        (
            "q=troops&from=2021-01-01&to=2020-01-01",
            "The start date was after the end date, so the two were swapped.",
        ),
        ("q=troops&to=10000-01-01", "The end date '10000-01-01' is not a date"),
        ("q=troops&place=atlantis", "No place called 'atlantis' in this archive"),
        ("q=troops&page=2", "“page” does not apply to a comparison and was ignored."),
        ("q=troops&format=pdf", "Unknown format 'pdf' was ignored: use json or csv."),
    ],
)
def test_bad_input_gets_a_clear_message(client, newsroom, querystring, message):  # noqa: F811
    response = client.get(f"/compare/?{querystring}")
    assert response.status_code == 200
    assert message in text(response)


def test_a_fifth_search_is_left_out_of_the_json_too(client, newsroom):  # noqa: F811
    data = client.get("/compare/?q=a&q=b&q=c&q=d&q=e&format=json").json()
    assert data["queries"] == ["a", "b", "c", "d"]
    assert any("left out" in note for note in data["notes"])


def test_csv_has_a_row_per_period_and_cannot_inject_formulas(client, newsroom):  # noqa: F811
    response = client.get("/compare/?q=troops&q=%3DHYPERLINK(1)&format=csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:5] == [
        "period_start",
        "period_end",
        "all_articles",
        "troops (articles)",
        "troops (share)",
    ]
    assert rows[0][5].startswith("'=")
    assert len(rows) - 1 == 42  # Jan 2018 to Jun 2021
    assert ["2020-01-01", "2020-01-31", "2", "2", "1.000000", "0", "0.000000"] in rows


def test_the_empty_comparison_explains_itself(client, newsroom):  # noqa: F811
    page = text(client.get("/compare/"))
    assert "Write up to four searches" in page
    assert page.count('id="cq') == 4


def test_the_search_page_links_to_a_comparison_of_its_search(client, newsroom):  # noqa: F811
    page = text(client.get("/search/?q=troops&place=iraq"))
    assert '<a href="/compare/?q=troops&place=iraq">Compare over time</a>' in page


def test_the_generic_engine_compares_alike(client, newsroom, generic):  # noqa: F811
    data = client.get("/compare/?q=troops&q=oil&format=json").json()
    assert data["unit"] == "month"
    assert [s["total"] for s in data["series"]] == [4, 3]
    january = next(p for p in data["periods"] if p["start"] == "2020-01-01")
    assert january["counts"] == [2, 1]
