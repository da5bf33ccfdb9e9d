"""Admin permissions (issue 17): every action and every admin page checks the permission its
effect needs. A staff user who may only view changes nothing, whatever it posts.

Actions and URLs are discovered from the admin site, so a new action or page that forgets its
permission fails here without anyone adding it to a list."""

import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory

from articles.admin import decisions
from articles.extraction.readers import read_paths
from articles.ingest import import_documents, uploads
from articles.models import (
    Article,
    Entity,
    EntityAlias,
    EntityDecision,
    EntityRedirect,
    IndexTask,
    SourceRedirect,
    Story,
    StoryDecision,
)

from .conftest import CORPUS, SEED

pytestmark = pytest.mark.django_db

HUFFPOST = CORPUS / "huffpost_2018_2022" / "News_Category_Dataset_v3.head.jsonl"


def snapshot() -> dict[str, list[dict]]:
    """Every row of every table but the sessions (a request may touch its own session)."""
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values())
        for model in apps.get_models()
        if model is not Session
    }


@pytest.fixture
def archive(shared, clean_index, viewer):
    """At least one row behind every registered model, for actions and pages to act on."""
    raws = [r for r in read_paths([str(HUFFPOST)]) if r.ordinal in {"8088", "8549", "1"}]
    report = import_documents(raws, index=False)  # the index tasks stay queued
    assert len(report.created) == 3, report.failed
    article = Article.objects.get(pk=report.created[0][1])
    entity = Entity.objects.filter(kind="organization").first()
    EntityAlias.objects.create(entity=entity, kind=entity.kind, name="Alias One", key="alias one")
    EntityRedirect.objects.create(entity=entity, kind=entity.kind, old_slug="old-slug")
    SourceRedirect.objects.create(source=article.source, old_slug="old-outlet")
    other = Entity.objects.filter(kind="organization").exclude(pk=entity.pk).first()
    EntityDecision.objects.create(
        kind=entity.kind,
        key=entity.key,
        name=entity.name,
        verdict="same",
        origin="suggested",
        other_kind=other.kind,
        other_key=other.key,
        other_name=other.name,
        score=0.6,
    )
    uploads.create_batch([SimpleUploadedFile("seed.txt", SEED.read_bytes())])
    StoryDecision.objects.create(article=article, group="editors-1", note="split")
    Group.objects.create(name="editors")
    assert IndexTask.objects.exists()
    for model in admin.site._registry:
        assert model._base_manager.exists(), f"no {model._meta.label} to act on"


@pytest.fixture
def viewer(django_user_model):
    """Staff with every view_* permission and nothing else."""
    user = django_user_model.objects.create_user("viewer", password="pw", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__startswith="view_"))
    return user


@pytest.fixture
def viewer_client(client, viewer):
    client.force_login(viewer)
    return client


def registered_admins():
    return sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


def admin_urls(model, model_admin) -> list[str]:
    """Every URL the ModelAdmin registers, its path parameters filled with an existing row."""
    pk = model._base_manager.order_by("pk").values_list("pk", flat=True).first()
    prefix = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
    return [
        prefix + re.sub(r"<[^>]+>", str(pk), str(pattern.pattern))
        for pattern in model_admin.get_urls()
    ]


def posted_forms(pks: list[int]) -> list[dict]:
    """What a form on an admin page might post: confirmations, every suggestion answer, a file."""
    base = {
        "post": "yes",
        "confirm": "yes",
        "survivor": pks[0] if pks else "",
        "resume": "Resume upload",
        "suggestion": EntityDecision.objects.values_list("pk", flat=True).first(),
        "files": SimpleUploadedFile("seed.txt", SEED.read_bytes()),
    }
    return [base] + [{**base, "answer": answer} for answer in decisions.ANSWERS]


def test_a_view_only_user_is_offered_no_action_and_running_one_changes_nothing(
    archive, viewer, viewer_client
):
    request = RequestFactory().get("/admin/")
    request.user = viewer
    walked = 0
    for model, model_admin in registered_admins():
        changelist = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        pks = list(model._base_manager.values_list("pk", flat=True))
        offered = model_admin.get_actions(request)
        for _func, name, _description in model_admin._get_base_actions():
            assert name not in offered, f"{model._meta.label}: “{name}” offered to a viewer"
            before = snapshot()
            response = viewer_client.post(
                changelist,
                {"action": name, "index": "0", "_selected_action": pks, **posted_forms(pks)[0]},
            )
            assert response.status_code in (200, 302, 403), (name, response.status_code)
            assert snapshot() == before, f"{model._meta.label}: a viewer ran “{name}”"
            walked += 1
    assert walked >= 11  # merge, not entities, re-extract, publish, split, move, merge stories...


def test_a_view_only_user_changes_nothing_through_any_admin_url(archive, viewer_client):
    walked = 0
    for model, model_admin in registered_admins():
        pks = list(model._base_manager.values_list("pk", flat=True))
        for url in admin_urls(model, model_admin):
            before = snapshot()
            assert viewer_client.get(url).status_code in (200, 302, 403, 404), url
            for form in posted_forms(pks):
                response = viewer_client.post(url, form)
                assert response.status_code in (200, 302, 403, 404), (url, form.get("answer"))
            assert snapshot() == before, f"a viewer changed something through {url}"
            walked += 1
    assert walked >= 40


@pytest.mark.parametrize(
    ("permissions", "model", "offered"),
    [
        (
            ["change_article"],
            Article,
            {
                "reextract_selected",
                "publish_selected",
                "unpublish_selected",
                "split_off_selected",
                "move_selected",
            },
        ),
        (["change_story"], Story, {"merge_selected"}),
        (["view_story", "delete_story"], Story, set()),  # stories are merged, never deleted
        (["change_entity"], Entity, {"keep_selected"}),
        (["delete_entity"], Entity, {"delete_selected"}),
        (
            ["change_entity", "delete_entity"],
            Entity,
            {"merge_selected", "not_entities_selected", "keep_selected", "delete_selected"},
        ),
        (["view_indextask", "change_indextask"], IndexTask, set()),
        (["change_indextask", "delete_indextask"], IndexTask, {"retry_now", "delete_selected"}),
    ],
)
def test_each_action_is_offered_to_whoever_may_do_what_it_does(
    django_user_model, permissions, model, offered
):
    user = django_user_model.objects.create_user("editor", password="pw", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=permissions))
    request = RequestFactory().get("/admin/")
    request.user = django_user_model.objects.get(pk=user.pk)  # a fresh permission cache
    assert set(admin.site._registry[model].get_actions(request)) == offered


def test_an_editor_who_may_not_delete_entities_cannot_merge_them(
    archive, client, django_user_model
):
    user = django_user_model.objects.create_user("editor", password="pw", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(codename__in=["view_entity", "change_entity"])
    )
    client.force_login(user)
    pair = list(Entity.objects.filter(kind="organization").values_list("pk", flat=True)[:2])

    response = client.post(
        "/admin/articles/entity/",
        {
            "action": "merge_selected",
            "index": "0",
            "_selected_action": pair,
            "confirm": "yes",
            "survivor": pair[0],
        },
        follow=True,
    )

    assert response.status_code == 200
    assert "No action selected." in response.content.decode()
    assert Entity.objects.filter(pk__in=pair).count() == 2


SUGGESTIONS_URL = "/admin/articles/entitydecision/suggestions/"


def test_answering_a_suggestion_needs_the_permissions_of_what_the_answer_does(
    archive, client, django_user_model
):
    """May change decisions, not entities: keeps names apart, merges and drops nothing."""
    user = django_user_model.objects.create_user("editor", password="pw", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(
            codename__in=["view_entitydecision", "change_entitydecision", "view_entity"]
        )
    )
    client.force_login(user)
    suggestion = EntityDecision.objects.get(origin="suggested")
    entities = set(Entity.objects.values_list("pk", "name"))

    page = client.get(SUGGESTIONS_URL).content.decode()
    assert "Not the same" in page and "Keep as it is" in page
    assert "Same entity: merge" not in page and "Not an entity" not in page
    for answer in ("same", "not_entity"):
        response = client.post(SUGGESTIONS_URL, {"suggestion": suggestion.pk, "answer": answer})
        assert response.status_code == 403
    assert set(Entity.objects.values_list("pk", "name")) == entities
    assert EntityDecision.objects.filter(pk=suggestion.pk).exists()

    client.post(SUGGESTIONS_URL, {"suggestion": suggestion.pk, "answer": "different"})
    assert EntityDecision.objects.filter(key=suggestion.key, verdict="different").exists()
    assert set(Entity.objects.values_list("pk", "name")) == entities


def test_the_suggestions_page_refuses_staff_who_may_not_see_decisions(archive, viewer, client):
    viewer.user_permissions.remove(Permission.objects.get(codename="view_entitydecision"))
    client.force_login(viewer)
    assert client.get(SUGGESTIONS_URL).status_code == 403


def test_unmerging_needs_the_permission_to_add_and_change_entities(
    archive, client, django_user_model
):
    """An unmerge makes the merged entity again and moves its articles back: a viewer, or an
    editor who may change entities but not add them, is refused and nothing moves."""
    from articles.ingest.reconcile import editor
    from articles.models import MergeRecord

    absorbed, survivor = Entity.objects.filter(kind="person")[:2]
    editor.same(absorbed, survivor)
    record = MergeRecord.objects.get(name=absorbed.name, action=MergeRecord.Action.MERGE)
    url = f"/admin/articles/entity/{survivor.pk}/unmerge/{record.pk}/"
    user = django_user_model.objects.create_user("editor", password="pw", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(codename__in=["view_entity", "change_entity"])
    )
    for who in ("viewer", "editor"):
        client.force_login(django_user_model.objects.get(username=who))
        page = client.get(f"/admin/articles/entity/{survivor.pk}/change/").content.decode()
        assert "Merge history" in page and "Unmerge:" not in page
        before = snapshot()
        assert client.post(url).status_code == 403
        assert snapshot() == before

    user.user_permissions.add(Permission.objects.get(codename="add_entity"))
    client.force_login(django_user_model.objects.get(pk=user.pk))
    assert (
        "Unmerge:" in client.get(f"/admin/articles/entity/{survivor.pk}/change/").content.decode()
    )
    client.post(url)
    assert Entity.objects.filter(kind="person", key=absorbed.key).exists()


def test_a_decision_written_in_the_admin_needs_the_permissions_of_what_it_does(
    archive, client, django_user_model
):
    """A decision is carried out when saved: one that merges entities needs the permission to
    change and delete them, besides adding decisions."""
    user = django_user_model.objects.create_user("editor", password="pw", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(
            codename__in=["view_entitydecision", "add_entitydecision", "change_entitydecision"]
        )
    )
    client.force_login(user)
    absorbed, survivor = Entity.objects.filter(kind="person")[:2]
    form = {
        "kind": "person",
        "name": absorbed.name,
        "verdict": "same",
        "other_kind": "person",
        "other_name": survivor.name,
        "country": "",
    }
    before = snapshot()
    assert client.post("/admin/articles/entitydecision/add/", form).status_code == 403
    assert snapshot() == before
