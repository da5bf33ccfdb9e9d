"""What the pictures count, from every engine's facet machinery: timelines (matches per day,
month or year), the map's country counts, and values required together (entity pages)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from articles import search
from articles.models import Article
from articles.search import SearchRequest, search_articles
from articles.search.periods import choose_unit, period_end, period_starts

from .test_search_engine import make_newsroom

pytestmark = pytest.mark.django_db


@pytest.fixture
def newsroom(engine):
    """The small archive on each engine (tests/conftest.py ``engine``)."""
    return make_newsroom()


def assert_bars_are_what_a_click_finds(request: SearchRequest) -> search.Timeline:
    """Every period's count equals the total of the same search narrowed to that period."""
    timeline = search_articles(replace(request, timeline="auto")).timeline
    for start, count in timeline.periods:
        narrowed = replace(request, date_from=start, date_to=period_end(start, timeline.unit))
        assert search.count_articles(narrowed) == count, (start, count)
    assert timeline.dated + timeline.undated == search.count_articles(request)
    return timeline


def test_the_whole_archive_is_drawn_in_months_from_first_to_last(newsroom, engine):
    timeline = assert_bars_are_what_a_click_finds(SearchRequest())
    assert timeline.unit == "month"
    starts = [start for start, _ in timeline.periods]
    assert starts == period_starts(date(2018, 1, 1), date(2021, 6, 1), "month")
    assert len(starts) == 42  # empty months included: an even time axis
    nonzero = {start: count for start, count in timeline.periods if count}
    assert nonzero == {
        date(2018, 1, 1): 1,
        date(2019, 3, 1): 1,
        date(2020, 1, 1): 2,
        date(2021, 6, 1): 1,
    }
    assert timeline.undated == 0


def test_undated_articles_are_counted_beside_the_bars(newsroom, engine):
    for n in range(2):
        undated = Article.objects.create(
            headline=f"Undated troops report {n}", slug="u", body="troops", fingerprint=f"u{n}"
        )
        search.index_articles([undated.id])
    timeline = assert_bars_are_what_a_click_finds(SearchRequest(q="troops"))
    assert timeline.undated == 2
    assert timeline.dated == 4
    narrowed = search_articles(SearchRequest(date_from=date(2018, 1, 1), timeline="auto"))
    assert narrowed.timeline.undated == 0  # a date filter leaves undated articles out


def test_a_month_is_drawn_in_days_and_a_decade_in_years(newsroom, engine):
    january = assert_bars_are_what_a_click_finds(
        SearchRequest(date_from=date(2020, 1, 1), date_to=date(2020, 1, 31))
    )
    assert january.unit == "day"
    assert january.periods == ((date(2020, 1, 3), 1), (date(2020, 1, 4), 0), (date(2020, 1, 5), 1))
    old = Article.objects.create(
        headline="Troops in 2009", slug="old", body="troops", published=date(2009, 5, 1)
    )
    search.index_articles([old.id])
    years = assert_bars_are_what_a_click_finds(SearchRequest(q="troops", include={}))
    assert years.unit == "year"
    assert years.periods[0] == (date(2009, 1, 1), 1)
    assert [start.year for start, _ in years.periods] == list(range(2009, 2022))


def test_the_timeline_counts_within_every_filter(newsroom, engine):
    timeline = assert_bars_are_what_a_click_finds(
        SearchRequest(q="troops", include={"place": ("iraq",)}, exclude={"source": ("press-tv",)})
    )
    assert timeline.dated == 2


def test_a_fixed_unit_is_kept_and_no_match_draws_nothing(newsroom, engine):
    counted = search_articles(SearchRequest(q="troops", per_page=0, timeline="year"))
    assert counted.hits == [] and counted.total == 4  # per_page=0: counts only
    years = counted.timeline
    assert years.unit == "year"
    assert dict(years.periods) == {
        date(2018, 1, 1): 1,
        date(2019, 1, 1): 0,
        date(2020, 1, 1): 2,
        date(2021, 1, 1): 1,
    }
    nothing = search_articles(SearchRequest(q="zebra", timeline="auto")).timeline
    assert nothing.periods == () and nothing.undated == 0


def test_units_follow_the_span():
    assert choose_unit(date(2020, 1, 1), date(2020, 1, 31)) == "day"
    a_year = (date(2020, 1, 1), date(2020, 12, 31))
    assert choose_unit(date(2020, 3, 1), date(2020, 5, 1), *a_year) == "month"
    assert choose_unit(date(1987, 2, 26), date(2022, 9, 1)) == "year"
    assert period_end(date(9999, 12, 1), "month") == date(9999, 12, 31)
    assert period_starts(date(9999, 11, 5), date(9999, 12, 31), "month") == [
        date(9999, 11, 1),
        date(9999, 12, 1),
    ]


def test_country_counts_are_looked_up_in_the_place_facet(newsroom, engine):
    places = search_articles(SearchRequest()).facets["place"]
    # Kirkuk is filed under Iraq too: a country counts the articles naming any place in it.
    assert places.counts_for(["iraq", "iran", "atlantis"]) == {"iraq": 3, "iran": 1}
    troops = search_articles(SearchRequest(q="troops", include={"place": ("iran",)}))
    assert troops.facets["place"].counts_for(["iraq", "iran"]) == {"iraq": 3}  # disjunctive


def test_required_values_must_all_be_there_and_facets_count_within_them(
    newsroom,
    engine,
):
    either = search_articles(SearchRequest(include={"place": ("iraq", "kirkuk")}))
    both = search_articles(
        SearchRequest(include={"place": ("iraq",)}, require={"place": ("kirkuk",)})
    )
    assert either.total == 3 and both.total == 1
    assert {h.article_id for h in both.hits} == {newsroom["kirkuk"].id}
    # An entity's page: every facet counted within its articles, its own field too.
    iraq = search_articles(SearchRequest(require={"place": ("iraq",)}))
    places = {f.value: f.count for f in iraq.facets["place"]}
    assert places == {"iraq": 3, "kirkuk": 1}
    for slug, count in places.items():
        click = SearchRequest(include={"place": ("iraq",)}, require={"place": (slug,)})
        assert search.count_articles(click) == count
    assert search.count_articles(SearchRequest(require={"place": ("atlantis",)})) == 0


def test_a_field_is_also_counted_within_its_own_selection_when_asked(
    newsroom,  # noqa: F811
    engine,
):
    """The map counts the results themselves (issue 18): ``facets_within`` counts a field
    with its own selection applied, beside the usual counts that leave it out."""
    request = SearchRequest(include={"place": ("iran", "kirkuk")}, facets_within=("place",))
    response = search_articles(request)
    assert response.total == 2
    within = {f.value: f.count for f in response.facets_within["place"]}
    assert within == {"iran": 1, "kirkuk": 1, "iraq": 1}  # Kirkuk is in Iraq
    assert {f.value: f.count for f in response.facets["place"]} == {
        "iraq": 3,
        "iran": 1,
        "kirkuk": 1,
    }
    for slug, count in within.items():
        narrowed = SearchRequest(include={"place": ("iran", "kirkuk")}, require={"place": (slug,)})
        assert search.count_articles(narrowed) == count
    unselected = search_articles(SearchRequest(q="troops", facets_within=("place",)))
    assert unselected.facets_within["place"] == unselected.facets["place"]
