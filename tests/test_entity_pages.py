"""Entity pages /places/<slug>/, /organizations/<slug>/, /people/<slug>/ and their JSON."""

from __future__ import annotations

import html
import re

import pytest
from django.core.cache import cache

from articles import aggregate_cache
from articles.models import EntityAlias, EntityRedirect

from .test_pictures import bars, total_of
from .test_search_backends import generic  # noqa: F401  (fixture)
from .test_search_engine import newsroom  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_caches():
    aggregate_cache.clear_caches()
    cache.clear()
    yield
    aggregate_cache.clear_caches()


def co_mentions(page: str) -> list[tuple[str, str, int]]:
    return [
        (html.unescape(url), html.unescape(name), int(count))
        for url, count, name in re.findall(
            r'<a href="([^"]+)" class="co-mention" data-count="(\d+)">([^<]+)</a>', page
        )
    ]


def test_a_place_page_has_its_names_count_timeline_company_outlets_and_latest(
    client,
    newsroom,  # noqa: F811
):
    iraq = newsroom["baghdad"].mentions.get(entity__slug="iraq").entity
    EntityAlias.objects.create(entity=iraq, name="Republic of Iraq")
    response = client.get("/places/iraq/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>Iraq</h1>" in page
    assert "Place (country)" in page and "Also called: Republic of Iraq" in page
    assert '<a href="/search/?place=iraq">3 articles</a>' in page
    shown = bars(page)
    assert sum(count for _, count in shown) == 3
    for url, count in shown:
        assert total_of(client, url) == count
    company = co_mentions(page)
    assert {(name, count) for _, name, count in company} == {
        ("Kirkuk", 1),
        ("Kata'ib Hezbollah", 1),
        ("Pentagon", 1),
        ("Joe Biden", 1),
    }
    assert ("/search/?place=iraq&place=%2Bkirkuk", "Kirkuk", 1) in company
    assert ("/search/?place=iraq&org=pentagon", "Pentagon", 1) in company
    for url, _, count in company:
        assert total_of(client, url) == count
    assert re.search(r'href="/search/\?place=iraq&amp;source=reuters">Reuters</a> <span', page)
    latest = re.findall(r'<h3 class="result-title"><a href="/articles/(\d+)/', page)
    assert latest == [str(newsroom[k].id) for k in ("biden", "kirkuk", "baghdad")]


def test_a_city_names_its_country_which_is_not_listed_as_company(client, newsroom):  # noqa: F811
    page = client.get("/places/kirkuk/").content.decode()
    assert 'in <a href="/places/iraq/">Iraq</a>' in page
    assert "Place (city)" in page
    assert [name for _, name, _ in co_mentions(page)] == ["Kata'ib Hezbollah"]


def test_old_slugs_and_other_letter_case_redirect_permanently(client, newsroom):  # noqa: F811
    iraq = newsroom["baghdad"].mentions.get(entity__slug="iraq").entity
    EntityRedirect.objects.create(kind="place", old_slug="mesopotamia", entity=iraq)
    moved = client.get("/places/mesopotamia/")
    assert moved.status_code == 301 and moved["Location"] == "/places/iraq/"
    as_json = client.get("/places/mesopotamia/?format=json")
    assert as_json.status_code == 301 and as_json["Location"] == "/places/iraq/?format=json"
    upper = client.get("/places/Iraq/")
    assert upper.status_code == 301 and upper["Location"] == "/places/iraq/"


def test_an_unknown_slug_says_so_clearly(client, newsroom):  # noqa: F811
    missing = client.get("/people/nobody-at-all/")
    assert missing.status_code == 404
    text = html.unescape(missing.content.decode())
    assert "No person called “nobody-at-all” in the archive." in text
    assert '<a href="/people/">Browse all people</a>' in text
    assert client.get("/places/iraq/nope/").status_code == 404
    as_json = client.get("/organizations/nope/?format=json")
    assert as_json.status_code == 404 and "No organization called" in as_json.json()["error"]


def test_odd_parameters_give_a_note_not_an_error(client, newsroom):  # noqa: F811
    response = client.get("/places/iraq/?format=xml&colour=red")
    assert response.status_code == 200
    text = html.unescape(response.content.decode())
    assert "Unknown format 'xml' was ignored: use json." in text
    assert "Unknown parameter 'colour' was ignored." in text


def test_entity_json_counts_what_its_links_find(client, newsroom):  # noqa: F811
    data = client.get("/organizations/pentagon/?format=json").json()
    assert data["name"] == "Pentagon" and data["kind"] == "organization"
    assert data["articles"] == 1
    assert data["links"]["search"] == "http://testserver/search/?org=pentagon"
    assert [(p["slug"], p["count"]) for p in data["mentioned_with"]["place"]] == [("iraq", 1)]
    assert data["outlets"] == [
        {
            "slug": "reuters",
            "name": "Reuters",
            "count": 1,
            "search": "http://testserver/search/?org=pentagon&source=reuters",
        }
    ]
    for group in data["mentioned_with"].values():
        for value in group:
            assert total_of(client, value["search"]) == value["count"]
    assert data["timeline"]["unit"] == "day"
    assert [p["count"] for p in data["timeline"]["periods"]] == [1]


def test_the_generic_engine_draws_the_same_page(client, newsroom, generic):  # noqa: F811
    from articles.search.service import current_engine

    assert type(current_engine()).__name__ == "HaystackSearchEngine"
    data = client.get("/places/iraq/?format=json").json()
    assert data["articles"] == 3
    assert {p["slug"]: p["count"] for p in data["mentioned_with"]["place"]} == {"kirkuk": 1}
    assert sum(p["count"] for p in data["timeline"]["periods"]) == 3


def test_the_page_needs_a_handful_of_queries(
    client,
    newsroom,  # noqa: F811
    django_assert_max_num_queries,
):
    client.get("/places/iraq/")  # fill the outlet and country caches
    # the entity, its articles with their text, three kinds of co-mentions, its aliases, its
    # articles' outlets and their authors (bylines: one prefetch however many articles), and
    # the entities shown under the same name (namesakes, told apart by their descriptions)
    with django_assert_max_num_queries(9):
        assert client.get("/places/iraq/").status_code == 200


# --- Co-mentions paged (issue 18, "Researchers' series") ---------------------------------


@pytest.fixture
def crowded(newsroom):  # noqa: F811
    """Iraq's article naming 120 people, so its people run over several pages."""
    from articles import search
    from articles.models import Entity, Mention

    biden = newsroom["biden"]
    people = Entity.objects.bulk_create(
        Entity(kind="person", name=f"Person {n:03}", slug=f"person-{n:03}", key=f"person {n:03}")
        for n in range(120)
    )
    Mention.objects.bulk_create(Mention(article=biden, entity=p) for p in people)
    search.index_articles([biden.id])
    return newsroom


def test_co_mentions_beyond_ten_are_listed_page_by_page(client, crowded):
    page = html.unescape(client.get("/places/iraq/").content.decode())
    assert '<a href="/places/iraq/with/people/">All 121 people mentioned with it</a>' in page
    data = client.get("/places/iraq/?format=json").json()
    assert len(data["mentioned_with"]["person"]) == 10
    assert data["mentioned_with_all"]["person"] == {
        "total": 121,
        "url": "http://testserver/places/iraq/with/people/",
    }
    seen = []
    url = "/places/iraq/with/people/?format=json"
    while url:
        listing = client.get(url).json()
        assert listing["pages"] == 3 and listing["total"] == 121
        for value in listing["values"]:
            assert total_of(client, value["search"]) == value["count"]
        seen += [v["slug"] for v in listing["values"]]
        url = listing["links"].get("next", "").removeprefix("http://testserver")
    assert len(seen) == len(set(seen)) == 121 and "joe-biden" in seen
    second = html.unescape(client.get("/places/iraq/with/people/?page=2").content.decode())
    assert (
        "People mentioned with" in second
        and '<ol class="directory mentions-list" start="51">' in second
    )
    assert '<a href="/places/iraq/with/people/?page=2" aria-current="page">2</a>' in second


def test_the_co_mentions_listing_takes_odd_input_without_an_error(client, crowded):
    assert client.get("/places/iraq/with/planets/").status_code == 404
    assert client.get("/places/atlantis/with/people/").status_code == 404
    past = client.get("/places/iraq/with/people/?page=9&format=json").json()
    assert past["page"] == 3 and "Page 9 is past the end: there are 3." in past["notes"]
    odd = client.get("/places/iraq/with/people/?page=abc&colour=red")
    assert odd.status_code == 200
    text = html.unescape(odd.content.decode())
    assert "Page 'abc' does not exist" in text and "Unknown parameter 'colour' was ignored." in text
    moved = client.get("/places/Iraq/with/organizations/?page=1")
    assert moved.status_code == 301 and moved["Location"] == "/places/iraq/with/organizations/"
