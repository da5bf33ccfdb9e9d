"""Home and browse pages: outlets, places by country, organizations and people, A–Z."""

import html
import re

import pytest

from articles.models import Article

from .test_search_page import corpus_slice, imported

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def archive(django_db_setup, django_db_blocker):
    with imported(django_db_blocker, corpus_slice()) as found:
        yield found


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_empty_archive_home_says_how_to_add_articles(client):
    response = client.get("/")
    assert response.status_code == 200
    page = text(response)
    assert "The archive is empty" in page
    assert "python manage.py import_articles PATH…" in page


def test_home_has_a_search_box_outlets_places_organizations_and_latest(client, archive):
    page = text(client.get("/"))
    assert '<form class="search-box" role="search" method="get" action="/search/">' in page
    assert '<label for="home-q">Search the archive</label>' in page
    assert f"{archive.total} articles in the archive" in page
    assert re.search(
        r'<a href="/search/\?source=bbc-news">BBC News</a> <span class="count">20</span>', page
    )
    assert '<a href="/search/?place=united-states">United States</a>' in page
    assert "Largest outlets" in page and "Organizations" in page
    latest = Article.objects.order_by("-published", "-id").first()
    assert latest.get_absolute_url() in page


def test_home_and_browse_pages_are_cheap(client, archive, django_assert_max_num_queries):
    for url in ("/", "/sources/", "/places/", "/organizations/", "/people/"):
        client.get(url)  # fill the caches
    for url in ("/sources/", "/places/", "/organizations/", "/people/"):
        with django_assert_max_num_queries(2):
            assert client.get(url).status_code == 200
    with django_assert_max_num_queries(3):
        assert client.get("/").status_code == 200


def test_sources_page_lists_outlets_with_counts_linking_to_their_search(client, archive):
    page = text(client.get("/sources/"))
    assert "<h1>Outlets</h1>" in page
    assert re.search(
        r'<a href="/search/\?source=press-tv">Press TV</a> <span class="count">1</span>', page
    )
    assert re.search(
        r'<a href="/search/\?source=bbc-news">BBC News</a> <span class="count">20</span>', page
    )


def test_places_are_grouped_by_country(client, archive):
    page = text(client.get("/places/"))
    assert "<h1>Places</h1>" in page
    iraq = page.index('<h2><a href="/search/?place=iraq">Iraq</a>')
    group = page[iraq : page.index("</section>", iraq)]
    assert '<a href="/search/?place=iraq">Iraq</a>' in group
    assert '<a href="/search/?place=kirkuk">Kirkuk</a>' in group
    uk = page.index('<h2><a href="/search/?place=united-kingdom">United Kingdom</a>')
    assert "Kirkuk" not in page[uk:].split("</section>")[0]


def test_organizations_page_has_a_to_z_and_a_search_box(client, archive):
    page = text(client.get("/organizations/"))
    assert '<nav class="letters" aria-label="A to Z">' in page
    assert '<a href="?letter=P">P</a>' in page
    assert '<label for="browse-q">Find an organization</label>' in page
    by_letter = text(client.get("/organizations/?letter=P"))
    assert '<a href="?letter=P" aria-current="page">P</a>' in by_letter
    assert '<a href="/search/?org=pentagon">Pentagon</a>' in by_letter
    names = re.findall(r'<a href="/search/\?org=[^"]+">([^<]+)</a>', by_letter)
    assert names and all(name[0].upper() == "P" for name in names)


def test_browse_search_box_filters_the_list(client, archive):
    page = text(client.get("/organizations/?q=penta"))
    assert '<a href="/search/?org=pentagon">Pentagon</a>' in page
    assert "matching “penta”" in page
    nothing = text(client.get("/people/?q=zzzzzz"))
    assert "Nothing here matches “zzzzzz”." in nothing


def test_people_page_links_each_person_to_their_search(client, archive):
    page = text(client.get("/people/"))
    assert "<h1>People</h1>" in page
    links = re.findall(r'<a href="/search/\?person=([^"]+)">', page)
    assert links
    assert client.get(f"/search/?person={links[0]}").status_code == 200


def test_browse_pages_mark_where_you_are(client, archive):
    page = client.get("/places/").content.decode()
    assert '<a href="/places/" aria-current="page">Places</a>' in page


def test_unknown_letter_shows_everything(client, archive):
    response = client.get("/people/?letter=%3Cscript%3E")
    assert response.status_code == 200
    assert "<script>" not in response.content.decode().split("<main", 1)[1].split("</main>")[0]
