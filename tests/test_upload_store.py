"""Storing uploaded documents: one transaction each, and a clash with another process is
retried once with fresh caches instead of being reported as a failure."""

import io

import pytest
from django.db import transaction

from articles.ingest import checks, uploads
from articles.models import Entity, Mention, UploadResult

from .conftest import SEED


@pytest.mark.django_db(transaction=True)
def test_an_entity_removed_by_another_process_mid_batch_is_created_again(shared):
    seed = SEED.read_bytes()
    variant = seed.replace(b"US deploys new troops", b"Second report: US deploys more troops", 1)
    items = [
        *checks.read_upload("first.txt", io.BytesIO(seed))[0],
        *checks.read_upload("second.txt", io.BytesIO(variant))[0],
    ]

    def merged_away_after_commit(outcome, extracted):
        # Another editor deletes an entity this batch has just cached (a merge elsewhere).
        if outcome.label == "first.txt":
            transaction.on_commit(lambda: Entity.objects.filter(slug="kataib-hezbollah").delete())

    outcomes = list(uploads.store_documents(items, record=merged_away_after_commit))

    assert [o.outcome for o in outcomes] == [UploadResult.Outcome.CREATED] * 2, outcomes
    second = outcomes[1].article_id
    assert Mention.objects.filter(article_id=second, entity__slug="kataib-hezbollah").exists()


@pytest.mark.django_db
def test_uploads_follow_the_configured_article_length_limit(settings, shared):
    settings.NEWSROOM_MAX_ARTICLE_CHARS = 2000
    items, refusal = checks.read_upload("seed.txt", io.BytesIO(SEED.read_bytes()))
    assert refusal is None

    (outcome,) = uploads.store_documents(items)

    assert outcome.outcome == UploadResult.Outcome.FAILED
    assert "2,000" in outcome.reason or "2000" in outcome.reason, outcome.reason
