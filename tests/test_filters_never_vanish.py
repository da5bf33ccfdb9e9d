"""Issue 18, "Filters never vanish": every filter parameter, given a value as a link may
write it (slug, other name, old slug, refiled slug, junk, empty), answers its results, a
permanent redirect to its canonical link, or nothing with a message and the closest values:
never the unfiltered archive, never a 500. The editor's changes that leave old links behind
are made through the real admin."""

from __future__ import annotations

import csv
import html
import io
from datetime import date
from urllib.parse import urlencode

import pytest
from django.utils.text import slugify

from articles import search
from articles.ingest.authors import set_authors
from articles.models import Article, Authorship, Entity, EntityAlias, Mention, Source

from .test_search_engine import newsroom  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

JUNK = "unmatched"


def make(kind: str, name: str, *articles: Article) -> Entity:
    from articles.extraction.names import name_key, name_slug

    entity = Entity.objects.create(kind=kind, name=name, slug=name_slug(name), key=name_key(name))
    for article in articles:
        Mention.objects.create(article=article, entity=entity)
    return entity


def admin_entity_form(entity: Entity, **changes) -> dict:
    data = {
        "kind": entity.kind,
        "name": entity.name,
        "country": entity.country,
        "feature": entity.feature,
        "latitude": "",
        "longitude": "",
        "aliases-TOTAL_FORMS": "0",
        "aliases-INITIAL_FORMS": "0",
    }
    return {**data, **changes}


@pytest.fixture
def edited(client, newsroom, django_user_model):  # noqa: F811
    """The small archive after an editor's changes in the admin: Kirkuk renamed, a second
    spelling of Kata'ib Hezbollah merged into it, three names refiled under another kind,
    Reuters given a new slug; and other names (aliases, a web domain); and bylines."""
    editor = django_user_model.objects.create_superuser("editor", "e@example.org", "pw")
    client.force_login(editor)
    iraq = Entity.objects.get(slug="iraq")
    EntityAlias.objects.create(entity=iraq, name="Republic of Iraq")
    EntityAlias.objects.create(entity=Entity.objects.get(slug="kataib-hezbollah"), name="KH")
    EntityAlias.objects.create(entity=Entity.objects.get(slug="joe-biden"), name="Joseph R. Biden")
    Source.objects.filter(slug="press-tv").update(domains=["presstv.ir"])
    set_authors(newsroom["kirkuk"], ["Lisa Rathke"])
    set_authors(newsroom["baghdad"], ["Lisa Rathke", "Wilson Ring"])
    hizbollah = make("organization", "Kataib Hizbollah", newsroom["tehran"])
    taylor = make("place", "Breonna Taylor", newsroom["biden"])
    houthis = make("person", "Houthis", newsroom["tehran"])
    pompeo = make("organization", "Mike Pompeo", newsroom["baghdad"])

    def posted(url, data):
        response = client.post(url, data)
        assert response.status_code == 302, response.content.decode()[:2000]

    kirkuk = Entity.objects.get(slug="kirkuk")
    change = "/admin/articles/entity/{}/change/"
    posted(change.format(kirkuk.pk), admin_entity_form(kirkuk, name="Kirkuk Governorate"))
    kh = Entity.objects.get(slug="kataib-hezbollah")
    posted(
        "/admin/articles/entity/",
        {
            "action": "merge_selected",
            "_selected_action": [kh.pk, hizbollah.pk],
            "confirm": "yes",
            "survivor": kh.pk,
        },
    )
    posted(change.format(taylor.pk), admin_entity_form(taylor, kind="person"))
    posted(change.format(houthis.pk), admin_entity_form(houthis, kind="organization"))
    posted(change.format(pompeo.pk), admin_entity_form(pompeo, kind="person"))
    reuters = Source.objects.get(slug="reuters")
    posted(
        f"/admin/articles/source/{reuters.pk}/change/",
        {"name": "Reuters", "slug": "reuters-news", "domains": "[]"},
    )
    client.logout()
    search.index_articles(Article.objects.values_list("id", flat=True))
    return newsroom


# (parameter, case, value as written, (parameter, canonical value) or None when it names
# nothing, a closest value offered for it or "")
CASES = [
    ("place", "slug", "iraq", ("place", "iraq"), ""),
    ("place", "letter case", "IRAQ", ("place", "iraq"), ""),
    ("place", "alias", "republic-of-iraq", ("place", "iraq"), ""),
    ("place", "name", "Republic of Iraq", ("place", "iraq"), ""),
    ("place", "old slug", "kirkuk", ("place", "kirkuk-governorate"), ""),
    ("place", "refiled", "breonna-taylor", ("person", "breonna-taylor"), ""),
    ("place", "junk", "irak", None, "Place: Iraq"),
    ("place", "junk", "zzqxv", None, ""),
    ("org", "slug", "pentagon", ("org", "pentagon"), ""),
    ("org", "alias", "kh", ("org", "kataib-hezbollah"), ""),
    ("org", "name", "Kata’ib Hezbollah", ("org", "kataib-hezbollah"), ""),
    ("org", "old slug", "kataib-hizbollah", ("org", "kataib-hezbollah"), ""),
    ("org", "refiled", "mike-pompeo", ("person", "mike-pompeo"), ""),
    ("org", "junk", "pentagone", None, "Organization: Pentagon"),
    ("org", "another kind's slug", "iraq", None, "Place: Iraq"),
    ("person", "slug", "joe-biden", ("person", "joe-biden"), ""),
    ("person", "alias", "joseph-r-biden", ("person", "joe-biden"), ""),
    ("person", "refiled", "houthis", ("org", "houthis"), ""),
    ("person", "junk", "joe-bidden", None, "Person: Joe Biden"),
    ("source", "slug", "press-tv", ("source", "press-tv"), ""),
    ("source", "name", "Press TV", ("source", "press-tv"), ""),
    ("source", "spelling", "presstv", ("source", "press-tv"), ""),
    ("source", "web domain", "presstv.ir", ("source", "press-tv"), ""),
    ("source", "old slug", "reuters", ("source", "reuters-news"), ""),
    ("source", "junk", "daily-planet", None, ""),
    ("source", "junk", "reuter", None, "Outlet: Reuters"),
    ("section", "slug", "world", ("section", "world"), ""),
    ("section", "name", "Middle East", ("section", "middle-east"), ""),
    ("section", "letter case", "WORLD", ("section", "world"), ""),
    ("section", "junk", "economi", None, "Section: Economy"),
    ("year", "slug", "2020", ("year", "2020"), ""),
    ("year", "letter case", "Undated", ("year", "undated"), ""),
    ("year", "junk", "20x0", None, "Year: 2020"),
    ("year", "other digits", "٢٠٢٠", None, "Year: 2020"),
    ("author", "slug", "lisa-rathke", ("author", "lisa-rathke"), ""),
    ("author", "letter case", "LISA-RATHKE", ("author", "lisa-rathke"), ""),
    ("author", "name", "Lisa Rathke", ("author", "lisa-rathke"), ""),
    ("author", "name in capitals", "LISA RATHKE", ("author", "lisa-rathke"), ""),
    ("author", "junk", "lisa-rathk", None, "Author: Lisa Rathke"),
    ("author", "junk", "zzqxv", None, ""),
    ("from", "date", "2020-01-01", ("from", "2020-01-01"), ""),
    ("from", "junk", "yesterday", None, ""),
    ("from", "no such day", "2020-02-30", None, "From 29 Feb 2020"),
    ("from", "day before month", "2020-13-01", None, "From 13 Jan 2020"),
    ("to", "day first", "31/12/2020", None, "Until 31 Dec 2020"),
    ("to", "year alone", "2019", None, "Until 31 Dec 2019"),
]
MARKS = {"place", "org", "person", "source", "section", "year", "author"}


def cases():
    for name, case, value, canonical, closest in CASES:
        yield pytest.param(name, value, canonical, closest, id=f"{name}-{case}")


def truth(parameter: str, value: str, mark: str) -> set[int]:
    """The published articles a canonical filter value selects, read from the database."""
    published = Article.objects.filter(is_published=True)
    everything = set(published.values_list("id", flat=True))
    if parameter in ("from", "to"):
        day = date.fromisoformat(value)
        after = parameter == "from"
        return {a.id for a in published if a.published and (a.published >= day) == after}
    if parameter in ("place", "org", "person"):
        kind = {"place": "place", "org": "organization", "person": "person"}[parameter]
        entity = Entity.objects.get(kind=kind, slug=value)
        entities = [entity]
        if entity.feature == "country":  # a country counts the places in it
            entities = Entity.objects.filter(kind="place", country=entity.country)
        with_it = set(
            Mention.objects.filter(entity__in=entities, suppressed=False).values_list(
                "article_id", flat=True
            )
        )
    elif parameter == "source":
        with_it = set(published.filter(source__slug=value).values_list("id", flat=True))
    elif parameter == "section":
        with_it = {a.id for a in published if slugify(a.section) == value}
    elif parameter == "author":
        with_it = set(
            Authorship.objects.filter(author__slug=value).values_list("article_id", flat=True)
        )
    else:
        with_it = {
            a.id for a in published if str(a.published.year if a.published else "undated") == value
        }
    return (everything - with_it if mark == "-" else with_it) & everything


def json_of(client, query: str) -> dict:
    response = client.get(f"/search/?{query}&format=json")
    assert response.status_code == 200, (query, response.status_code)
    return response.json()


def result_ids(data: dict) -> set[int]:
    return {row["id"] for row in data["results"]}


@pytest.mark.parametrize(("parameter", "value", "canonical", "closest"), cases())
def test_every_filter_value_gives_results_a_redirect_or_nothing_with_the_closest_values(
    client, edited, parameter, value, canonical, closest
):
    """Each value as included, left out ("-") and required ("+")."""
    for mark in ("", "-", "+") if parameter in MARKS else ("",):
        check_value(client, parameter, value, canonical, closest, mark)


def check_value(client, parameter, value, canonical, closest, mark):
    written = urlencode({parameter: mark + value})
    response = client.get(f"/search/?{written}")
    assert response.status_code in (200, 301), response.status_code
    if canonical is not None:
        field, slug = canonical
        expected = f"/search/?{urlencode({field: mark + slug})}"
        if (field, slug) != (parameter, value):
            assert response.status_code == 301 and response["Location"] == expected
            for fmt in ("json", "csv", "atom"):  # every format follows the same way
                moved = client.get(f"/search/?{written}&format={fmt}")
                assert moved["Location"] == f"{expected}&format={fmt}"
        data = json_of(client, expected.split("?", 1)[1])
        assert result_ids(data) == truth(field, slug, mark)
        assert data["unmatched"] == []
        return

    # It names nothing: nothing is found, and the page says so with the closest values.
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    data = json_of(client, written)
    assert data["total"] == 0 and data["results"] == []
    (unmatched,) = data["unmatched"]
    assert (unmatched["parameter"], unmatched["value"]) == (parameter, mark + value)
    assert unmatched["message"] in data["notes"] and unmatched["message"] in page
    assert "No articles match" in page and 'class="results"' not in page
    assert '<meta name="robots" content="noindex">' in page
    texts = [c["text"] for c in unmatched["closest"]]
    if closest:
        wanted = closest.replace(": ", ": " + {"-": "not ", "+": "also "}.get(mark, ""), 1)
        assert wanted in texts, texts
        chosen = next(c for c in unmatched["closest"] if c["text"] == wanted)
        assert chosen["url"].removeprefix("http://testserver") in page
        followed = json_of(client, chosen["url"].split("?", 1)[1])
        assert followed["total"] == chosen["count"] and followed["unmatched"] == []
    else:
        assert texts == []
    without = unmatched["without"]
    assert without["url"] == "http://testserver/search/"
    assert without["count"] == Article.objects.filter(is_published=True).count()
    # The other forms find nothing either, and say why where they can.
    exported = client.get(f"/search/?{written}&format=csv")
    rows = list(csv.reader(io.StringIO(b"".join(exported.streaming_content).decode())))
    assert len(rows) == 1  # the header alone
    feed = html.unescape(client.get(f"/search/?{written}&format=atom").content.decode())
    assert "<entry>" not in feed and unmatched["message"] in feed
    listed = client.get(f"/search/values/place/?{written}")  # every value of a filter
    assert listed.status_code == 200 and unmatched["message"] in html.unescape(
        listed.content.decode()
    )
    compared = client.get(f"/compare/?q=troops&{written}&format=json").json()
    assert compared["all_articles"] == 0 and compared["series"][0]["total"] == 0
    assert compared["unmatched"][0]["message"] == unmatched["message"]


@pytest.mark.parametrize(
    "parameter", ["place", "org", "person", "source", "section", "year", "author", "from", "to"]
)
def test_an_empty_value_redirects_to_the_search_without_it(client, edited, parameter):
    for written in ("", "-", "+", "%20") if parameter not in ("from", "to") else ("", "%20"):
        response = client.get(f"/search/?q=troops&{parameter}={written}")
        assert response.status_code == 301, (parameter, written)
        assert response["Location"] == "/search/?q=troops"
    assert json_of(client, "q=troops")["total"] == 4


def test_a_redirect_keeps_the_rest_of_the_search_and_each_values_role(client, edited):
    response = client.get(
        "/search/?q=troops&place=republic-of-iraq&org=-kh&person=houthis&source=zzz&from=2020-13-01"
    )
    assert response.status_code == 301
    assert response["Location"] == (
        "/search/?q=troops&place=iraq&org=houthis&org=-kataib-hezbollah&source=zzz&from=2020-13-01"
    )
    data = json_of(client, response["Location"].split("?", 1)[1])
    assert data["total"] == 0 and [u["value"] for u in data["unmatched"]] == ["zzz", "2020-13-01"]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/places/iraq/", 200),
        ("/places/republic-of-iraq/", "/places/iraq/"),
        ("/places/kirkuk/", "/places/kirkuk-governorate/"),
        ("/places/breonna-taylor/", "/people/breonna-taylor/"),
        ("/organizations/kh/", "/organizations/kataib-hezbollah/"),
        ("/organizations/kataib-hizbollah/", "/organizations/kataib-hezbollah/"),
        ("/organizations/mike-pompeo/", "/people/mike-pompeo/"),
        ("/people/houthis/", "/organizations/houthis/"),
        ("/people/joseph-r-biden/", "/people/joe-biden/"),
        ("/people/joe-bidden/", 404),
        ("/organizations/iraq/", 404),
    ],
)
def test_entity_pages_follow_the_same_lookup(client, edited, path, expected):
    response = client.get(path)
    if isinstance(expected, str):
        assert response.status_code == 301 and response["Location"] == expected
        assert client.get(expected).status_code == 200
    else:
        assert response.status_code == expected
    if expected == 404:
        page = html.unescape(response.content.decode())
        assert "Closest in the archive:" in page
        assert '<a href="/people/joe-biden/">Joe Biden</a>' in page or (
            '<a href="/places/iraq/">Iraq</a> <span class="meta">(place)</span>' in page
        )


def test_the_search_form_sends_a_value_that_names_nothing_again(client, edited):
    """Changing the sort must not drop it: the form carries it until the reader removes it
    (its chip) or types a real date over it."""
    page = client.get("/search/?q=troops&place=atlantis&from=yesterday").content.decode()
    assert '<input type="hidden" name="place" value="atlantis">' in page
    hidden = page.index('<input type="hidden" name="from" value="yesterday">')
    assert hidden < page.index('<input type="date" id="from" name="from"')
    resent = json_of(client, "q=troops&place=atlantis&from=yesterday&from=&sort=newest")
    assert resent["total"] == 0 and len(resent["unmatched"]) == 2
    fixed = json_of(client, "q=troops&place=atlantis&from=yesterday&from=2020-01-01")
    assert fixed["query"]["from"] == "2020-01-01"
    assert [u["value"] for u in fixed["unmatched"]] == ["atlantis"]
    compare = client.get("/compare/?q=troops&from=yesterday&place=atlantis").content.decode()
    assert compare.index('name="from" value="yesterday"') < compare.index('type="date" id="from"')
    assert '<input type="hidden" name="place" value="atlantis">' in compare
