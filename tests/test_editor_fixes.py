"""Editors' fixes take effect at once and can be undone (issue 19): merges list the articles
that moved and unmerge exactly; a decision written in the admin is carried out when saved; the
suggestions are in the admin's navigation with their count, and a suggested place can be
refiled as a person from there. Every change re-indexes its articles through the queue and
leaves the old links working. Real articles, database and Whoosh index."""

from collections import Counter

import pytest

from articles.extraction.names import name_key
from articles.models import Entity, EntityDecision, Mention, MergeRecord

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def editor_client(client, django_user_model):
    admin = django_user_model.objects.create_superuser("editor", "e@example.org", "pw")
    client.force_login(admin)
    client.user = admin
    return client


def as_a_place(entity: Entity) -> Entity:
    """The person filed as a place, as the tagger sometimes does."""
    entity.kind = "place"
    entity.save()
    return entity


def found_ids(client, querystring: str) -> list[int]:
    return [r["id"] for r in client.get(f"/search/?{querystring}&format=json").json()["results"]]


def test_an_editors_merge_lists_the_articles_that_moved_and_unmerges_exactly(
    editor_client, pompeo_archive
):
    client, admin = editor_client, editor_client.user
    mills = Entity.objects.get(kind="person", name="Mike Mills")
    pompeo = Entity.objects.get(kind="person", name="Mike Pompeo")
    state = lambda e: Counter(  # noqa: E731
        Mention.objects.filter(entity=e).values_list("article_id", "count", "origin")
    )
    mills_before, pompeo_before = state(mills), state(pompeo)
    old_slug, old_id = mills.slug, mills.pk
    response = client.post(
        "/admin/articles/entity/",
        {
            "action": "merge_selected",
            "_selected_action": [mills.pk, pompeo.pk],
            "confirm": "yes",
            "survivor": pompeo.pk,
        },
    )
    assert response.status_code == 302
    assert client.get(f"/people/{old_slug}/").status_code == 301
    record = MergeRecord.objects.get(action=MergeRecord.Action.MERGE, name="Mike Mills")
    assert (record.origin, record.created_by) == ("editor", admin)
    page = client.get(f"/admin/articles/entity/{pompeo.pk}/change/").content.decode()
    assert pompeo_archive["rem"].headline in page

    client.post(f"/admin/articles/entity/{pompeo.pk}/unmerge/{record.pk}/")
    mills = Entity.objects.get(pk=old_id)  # back under its old id, name and address
    assert (mills.name, mills.slug) == ("Mike Mills", old_slug)
    assert (state(mills), state(pompeo)) == (mills_before, pompeo_before)
    assert client.get(f"/people/{old_slug}/").status_code == 200
    found = client.get(f"/search/?person={old_slug}&format=json").json()
    assert [r["id"] for r in found["results"]] == [pompeo_archive["rem"].pk]
    record.refresh_from_db()
    assert record.undone_by == admin


def test_the_suggestions_are_in_the_admins_navigation_with_their_count(editor_client):
    EntityDecision.objects.create(
        kind="place", key="x", name="X", verdict="kind", other_kind="person", origin="suggested"
    )
    page = editor_client.get("/admin/").content.decode()
    assert "Entity suggestions (1 waiting)" in page
    assert 'href="/admin/articles/entitydecision/suggestions/"' in page
    other = editor_client.get("/admin/articles/article/").content.decode()
    assert "Entity suggestions (1 waiting)" in other  # the sidebar on every page


def test_a_suggested_place_is_refiled_as_a_person_from_the_suggestions(
    editor_client, pompeo_archive
):
    client = editor_client
    rem = pompeo_archive["rem"]
    mills = as_a_place(Entity.objects.get(name="Mike Mills"))
    old_slug = mills.slug
    suggestion = EntityDecision.objects.create(
        kind="place",
        key=mills.key,
        name=mills.name,
        verdict="not_entity",
        origin="suggested",
        score=0.6,
        evidence={"reason": "mostly written in lower case"},
    )
    page = client.get("/admin/articles/entitydecision/suggestions/").content.decode()
    assert 'name="kind"' in page and ">person<" in page
    response = client.post(
        "/admin/articles/entitydecision/suggestions/",
        {"suggestion": suggestion.pk, "answer": "refile", "kind": "person"},
    )
    assert response.status_code == 302
    mills.refresh_from_db()
    assert (mills.kind, mills.country) == ("person", "")
    assert client.get(f"/places/{old_slug}/")["Location"] == f"/people/{mills.slug}/"
    assert found_ids(client, f"person={mills.slug}") == [rem.pk]
    assert EntityDecision.objects.get(key=mills.key, origin="editor").other_kind == "person"


def test_a_decision_written_in_the_admin_takes_effect_when_saved(editor_client, pompeo_archive):
    client = editor_client
    rem = pompeo_archive["rem"]
    mills = as_a_place(Entity.objects.get(name="Mike Mills"))
    response = client.post(
        "/admin/articles/entitydecision/add/",
        {
            "kind": "place",
            "name": "Mike Mills",
            "verdict": "kind",
            "other_kind": "person",
            "other_name": "",
            "country": "",
        },
        follow=True,
    )
    assert "is now the person “Mike Mills”" in response.content.decode()
    mills.refresh_from_db()
    assert mills.kind == "person"
    assert found_ids(client, f"person={mills.slug}") == [rem.pk]
    assert client.get(f"/search/?place={mills.slug}")["Location"] == f"/search/?person={mills.slug}"
    decision = EntityDecision.objects.get(origin="editor", key=name_key("Mike Mills"))
    assert (decision.verdict, decision.decided_by) == ("kind", client.user)


def test_not_an_entity_written_in_the_admin_takes_it_off_its_articles_at_once(
    editor_client, pompeo_archive
):
    client = editor_client
    tweet = Entity.objects.get(kind="person", key="tweet")
    article_ids = list(tweet.mentions.values_list("article_id", flat=True))
    assert found_ids(client, f"person={tweet.slug}") == article_ids
    client.post(
        "/admin/articles/entitydecision/add/",
        {"kind": "person", "name": "Tweet", "verdict": "not_entity", "country": ""},
    )
    assert not Entity.objects.filter(kind="person", key="tweet").exists()
    facets = client.get("/search/?format=json").json()["facets"]["person"]
    assert "Tweet" not in {value["name"] for value in facets}
