"""The query language on the search page, its JSON, feed and CSV, and the help page.

The archive of tests/test_query_language.py, indexed once by the embedded engine.
"""

from __future__ import annotations

import html
import random
import re

import pytest
from django.urls import reverse
from haystack import connections

from articles import search
from articles.pages.search_help import help_examples
from articles.search import SearchRequest, search_articles
from articles.search import prepare as preparing
from articles.search.query import parse_query

from .test_query_language import archive  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def indexed(archive):  # noqa: F811
    connections.reload("default")
    connections["default"].get_backend().clear()
    search.index_articles(archive.values())
    return archive


def page(client, q: str, **params):
    response = client.get("/search/", {"q": q, **params})
    return response, html.unescape(response.content.decode())


def result_ids(text: str) -> list[str]:
    return re.findall(r'href="/articles/\d+/([a-z-]+)/"', text)


# --- a query that cannot be read ---------------------------------------------------------


def test_an_unreadable_query_is_said_where_and_offered_never_searched(client, indexed):
    response, text = page(client, "tanker (Hormuz OR Gulf", source="press-tv")
    assert response.status_code == 400
    assert "Could not read the query: “(” is not closed, after “tanker (”." in text
    assert "Nothing was searched." in text
    assert (
        '<a href="/search/?q=tanker+%28Hormuz+OR+Gulf%29&source=press-tv">'
        "tanker (Hormuz OR Gulf)</a>" in text
    )
    assert result_ids(text) == [] and "No articles match" not in text
    assert 'class="timeline' not in text
    offered, offered_text = page(client, "tanker (Hormuz OR Gulf)", source="press-tv")
    assert offered.status_code == 200 and result_ids(offered_text) == ["gulf"]


def test_json_carries_the_same_error(client, indexed):
    response = client.get("/search/", {"q": 'tanker "Gulf', "format": "json"})
    assert response.status_code == 400
    data = response.json()
    assert data["total"] == 0 and data["results"] == []
    assert data["query_error"] == {
        "message": 'Could not read the query: a quotation mark is not closed, after “tanker "”.',
        "position": 7,
        "near": 'tanker "',
        "offered_query": 'tanker "Gulf"',
        "offered_url": "http://testserver/search/?q=tanker+%22Gulf%22&format=json",
        "offered_html": "http://testserver/search/?q=tanker+%22Gulf%22",
    }
    readable = client.get("/search/", {"q": "tanker", "format": "json"}).json()
    assert readable["query_error"] is None


@pytest.mark.parametrize(
    "path", ["/search/?q={}&format=atom", "/search/?q={}&format=csv", "/search/feed/?q={}"]
)
def test_feeds_and_files_of_an_unreadable_query_are_refused(client, indexed, path):
    response = client.get(path.format("tanker+AND"))
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert "“AND” needs a word or group after it" in body and "instead for: tanker" in body
    assert client.get(path.format("tanker")).status_code == 200


def test_compare_says_which_search_cannot_be_read(client, indexed):
    response = client.get("/compare/?q=tanker&q=tanker+%28")
    text = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "“tanker (”: Could not read the query: “(” is not closed" in text
    assert "Compare instead: tanker" in text


def test_author_finds_the_bylines_by_name_or_slug(client, indexed):
    response, text = page(client, 'author:"Parisa Hafezi" sanctions')
    assert response.status_code == 200
    assert result_ids(text) == ["oil-sanctions"] and "No author is called" not in text
    assert sorted(result_ids(page(client, "byline:parisa-hafezi")[1])) == ["envoy", "oil-sanctions"]


def test_an_unknown_author_finds_nothing_and_names_the_close_ones(client, indexed):
    response, text = page(client, "author:Hafezy sanctions")
    assert response.status_code == 200 and result_ids(text) == []
    assert (
        "No author is called “Hafezy”, so “author:Hafezy” matches nothing. "
        "Authors with a similar name: “Parisa Hafezi”." in text
    )
    data = client.get("/search/", {"q": "author:gambrell", "format": "json"}).json()
    assert data["total"] == 0
    (note,) = [n for n in data["notes"] if n.startswith("No author")]
    assert "“Jonathan Gambrell”" in note and "“Jon Gambrell”" in note


# --- operators on the page -----------------------------------------------------------------


def test_not_finds_what_it_says_and_is_never_highlighted(client, indexed):
    response, text = page(client, "tanker NOT Hormuz")
    assert response.status_code == 200 and result_ids(text) == ["gulf"]
    response = search_articles(SearchRequest(q="Hormuz NOT tanker OR Baghdad"))
    marked = " ".join(h.headline_html + h.snippet_html for h in response.hits)
    assert "<mark>Baghdad</mark>" in marked and "<mark>Tanker" not in marked
    assert "<mark>tanker" not in marked.lower()


def test_highlights_follow_fields_and_exact_forms(indexed):
    hits = {h.article_id: h for h in search_articles(SearchRequest(q="headline:tanker")).hits}
    gulf = hits[indexed["gulf"]]
    assert gulf.headline_html.startswith("<mark>Tanker</mark> traffic")
    assert "<mark>" not in gulf.snippet_html  # "tankers" in the body: not what was asked
    exact = search_articles(SearchRequest(q="=sanction")).hits[0]
    assert "a single <mark>sanction</mark> against" in exact.snippet_html
    assert "<mark>sanctioned</mark>" not in exact.snippet_html
    forms = search_articles(SearchRequest(q="sanctio*", per_page=50)).hits
    one = next(h for h in forms if h.article_id == indexed["one_sanction"])
    assert "<mark>sanctioned</mark>" in one.snippet_html


def test_lower_case_operators_are_said_and_the_capitals_offered(client, indexed):
    response, text = page(client, "tanker not Hormuz")
    assert result_ids(text) and "gulf" not in result_ids(text)
    assert "“not” in lower case is a word, not an operator" in text
    assert 'Did you mean <a href="/search/?q=tanker+NOT+Hormuz">tanker NOT Hormuz</a>?' in text


def test_mixed_and_or_says_how_it_was_read(client, indexed):
    _, text = page(client, "tanker Hormuz OR Baghdad")
    assert "Read as: (tanker Hormuz) OR Baghdad (AND goes before OR" in text


def test_an_unknown_outlet_finds_nothing_and_names_the_close_ones(client, indexed):
    _, text = page(client, "outlet:bbc sanctions")
    assert result_ids(text) == []
    assert "No outlet is called “bbc”" in text and "bbc-news" in text


def test_a_prefix_with_more_forms_than_searched_says_so(client, indexed, monkeypatch):
    monkeypatch.setattr(preparing, "MAX_FORMS", 1)
    response = search_articles(SearchRequest(q="tank*"))
    assert "“tank*” stands for 2 word forms; the 1 most frequent were searched" in response.notes[0]
    assert response.total == 4  # "tanker" only; "tankers" (the drone article) left out
    refused = search_articles(SearchRequest(q="Iran -tank*"))
    assert refused.total == 0 and "a NOT must leave out all of them" in refused.query_error.message
    assert refused.query_error.offered == "Iran"


# --- no results: drop or loosen one part ---------------------------------------------------


def test_zero_results_offer_each_part_dropped_or_loosened_with_counts(client, indexed):
    _, text = page(client, '"tanker oil" =sanctions')
    changes = re.findall(r'<li><a href="([^"]+)">([^<]+)</a> <span class="count">([^<]+)<', text)
    by_text = {t: (url, count) for url, t, count in changes}
    assert by_text['"tanker oil" as words anywhere, not together'] == (
        "/search/?q=tanker+oil+%3Dsanctions",
        "2 articles",  # drone and grace
    )
    _, text = page(client, "tanker -Hormuz -Gulf")
    assert (
        'href="/search/?q=tanker+-Hormuz">Without “-Gulf”</a> <span class="count">1 article' in text
    )


# --- the help page -------------------------------------------------------------------------


def test_the_help_page_is_linked_from_every_search_box(client, indexed):
    for path in ("/", "/search/?q=tanker", "/places/"):
        assert 'href="/search/help/"' in client.get(path).content.decode()
    response = client.get(reverse("articles:search-help"))
    assert response.status_code == 200
    text = html.unescape(response.content.decode())
    for operator in (
        "AND",
        "OR",
        "NOT",
        "NEAR/5",
        "~5",
        "sanction*",
        "=sanction",
        "headline:",
        "outlet:",
        "author:",
    ):
        assert operator in text


def test_every_help_example_reads_and_finds_what_it_says(client, indexed):
    examples = [e for section in help_examples() for e in section.examples]
    assert len(examples) >= 15
    for example in examples:
        parsed = parse_query(example.query)
        assert parsed.error is None and not parsed.notes, example.query
        assert client.get(example.url).status_code == 200


# --- no input gives a 500 ------------------------------------------------------------------

PIECES = [
    '"',
    "(",
    ")",
    "AND",
    "OR",
    "NOT",
    "NEAR/3",
    "NEAR",
    "-",
    "=",
    "*",
    "~2",
    "^",
    ":",
    "headline:",
    "outlet:",
    "author:",
    "tanker",
    "Hormuz",
    "sanction*",
    "كتائب",
    "İ",
    "😀",
    "<b>",
    "&amp;",
    "%",
    "\\",
    "\x00",
    "'",
    "’",
    "“",
    " ",
    "  ",
    "\t",
    "x" * 300,
]


def test_random_queries_never_fail_and_are_always_escaped(client, indexed):
    rng = random.Random(18)
    for _ in range(120):
        q = "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 12)))
        for fmt in ("html", "json"):
            response = client.get("/search/", {"q": q, "format": fmt}, follow=True)
            assert response.status_code in (200, 400), (q, response.content[:300])
            if fmt == "html":
                assert "<b>" not in response.content.decode(), q
    assert client.get("/search/", {"q": "x" * 5000}).status_code in (200, 400)
