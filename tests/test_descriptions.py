"""People told apart (issue 19): each entity gets a short description learned from the
archive (the role words written beside its name, its country, the years and outlets naming
it), computed by resolve_entities, started by the import that creates it, and shown on its
page, in facet lists (a title, and a second line beside a namesake) and in JSON."""

import io

import pytest
from django.core.management import call_command

from articles.extraction.roles import roles_beside
from articles.ingest.profiles import describe, year_runs
from articles.models import Entity, Mention

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    ("text", "name", "role", "country"),
    [
        ("Secretary of State Mike Pompeo said on Monday.", "Mike Pompeo", "secretary of state", ""),
        (
            "Iran's Foreign Minister Mohammad Javad Zarif met him.",
            "Zarif",
            "foreign minister",
            "IR",
        ),
        (
            "said Mike Pompeo, the U.S. secretary of state.",
            "Mike Pompeo",
            "secretary of state",
            "US",
        ),
        (
            "the Iranian Foreign Minister, Mohammad Javad Zarif, said",
            "Zarif",
            "foreign minister",
            "IR",
        ),
        ("after bass player Mike Mills was taken to hospital", "Mike Mills", "bass player", ""),
        ("Chelsea manager Jose Mourinho was fined.", "Jose Mourinho", "Chelsea manager", ""),
        (
            "Leader of the Islamic Revolution Ayatollah Ali Khamenei",
            "Ali Khamenei",
            "leader of the Islamic Revolution",
            "",
        ),
    ],
)
def test_the_role_written_beside_a_name(text, name, role, country):
    (found,) = roles_beside(text, [name, "Mohammad Javad Zarif"])
    assert (found.text, found.country) == (role, country)


@pytest.mark.parametrize(
    "text",
    [
        "On Monday Donald Trump said",  # a day is no role
        "Trump, Mike Pompeo and Bolton",  # a list
        "Zarif, who met Lavrov, said",  # a clause
    ],
)
def test_no_role_where_none_is_written(text):
    assert roles_beside(text, ["Donald Trump", "Mike Pompeo", "Zarif"]) == []


def test_an_organization_is_described_after_its_name_never_by_a_persons_title_before_it():
    assert (
        roles_beside("the head of the United Nations said", ["United Nations"], person=False) == []
    )
    (found,) = roles_beside(
        "Hezbollah, the Lebanese resistance movement, said", ["Hezbollah"], person=False
    )
    assert (found.text, found.country) == ("resistance movement", "LB")
    assert roles_beside("the UN, the European Union, said", ["UN"], person=False) == []


def test_years_are_written_as_spans_with_their_gaps():
    assert year_runs([2018, 2019, 2020, 2021]) == "2018–2021"
    assert year_runs([1987, 1996, 2016]) == "1987, 1996, 2016"  # "George Bush": three eras
    assert year_runs([1987, 1990, 1995, 2001, 2016]) == "1987–2016"
    profile = {
        "roles": [["secretary of state", 9]],
        "country": "US",
        "years": [2018, 2019],
        "outlets": [["Tehran Times", 7], ["HuffPost", 2]],
    }
    assert describe("person", "", profile) == (
        "secretary of state · United States · 2018–2019 · Tehran Times, HuffPost"
    )


def resolve() -> None:
    call_command("resolve_entities", stdout=io.StringIO(), stderr=io.StringIO())


def test_descriptions_show_on_pages_facets_and_json(client, pompeo_archive):
    mills = Entity.objects.get(kind="person", name="Mike Mills")
    assert "bass player" in mills.description  # the import described it from its story
    resolve()
    pompeo = Entity.objects.get(kind="person", name="Mike Pompeo")
    # early in 2018 these stories call him the CIA's chief, about to be secretary of state
    assert pompeo.description.startswith("CIA chief; CIA director")
    assert pompeo.description.endswith("Tehran Times")
    assert pompeo.profile["outlets"][0][0] == "Tehran Times"

    page = client.get(f"/people/{pompeo.slug}/").content.decode()
    assert f'<p class="entity-description">{pompeo.description}</p>' in page
    data = client.get(f"/people/{pompeo.slug}/?format=json").json()
    assert data["description"] == pompeo.description
    facets = client.get("/search/?format=json").json()["facets"]["person"]
    assert {"name": "Mike Pompeo", "description": pompeo.description}.items() <= next(
        v for v in facets if v["name"] == "Mike Pompeo"
    ).items()
    search = client.get("/search/").content.decode()
    assert f'title="{pompeo.description}"' in search


def test_two_entities_of_one_name_are_shown_with_their_descriptions_side_by_side(
    client, pompeo_archive
):
    resolve()
    rem = pompeo_archive["rem"]
    person = Entity.objects.get(kind="person", name="Mike Mills")
    # a namesake of another kind in the same story: a firm called Mike Mills
    firm = Entity.objects.create(
        kind="organization",
        name="Mike Mills",
        slug="mike-mills",
        key=person.key,
        description="textile firm · Pakistan",
    )
    Mention.objects.create(article=rem, entity=firm, surface_forms=["Mike Mills"])
    page = client.get(f"/people/{person.slug}/").content.decode()
    assert "Not to be confused with" in page and "textile firm · Pakistan" in page
    search = client.get(f"/search/?q={rem.headline.split()[0]}").content.decode()
    assert f'<span class="facet-description">{person.description}</span>' in search
    assert '<span class="facet-description">textile firm · Pakistan</span>' in search
