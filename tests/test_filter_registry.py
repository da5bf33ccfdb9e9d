"""Issue 20 item 3, "One filter registry": articles.search.vocabulary.FILTER_GROUPS is the one
list of filters, and its docstring claims that a new filter is one entry plus its values.

Every registered group is walked through every layer that must know it: the index documents
and the Solr schema, both engines' facets and filters (the ``engine`` fixture: the embedded
Whoosh engine, the generic haystack engine, and SolrCloud in the cluster pass), the
querystring form (each role, written back in the registry's order), share links, JSON and
the page, and what a value that names nothing does. A layer that keeps its own list of groups
fails here for the group it leaves out. Which articles have which values is read from the
documents the index is built from (``ArticleIndex.build_facets``, itself checked against the
documents); what those values are is pinned per kind of value elsewhere (the author filter in
tests/test_author_filter.py, the others in tests/test_filters_never_vanish.py).
"""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import replace
from datetime import date
from urllib.parse import urlencode, urlsplit

import pytest
from django.http import QueryDict

from articles import search
from articles.filter_lookup import VALUE_LOOKUPS
from articles.forms.search import parse_search
from articles.ingest.authors import set_authors
from articles.models import Article, Entity, Mention, Source
from articles.pages.search import chip_text
from articles.search import SearchRequest, search_articles
from articles.search.documents import DOCUMENT_VALUES, ArticleIndex
from articles.search.solr.collections import CONFIGSET_DIR
from articles.search.vocabulary import FILTER_GROUPS, UNDATED, FilterGroup

from .test_search_engine import entity, ids, make_newsroom

pytestmark = pytest.mark.django_db

GROUPS = [pytest.param(group, id=group.name) for group in FILTER_GROUPS]


def make_archive() -> dict[str, Article]:
    """The small archive of tests/test_search_engine.py, with authors, a second person, an
    article dated from its dateline (an inferred date) and an undated one: every group has
    at least two values, with different counts."""
    made = make_newsroom()
    press_tv, reuters = Source.objects.get(slug="press-tv"), Source.objects.get(slug="reuters")
    pompeo = entity("person", "Mike Pompeo", "mike-pompeo")
    made["dateline"] = Article.objects.create(
        source=press_tv,
        headline="Tehran talks resume",
        slug="dateline",
        body="TEHRAN, May 1 - Talks on oil exports resumed, Mike Pompeo said.",
        section="Economy",
        date=date(2019, 5, 1),
        date_source=Article.DateSource.DATELINE,
        date_precision=Article.DatePrecision.DAY,
        fingerprint="dateline",
    )
    made["undated"] = Article.objects.create(
        source=reuters,
        headline="Kirkuk oil fields",
        slug="undated",
        body="Kata’ib Hezbollah fighters near the oil fields of Kirkuk.",
        section="World",
        fingerprint="undated",
    )
    Mention.objects.create(article=made["dateline"], entity=pompeo)
    Mention.objects.create(article=made["baghdad"], entity=pompeo)
    for slug in ("kirkuk", "kataib-hezbollah"):
        Mention.objects.create(article=made["undated"], entity=Entity.objects.get(slug=slug))
    for key, names in (
        ("kirkuk", ["Lisa Rathke"]),
        ("baghdad", ["Lisa Rathke", "Wilson Ring"]),
        ("biden", ["Lisa Rathke"]),
        ("dateline", ["Wilson Ring"]),
    ):
        set_authors(made[key], names)
    search.index_articles(a.id for a in made.values())
    return made


@pytest.fixture
def archive(engine):
    """The archive on each engine in turn."""
    return make_archive()


@pytest.fixture
def on_whoosh(clean_index):
    """The archive on Whoosh, for the layers above the engines."""
    return make_archive()


def published() -> set[int]:
    return set(Article.objects.filter(is_published=True).values_list("id", flat=True))


def truth(group: FilterGroup) -> dict[str, set[int]]:
    """Value -> the published articles whose index document carries it in the group's field."""
    out: dict[str, set[int]] = defaultdict(set)
    for article_id, facets in ArticleIndex().build_facets(published()):
        for value in facets[group.field]:
            out[value].add(article_id)
    return dict(out)


def by_count(values: dict[str, set[int]]) -> list[tuple[str, int]]:
    return sorted(((v, len(a)) for v, a in values.items()), key=lambda p: (-p[1], p[0]))


def in_page_order(group: FilterGroup, values: dict[str, set[int]]) -> list[tuple[str, int]]:
    """The values as the page lists them: most articles first, or newest first (years)."""
    counted = by_count(values)
    if group.order == "newest":
        return sorted(counted, key=lambda p: (p[0] != UNDATED, p[0]), reverse=True)
    assert group.order == "count", f"a value order this test does not know: {group.order}"
    return counted


def two_values(group: FilterGroup) -> tuple[str, str]:
    """The group's most frequent value and another one."""
    (first, _), (second, _), *_ = by_count(truth(group))
    return first, second


def as_json(client, querystring: str) -> dict:
    response = client.get(f"/search/?{querystring}&format=json")
    assert response.status_code == 200, (querystring, response.status_code)
    return response.json()


def params_of(url: str):
    """The search state a link writes, read back by the search form."""
    return parse_search(QueryDict(urlsplit(url).query))[0]


# --- what the index holds ---------------------------------------------------------------------


def test_every_kind_of_value_is_indexed_and_looked_up_and_nothing_else():
    kinds = {group.values for group in FILTER_GROUPS}
    assert set(DOCUMENT_VALUES) == kinds
    assert set(VALUE_LOOKUPS) == kinds
    assert (
        len({g.name for g in FILTER_GROUPS})
        == len({g.field for g in FILTER_GROUPS})
        == len(FILTER_GROUPS)
    )


@pytest.mark.parametrize("group", GROUPS)
def test_the_solr_schema_declares_every_groups_field(group):
    """A cluster refuses a document with a field its schema lacks: each group's field and its
    ``_exact`` copy (what filters and facets use) are exact, multi-valued strings."""
    root = ET.parse(CONFIGSET_DIR / "schema.xml").getroot()
    declared = {f.get("name"): f.attrib for f in root if f.tag in ("field", "dynamicField")}
    for name in (group.field, f"{group.field}_exact"):
        attributes = declared.get(name) or declared.get(
            "*_exact" if name.endswith("_exact") else ""
        )
        assert attributes is not None, f"schema.xml declares no field {name!r}"
        assert (attributes["type"], attributes["multiValued"], attributes["docValues"]) == (
            "string",
            "true",
            "true",
        )


@pytest.mark.parametrize("group", GROUPS)
def test_every_groups_values_are_in_the_documents_the_index_is_built_from(on_whoosh, group):
    documents = {d["article_id"]: d for d in ArticleIndex().build_documents(published())}
    facets = dict(ArticleIndex().build_facets(published()))
    assert set(documents) == set(facets) == published()
    for article_id, document in documents.items():
        assert document[group.field] == document[f"{group.field}_exact"]
        assert document[group.field] == facets[article_id][group.field]
    values = truth(group)
    assert len(values) >= 2 and len({len(a) for a in values.values()}) >= 2, values


# --- the engines ------------------------------------------------------------------------------


@pytest.mark.parametrize("group", GROUPS)
def test_every_engine_counts_and_filters_every_group(archive, engine, group):
    values, everything = truth(group), published()
    first, second = two_values(group)
    field = group.field
    response = search_articles(SearchRequest(per_page=0))
    assert response.facets[field] == [search.FacetCount(v, n) for v, n in by_count(values)]
    for request, expected in (
        (SearchRequest(include={field: (first,)}), values[first]),
        (SearchRequest(include={field: (first, second)}), values[first] | values[second]),
        (SearchRequest(exclude={field: (first,)}), everything - values[first]),
        (SearchRequest(require={field: (first, second)}), values[first] & values[second]),
        (
            SearchRequest(include={field: (first,)}, exclude={field: (second,)}),
            values[first] - values[second],
        ),
    ):
        if engine == "generic" and not expected:
            continue  # haystack's Whoosh backend drops narrowings that together leave nothing
        assert ids(search_articles(replace(request, per_page=100, facets=False))) == expected, (
            request
        )
    # A group with a choice is counted without it: each count is what that value alone finds.
    chosen = search_articles(SearchRequest(include={field: (second,)}, per_page=0))
    assert chosen.total == len(values[second])
    assert chosen.facets[field] == [search.FacetCount(v, n) for v, n in by_count(values)]


# --- the querystring --------------------------------------------------------------------------


def test_the_form_takes_every_group_and_writes_them_back_in_the_registrys_order(on_whoosh):
    chosen = {group.name: two_values(group)[0] for group in FILTER_GROUPS}
    scrambled = [
        ("sort", "newest"),
        *[(group.name, chosen[group.name]) for group in reversed(FILTER_GROUPS)],
        ("from", "2000-01-01"),
        ("q", "oil"),
    ]
    params, form = parse_search(QueryDict(urlencode(scrambled)))
    assert (form.notes, form.errors_shown, form.redirects, params.unmatched) == ([], [], {}, ())
    assert params.include == {name: (value,) for name, value in chosen.items()}
    canonical = [
        ("q", "oil"),
        *[(group.name, chosen[group.name]) for group in FILTER_GROUPS],
        ("from", "2000-01-01"),
        ("sort", "newest"),
    ]
    assert params.querystring() == "?" + urlencode(canonical)
    assert parse_search(QueryDict(params.querystring()[1:]))[0] == params


@pytest.mark.parametrize("group", GROUPS)
def test_every_group_takes_each_role_and_its_links_read_back_the_same(on_whoosh, group):
    first, second = two_values(group)
    name = group.name
    written = urlencode([(name, f"-{second}"), (name, first), (name, f"+{second}")])
    params, form = parse_search(QueryDict(f"{written}&{name}=%2B{first}"))
    assert form.notes == [] and form.errors_shown == []
    assert params.exclude == {name: (second,)}  # excluded beats required
    assert params.require == {name: (first,)} and params.include == {}  # required beats plain
    assert params.querystring() == "?" + urlencode([(name, f"+{first}"), (name, f"-{second}")])
    assert params_of(params.querystring()) == params
    for edited in (
        params.with_value(name, second),
        params.without_value(name, f"-{second}"),
        params.without_field(name),
    ):
        assert params_of(edited.querystring()) == edited


# --- JSON and the page ------------------------------------------------------------------------


@pytest.mark.parametrize("group", GROUPS)
def test_every_group_is_on_the_page_and_in_json_with_links_that_find_their_counts(
    client, archive, group
):
    values = truth(group)
    first, second = two_values(group)
    name, listed_order = group.name, in_page_order(group, values)

    data = as_json(client, "")
    listed = data["facets"][name]
    assert [(v["slug"], v["count"]) for v in listed] == listed_order
    assert data["facet_value_counts"][name] == len(values)
    assert data["counted"]["facets"][name] == "Articles with each value in these results."
    for value in listed:  # a count's link is that value alone, and finds that many
        assert params_of(value["url"]).include == {name: (value["slug"],)}
        assert as_json(client, urlsplit(value["url"]).query)["total"] == value["count"]
    names = {v["slug"]: v["name"] for v in listed}

    page = html.unescape(client.get("/search/").content.decode())
    assert f'<fieldset class="facet" id="facet-{name}">' in page
    assert f"<legend>{group.label_plural.capitalize()}</legend>" in page
    for slug in (first, second):  # the checkboxes that choose or leave out a value
        assert f'<input type="checkbox" name="{name}" value="{slug}" id="f-{name}-{slug}">' in page
        assert f'name="{name}" value="-{slug}" id="x-{name}-{slug}">' in page

    # Chosen, left out, required: the results, the chips and the words describing the search.
    for written, expected, mark in (
        (first, values[first], ""),
        (f"-{first}", published() - values[first], "-"),
        (f"+{first}", values[first], "+"),
    ):
        querystring = urlencode({name: written})
        data = as_json(client, querystring)
        assert {r["id"] for r in data["results"]} == expected, written
        role = {"": "include", "-": "exclude", "+": "require"}[mark]
        assert data["query"][role] == {name: [first]}
        assert params_of(data["links"]["self"]).include.get(name, ()) == (
            (first,) if not mark else ()
        )
        page = html.unescape(client.get(f"/search/?{querystring}").content.decode())
        assert chip_text(name, names[first], mark) in page
    chosen = as_json(client, urlencode({name: first}))
    assert names[first] in chosen["summary"]
    selected = [v for v in chosen["facets"][name] if v["selected"]]
    assert [(v["slug"], v["count"]) for v in selected] == [(first, len(values[first]))]
    assert chosen["counted"]["facets"][name].startswith(
        f"Numbers leave out the {group.label_plural} chosen"
    )
    other = next(v for v in chosen["facets"][name] if v["slug"] == second)
    assert as_json(client, urlsplit(other["url"]).query)["total"] == other["count"]

    # Every value of the group in these results, on its own page, each a link choosing it.
    listing = client.get(f"/search/values/{name}/")
    assert listing.status_code == 200
    listed_page = html.unescape(listing.content.decode())
    for slug in values:
        assert f'<a href="/search/?{urlencode({name: slug})}">{names[slug]}</a>' in listed_page


@pytest.mark.parametrize("group", GROUPS)
def test_a_value_of_any_group_that_names_nothing_finds_nothing_and_offers_the_closest(
    client, on_whoosh, group
):
    first, _ = two_values(group)
    misspelt = first[:-1]  # "2019" -> "201", "lisa-rathke" -> "lisa-rathk"
    data = as_json(client, urlencode({group.name: misspelt}))
    assert data["total"] == 0 and data["results"] == []
    (unmatched,) = data["unmatched"]
    assert unmatched["message"] == group.not_found_message(misspelt)
    offered = [params_of(c["url"]) for c in unmatched["closest"]]
    assert any(p.include == {group.name: (first,)} for p in offered), unmatched["closest"]
    page = html.unescape(
        client.get(f"/search/?{urlencode({group.name: misspelt})}").content.decode()
    )
    assert unmatched["message"] in page and "No articles match" in page
