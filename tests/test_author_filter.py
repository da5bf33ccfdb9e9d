"""Issue 20, items 2 and 3: the author filter, added as one entry of the filter registry.

``author=<slug>`` finds the articles an author wrote, on every engine, in every form of the
search (page, JSON, Atom, CSV, comparison); the search page counts authors in a group of its
own; ``-`` leaves an author out and ``+`` requires one as well. What the articles' authors are
is read from the database (Authorship), not from the index. An old or other spelling of a
name, and a value that names no author, are in tests/test_filters_never_vanish.py.
"""

from __future__ import annotations

import csv
import html
import io
import xml.etree.ElementTree as ET

import pytest

from articles.models import Article, Authorship

from .test_filter_registry import make_archive

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def archive(engine):
    return make_archive()


def written_by(slug: str) -> set[int]:
    return set(
        Authorship.objects.filter(author__slug=slug, article__is_published=True).values_list(
            "article_id", flat=True
        )
    )


def everything() -> set[int]:
    return set(Article.objects.filter(is_published=True).values_list("id", flat=True))


def as_json(client, querystring: str) -> dict:
    response = client.get(f"/search/?{querystring}&format=json")
    assert response.status_code == 200
    return response.json()


def result_ids(data: dict) -> set[int]:
    return {row["id"] for row in data["results"]}


def test_the_author_filter_finds_what_each_author_wrote_on_every_engine(client, archive):
    lisa, wilson = written_by("lisa-rathke"), written_by("wilson-ring")
    assert len(lisa) == 3 and len(wilson) == 2 and lisa & wilson  # one article by both
    for querystring, expected in (
        ("author=lisa-rathke", lisa),
        ("author=lisa-rathke&author=wilson-ring", lisa | wilson),
        ("author=-lisa-rathke", everything() - lisa),
        ("author=lisa-rathke&author=%2Bwilson-ring", lisa & wilson),
        ("q=oil&author=wilson-ring", wilson & result_ids(as_json(client, "q=oil"))),
    ):
        data = as_json(client, querystring)
        assert result_ids(data) == expected and data["total"] == len(expected), querystring
    # The query language's author: finds the same articles as the filter.
    assert result_ids(as_json(client, "q=author:lisa-rathke")) == lisa


def test_the_search_page_counts_authors_by_name(client, archive):
    data = as_json(client, "")
    assert [(v["slug"], v["name"], v["count"]) for v in data["facets"]["author"]] == [
        ("lisa-rathke", "Lisa Rathke", 3),
        ("wilson-ring", "Wilson Ring", 2),
    ]
    page = html.unescape(client.get("/search/").content.decode())
    group = page[
        page.index('id="facet-author"') : page.index("</fieldset>", page.index('id="facet-author"'))
    ]
    assert "<legend>Authors</legend>" in group
    assert '<label for="f-author-lisa-rathke">Lisa Rathke</label>' in group
    assert 'aria-label="Lisa Rathke alone: 3 articles" data-count="3">3</a>' in group


def test_a_chosen_author_is_said_in_the_chips_the_title_and_the_summary(client, archive):
    """ "by" an author, "not by" one left out, as "in" a place and "not in" one."""
    response = client.get("/search/?q=troops&author=lisa-rathke&author=-wilson-ring")
    page = html.unescape(response.content.decode())
    assert "Author: Lisa Rathke" in page and "Author: not Wilson Ring" in page
    data = as_json(client, "q=troops&author=lisa-rathke&author=-wilson-ring")
    assert data["summary"] == "“troops” · by Lisa Rathke · not by Wilson Ring"
    assert f"<title>{data['summary']} — " in page
    both = as_json(client, "author=lisa-rathke&author=wilson-ring")
    assert both["summary"] == "by Lisa Rathke or Wilson Ring"


def test_the_feed_the_export_and_the_comparison_take_the_author_filter(client, archive):
    lisa = written_by("lisa-rathke")
    feed = ET.fromstring(client.get("/search/?author=lisa-rathke&format=atom").content)
    titles = {e.findtext(f"{ATOM}title") for e in feed.iter(f"{ATOM}entry")}
    assert titles == set(Article.objects.filter(id__in=lisa).values_list("headline", flat=True))
    response = client.get("/search/?author=lisa-rathke&format=csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert {int(r["id"]) for r in rows} == lisa
    assert all("Lisa Rathke" in r["authors"] for r in rows)
    compared = client.get("/compare/?q=oil&q=troops&author=lisa-rathke&format=json").json()
    assert compared["all_articles"] == len(lisa)
    totals = [as_json(client, f"q={q}&author=lisa-rathke")["total"] for q in ("oil", "troops")]
    assert [s["total"] for s in compared["series"]] == totals and all(totals)
