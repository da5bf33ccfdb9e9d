"""Issue 18, "Say what the numbers count": on the search page every number that sits on a
link (a filter value's count, a country of the map, a timeline bar, their tables) is how
many articles that link finds, whatever the search's filters; and the page says what each
picture counts. Rendered pages are parsed and every link followed, on both engines."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from .test_pictures import archive  # noqa: F401  (fixture)
from .test_search_backends import generic  # noqa: F401  (fixture, by name)

pytestmark = pytest.mark.django_db


class NumberedLinks(HTMLParser):
    """(href, number) of every link carrying data-count, and of every table row whose
    header cell is a link and whose next cell a number; the plain facet counts."""

    def __init__(self):
        super().__init__()
        self.links: set[tuple[str, int]] = set()
        self.plain_counts: list[int] = []
        self._row_link = None
        self._in = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and "data-count" in attrs:
            self.links.add((attrs["href"], int(attrs["data-count"])))
        if tag == "a" and self._in == "th":
            self._row_link = attrs["href"]
        if tag in ("th", "td"):
            self._in = tag
        if tag == "span" and attrs.get("class") == "count" and self._in == "facet":
            self._in = "facet-count"
        if tag == "li" and "facet-value" in (attrs.get("class") or ""):
            self._in = "facet"
        if tag == "tr":
            self._row_link = None

    def handle_data(self, data):
        if self._in == "td" and self._row_link and data.strip():
            self.links.add((self._row_link, int(data.replace(",", ""))))
            self._row_link = None
        if self._in == "facet-count":
            self.plain_counts.append(int(data.replace(",", "")))
            self._in = ""


def total_of(client, url: str) -> int:
    parts = urlsplit(url)  # as the parser read it: entities already decoded
    assert parts.path == "/search/", url
    response = client.get(f"/search/?{parts.query}&format=json&facets=off")
    assert response.status_code == 200, url
    return response.json()["total"]


def check_page(client, querystring: str, only=lambda url: True) -> int:
    """Follow every numbered link of one search page (``only`` those it accepts); returns
    how many were checked."""
    response = client.get(f"/search/?{querystring}")
    assert response.status_code == 200, querystring
    page = response.content.decode()
    total = total_of(client, f"/search/?{querystring}")
    parsed = NumberedLinks()
    parsed.feed(page)
    assert parsed.links, querystring
    for url, number in sorted(link for link in parsed.links if only(link[0])):
        assert total_of(client, url) == number, (querystring, html.unescape(url), number)
    # A count beside a value without a link is a chosen value's: these results.
    assert all(number == total for number in parsed.plain_counts), querystring
    text = html.unescape(page)
    assert "Numbers count these results" in text
    if "Where" in text:
        assert "articles per country in these results" in text
    if 'class="timeline-chart"' in page:
        assert re.search(r"articles per (day|month|year) in these results", text)
    return len(parsed.links)


def searches(client) -> list[str]:
    """Searches of every kind of selection, chosen from what the archive holds."""
    landing = client.get("/search/?format=json").json()
    place, second = sorted(c["slug"] for c in landing["countries"][:2])
    source = landing["facets"]["source"][0]["slug"]
    year = next(v["slug"] for v in landing["facets"]["year"] if v["slug"] != "undated")
    return [
        "",
        f"place={place}",
        f"place={place}&place={second}",
        f"q=trump&source={source}",
        f"source=-{source}",
        f"place=%2B{place}&year={year}",
        f"place={place}&from={year}-01-01&to={year}-12-31",
    ]


def test_every_number_on_the_page_is_what_its_link_finds(client, archive):  # noqa: F811
    checked = sum(check_page(client, qs) for qs in searches(client))
    assert checked > 200


def test_the_generic_engine_counts_alike(client, archive, request):  # noqa: F811
    chosen = searches(client)[2]  # two places: the map counts within them
    request.getfixturevalue("generic")
    # The map's links (a country required as well) and a few others: this engine is slow.
    assert check_page(client, chosen, only=lambda url: "%2B" in url or "source=" in url) > 5


def test_a_group_with_a_choice_says_its_numbers_leave_it_out(client, archive):  # noqa: F811
    landing = client.get("/search/?format=json").json()
    source = landing["facets"]["source"][0]["slug"]
    page = html.unescape(client.get(f"/search/?source={source}").content.decode())
    assert (
        "Numbers leave out the outlets chosen: each is what that outlet alone finds, "
        "with the other filters." in page
    )
    assert page.count('class="meta facet-counted"') == 1
    data = client.get(f"/search/?source={source}&format=json").json()
    assert data["counted"]["facets"]["source"].startswith("Numbers leave out the outlets")
    assert data["counted"]["facets"]["place"] == "Articles with each value in these results."
    other = next(v for v in data["facets"]["source"] if not v["selected"])
    assert total_of(client, other["url"]) == other["count"]
    assert all(c["count"] <= data["total"] for c in data["countries"])
