"""What outside tools found on the reader's pages (issue 10): wording, sharing, weight.

The corpus slice of tests/test_search_page.py: BBC News articles have no date, the
BuzzFeed ones are from September 2016.
"""

import gzip
import html
import re

import pytest
from django.contrib.staticfiles import finders

from articles.models import Entity

from .test_search_page import as_json, corpus_slice, h1, imported

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def archive(django_db_setup, django_db_blocker):
    with imported(django_db_blocker, corpus_slice()) as found:
        yield found


def text(response) -> str:
    return html.unescape(response.content.decode())


def meta(page: str, attribute: str, name: str) -> str | None:
    match = re.search(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)">', page)
    return html.unescape(match.group(1)) if match else None


# --- Wording and layout ----------------------------------------------------------------------


def test_the_range_shown_and_pagination_come_before_the_results(client, archive):
    page = client.get("/search/").content.decode()
    total = as_json(client, "")["total"]
    assert f'<p class="range">1–20 of {total}</p>' in page
    top = page.index('<nav class="pagination top" aria-label="Result pages, top"')  # not phones
    assert top < page.index('<ol class="results"') < page.index('aria-label="Result pages"')
    # What follows the results: sharing and exports folded, then the timeline and the map.
    share = page.index('<details class="share-export">')
    assert page.index('<ol class="results"') < share < page.index('<div class="pictures">')
    assert page.index('<div class="pictures">') < page.index('<aside class="filters"')
    second = client.get("/search/?page=2").content.decode()
    assert f'<p class="range">21–40 of {total}</p>' in second


def test_a_quoted_phrase_is_shown_in_one_pair_of_quotation_marks(client, archive):
    assert h1(client.get('/search/?q="prime+minister"')).startswith("“prime minister” —")
    assert h1(client.get('/search/?q="prime+minister"+labour')).startswith(
        "“prime minister” labour —"
    )
    assert h1(client.get("/search/?q=labour")).startswith("“labour” —")


def test_dates_read_the_same_in_the_heading_and_the_chips(client, archive):
    page = text(client.get("/search/?from=2016-09-01&to=2016-09-30"))
    assert h1(client.get("/search/?from=2016-09-01&to=2016-09-30")).startswith(
        "from 1 Sep 2016 until 30 Sep 2016 —"
    )
    assert "<span>From 1 Sep 2016</span>" in page and "<span>Until 30 Sep 2016</span>" in page


def test_no_csv_of_nothing_on_a_search_without_results(client, archive):
    page = text(client.get("/search/?q=zzzqqqxxnothing"))
    assert "No articles match" in page
    assert "CSV (all" not in page and "format=csv" not in page
    assert "format=atom" in page  # a feed of a search can fill up later


def test_a_search_without_results_is_not_indexed_and_says_none_once(client, archive):
    page = text(client.get("/search/?q=zzzqqqxxnothing"))
    assert '<meta name="robots" content="noindex">' in page
    assert "None in these results." not in page
    assert page.count("No values to filter by: no article matches.") == 1
    assert '<fieldset class="facet" id="facet-' not in page  # no empty filter groups
    found = text(client.get("/search/?q=said"))
    assert '<meta name="robots"' not in found
    # A search with results lists only the filters with values; the others share one line.
    narrow = text(client.get("/search/?source=bbc-news"))
    groups = re.findall(r'<fieldset class="facet" id="facet-(\w+)">', narrow)
    assert "source" in groups and "section" in groups
    empty = [f for f in ("place", "org", "person", "year") if f not in groups]
    if empty:
        assert narrow.count(" in these results.</p>") == 1


def test_clear_all_filters_is_a_link_of_its_own_not_a_chip(client, archive):
    page = client.get("/search/?q=labour&source=bbc-news&from=2000-01-01").content.decode()
    chips = page[page.index('<ul class="chips"') : page.index("</ul>", page.index("chips"))]
    assert "Clear all filters" not in chips
    assert '<p class="clear-filters"><a href="/search/?q=labour">Clear all filters</a></p>' in page
    one = client.get("/search/?source=bbc-news").content.decode()
    assert "Clear all filters" not in one


def test_the_year_filter_offers_undated_articles_and_finds_them(client, archive):
    data = as_json(client, "")
    years = {v["slug"]: v for v in data["facets"]["year"]}
    assert years["undated"]["name"] == "Undated"
    assert data["facets"]["year"][-1]["slug"] == "undated"  # after the years
    undated = as_json(client, "year=undated")
    assert undated["total"] == years["undated"]["count"] > 0
    assert all(r["published"] is None for r in undated["results"])
    assert h1(client.get("/search/?year=undated")).startswith("Undated —")
    assert as_json(client, "year=Undated")["total"] == undated["total"]  # redirected


def test_dates_say_how_many_undated_articles_they_leave_out(client, archive):
    undated = as_json(client, "q=labour&year=undated")["total"]
    assert undated > 0
    data = as_json(client, "q=labour&from=2016-01-01")
    assert data["undated_left_out"] == undated
    assert f"{undated} undated articles also match" in " ".join(data["notes"])
    page = text(client.get("/search/?q=labour&from=2016-01-01"))
    assert f"{undated} undated articles also match; the dates leave them out." in page
    assert '<a href="/search/?q=labour&year=undated">Show the undated articles</a>' in page
    assert as_json(client, "q=labour")["undated_left_out"] == 0  # no dates, nothing left out


def test_the_places_page_lists_a_country_once(client, archive):
    page = client.get("/places/").content.decode()
    for section in re.findall(r'<section class="country-group">(.*?)</section>', page, re.S):
        heading = re.search(r'<h2><a href="(/search/\?place=[^"]+)">', section)
        if heading:
            assert section.count(f'href="{heading.group(1)}"') == 1, section


# --- Finding a value, keyboard and screen readers ----------------------------------------------


def test_a_facet_find_box_asks_the_values_page_without_javascript(client, archive):
    page = client.get("/search/?q=said&source=bbc-news").content.decode()
    box = re.search(
        r'<input type="search" class="facet-filter-input" id="filter-person"[^>]*>', page
    )
    assert box and 'name="find"' in box.group() and 'form="find-person"' in box.group()
    form = re.search(
        r'<form id="find-person" action="([^"]+)" method="get" hidden>(.*?)</form>', page
    )
    assert form.group(1) == "/search/values/person/"
    hidden = dict(
        re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]+)">', form.group(2))
    )
    assert hidden == {"q": "said", "source": "bbc-news"}
    found = client.get("/search/values/person/", {**hidden, "find": "blair"})
    assert "Tony Blair" in text(found)


def values_on(client, url: str) -> list[str]:
    page = html.unescape(client.get(url).content.decode())
    listed = page[page.index('<ul class="directory value-list"') :]
    return re.findall(r'<li><a href="/search/\?q=said&place=([^"]+)"', listed)


def test_values_page_comes_in_pages_of_50_with_a_letter_to_jump_to(client, archive):
    total = as_json(client, "q=said")["facet_value_counts"]["place"]
    assert total > 100  # a list that would be thousands of pixels long
    pages = []
    for number in range(1, -(-total // 50) + 1):
        pages.append(values_on(client, f"/search/values/place/?q=said&page={number}"))
    assert all(len(p) == 50 for p in pages[:-1]) and 0 < len(pages[-1]) <= 50
    everything = [slug for p in pages for slug in p]
    assert len(everything) == len(set(everything)) == total  # each value once, none lost
    first = text(client.get("/search/values/place/?q=said"))
    assert f"1–50 of {total:,}" in first
    assert '<a rel="next" href="/search/values/place/?q=said&page=2">Next →</a>' in first
    # A letter: the values starting with it, most articles first, in pages too.
    assert '<a href="/search/values/place/?q=said&letter=b">B</a>' in first
    under_b = values_on(client, "/search/values/place/?q=said&letter=b")
    assert under_b and all(slug.startswith("b") for slug in under_b)
    assert set(under_b) <= set(everything)
    b_page = text(client.get("/search/values/place/?q=said&letter=b"))
    assert '<a href="/search/values/place/?q=said&letter=b" aria-current="page">B</a>' in b_page
    # Past the last page: the last page; an odd letter: all of them.
    assert values_on(client, "/search/values/place/?q=said&page=400") == pages[-1]
    assert values_on(client, "/search/values/place/?q=said&letter=%C3%A9") == pages[0]


def test_find_boxes_say_an_before_a_vowel(client, archive):
    search = text(client.get("/search/?q=said"))
    assert "Find an organization</label>" in search and "Find a place</label>" in search
    assert "Find a outlet" not in search
    assert '<label for="find">Find an outlet</label>' in text(client.get("/search/values/source/"))
    assert '<label for="browse-q">Find an outlet</label>' in text(client.get("/sources/"))


def test_values_page_links_are_named_by_their_visible_text(client, archive):
    page = client.get("/search/values/place/?q=said").content.decode()
    links = re.findall(r'<a class="exclude-link" href="[^"]+">(.*?)</a>', page)
    assert links and all(
        re.fullmatch(r'not<span class="visually-hidden"> .+</span>', a) for a in links
    )
    assert (
        "aria-label="
        not in page[
            page.index('<ul class="directory value-list"') : page.index(
                "</ul>", page.index('<ul class="directory value-list"')
            )
        ]
    )


def test_skip_links_reach_the_content_and_the_filters(client, archive):
    page = client.get("/search/?q=said").content.decode()
    assert '<a class="skip-link" href="#main">Skip to content</a>' in page
    assert '<a class="skip-link" href="#filters">Skip to filters</a>' in page
    assert '<aside class="filters" id="filters" tabindex="-1" aria-label="Filters">' in page
    assert '<a class="to-filters" href="#filters">' in page  # phones: filters from the top


def test_every_search_landmark_has_a_name_of_its_own(client, archive):
    for path in ("/", "/places/", "/search/values/place/", "/search/?q=said"):
        page = client.get(path).content.decode()
        labels = re.findall(r'role="search" aria-label="([^"]+)"', page)
        assert len(labels) == page.count('role="search"') and len(set(labels)) == len(labels)


def test_the_admin_sign_in_page_has_a_heading(client):
    page = client.get("/admin/login/").content.decode()
    assert "<h1>Sign in</h1>" in page


def test_the_search_page_stays_under_1100_elements(client, archive):
    # Lighthouse's DOM-size audit warns past 800 elements and fails past 1,400; most of the
    # page is its eight filter groups (four of 30 values, authors of ten). A new group or a
    # heavier value shows up here first (1,045 with authors; 972 before them).
    page = client.get("/search/").content.decode()
    assert len(re.findall(r"<[a-zA-Z]", page)) < 1100


# --- Sharing and search engines --------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/", "/places/", "/sources/", "/search/?q=said", "ARTICLE", "ENTITY", "/compare/?q=labour"],
)
def test_pages_carry_a_description_open_graph_tags_and_a_canonical_link(client, archive, path):
    if path == "ARTICLE":
        path = archive.seed.get_absolute_url()
    if path == "ENTITY":  # a place's page (issue 11)
        place = Entity.objects.filter(kind="place", mentions__isnull=False).first()
        path = f"/places/{place.slug}/"
    page = client.get(path).content.decode()
    assert meta(page, "name", "description")
    for name in ("og:title", "og:description", "og:url", "og:type", "og:site_name"):
        assert meta(page, "property", name), name
    image = meta(page, "property", "og:image")
    assert re.fullmatch(r"http://testserver/static/img/og-card\.png", image)
    canonical = re.search(r'<link rel="canonical" href="([^"]+)">', page).group(1)
    assert canonical == meta(page, "property", "og:url")
    assert canonical.startswith("http://testserver/")
    assert '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">' in page


def test_values_page_has_a_description_and_open_graph_tags(client, archive):
    page = client.get("/search/values/place/?q=said").content.decode()
    assert meta(page, "name", "description") and meta(page, "property", "og:title")


def test_tracking_parameters_are_dropped_quietly_with_a_redirect(client, archive):
    article = archive.seed.get_absolute_url()
    response = client.get(f"{article}?utm_source=newsletter&utm_medium=email&fbclid=IwAR0x")
    assert response.status_code == 301 and response["Location"] == article
    response = client.get("/search/?q=troops&gclid=abc&place=iraq&utm_campaign=x")
    assert response.status_code == 301
    assert response["Location"] == "/search/?q=troops&place=iraq"
    page = text(client.get(response["Location"]))
    assert "Unknown filter" not in page
    shared = text(client.get(article))
    assert f'<meta property="og:url" content="http://testserver{article}">' in shared


def test_robots_txt_and_favicon(client):
    robots = client.get("/robots.txt")
    assert robots.status_code == 200 and robots["Content-Type"].startswith("text/plain")
    assert "User-agent: *" in robots.content.decode()
    assert "Disallow: /admin/" in robots.content.decode()
    icon = client.get("/favicon.ico")
    assert icon.status_code == 301 and icon["Location"] == "/static/img/favicon-32.png"
    assert finders.find("img/favicon-32.png")


# --- Compression -----------------------------------------------------------------------------


def test_public_pages_are_compressed(client, archive):
    response = client.get("/search/?q=said", HTTP_ACCEPT_ENCODING="gzip, br")
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    plain = client.get("/search/?q=said").content
    assert b"<!doctype html>" in gzip.decompress(response.content)
    assert len(response.content) < len(plain) / 3
    json_answer = client.get("/search/?q=said&format=json", HTTP_ACCEPT_ENCODING="gzip")
    assert json_answer["Content-Encoding"] == "gzip"


def test_nothing_that_carries_a_secret_is_compressed(client, archive, django_user_model):
    login = client.get("/admin/login/", HTTP_ACCEPT_ENCODING="gzip")
    assert "csrfmiddlewaretoken" in login.content.decode()
    assert not login.has_header("Content-Encoding")
    editor = django_user_model.objects.create_superuser("editor", "e@example.org", "pw")
    client.force_login(editor)
    for path in ("/search/?q=said", "/admin/articles/article/"):
        response = client.get(path, HTTP_ACCEPT_ENCODING="gzip")
        assert response.status_code == 200 and not response.has_header("Content-Encoding")
