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
    assert (
        '<form class="search-box" role="search" aria-label="Search the archive" method="get" '
        'action="/search/">' in page
    )
    assert '<label for="home-q">Search the archive</label>' in page
    assert f"{archive.total} articles in the archive" in page
    assert re.search(
        r'<a href="/search/\?source=bbc-news">BBC News</a> <span class="count">20</span>', page
    )
    assert '<a href="/places/united-states/">United States</a>' in page
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
    iraq = page.index('<h2><a href="/places/iraq/">Iraq</a>')
    group = page[iraq : page.index("</section>", iraq)]
    assert '<a href="/places/iraq/">Iraq</a>' in group
    assert '<a href="/places/kirkuk/">Kirkuk</a>' in group
    uk = page.index('<h2><a href="/places/united-kingdom/">United Kingdom</a>')
    assert "Kirkuk" not in page[uk:].split("</section>")[0]


def test_organizations_page_has_a_to_z_and_a_search_box(client, archive):
    page = text(client.get("/organizations/"))
    assert '<nav class="letters" aria-label="A to Z">' in page
    assert '<a href="?letter=P">P</a>' in page
    assert '<label for="browse-q">Find an organization</label>' in page
    by_letter = text(client.get("/organizations/?letter=P"))
    assert '<a href="?letter=P" aria-current="page">P</a>' in by_letter
    assert '<a href="/organizations/pentagon/">Pentagon</a>' in by_letter
    names = re.findall(r'<a href="/organizations/[^"]+/">([^<]+)</a>', by_letter)
    assert names and all(name[0].upper() == "P" for name in names)


def test_browse_search_box_filters_the_list(client, archive):
    page = text(client.get("/organizations/?q=penta"))
    assert '<a href="/organizations/pentagon/">Pentagon</a>' in page
    assert "matching “penta”" in page
    nothing = text(client.get("/people/?q=zzzzzz"))
    assert "Nothing here matches “zzzzzz”." in nothing


def test_people_page_links_each_person_to_their_page(client, archive):
    page = text(client.get("/people/"))
    assert "<h1>People</h1>" in page
    links = re.findall(r'<a href="/people/([^"]+)/">', page)
    assert links
    assert client.get(f"/people/{links[0]}/").status_code == 200


def test_browse_pages_mark_where_you_are(client, archive):
    page = client.get("/places/").content.decode()
    assert '<a href="/places/" aria-current="page">Places</a>' in page


def test_unknown_letter_shows_everything(client, archive):
    response = client.get("/people/?letter=%3Cscript%3E")
    assert response.status_code == 200
    assert "<script>" not in response.content.decode().split("<main", 1)[1].split("</main>")[0]


# --- Editors' corrections show at once ------------------------------------------------


@pytest.fixture
def correcting(settings):
    """Corrections in a test's transaction, with their on-commit work run by hand.

    The shared index is left alone (its articles must not follow a rolled-back rename), and
    the caches are emptied after, since the database goes back to how it was.
    """
    from articles import aggregate_cache

    settings.NEWSROOM_INDEX_ON_COMMIT = False
    aggregate_cache.clear_caches()
    yield
    aggregate_cache.clear_caches()


def test_a_merged_place_leaves_the_places_page_at_once(
    client, archive, correcting, django_capture_on_commit_callbacks
):
    from articles import corrections
    from articles.models import Entity

    assert '<a href="/places/kirkuk/">Kirkuk</a>' in text(client.get("/places/"))
    kirkuk = Entity.objects.get(kind="place", slug="kirkuk")
    baghdad = Entity.objects.get(kind="place", slug="baghdad")
    with django_capture_on_commit_callbacks(execute=True):
        corrections.merge_entities(kirkuk, baghdad)

    page = text(client.get("/places/"))
    assert '<a href="/places/kirkuk/">' not in page
    assert '<a href="/places/baghdad/">Baghdad</a>' in page


def test_a_renamed_organization_shows_its_new_name_at_once(
    client, archive, correcting, django_capture_on_commit_callbacks
):
    from articles import corrections
    from articles.models import Entity

    assert '<a href="/organizations/pentagon/">Pentagon</a>' in text(client.get("/organizations/"))
    pentagon = Entity.objects.get(kind="organization", slug="pentagon")
    with django_capture_on_commit_callbacks(execute=True):
        corrections.rename_entity(pentagon, "US Department of Defense")

    page = text(client.get("/organizations/"))
    assert '<a href="/organizations/us-department-of-defense/">US Department of Defense</a>' in page
    assert ">Pentagon</a>" not in page


def test_a_renamed_outlet_is_listed_and_found_by_its_new_slug_at_once(
    client, archive, correcting, django_capture_on_commit_callbacks
):
    from articles.models import Source

    assert client.get("/search/?source=press-tv").status_code == 200  # names cached
    assert '<a href="/search/?source=press-tv">Press TV</a>' in text(client.get("/sources/"))
    press = Source.objects.get(slug="press-tv")
    with django_capture_on_commit_callbacks(execute=True):
        press.name, press.slug = "PressTV", "presstv"
        press.save()

    assert '<a href="/search/?source=presstv">PressTV</a>' in text(client.get("/sources/"))
    found = text(client.get("/search/?source=presstv"))
    assert "No outlet called" not in found
    assert "PressTV" in found


def test_other_processes_see_a_correction_once_it_is_committed(
    archive, correcting, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    from articles.aggregate_cache import CATALOG_VERSION_KEY
    from articles.models import Source

    before = cache.get(CATALOG_VERSION_KEY)
    with django_capture_on_commit_callbacks() as after_commit:
        press = Source.objects.get(slug="press-tv")
        press.name = "PressTV"
        press.save()
        assert cache.get(CATALOG_VERSION_KEY) == before  # nobody may cache the old rows as new
    for callback in after_commit:
        callback()
    assert cache.get(CATALOG_VERSION_KEY) != before


# --- Countries count their places ------------------------------------------------------


def place_hits(slug: str) -> int:
    from articles import search

    request = search.SearchRequest(include={"place": (slug,)}, sort="newest", facets=False)
    return search.search_articles(request).total


def test_a_countrys_count_is_what_its_link_finds_cities_included(client, archive):
    from articles.models import Mention

    page = text(client.get("/places/"))
    headings = re.findall(
        r'<h2><a href="/places/([^"]+)/">[^<]+</a> <span class="count">([\d,]+)</span>',
        page,
    )
    assert len(headings) >= 3
    rolled_up = 0
    for slug, shown in headings:
        count = int(shown.replace(",", ""))
        assert count == place_hits(slug), f"/places/ shows {count} for {slug}"
        own = Mention.objects.filter(
            entity__kind="place", entity__slug=slug, suppressed=False, article__is_published=True
        ).count()
        rolled_up += count > own
    assert rolled_up, "no country counted an article that names only one of its places"


def test_the_home_page_counts_countries_as_their_links_do(client, archive):
    page = text(client.get("/"))
    places = page[page.index('id="h-places"') : page.index('id="h-orgs"')]
    listed = re.findall(
        r'<a href="/places/([^"]+)/">[^<]+</a> <span class="count">([\d,]+)</span>', places
    )
    assert ("united-states", str(place_hits("united-states"))) in listed


def test_a_new_worker_computes_the_browse_lists_before_its_first_reader(archive):
    from articles import aggregate_cache, selectors

    aggregate_cache.clear_caches()
    selectors.warm_up()
    kept = set(aggregate_cache._memo)
    assert {"directory:place", "directory:organization", "directory:person"} <= kept
    assert "directory:source" in aggregate_cache._memo


# --- Counts that stay cheap as the archive grows (issue 12) -----------------------------


@pytest.fixture
def fresh_counts():
    """Counts computed for this test's changes, forgotten after (the database rolls back)."""
    from articles import aggregate_cache

    aggregate_cache.clear_caches()
    yield
    aggregate_cache.clear_caches()


def test_browse_counts_leave_out_unpublished_articles_and_removed_mentions(archive, fresh_counts):
    """Counted without joining every mention to its article, they equal the joined count."""
    from articles import selectors
    from articles.models import Entity, Mention

    hidden = Article.objects.filter(mentions__entity__kind="place").distinct().first()
    Article.objects.filter(pk=hidden.pk).update(is_published=False)
    removed = Mention.objects.filter(article__is_published=True).first()
    Mention.objects.filter(pk=removed.pk).update(suppressed=True)
    entities = {e.pk: e for e in Entity.objects.all()}
    country_entity = {}  # ISO code -> the first country entity (the one places roll up to)
    for e in sorted(entities.values(), key=lambda e: e.pk):
        if e.kind == "place" and e.feature == "country" and e.country:
            country_entity.setdefault(e.country, e)
    named: dict[int, set[str]] = {}  # entity id -> published articles naming it
    for article_id, entity_id in Mention.objects.filter(
        suppressed=False, article__is_published=True
    ).values_list("article_id", "entity_id"):
        named.setdefault(entity_id, set()).add(article_id)
        place = entities[entity_id]
        country = country_entity.get(place.country) if place.kind == "place" else None
        if country is not None and place.feature != "country":
            named.setdefault(country.pk, set()).add(article_id)
    expected: dict[str, dict[str, int]] = {}
    for pk, articles in named.items():
        expected.setdefault(entities[pk].kind, {})[entities[pk].slug] = len(articles)
    for kind in ("place", "organization", "person"):
        shown = {e.slug: e.count for e in selectors.entity_directory(kind).entries}
        assert shown == expected[kind], kind


def test_a_new_worker_reads_the_browse_lists_another_worker_computed(
    archive, django_assert_max_num_queries
):
    """Workers share the counts through the cache: a recycled or second worker does not
    scan every mention again (the memo of this process stands in for another process)."""
    from articles import aggregate_cache, selectors

    aggregate_cache.clear_caches()
    selectors.warm_up()
    aggregate_cache._memo.clear()  # a fresh process: nothing in its own memory
    aggregate_cache._version_memo = (0.0, ("", ""))
    with django_assert_max_num_queries(2):  # the archive's version, nothing else
        selectors.warm_up()


def test_the_archive_version_is_read_from_indexes_not_a_table_scan(archive):
    """SQLite answers max(a), max(b) in one query by reading every row (each second, in
    every worker); one aggregate per query is one index lookup."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from articles import aggregate_cache

    if connection.vendor != "sqlite":
        pytest.skip("SQLite's query planner")
    aggregate_cache._version_memo = (0.0, ("", ""))
    with CaptureQueriesContext(connection) as queries:
        aggregate_cache._versions()
    assert queries.captured_queries
    with connection.cursor() as cursor:
        for query in queries.captured_queries:
            cursor.execute("EXPLAIN QUERY PLAN " + query["sql"])
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
            assert "SCAN articles_article" not in plan, plan
