"""The search page /search/: filters, counts, canonical links, notes, odd queries.

A small real archive (the seed Press TV page, BBC politics and BuzzFeed-Webis articles from
../shared/corpus) is imported once per module into the test database and a real Whoosh index.
Entity extraction is being improved, so tests lean on facts that do not depend on it: the
seed mentions Iraq and the Pentagon, outlets and sections come from the files themselves.
"""

import html
import io
import re
from contextlib import contextmanager
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article, Author, Entity, EntityAlias, EntityRedirect, Mention, Source

from .conftest import CORPUS, SEED

pytestmark = pytest.mark.django_db


def corpus_slice() -> list[str]:
    bbc = sorted((CORPUS / "bbc_news" / "politics").glob("*.txt"))[:20]
    buzzfeed = sorted((CORPUS / "buzzfeed_webis_2016" / "articles").glob("*.xml"))[:25]
    return [str(SEED), *map(str, bbc), *map(str, buzzfeed)]


def clear_archive():
    from haystack import connections

    from articles import aggregate_cache

    aggregate_cache.clear_caches()  # counts cached for the home and browse pages
    Mention.objects.all().delete()
    Article.objects.all().delete()
    Author.objects.all().delete()
    EntityRedirect.objects.all().delete()
    EntityAlias.objects.all().delete()
    Entity.objects.all().delete()
    Source.objects.all().delete()
    connections.reload("default")
    backend = connections["default"].get_backend()
    if not getattr(backend, "setup_complete", True):
        backend.setup()
    backend.clear()


@contextmanager
def imported(django_db_blocker, paths: list[str]):
    """Import and index ``paths`` outside the per-test transaction; remove it all after."""
    if not CORPUS.exists():
        pytest.skip("../shared/corpus is not beside the repository")
    with django_db_blocker.unblock():
        clear_archive()
        call_command("import_articles", *paths, stdout=io.StringIO(), stderr=io.StringIO())
        try:
            seed = Article.objects.get(source__slug="press-tv")
            yield SimpleNamespace(
                seed=seed, total=Article.objects.filter(is_published=True).count()
            )
        finally:
            clear_archive()


@pytest.fixture(scope="module")
def archive(django_db_setup, django_db_blocker):
    """The seed plus ~45 corpus articles, imported and indexed once for the module."""
    with imported(django_db_blocker, corpus_slice()) as found:
        yield found


def h1(response) -> str:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", response.content.decode(), re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", match.group(1))).split())


def title(response) -> str:
    match = re.search(r"<title>(.*?)</title>", response.content.decode(), re.S)
    return html.unescape(match.group(1)).strip()


def as_json(client, querystring: str) -> dict:
    response = client.get(f"/search/?{querystring}&format=json", follow=True)
    assert response.status_code == 200, response.content[:500]
    return response.json()


# --- Finding articles --------------------------------------------------------------


def test_a_word_finds_the_article_and_the_heading_says_how_many(client, archive):
    response = client.get("/search/?q=Kirkuk")
    assert response.status_code == 200
    page = response.content.decode()
    assert archive.seed.get_absolute_url() in page
    assert "Ain al-Asad" in html.unescape(page)
    assert h1(response) == "“Kirkuk” — 1 article"
    assert title(response).startswith("“Kirkuk” — 1 article")


def test_heading_and_title_describe_the_filters(client, archive):
    response = client.get("/search/?place=iraq&org=pentagon&source=press-tv")
    assert response.status_code == 200
    assert h1(response) == "Pentagon in Iraq · Press TV — 1 article"
    assert title(response) == "Pentagon in Iraq · Press TV — 1 article · Newsroom"


def test_the_empty_search_lists_every_article(client, archive):
    response = client.get("/search/")
    assert response.status_code == 200
    assert f"All articles — {archive.total} articles" == h1(response)


def test_values_of_one_filter_combine_with_or(client, archive):
    press = as_json(client, "source=press-tv")["total"]
    bbc = as_json(client, "source=bbc-news")["total"]
    both = as_json(client, "source=bbc-news&source=press-tv")["total"]
    assert press == 1 and bbc == 20
    assert both == press + bbc


def test_different_filters_combine_with_and(client, archive):
    assert as_json(client, "source=press-tv&place=iraq")["total"] == 1
    assert (
        as_json(client, "source=bbc-news&org=pentagon&place=iraq")["total"]
        <= as_json(client, "source=bbc-news&org=pentagon")["total"]
    )


def test_a_dash_excludes_a_value(client, archive):
    everything = as_json(client, "")["total"]
    without_press_tv = as_json(client, "source=-press-tv")
    assert without_press_tv["total"] == everything - 1
    assert archive.seed.id not in [r["id"] for r in without_press_tv["results"]]
    page = client.get("/search/?source=-press-tv").content.decode()
    assert "not Press TV" in html.unescape(page)


def test_facet_counts_cover_all_matches_not_one_page(client, archive):
    data = as_json(client, "")
    assert data["total"] > 20 and len(data["results"]) == 20
    sources = {f["slug"]: f["count"] for f in data["facets"]["source"]}
    assert sources["bbc-news"] == 20
    assert sum(sources.values()) == data["total"]


def test_every_filter_group_is_shown_with_counts_and_labelled_checkboxes(client, archive):
    page = client.get("/search/").content.decode()
    for legend in ("Places", "Organizations", "People", "Outlets", "Sections", "Years"):
        assert f"<legend>{legend}</legend>" in page
    assert re.search(
        r'<input type="checkbox" name="source" value="bbc-news" id="f-source-bbc-news">\s*'
        r'<label for="f-source-bbc-news">BBC News</label> <a class="count" '
        r'href="/search/\?source=bbc-news" tabindex="-1" aria-label="BBC News alone: 20 articles" '
        r'data-count="20">20</a>',
        page,
    )
    assert 'name="source" value="-bbc-news"' in page
    assert '<label for="from">From</label>' in page and '<label for="to">Until</label>' in page


def test_active_facet_is_checked_and_marked_current(client, archive):
    page = client.get("/search/?source=press-tv").content.decode()
    assert re.search(
        r'<li class="facet-value is-selected" aria-current="true">\s*'
        r'<input type="checkbox" name="source" value="press-tv" id="f-source-press-tv" checked>',
        page,
    )


def test_long_facet_lists_show_the_top_ten_and_a_filterable_list_of_the_rest(client, archive):
    data = as_json(client, "")
    assert len(data["facets"]["person"]) > 10
    page = client.get("/search/").content.decode()
    group = page[page.index('id="facet-person"') :]
    group = group[: group.index("</fieldset>")]
    top = group[: group.index("<details")]
    assert len(re.findall(r'class="facet-value[ "]', top)) == 10
    assert "<summary>All " in group and "people</summary>" in group
    assert '<label class="facet-filter" for="filter-person">Find a person</label>' in group
    if data["facet_value_counts"]["person"] > 50:  # more than the page lists
        assert 'href="/search/values/person/">see and search all' in group


def test_every_value_of_a_filter_can_be_listed_and_searched(client, archive):
    data = as_json(client, "q=said")
    people = data["facet_value_counts"]["person"]
    response = client.get("/search/values/person/?q=said")
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert f"<h1>All {people:,} people in these results</h1>" in page
    assert page.count('<a href="/search/?q=said&person=') == min(people, 50)  # a page of them
    assert '<label for="find">Find a person</label>' in page
    assert '<input type="hidden" name="q" value="said">' in page

    found = html.unescape(client.get("/search/values/org/?find=penta").content.decode())
    assert '<label for="find">Find an organization</label>' in found
    assert '<a href="/search/?org=pentagon">Pentagon</a>' in found
    assert "matching “penta”" in found
    assert client.get("/search/values/colour/").status_code == 404


def test_active_filters_are_chips_that_remove_themselves(client, archive):
    page = client.get("/search/?q=troops&place=iraq&source=-bbc-news").content.decode()
    assert 'aria-label="Remove filter Place: Iraq"' in page
    assert (
        'href="/search/?q=troops&amp;source=-bbc-news" aria-label="Remove filter Place: Iraq"'
        in page
    )
    assert (
        'href="/search/?q=troops&amp;place=iraq" aria-label="Remove filter Outlet: not BBC News"'
        in page
    )
    assert (
        'href="/search/?place=iraq&amp;source=-bbc-news" aria-label="Remove the words troops"'
        in page
    )


def test_filter_links_drop_the_page_number(client, archive):
    page = client.get("/search/?page=2").content.decode()
    page = re.sub(r'<nav class="pagination[^"]*".*?</nav>', "", page, flags=re.S)
    links = re.findall(r'href="(/search/[^"]*)"', page)
    filter_links = [link for link in links if "format=json" not in link]
    assert filter_links and not [link for link in filter_links if "page=" in link]


def test_sort_orders_results_and_keeps_the_filters(client, archive):
    newest = as_json(client, "source=bbc-news&sort=newest")
    oldest = as_json(client, "source=bbc-news&sort=oldest")
    assert newest["total"] == oldest["total"] == 20
    assert {r["id"] for r in newest["results"]} == {r["id"] for r in oldest["results"]}
    page = client.get("/search/?q=troops").content.decode()
    assert '<option value="newest">Newest first</option>' in page


def test_pages_link_to_each_other(client, archive):
    first = client.get("/search/").content.decode()
    assert 'rel="next" href="/search/?page=2"' in first
    second = client.get("/search/?page=2")
    assert second.status_code == 200
    body = second.content.decode()
    assert 'rel="prev" href="/search/"' in body
    assert '<a aria-current="page" href="/search/?page=2">2</a>' in body
    assert set(r["id"] for r in as_json(client, "page=2")["results"]).isdisjoint(
        r["id"] for r in as_json(client, "")["results"]
    )


def test_a_page_past_the_end_says_so(client, archive):
    response = client.get("/search/?page=400")
    assert response.status_code == 200
    assert "Page 400 is past the end of these results" in response.content.decode()


# --- Zero results and spelling ----------------------------------------------------


def zero_result_changes(page: str) -> list[tuple[str, str, str]]:
    """(link, text, count shown) of each change a zero-results page offers, in order."""
    section = re.search(r'<section class="zero".*?</section>', page, re.S).group(0)
    return re.findall(r'<a href="([^"]+)">([^<]+)</a> <span class="count">([^<]+)</span>', section)


def test_zero_results_offer_to_drop_each_filter(client, archive):
    response = client.get("/search/?q=Kirkuk&place=iraq&source=bbc-news")
    page = html.unescape(response.content.decode())
    assert "No articles match" in page
    assert 'href="/search/?place=iraq&source=bbc-news">Search without the words “Kirkuk”' in page
    assert 'href="/search/?q=Kirkuk&place=iraq">Drop “Outlet: BBC News”' in page
    assert 'href="/search/?q=Kirkuk&source=bbc-news">Drop “Place: Iraq”' in page


def test_zero_results_say_how_many_articles_each_drop_finds_most_first(client, archive):
    page = html.unescape(
        client.get("/search/?q=Kirkuk&place=iraq&source=bbc-news").content.decode()
    )
    changes = zero_result_changes(page)
    assert len(changes) == 3
    found = []
    for link, _text, shown in changes:
        total = client.get(link + "&format=json", follow=True).json()["total"]
        found.append(total)
        assert shown == (
            f"{total:,} article{'s' if total != 1 else ''}" if total else "still no articles"
        )
    assert found == sorted(found, reverse=True) and found[-1] == 0 and found[0] > 0
    assert changes[-1][1] == "Drop “Place: Iraq”"  # Kirkuk in BBC News: still nothing


def test_when_no_single_drop_helps_the_page_says_so_and_offers_dropping_all(client, archive):
    # Kirkuk is only in the Press TV page; BBC News has no 2016 articles, and no BBC article
    # names Kirkuk: each drop still leaves two conditions that never meet.
    response = client.get("/search/?q=Kirkuk&source=bbc-news&year=2016")
    page = html.unescape(response.content.decode())
    assert "No single change finds anything" in page
    changes = zero_result_changes(page)
    assert [shown for _, _, shown in changes[:-1]] == ["still no articles"] * 3
    assert changes[-1] == ("/search/?q=Kirkuk", "Keep only the words “Kirkuk”", "1 article")


def test_us_and_u_s_find_the_same_articles_not_the_whole_archive(client, archive):
    us, dotted = as_json(client, "q=US"), as_json(client, "q=U.S.")
    assert 0 < us["total"] < archive.total
    assert us["total"] == dotted["total"] and us["notes"] == dotted["notes"] == []


def test_a_query_of_only_common_words_says_so_instead_of_matching_everything(client, archive):
    response = client.get("/search/?q=the")
    page = html.unescape(response.content.decode())
    assert "“the” is too common a word to search for, so no article can match." in page
    assert h1(response) == "“the” — no articles"
    assert as_json(client, "q=the")["total"] == 0


def test_a_selected_outlet_still_lists_the_other_outlets_to_add(client, archive):
    data = as_json(client, "source=bbc-news")
    sources = {f["slug"]: f["count"] for f in data["facets"]["source"]}
    assert sources["bbc-news"] == 20 and sources["press-tv"] == 1
    for slug, count in sources.items():
        assert as_json(client, f"source={slug}&facets=off")["total"] == count
    page = client.get("/search/?source=bbc-news").content.decode()
    assert 'id="f-source-press-tv"' in page


def test_a_misspelt_word_offers_did_you_mean_keeping_the_filters(client, archive):
    data = as_json(client, "q=troopps")
    assert data["total"] == 0
    assert data["suggestion"] == "troops"
    page = client.get("/search/?q=troopps&source=press-tv").content.decode()
    assert 'Did you mean <a href="/search/?q=troops&amp;source=press-tv">troops</a>?' in page


# --- Links worth sharing ----------------------------------------------------------


def test_parameters_in_another_order_redirect_to_the_canonical_url(client, archive):
    response = client.get("/search/?source=press-tv&q=troops&sort=newest&place=iraq")
    assert response.status_code == 301
    assert response["Location"] == "/search/?q=troops&place=iraq&source=press-tv&sort=newest"


def test_default_values_from_the_form_redirect_to_the_short_url(client, archive):
    response = client.get("/search/?q=troops&from=&to=&sort=relevance&page=1")
    assert response.status_code == 301
    assert response["Location"] == "/search/?q=troops"


def test_a_renamed_entity_slug_redirects_permanently(client, archive):
    pentagon = Entity.objects.get(kind="organization", slug="pentagon")
    EntityRedirect.objects.create(
        kind="organization", old_slug="us-defense-department", entity=pentagon
    )
    response = client.get("/search/?q=troops&org=us-defense-department&source=press-tv")
    assert response.status_code == 301
    assert response["Location"] == "/search/?q=troops&org=pentagon&source=press-tv"


def test_a_slug_in_the_wrong_case_redirects_to_the_lower_case_one(client, archive):
    response = client.get("/search/?q=troops&place=Iraq&source=Press-TV&section=Politics")
    assert response.status_code == 301
    assert response["Location"] == "/search/?q=troops&place=iraq&source=press-tv&section=politics"


def test_a_nul_byte_in_the_words_is_removed_with_a_plain_note(client, archive):
    page = html.unescape(client.get("/search/?q=Kirkuk%00").content.decode())
    assert "The search text contained a control character; it was removed." in page
    assert "\\x00" not in page and "The q " not in page
    assert archive.seed.get_absolute_url() in page


def test_unknown_parameters_are_ignored_and_unknown_values_find_nothing(client, archive):
    response = client.get("/search/?q=troops&colour=red&place=atlantis")
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "Unknown filter 'colour' was ignored." in page
    assert "No place called 'atlantis' in this archive, so no article matches." in page
    assert "No articles match" in page and 'class="results"' not in page
    assert '<link rel="canonical" href="http://testserver/search/?q=troops&place=atlantis">' in page
    assert '<meta name="robots" content="noindex">' in page


@pytest.mark.parametrize(
    "querystring, message",
    [
        ("q=troops&from=29/03/2020", "Dates are written YYYY-MM-DD"),
        ("q=troops&to=2020-02-31", "Dates are written YYYY-MM-DD"),
        ("q=troops&page=abc", "Page 'abc' does not exist"),
        ("q=troops&page=-3", "Page '-3' does not exist"),
    ],
)
def test_bad_dates_and_pages_give_a_clear_message(client, archive, querystring, message):
    response = client.get(f"/search/?{querystring}")
    assert response.status_code == 200
    assert message in html.unescape(response.content.decode())


@pytest.mark.parametrize(
    "querystring",
    [
        "from=0001-01-01",
        "to=9999-12-31",
        "from=1900-01-01&to=2100-12-31&sort=oldest",
        "year=1800",
        "year=2020&year=-2016",
        "page=500",
        "place=" + "x" * 3000,
        "source=-",
        "org=%00",
    ],
)
def test_odd_filters_never_fail(client, archive, querystring):
    for fmt in ("html", "json", "csv", "atom"):
        response = client.get(f"/search/?{querystring}&format={fmt}", follow=True)
        assert response.status_code == 200, (fmt, response.content[:300])


def test_share_link_and_preview_tags_carry_the_filter_summary(client, archive):
    page = html.unescape(client.get("/search/?place=iraq&org=pentagon").content.decode())
    url = "http://testserver/search/?place=iraq&org=pentagon"
    assert f'<meta property="og:url" content="{url}">' in page
    assert '<meta property="og:title" content="Pentagon in Iraq — 1 article">' in page
    assert '<meta name="twitter:card" content="summary_large_image">' in page
    assert re.search(r'<meta property="og:image" content="http://testserver/static/img/', page)
    assert '<meta name="twitter:title" content="Pentagon in Iraq — 1 article">' in page
    assert f'<input id="share-url" class="share-url" type="url" value="{url}" readonly>' in page
    assert (
        '<button type="button" class="copy-link" data-copy="share-url" hidden>Copy link</button>'
        in page
    )


def test_no_inline_script_so_a_strict_csp_can_come(client, archive):
    page = client.get("/search/?q=troops").content.decode()
    scripts = re.findall(r"<script\b[^>]*>", page)
    assert scripts and all("src=" in tag for tag in scripts)
    assert " onclick=" not in page and " style=" not in page


def test_the_page_with_every_filter_group_needs_a_handful_of_queries(
    client, archive, django_assert_max_num_queries
):
    url = "/search/?q=troops&place=iraq&org=pentagon&source=-bbc-news"
    client.get(url)  # warm the outlet and section caches (the outlet filter's too)
    # Entities' names and descriptions come in one query; stories=off asks nothing of
    # stories.
    with django_assert_max_num_queries(5):
        response = client.get(url + "&stories=off")
    assert response.status_code == 200
    # Stories collapsed (the default) add one: each match's story and its size. A page
    # showing stories of several articles adds one more, however many it shows (their other
    # articles, which give their outlets too). Which stories the fixture's articles form
    # depends on the word weights grouping has seen in this process, so the page says which
    # it is.
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    shows_a_story = 'class="story-more"' in response.content.decode()
    assert len(queries.captured_queries) <= 6 + (1 if shows_a_story else 0)


# --- Odd queries --------------------------------------------------------------------


@pytest.mark.parametrize(
    "q",
    [
        '"',
        "(",
        ")",
        "AND",
        "OR",
        "NOT",
        "*",
        "?",
        "troops AND",
        '"unclosed phrase',
        "(((Iraq",
        "-",
        "--troops",
        "title:Iraq",
        "place:iraq",
        "Iraq^2",
        "x" * 5000,
        "troops " * 700,
        "العراق البنتاغون",
        "Kata’ib",
        "",
        " ",
        "%",
        "\\",
        "<script>alert(1)</script>",
        "😀",
    ],
    ids=lambda q: repr(q[:20]),
)
def test_odd_queries_never_fail(client, archive, q):
    for fmt in ("html", "json"):
        response = client.get("/search/", {"q": q, "format": fmt}, follow=True)
        assert response.status_code in (200, 400), response.content[:300]
        if response.status_code == 400:  # not read: said so, nothing searched
            error = response.json()["query_error"] if fmt == "json" else None
            text = error["message"] if error else response.content.decode()
            assert "Could not read the query" in text
    assert (
        "<script>alert(1)</script>"
        not in client.get("/search/", {"q": q}, follow=True).content.decode()
    )


def test_facet_checkboxes_escape_names_and_slugs():
    from articles.pages.search import FacetGroup, FacetValue
    from articles.templatetags.search_tags import facet_values

    group = FacetGroup("org", "organization", "organizations", [])
    html_out = facet_values(group, [FacetValue('x"><b>', "<b>Evil</b> & Co", 3, selected=True)])
    assert "<b>" not in html_out
    assert "&lt;b&gt;Evil&lt;/b&gt; &amp; Co" in html_out
    assert 'value="x&quot;&gt;&lt;b&gt;"' in html_out
    assert 'aria-current="true"' in html_out and " checked>" in html_out


@pytest.mark.parametrize(
    ("exclude", "words"),
    [
        ({"place": ("iraq",)}, "not in Iraq"),
        ({"place": ("iraq", "japan")}, "in neither Iraq nor Japan"),
        ({"source": ("bbc", "reuters")}, "neither Bbc nor Reuters"),
        ({"place": ("iran", "iraq", "japan")}, "in none of Iran, Iraq and Japan"),
    ],
)
def test_left_out_values_read_as_neither_nor(exclude, words):
    from articles.forms.search import SearchParams
    from articles.pages.search import describe

    assert describe(SearchParams(exclude=exclude), lambda field, slug: slug.title()) == words
