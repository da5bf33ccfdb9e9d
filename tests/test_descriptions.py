"""People told apart (issue 19): each entity gets a short description learned from the
archive (the role words written beside its name, its country, the years and outlets naming
it), computed by resolve_entities, started by the import that creates it, and shown on its
page, in facet lists (a title, and a second line beside a namesake) and in JSON."""

import io

import pytest
from django.core.management import call_command

from articles.extraction.readers import read_paths
from articles.extraction.roles import roles_beside
from articles.ingest import import_documents
from articles.ingest.profiles import describe, first_profile, year_runs
from articles.models import Article, Entity, Mention

from .conftest import CORPUS

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


def described_from_their_first_article() -> int:
    """Assert that every entity named by an article is described as ``first_profile``
    describes it from the article that named it first (the import that created it, before
    any resolve_entities); returns how many were checked."""
    checked = 0
    for entity in Entity.objects.all():
        first = entity.mentions.order_by("article_id").select_related("article__source").first()
        if first is None:
            continue
        expected = Entity(kind=entity.kind, country=entity.country, feature=entity.feature)
        first_profile(expected, first.article, first.surface_forms)
        assert (entity.description, entity.profile) == (expected.description, expected.profile), (
            entity.name
        )
        checked += 1
    return checked


def test_every_entity_an_import_creates_is_described_from_the_article_that_named_it(
    pompeo_archive,
):
    assert described_from_their_first_article() > 30
    assert Entity.objects.exclude(description="").count() > 30


def test_an_import_stopped_early_has_described_every_entity_of_what_it_stored(shared):
    bbc = CORPUS / "bbc_news"
    paths = [bbc / "business" / f"{n:03d}.txt" for n in range(1, 7)]
    raws = list(read_paths([str(p) for p in paths]))
    done = []

    def stop_after_three(n: int) -> None:
        done.append(n)
        if len(done) == 3:
            raise KeyboardInterrupt  # an editor's Ctrl-C in the middle of the import

    with pytest.raises(KeyboardInterrupt):
        import_documents(raws, index=False, on_progress=stop_after_three)
    assert Article.objects.count() == 3
    assert described_from_their_first_article() > 5
    assert not Entity.objects.filter(mentions__isnull=True).exists()
