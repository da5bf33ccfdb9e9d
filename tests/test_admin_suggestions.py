"""Answering entity suggestions in the admin (issue 17): only suggestions are answered, and
only with one of the page's answers; anything else says why and changes nothing."""

import pytest

from articles.extraction.names import name_key, name_slug
from articles.models import Article, Entity, EntityDecision, Mention

pytestmark = pytest.mark.django_db

URL = "/admin/articles/entitydecision/suggestions/"


def make_entity(name: str, kind: str = "organization") -> Entity:
    return Entity.objects.create(kind=kind, name=name, slug=name_slug(name), key=name_key(name))


@pytest.fixture
def uno_and_un():
    uno, united = make_entity("UNO"), make_entity("United Nations")
    article = Article.objects.create(headline="UNO report", slug="uno", body="The UNO said.")
    Mention.objects.create(article=article, entity=uno, count=1, surface_forms=["UNO"])
    return uno, united


def decision(subject: Entity, other: Entity, origin: str) -> EntityDecision:
    return EntityDecision.objects.create(
        kind=subject.kind,
        key=subject.key,
        name=subject.name,
        verdict="same",
        origin=origin,
        other_kind=other.kind,
        other_key=other.key,
        other_name=other.name,
        score=0.6,
    )


@pytest.fixture
def editor_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("editor", "e@x.org", "pw"))
    return client


def messages_of(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


@pytest.mark.parametrize("origin", ["editor", "automatic"])
def test_only_a_suggestion_can_be_answered(editor_client, uno_and_un, origin):
    uno, united = uno_and_un
    kept = decision(uno, united, origin)

    response = editor_client.post(URL, {"suggestion": kept.pk, "answer": "same"}, follow=True)

    assert "has been answered already or is gone" in messages_of(response)
    assert EntityDecision.objects.filter(pk=kept.pk).exists()
    assert Entity.objects.filter(pk=uno.pk).exists()  # nothing merged


@pytest.mark.parametrize("answer", ["", "merge", "SAME", "delete"])
def test_an_unknown_answer_keeps_the_suggestion_and_says_so(editor_client, uno_and_un, answer):
    suggestion = decision(*uno_and_un, "suggested")

    response = editor_client.post(URL, {"suggestion": suggestion.pk, "answer": answer}, follow=True)

    assert response.status_code == 200
    assert "is no answer: use one of the buttons" in messages_of(response)
    assert EntityDecision.objects.filter(pk=suggestion.pk, origin="suggested").exists()


@pytest.mark.parametrize("number", ["abc", "", "1.5", "²", "99999999999999999999", "-1"])
def test_a_suggestion_number_that_is_no_number_says_so(editor_client, uno_and_un, number):
    suggestion = decision(*uno_and_un, "suggested")

    response = editor_client.post(URL, {"suggestion": number, "answer": "keep"}, follow=True)

    assert response.status_code == 200
    assert "has been answered already or is gone" in messages_of(response)
    assert EntityDecision.objects.filter(pk=suggestion.pk).exists()


def test_refiling_is_no_answer_to_a_suggested_merge(editor_client, uno_and_un):
    uno, united = uno_and_un
    suggestion = decision(uno, united, "suggested")

    response = editor_client.post(URL, {"suggestion": suggestion.pk, "answer": "kind"}, follow=True)

    assert "Nothing suggests refiling “UNO”" in messages_of(response)
    assert EntityDecision.objects.filter(pk=suggestion.pk).exists()
    assert Entity.objects.get(pk=uno.pk).kind == "organization"


def test_a_suggested_merge_is_carried_out_and_the_suggestion_replaced(editor_client, uno_and_un):
    uno, united = uno_and_un
    suggestion = decision(uno, united, "suggested")

    response = editor_client.post(URL, {"suggestion": suggestion.pk, "answer": "same"}, follow=True)

    assert "UNO: Same entity: merged." in messages_of(response)
    assert not Entity.objects.filter(pk=uno.pk).exists()
    assert not EntityDecision.objects.filter(origin="suggested").exists()
    assert EntityDecision.objects.filter(key="uno", origin="editor", verdict="same").exists()
