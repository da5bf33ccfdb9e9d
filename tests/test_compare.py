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
            assert share == (count / period["all"] if period["all"] else None)
    charts = re.findall(r'<svg class="compare-chart".*?</svg>', page, re.S)
    assert len(charts) == 2 and all(c.count('class="series-line series-') == 2 for c in charts)


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
    assert ["2020-01-01", "2020-01-31", "2", "2", "1", "0", "0"] in rows


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


# --- Researchers' series (issue 18): a line per outlet, a chosen period, precise shares ------


def test_a_line_per_outlet_counts_each_outlets_share_of_its_own_articles(client, newsroom):  # noqa: F811
    data = client.get("/compare/?q=troops&by=source&format=json").json()
    assert data["by"] == "source" and data["share_of"] == "of the outlet's articles in the month"
    assert [(s["label"], s["total"]) for s in data["series"]] == [("Reuters", 3), ("Press TV", 1)]
    assert [s["source"]["slug"] for s in data["series"]] == ["reuters", "press-tv"]
    assert data["series"][0]["url"] == "http://testserver/search/?q=troops&source=reuters"
    for period in data["periods"]:
        for n, (count, of, share, url) in enumerate(
            zip(period["counts"], period["of"], period["shares"], period["urls"], strict=True)
        ):
            outlet = data["series"][n]["source"]["slug"]
            assert total_of(client, url) == count
            every = url.replace("q=troops&", "")  # the outlet's own articles in the period
            assert f"source={outlet}" in every and total_of(client, every) == of
            assert share == (count / of if of else None)
    january = next(p for p in data["periods"] if p["start"] == "2020-01-01")
    assert january["counts"] == [1, 1] and january["of"] == [1, 1]
    page = text(client.get("/compare/?q=troops&by=source"))
    assert "Compare outlets over time" in page and "one line per outlet" in page
    assert '<a href="/search/?q=troops&source=press-tv">Press TV</a>' in page
    assert '<a href="/compare/?q=troops">One line per search</a>' in page
    assert '<a href="/compare/?q=troops&by=source">One line per outlet</a>' in text(
        client.get("/compare/?q=troops")
    )
    chosen = client.get("/compare/?q=troops&source=press-tv&by=source&format=json").json()
    assert [s["label"] for s in chosen["series"]] == ["Press TV"]


def test_a_line_per_outlet_as_csv_says_what_each_share_is_of(client, newsroom):  # noqa: F811
    response = client.get("/compare/?q=troops&by=source&period=year&format=csv")
    assert (
        'filename="newsroom-compare-troops-by-outlet-per-year.csv"'
        in (response["Content-Disposition"])
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "period_start",
        "period_end",
        "all_articles",
        "Reuters (articles)",
        "Reuters (outlet's articles)",
        "Reuters (share)",
        "Press TV (articles)",
        "Press TV (outlet's articles)",
        "Press TV (share)",
    ]
    assert rows[1:] == [
        ["2018-01-01", "2018-12-31", "1", "1", "1", "1", "0", "0", ""],
        ["2019-01-01", "2019-12-31", "1", "0", "0", "", "0", "1", "0"],
        ["2020-01-01", "2020-12-31", "2", "1", "1", "1", "1", "1", "1"],
        ["2021-01-01", "2021-12-31", "1", "1", "1", "1", "0", "0", ""],
    ]


@pytest.mark.parametrize(
    ("query", "unit", "first", "label"),
    [
        ("q=troops&period=year", "year", "2018-01-01", "2018"),
        ("q=troops&period=month", "month", "2018-01-01", "Jan 2018"),
        ("q=troops&from=2020-01-01&to=2020-01-31&period=week", "week", "2019-12-30", None),
        ("q=troops&from=2020-01-05&to=2020-03-31&period=day", "day", "2020-01-05", None),
    ],
)
def test_the_period_is_chosen_and_each_point_is_what_its_link_finds(
    client,
    newsroom,  # noqa: F811
    query,
    unit,
    first,
    label,
):
    data = client.get(f"/compare/?{query}&format=json").json()
    assert data["unit"] == unit and data["period"] == unit
    assert data["periods"][0]["start"] == first
    for period in data["periods"]:
        for count, url in zip(period["counts"], period["urls"], strict=True):
            assert total_of(client, url) == count
    assert (
        sum(p["counts"][0] for p in data["periods"])
        == data["series"][0]["total"] - (data["series"][0]["undated"])
    )
    if unit == "week":
        assert len(data["periods"]) == 1 and data["periods"][0]["end"] == "2020-01-05"
        assert data["periods"][0]["counts"] == [2]
        assert "Week of 30 Dec 2019" in text(client.get(f"/compare/?{query}"))
    if label:
        assert f'<th scope="row">{label}</th>' in text(client.get(f"/compare/?{query}"))


def test_more_periods_than_a_comparison_shows_are_drawn_coarser_with_a_note(
    client,
    newsroom,  # noqa: F811
    monkeypatch,
):
    from articles.pages import compare

    monkeypatch.setattr(compare, "MAX_PERIODS", 100)
    data = client.get("/compare/?q=troops&period=day&format=json").json()
    assert data["unit"] == "month" and data["period"] == "day"
    assert data["notes"] == [
        "These articles span 1,277 days: more than the 100 a comparison shows. "
        "Shown per month; narrow the dates (from, to) to see them per day."
    ]
    assert "These articles span 1,277 days" in text(client.get("/compare/?q=troops&period=day"))


@pytest.mark.parametrize(
    ("querystring", "message"),
    [
        ("q=troops&period=fortnight", "Unknown period 'fortnight': use day, week, month or year."),
        ("q=troops&by=party", "Unknown line 'party': use by=source for a line per outlet."),
        ("q=troops&q=oil&by=source", "A line per outlet splits one search: “oil” was left out."),
        ("q=troops&by=source&source=daily-planet", "No outlet called 'daily-planet' in this"),
        ("q=troops&by=source&source=reuter", "Outlet: Reuters"),
    ],
)
def test_bad_series_input_gets_a_clear_message(client, newsroom, querystring, message):  # noqa: F811
    for fmt in ("", "&format=json", "&format=csv"):
        response = client.get(f"/compare/?{querystring}{fmt}")
        assert response.status_code == 200, (querystring, fmt)
    assert message in text(client.get(f"/compare/?{querystring}"))


def test_outlet_is_taken_for_source_in_the_link(client, newsroom):  # noqa: F811
    response = client.get("/compare/?q=troops&by=outlet&period=week")
    assert response.status_code == 301
    assert response["Location"] == "/compare/?q=troops&by=source&period=week"


@pytest.mark.parametrize(
    ("share", "shown"),
    [
        (None, ""),
        (0, "0%"),
        (1, "100%"),
        (0.5, "50%"),
        (0.123, "12%"),
        (0.0123, "1.2%"),
        (0.00042, "0.042%"),
        (0.0000042, "0.00042%"),
        (1 / 66265, "0.0015%"),
    ],
)
def test_shares_keep_two_significant_digits(share, shown):
    from articles.pages.compare import share_text

    assert share_text(share) == shown


def test_the_generic_engine_splits_by_outlet_and_week_alike(client, newsroom, generic):  # noqa: F811
    data = client.get(
        "/compare/?q=troops&from=2020-01-01&to=2020-01-31&by=source&period=week&format=json"
    ).json()
    assert [s["label"] for s in data["series"]] == ["Press TV", "Reuters"]
    assert data["periods"][0]["start"] == "2019-12-30" and data["periods"][0]["counts"] == [1, 1]


# --- How the charts read (issue 17, "Compare looks unfinished") -----------------------------


def chart_parts(page: str) -> list[dict]:
    """Each chart's tick labels, grid lines, line paths and marker paths."""
    out = []
    for box in re.findall(r'<div class="compare-plot.*?</svg>', page, re.S):
        out.append(
            {
                "ticks": re.findall(r'<li class="tick-\d+">([^<]+)</li>', box),
                "grid": re.findall(r'<line x1="0" x2="600" y1="([\d.]+)"', box),
                "lines": re.findall(r'<path class="series-line series-(\d)" d="([^"]*)"', box),
                "markers": re.findall(r'<path class="series-marker series-(\d)" d="([^"]*)"', box),
            }
        )
    return out


def test_charts_have_a_labelled_scale_and_a_marker_per_series(client, newsroom):  # noqa: F811
    page = html.unescape(client.get("/compare/?q=troops&q=oil&period=year").content.decode())
    counts, shares = chart_parts(page)
    assert counts["ticks"] == ["0", "1", "2"]  # the most in a year is 2
    assert shares["ticks"] == ["0%", "20%", "40%", "60%", "80%", "100%"]
    assert counts["grid"] == ["180.0", "90.0", "0.0"]
    assert [n for n, _ in counts["lines"]] == ["1", "2"]
    marked = [n for n, _ in counts["markers"]]
    assert marked.count("1") == 3 and marked.count("2") == 3  # a marker per year with articles
    shapes = dict(counts["markers"])
    assert "a3.2" in shapes["1"] and "h6v6" in shapes["2"]  # circles, squares
    assert "drawn as steps" not in page  # few empty years: lines
    keys = re.findall(r'<svg class="legend-key".*?</svg>', page, re.S)
    assert len(keys) == 2 and "a3.2" in keys[0] and "h6v6" in keys[1]
    assert 'preserveAspectRatio="none"' not in page  # markers and labels keep their shape


def test_sparse_series_are_drawn_as_steps_and_empty_periods_as_gaps(client, newsroom):  # noqa: F811
    page = html.unescape(client.get("/compare/?q=troops&q=oil").content.decode())
    counts, shares = chart_parts(page)
    assert "drawn as steps: many months have none" in page  # 42 months, 5 with articles
    troops = dict(counts["lines"])["1"]
    assert troops.startswith("M0.0 ") and troops.count("M") == 1 and "H" in troops
    # No article at all in most months: no share to draw there, a gap, not a fall to nought.
    share = dict(shares["lines"])["1"]
    assert share.count("M") == 4 and "L" not in share.replace("H", "")


def test_the_table_scrolls_in_a_labelled_region_that_says_so(client, newsroom):  # noqa: F811
    page = html.unescape(client.get("/compare/?q=troops&by=source").content.decode())
    assert (
        '<div class="table-scroll" role="region" aria-label="Articles per month for each '
        'outlet, scrolls sideways" aria-describedby="compare-table-hint" tabindex="0">' in page
    )
    assert '<p class="scroll-hint meta" id="compare-table-hint">' in page
    assert '<link rel="stylesheet" href="/static/css/compare.css">' in page
