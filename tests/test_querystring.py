"""The search querystring: parsed by one form, written back in one canonical order."""

import datetime

import pytest
from django.http import QueryDict

from articles.forms.search import SearchParams, parse_search
from articles.models import Entity, EntityAlias, EntityRedirect, Source

pytestmark = pytest.mark.django_db


@pytest.fixture
def names():
    iraq = Entity.objects.create(kind="place", name="Iraq", slug="iraq", key="iraq", country="IQ")
    Entity.objects.create(kind="place", name="Syria", slug="syria", key="syria", country="SY")
    kh = Entity.objects.create(
        kind="organization",
        name="Kata'ib Hezbollah",
        slug="kataib-hezbollah",
        key="kataib hezbollah",
    )
    Entity.objects.create(kind="organization", name="Pentagon", slug="pentagon", key="pentagon")
    EntityRedirect.objects.create(kind="organization", old_slug="kh", entity=kh)
    EntityRedirect.objects.create(kind="place", old_slug="mesopotamia", entity=iraq)
    Source.objects.create(name="Press TV", slug="press-tv")
    Source.objects.create(name="Reuters", slug="reuters")


def parse(qs: str):
    return parse_search(QueryDict(qs))


def test_repeated_filter_values_are_kept_sorted_and_deduplicated(names):
    params, form = parse("place=syria&place=iraq&place=iraq")
    assert params.include == {"place": ("iraq", "syria")}
    assert form.notes == []


def test_a_dash_before_a_value_excludes_it(names):
    params, _ = parse("q=troops&source=-press-tv&org=pentagon")
    assert params.include == {"org": ("pentagon",)}
    assert params.exclude == {"source": ("press-tv",)}
    assert params.querystring() == "?q=troops&org=pentagon&source=-press-tv"


def test_a_value_both_included_and_excluded_is_excluded(names):
    params, _ = parse("source=reuters&source=-reuters")
    assert params.include == {}
    assert params.exclude == {"source": ("reuters",)}


def test_canonical_order_is_fixed_whatever_the_input_order(names):
    params, _ = parse("sort=newest&source=reuters&to=2020-12-31&q=troops&place=iraq&org=pentagon")
    assert params.querystring() == (
        "?q=troops&place=iraq&org=pentagon&source=reuters&to=2020-12-31&sort=newest"
    )


def test_defaults_are_left_out_of_the_canonical_querystring(names):
    params, _ = parse("q=&sort=relevance&page=1&from=&to=&format=html")
    assert params.querystring() == ""
    assert params.is_empty


def test_unknown_parameter_is_ignored_with_a_note(names):
    params, form = parse("q=troops&colour=red")
    assert params.querystring() == "?q=troops"
    assert "Unknown filter 'colour' was ignored." in form.notes


def test_values_that_name_nothing_stay_in_the_search_with_a_message(names):
    """Issue 18: a value that names nothing never vanishes, so the search never widens."""
    params, form = parse("place=atlantis&place=iraq&source=daily-planet&year=20x0")
    assert params.include == {"place": ("iraq",)}
    assert params.unmatched == (("place", "atlantis"), ("source", "daily-planet"), ("year", "20x0"))
    assert params.querystring() == ("?place=iraq&place=atlantis&source=daily-planet&year=20x0")
    assert parse(params.querystring()[1:])[0] == params  # the shared link says the same
    assert params.has_filters and params.filter_count == 4
    assert "No place called 'atlantis' in this archive, so no article matches." in (
        form.errors_shown
    )
    assert any("'20x0' is not a year" in message for message in form.errors_shown)
    assert params.without_value("place", "atlantis").unmatched == (
        ("source", "daily-planet"),
        ("year", "20x0"),
    )
    assert params.without_filters().unmatched == ()


def test_a_slug_of_another_kind_names_nothing_of_its_kind(names):
    params, form = parse("org=iraq")
    assert params.include == {} and params.unmatched == (("org", "iraq"),)
    assert "No organization called 'iraq' in this archive, so no article matches." in (
        form.errors_shown
    )


def test_an_alias_or_a_name_leads_to_the_canonical_value(names):
    kh = Entity.objects.get(slug="kataib-hezbollah")
    EntityAlias.objects.create(entity=kh, name="KH Brigades")
    params, form = parse("org=kh-brigades&org=-Pentagon&place=Iraq%20&source=Press%20TV")
    assert params.include == {
        "org": ("kataib-hezbollah",),
        "place": ("iraq",),
        "source": ("press-tv",),
    }
    assert params.exclude == {"org": ("pentagon",)} and params.unmatched == ()
    assert form.redirects[("org", "kh-brigades")] == "kataib-hezbollah"
    assert form.redirects[("source", "Press TV")] == "press-tv"
    spelled, _ = parse("org=Kata%E2%80%99ib%20Hezbollah&source=presstv&section=")
    assert spelled.include == {"org": ("kataib-hezbollah",), "source": ("press-tv",)}


def test_renamed_slug_maps_to_the_canonical_one(names):
    params, form = parse("org=kh&place=-mesopotamia")
    assert params.include == {"org": ("kataib-hezbollah",)}
    assert params.exclude == {"place": ("iraq",)}
    assert form.redirects == {("org", "kh"): "kataib-hezbollah", ("place", "mesopotamia"): "iraq"}


@pytest.mark.parametrize("value", ["2020-13-01", "yesterday", "31/12/2020", "2020-02-30"])
def test_a_bad_date_finds_nothing_with_a_message_saying_how_to_write_it(names, value):
    params, form = parse(f"q=troops&from={value}")
    assert params.date_from is None and params.unmatched == (("from", value),)
    assert form.errors_shown == [
        f"The start date {value!r} is not a date, so no article matches. "
        "Dates are written YYYY-MM-DD, for example 2020-03-29."
    ]
    assert params.querystring() == f"?q=troops&from={value.replace('/', '%2F')}"
    assert params.without_field("from").querystring() == "?q=troops"


def test_dates_in_the_wrong_order_are_swapped_with_a_note(names):
    params, form = parse("from=2021-01-01&to=2020-01-01")
    assert params.date_from == datetime.date(2020, 1, 1)
    assert params.date_to == datetime.date(2021, 1, 1)
    assert any("swapped" in note for note in form.notes)


@pytest.mark.parametrize("value", ["0", "-1", "abc", "1e3", "999999"])
def test_bad_page_shows_the_first_page_with_a_message(names, value):
    params, form = parse(f"q=troops&page={value}")
    assert params.page == 1
    assert form.errors_shown and "Showing the first page" in form.errors_shown[0]


def test_unknown_sort_and_format_fall_back_with_a_note(names):
    params, form = parse("sort=popular&format=xml")
    assert (params.sort, params.format) == ("relevance", "html")
    assert len(form.notes) == 2


def test_very_long_query_is_cut_with_a_note(names):
    params, form = parse("q=" + "word " * 1000)
    assert len(params.q) <= 1000
    assert any("cut" in note for note in form.notes)


def test_whitespace_in_the_query_is_collapsed(names):
    params, _ = parse("q=%20%20troops%20%20%20Iraq%20")
    assert params.q == "troops Iraq"


def test_changing_a_filter_drops_the_page():
    params = SearchParams(q="troops", include={"place": ("iraq",)}, page=4)
    assert params.with_value("org", "pentagon").page == 1
    assert params.without_value("place", "iraq").page == 1
    assert params.without_field("q").page == 1
    assert params.edited(sort="newest").page == 1
    assert params.querystring() == "?q=troops&place=iraq&page=4"


def test_adding_an_exclusion_removes_the_inclusion_of_the_same_value():
    params = SearchParams(include={"source": ("press-tv", "reuters")})
    assert params.with_value("source", "-press-tv").querystring() == (
        "?source=reuters&source=-press-tv"
    )


def test_facets_off_comes_last_and_other_values_are_noted(names):
    params, form = parse("facets=off&format=json&q=troops")
    assert params.querystring() == "?q=troops&format=json&facets=off"
    params, form = parse("q=troops&facets=maybe")
    assert (
        params.facets and "Unknown facets value 'maybe' was ignored: use on or off." in form.notes
    )


def test_many_or_long_unknown_parameters_give_short_notes(names):
    params, form = parse("&".join(f"p{i}=1" for i in range(20)) + "&" + "z" * 500 + "=1")
    assert params.is_empty
    assert len(form.notes) == 6
    assert form.notes[-1] == "16 more unknown parameters were ignored."
    assert all(len(note) < 100 for note in form.notes)


def test_slugs_in_the_wrong_case_map_to_the_canonical_ones(names):
    params, form = parse("place=Iraq&source=Press-TV&org=-PENTAGON&org=KH")
    assert params.include == {
        "place": ("iraq",),
        "source": ("press-tv",),
        "org": ("kataib-hezbollah",),
    }
    assert params.exclude == {"org": ("pentagon",)}
    assert form.notes == []
    assert form.redirects[("place", "Iraq")] == "iraq"
    assert form.redirects[("source", "Press-TV")] == "press-tv"


@pytest.mark.parametrize("qs", ["q=troops%00", "q=tro%00ops%07", "q=%00troops%7F"])
def test_control_characters_in_the_words_are_removed_with_a_plain_note(names, qs):
    params, form = parse(qs)
    assert params.q == "troops"
    assert form.notes == ["The search text contained a control character; it was removed."]
    assert form.errors_shown == []


def test_control_characters_in_a_filter_are_removed_with_a_note(names):
    params, form = parse("place=ir%00aq&from=2020-01-01%00")
    assert params.include == {"place": ("iraq",)}
    assert params.date_from == datetime.date(2020, 1, 1)
    assert form.notes == ["A filter contained a control character; it was removed."]


def test_a_plus_before_a_value_requires_it_as_well(names):
    params, form = parse("place=iraq&place=%2Bsyria")
    assert params.include == {"place": ("iraq",)} and params.require == {"place": ("syria",)}
    assert params.querystring() == "?place=iraq&place=%2Bsyria"
    assert form.notes == []
    typed, _ = parse("place=iraq&place=+syria")  # an unencoded plus arrives as a space
    assert typed == params
    assert params.without_value("place", "+syria").querystring() == "?place=iraq"
    assert params.with_value("place", "-syria").require == {}


def test_a_value_both_required_and_included_is_required(names):
    params, _ = parse("place=syria&place=%2Bsyria&place=iraq")
    assert params.include == {"place": ("iraq",)} and params.require == {"place": ("syria",)}


def test_a_value_refiled_under_another_kind_keeps_the_and_it_was_written_with(names):
    """person=houthis now names an organization (issue 9); "org=pentagon&person=houthis" asked
    for both, so in one filter the Houthis are required as well, not "any of" (issue 11)."""
    houthis = Entity.objects.create(
        kind="organization", name="Houthis", slug="houthis", key="houthis"
    )
    EntityRedirect.objects.create(kind="person", old_slug="houthis", entity=houthis)

    params, form = parse("org=pentagon&person=houthis")
    assert params.include == {"org": ("pentagon",)} and params.require == {"org": ("houthis",)}
    assert params.querystring() == "?org=pentagon&org=%2Bhouthis"
    assert form.redirects == {("person", "houthis"): "houthis"}
    assert parse(params.querystring()[1:])[0] == params  # the redirect's target is canonical

    several, _ = parse("org=pentagon&org=kataib-hezbollah&person=houthis")
    assert several.include == {"org": ("kataib-hezbollah", "pentagon")}
    assert several.require == {"org": ("houthis",)}
    alone, _ = parse("person=houthis")
    assert alone.include == {"org": ("houthis",)} and alone.require == {}
    required, _ = parse("person=%2Bhouthis&person=hadi")  # hadi: unknown, noted
    assert required.require == {"org": ("houthis",)}
    left_out, _ = parse("org=pentagon&person=-houthis")
    assert left_out.include == {"org": ("pentagon",)} and left_out.exclude == {"org": ("houthis",)}
    twice, _ = parse("org=houthis&person=houthis")
    assert twice.include == {"org": ("houthis",)} and twice.require == {}
