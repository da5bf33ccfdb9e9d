"""`manage.py check_index` finds articles missing from, stale in or wrongly left in the index."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from articles import indexing, search
from articles.ingest import article_fingerprint
from articles.models import Article, IndexTask

pytestmark = pytest.mark.django_db


def make_article(headline: str) -> Article:
    body = f"{headline}. The okapi survey."
    return Article.objects.create(
        headline=headline, slug="a", body=body, fingerprint=article_fingerprint(headline, body)
    )


def check(*args) -> str:
    out = StringIO()
    call_command("check_index", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def drifted(clean_index):
    """An index that drifted from the database: changes whose index tasks were lost."""
    fine = make_article("Okapi fine")
    stale = make_article("Okapi stale")
    gone = make_article("Okapi gone")
    hidden = make_article("Okapi hidden")
    indexing.drain()
    missing = make_article("Okapi missing")
    Article.objects.filter(pk=stale.pk).update(headline="Okapi edited", updated_at=timezone.now())
    gone_id = gone.pk
    gone.delete()
    gone.pk = gone_id
    Article.objects.filter(pk=hidden.pk).update(is_published=False)
    IndexTask.objects.all().delete()  # the tasks were lost (e.g. written by an old release)
    return {"fine": fine, "stale": stale, "gone": gone, "hidden": hidden, "missing": missing}


def test_a_matching_index_is_reported_as_such(clean_index):
    make_article("Okapi")
    indexing.drain()
    assert "The index matches the database." in check()


def test_missing_stale_and_leftover_articles_are_reported(drifted):
    report = check()
    assert f"1 article(s) missing from the index: {drifted['missing'].pk}" in report
    assert f"1 article(s) stale in the index (changed since indexed): {drifted['stale'].pk}" in (
        report
    )
    leftover = sorted([drifted["gone"].pk, drifted["hidden"].pk])
    assert (
        f"2 article(s) in the index but deleted or unpublished: {leftover[0]}, {leftover[1]}"
        in (report)
    )
    assert "Run with --fix to repair." in report


def test_fix_repairs_the_index_and_a_second_run_finds_nothing(drifted):
    report = check("--fix")
    assert "Fixed 4 article(s)." in report
    assert "The index matches the database." in check()
    hits = search.search_articles(search.SearchRequest(q="okapi", facets=False)).hits
    assert {h.article_id for h in hits} == {
        drifted["fine"].pk,
        drifted["stale"].pk,
        drifted["missing"].pk,
    }


def test_fix_says_what_to_do_when_the_search_engine_keeps_failing(drifted, monkeypatch):
    def broken(ids):
        raise OSError("disk full")

    monkeypatch.setattr(search, "index_articles", broken)
    with pytest.raises(CommandError, match="see Index tasks in the admin"):
        check("--fix")
    assert IndexTask.objects.filter(last_error="OSError: disk full").exists()
