"""Facet value limits (issue 21): a page asks the engine for the values it shows — the top
values of each group, how many distinct values there are, the selected values whatever their
rank — and each engine counts no more than that; the values page asks for every value of one
group. Every engine (the ``engine`` fixture: Whoosh, the generic haystack engine, SolrCloud
under `make test-solr`) answers the limited request exactly as the unlimited one, cut.
"""

from __future__ import annotations

import html
import re
from datetime import date

import pytest

from articles import search
from articles.models import Article, Entity, Mention, Source
from articles.search import SearchRequest, search_articles

pytestmark = pytest.mark.django_db

ORGS = 64  # more than a search page lists of a group (FACETS_LISTED = 50)


@pytest.fixture
def many_values(engine):
    """64 organizations over 9 articles: org-00 … org-63 in blocks of 8 articles' worth, the
    first ones mentioned more often, so counts run from 5 down to 1 (ties broken by value).
    Two outlets, one place."""
    reuters = Source.objects.create(name="Reuters", slug="reuters")
    afp = Source.objects.create(name="AFP", slug="afp")
    iraq = Entity.objects.create(
        kind="place", name="Iraq", slug="iraq", key="iraq", country="IQ", feature="country"
    )
    orgs = [
        Entity.objects.create(
            kind="organization", name=f"Org {n:02d}", slug=f"org-{n:02d}", key=f"org {n:02d}"
        )
        for n in range(ORGS)
    ]
    made = []
    for n in range(9):
        a = Article.objects.create(
            source=reuters if n % 3 else afp,
            headline=f"Meeting of many organizations {n}",
            slug=f"m{n}",
            body=f"Delegates of many organizations met in Baghdad, round {n}.",
            fingerprint=f"many-{n}",
            published=date(2020, 1, 1 + n),
        )
        # Articles 0-7 name eight organizations each (every one once); article 8 names the
        # first four again, and the first org is in every third article as well.
        named = orgs[8 * n : 8 * n + 8] if n < 8 else orgs[:4]
        if n % 3 == 1:
            named = [*named, orgs[0]] if orgs[0] not in named else named
        for e in [*named, iraq]:
            Mention.objects.create(article=a, entity=e)
        made.append(a)
    search.index_articles(a.id for a in made)
    return made


def pairs(counts) -> list[tuple[str, int]]:
    return [(fc.value, fc.count) for fc in counts]


def test_a_limited_group_gives_its_top_values_how_many_there_are_and_selected_ones(many_values):
    everything = search_articles(SearchRequest(per_page=0)).facets
    orgs = pairs(everything["org"])
    assert len(orgs) == ORGS and orgs[:2] == [("org-00", 5), ("org-01", 2)]
    assert orgs == sorted(orgs, key=lambda p: (-p[1], p[0]))
    limited = search_articles(
        SearchRequest(
            per_page=0,
            facet_top={"org": 3, "source": 1},
            facet_values={"org": ("org-63", "org-99")},
        )
    ).facets
    assert pairs(limited["org"]) == orgs[:3]
    assert limited["org"].distinct == ORGS and limited["org"].distinct_exact
    # Asked for by name: counted whatever the rank; a value no article has is not there.
    assert limited["org"].counts_for(["org-63", "org-99"]) == {"org-63": 1}
    assert limited["source"].distinct == 2 and len(limited["source"]) == 1
    # Groups without a limit: every value, as before.
    assert pairs(limited["place"]) == pairs(everything["place"]) == [("iraq", 9)]
    assert limited["place"].distinct == 1


def test_selected_values_are_counted_whatever_their_rank(many_values):
    ranked = pairs(search_articles(SearchRequest(per_page=0)).facets["org"])
    low = [value for value, _ in ranked[-2:]]  # chosen, but last of 64
    response = search_articles(SearchRequest(include={"org": tuple(low)}, facet_top={"org": 5}))
    orgs = response.facets["org"]
    # A group with a choice is counted without it (what each value alone finds): the same
    # top five as with no choice, and the chosen values' own counts besides.
    assert pairs(orgs) == ranked[:5] and orgs.distinct == ORGS
    assert orgs.counts_for(low) == dict(ranked[-2:])
    for value, count in ranked[-2:]:
        assert search.count_articles(SearchRequest(include={"org": (value,)})) == count
    # A required value: the group is counted within it, the value itself always there.
    required = search_articles(SearchRequest(require={"org": (low[0],)}, facet_top={"org": 2}))
    assert required.facets["org"].counts_for([low[0]]) == {low[0]: required.total}


def test_only_the_groups_asked_for_are_counted(many_values):
    response = search_articles(SearchRequest(per_page=0, facet_fields=("source",)))
    assert set(response.facets) == {"source"}
    assert pairs(response.facets["source"]) == [("reuters", 6), ("afp", 3)]


def test_a_limit_wider_than_the_group_lists_every_value_exactly(many_values):
    everything = search_articles(SearchRequest(q="organizations")).facets
    wide = search_articles(
        SearchRequest(q="organizations", facet_top={n: 500 for n in everything})
    ).facets
    for name, counts in everything.items():
        assert pairs(wide[name]) == pairs(counts), name
        assert wide[name].distinct == len(counts), name


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_the_page_says_how_many_values_and_the_values_page_lists_every_one(many_values, client):
    page = text(client.get("/search/?q=organizations"))
    assert f"All {ORGS} organizations" in page
    assert f"see and search all {ORGS} organizations" in page
    data = client.get("/search/?q=organizations&format=json").json()
    assert data["facet_value_counts"]["org"] == ORGS
    assert len(data["facets"]["org"]) == 50  # what the page lists (FACETS_LISTED)
    listed = []
    for number in (1, 2):
        values = text(client.get(f"/search/values/org/?q=organizations&page={number}"))
        listed += re.findall(r'<li><a href="/search/\?q=organizations&org=([^"]+)"', values)
    assert sorted(listed) == [f"org-{n:02d}" for n in range(ORGS)]
    # A value chosen from far down the list is on the page with its count.
    chosen = client.get("/search/?q=organizations&org=org-63&format=json").json()
    org63 = next(v for v in chosen["facets"]["org"] if v["slug"] == "org-63")
    assert org63["selected"] and org63["count"] == 1 == chosen["total"]


def test_past_hundreds_of_values_a_sharded_cluster_estimates_how_many_and_says_so(engine, client):
    """Deliberate difference: a sharded SolrCloud collection counts the distinct values of a
    group with Solr's HyperLogLog (exact up to 768 values, within about 2% past them), since
    counting them exactly would mean sending every value of every shard; the page then says
    "about". Whoosh, the generic engine and a one-shard collection count them exactly."""
    many = 900
    Entity.objects.bulk_create(
        Entity(kind="person", name=f"P {n:03d}", slug=f"p-{n:03d}", key=f"p {n:03d}")
        for n in range(many)
    )
    people = list(Entity.objects.filter(kind="person").order_by("slug"))
    made = []
    for n in range(30):
        a = Article.objects.create(
            headline=f"Census {n}", slug=f"c{n}", body="A census.", fingerprint=f"census-{n}"
        )
        Mention.objects.bulk_create(
            Mention(article=a, entity=e) for e in people[30 * n : 30 * n + 30]
        )
        made.append(a)
    search.index_articles(a.id for a in made)
    counts = search_articles(SearchRequest(per_page=0, facet_top={"person": 10})).facets["person"]
    assert len(counts) == 10
    page = text(client.get("/search/?q=census"))
    if engine == "solr" and search.current_engine().live_shards() > 1:
        assert not counts.distinct_exact and abs(counts.distinct - many) <= many * 0.03
        assert re.search(r"All about [\d,]+ people", page)
    else:
        assert counts.distinct_exact and counts.distinct == many
        assert f"All {many} people" in page
