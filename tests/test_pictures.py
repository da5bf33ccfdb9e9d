"""The search page's pictures: the timeline and the map, their links, their JSON."""

from __future__ import annotations

import html
import re
from datetime import date
from urllib.parse import urlsplit

import pytest

from articles.forms.search import SearchParams

from .conftest import CORPUS, SEED
from .test_search_page import as_json, imported

pytestmark = pytest.mark.django_db

HUFFPOST = CORPUS / "huffpost_2018_2022" / "News_Category_Dataset_v3.head.jsonl"


@pytest.fixture(scope="module")
def archive(django_db_setup, django_db_blocker, tmp_path_factory):
    """The seed, 40 HuffPost articles from 2018 to 2022 and 5 undated BBC articles."""
    if not CORPUS.exists():
        pytest.skip("../shared/corpus is not beside the repository")
    lines = HUFFPOST.read_text(encoding="utf-8").splitlines()[::250][:40]
    sample = tmp_path_factory.mktemp("pictures") / "huffpost.jsonl"
    sample.write_text("\n".join(lines) + "\n", encoding="utf-8")
    bbc = sorted((CORPUS / "bbc_news" / "politics").glob("*.txt"))[:5]
    with imported(django_db_blocker, [str(SEED), str(sample), *map(str, bbc)]) as found:
        yield found


def bars(page: str) -> list[tuple[str, int]]:
    """(link, count) of every timeline bar on a page."""
    return [
        (html.unescape(href), int(count))
        for href, count in re.findall(
            r'<a href="([^"]+)" class="timeline-bar"[^>]*data-count="(\d+)"', page
        )
    ]


def total_of(client, url: str) -> int:
    parts = urlsplit(url)
    query = f"{parts.query}&format=json" if parts.query else "format=json&facets=off"
    response = client.get(f"{parts.path}?{query}")
    assert response.status_code == 200
    return response.json()["total"]


def test_each_timeline_bar_opens_its_period_with_the_count_it_shows(client, archive):
    page = client.get("/search/").content.decode()
    shown = bars(page)
    assert len(shown) >= 2
    for url, count in shown:
        assert "from=" in url and "to=" in url and "page=" not in url
        assert total_of(client, url) == count
    narrowed = client.get(shown[0][0]).content.decode()
    assert bars(narrowed)  # a period opens on its own, finer timeline
    assert "All dates" in narrowed


def test_undated_articles_are_counted_beside_the_timeline(client, archive):
    data = as_json(client, "q=")
    timeline = data["timeline"]
    dated = sum(p["count"] for p in timeline["periods"])
    assert dated + timeline["undated"] == data["total"]
    assert timeline["undated"] > 0  # BBC files carry no date
    page = client.get("/search/").content.decode()
    link = re.search(r'<a class="undated" href="([^"]+)" data-count="(\d+)">([\d,]+) undated', page)
    assert int(link.group(2)) == timeline["undated"] and link.group(3) == f"{timeline['undated']:,}"
    # The count is a link to the undated articles (year=undated), as many as it says.
    assert html.unescape(link.group(1)) == "/search/?year=undated"
    assert total_of(client, timeline["undated_url"]) == timeline["undated"]
    excluded = as_json(client, "q=&year=-2019")["timeline"]  # a year left out stays out
    assert urlsplit(excluded["undated_url"]).query == "year=undated"


def test_search_json_has_the_timeline_with_links(client, archive):
    data = as_json(client, "q=said")
    timeline = data["timeline"]
    assert timeline["unit"] in ("day", "month", "year")
    counted = [p for p in timeline["periods"] if p["count"]]
    assert counted and all(p["url"].startswith("http://testserver/search/?") for p in counted)
    assert all(p["start"] <= p["end"] for p in timeline["periods"])
    lean = client.get("/search/?q=said&format=json&facets=off").json()
    assert lean["timeline"] is None  # facets=off: the lean JSON, no counting beyond the total


def test_the_timeline_has_a_table_for_screen_readers(client, archive):
    page = client.get("/search/?q=said").content.decode()
    table = re.search(r'<details class="timeline-table">(.*?)</details>', page, re.S).group(1)
    rows = re.findall(r'<a href="([^"]+)">([^<]+)</a></th><td>([\d,]+)</td>', table)
    assert [
        (html.unescape(u), int(c.replace(",", ""))) for u, label, c in rows if label != "Undated"
    ] == [b for b in bars(page) if b[1]]
    # Labelled, with no role: HTML allows no role="group" on <svg> (the Nu HTML Checker).
    assert re.search(r'<svg class="timeline-chart" [^>]*aria-label="Articles per', page)
    assert not re.search(r"<svg [^>]*role=", page)


def countries_on_map(page: str) -> list[tuple[str, str, int]]:
    """(link, label, count) of every linked country on the map."""
    return [
        (html.unescape(href), html.unescape(label), int(count))
        for href, label, count in re.findall(
            r'<a href="([^"]+)" class="map-country" aria-label="([^"]+)" data-count="(\d+)"', page
        )
    ]


def test_each_country_on_the_map_opens_its_articles_with_the_count_it_shows(client, archive):
    page = client.get("/search/").content.decode()
    shown = countries_on_map(page)
    assert shown, "the archive names countries"
    for url, label, count in shown:
        assert re.search(r"[?&]place=[-a-z0-9]+$", url), url
        assert label.endswith(f": {count} article{'s' if count != 1 else ''}")
        assert total_of(client, url) == count
    # A country already chosen: the map counts its articles, the countries they name, each
    # link narrowing to them ("+"), and still finding what it says (issue 18).
    chosen = client.get(shown[0][0]).content.decode()
    total = total_of(client, shown[0][0])
    again = countries_on_map(chosen)
    assert again[0][2] == total and all(count <= total for _, _, count in again)
    for url, _, count in again[:4]:
        assert total_of(client, url) == count
    assert any("place=%2B" in url for url, _, _ in again[1:])
    assert 'class="country shade-' in chosen and "is-selected" in chosen
    assert "articles per country in these results" in chosen


def test_countries_outside_the_archive_are_drawn_without_a_link(client, archive):
    from articles import selectors

    page = client.get("/search/").content.decode()
    svg = re.search(r'<svg class="world-map-chart".*?</svg>', page, re.S).group(0)
    linked = len(re.findall(r'class="map-country"', svg))
    assert 0 < linked <= len(selectors.country_places())
    assert len(re.findall(r"M\d", svg)) > 150  # every country is drawn
    # Those without articles are one shape (the page stays under a thousand elements).
    assert len(re.findall(r"<path ", svg)) == linked + 1
    assert " style=" not in svg and "<script" not in svg
    assert re.search(r'<ul class="map-legend"', page)


def test_search_json_has_the_country_counts(client, archive):
    data = as_json(client, "q=")
    countries = data["countries"]
    assert countries == sorted(countries, key=lambda c: (-c["count"], c["name"].casefold()))
    by_slug = {f["slug"]: f["count"] for f in data["facets"]["place"]}
    for country in countries:
        assert len(country["code"]) == 2
        assert country["count"] == by_slug.get(country["slug"], country["count"])
        assert country["url"].endswith(f"place={country['slug']}")


def test_without_the_shapes_the_map_leaves_its_list(client, archive, settings, tmp_path):
    from articles.pages import worldmap

    settings.NEWSROOM_WORLD_SHAPES = tmp_path / "missing.json"
    worldmap.world_shapes.cache_clear()
    try:
        page = client.get("/search/?q=said").content.decode()  # not the cached landing page
    finally:
        worldmap.world_shapes.cache_clear()
    assert "world-map-chart" not in page
    assert '<details class="map-table" open>' in page


@pytest.mark.parametrize(
    "params",
    [
        SearchParams(),
        SearchParams(q="from=0001-01-01 to=0001-01-02", include={"place": ("iraq",)}),
        SearchParams(
            q="oil",
            include={"source": ("reuters",)},
            exclude={"place": ("iran",)},
            date_from=date(2020, 2, 10),
            date_to=date(2020, 11, 3),
            sort="newest",
            page=4,
            format="json",
        ),
    ],
)
def test_period_links_are_the_canonical_urls_of_the_narrowed_search(params):
    from articles.pages.search import search_url
    from articles.pages.timeline import period_links

    link = period_links(params, search_url)
    for start, end in [
        (date(2020, 1, 1), date(2020, 12, 31)),
        (date(2020, 3, 1), date(2020, 3, 31)),
    ]:
        low = max(start, params.date_from) if params.date_from else start
        high = min(end, params.date_to) if params.date_to else end
        narrowed = params.edited(date_from=low, date_to=high, format="html", facets=True)
        assert link(start, end) == search_url(narrowed)
