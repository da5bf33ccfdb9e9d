"""The search page's pictures: the timeline and the map, their links, their JSON."""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

import pytest

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
    assert f"{timeline['undated']} undated" in page


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
    rows = re.findall(r'<a href="([^"]+)">[^<]+</a></th><td>([\d,]+)</td>', table)
    assert [(html.unescape(u), int(c.replace(",", ""))) for u, c in rows] == [
        b for b in bars(page) if b[1]
    ]
    assert 'role="group" aria-label="Articles per' in page
