"""`manage.py check_index` finds articles missing from, stale in or wrongly left in the index."""

from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from articles import corrections, search
from articles.ingest.columns import article_fingerprint
from articles.models import Article, Entity, IndexTask, Mention, Source
from articles.search import queue

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
    queue.drain()
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
    queue.drain()
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

    monkeypatch.setattr(search.service, "index_articles", broken)
    with pytest.raises(CommandError, match="see Index tasks in the admin"):
        check("--fix")
    assert IndexTask.objects.filter(last_error="OSError: disk full").exists()


# --- Renames and merges change the articles' documents without saving them ------------


def org(name: str) -> Entity:
    from articles.extraction.names import name_key, name_slug

    return Entity.objects.create(
        kind="organization", name=name, slug=name_slug(name), key=name_key(name)
    )


def org_hits(slug: str) -> set[int]:
    request = search.SearchRequest(include={"org": (slug,)}, sort="newest", facets=False)
    return {h.article_id for h in search.search_articles(request).hits}


@pytest.fixture
def indexed_mentions(clean_index):
    hashd, pmu = org("Hashd al-Shaabi"), org("Popular Mobilization Units")
    named = make_article("Okapi named")
    other = make_article("Okapi other")
    Mention.objects.create(article=named, entity=hashd)
    Mention.objects.create(article=other, entity=pmu)
    queue.drain()
    assert "The index matches the database." in check()
    return SimpleNamespace(hashd=hashd, pmu=pmu, named=named, other=other)


def test_a_rename_whose_index_tasks_were_lost_is_found_stale_and_fixed(indexed_mentions):
    corrections.rename_entity(indexed_mentions.hashd, "Popular Mobilization Forces")
    IndexTask.objects.all().delete()

    report = check()
    stale = indexed_mentions.named.pk
    assert f"1 article(s) stale in the index (changed since indexed): {stale}" in report
    assert org_hits("popular-mobilization-forces") == set()
    assert "Fixed 1 article(s)." in check("--fix")
    assert org_hits("popular-mobilization-forces") == {stale}


def test_a_merge_whose_index_tasks_were_lost_is_found_stale_and_fixed(indexed_mentions):
    corrections.merge_entities(indexed_mentions.hashd, indexed_mentions.pmu)
    IndexTask.objects.all().delete()

    report = check()
    # Both: one moved to the survivor, the other's document now carries the survivor's alias.
    both = sorted([indexed_mentions.named.pk, indexed_mentions.other.pk])
    assert f"2 article(s) stale in the index (changed since indexed): {both[0]}, {both[1]}" in (
        report
    )
    check("--fix")
    assert org_hits("popular-mobilization-units") == set(both)
    assert org_hits("hashd-al-shaabi") == set()


def test_an_outlet_rename_whose_index_tasks_were_lost_is_found_stale_and_fixed(clean_index):
    press = Source.objects.create(name="Press TV", slug="press-tv")
    article = make_article("Okapi on air")
    Article.objects.filter(pk=article.pk).update(source=press)
    queue.drain()
    assert "The index matches the database." in check()

    press.name, press.slug = "PressTV", "presstv"
    press.save()
    IndexTask.objects.all().delete()

    assert f"1 article(s) stale in the index (changed since indexed): {article.pk}" in check()
    check("--fix")
    request = search.SearchRequest(include={"source": ("presstv",)}, facets=False)
    assert [h.article_id for h in search.search_articles(request).hits] == [article.pk]


def test_renames_mark_articles_changed_in_one_update_not_a_save_each(
    indexed_mentions, django_assert_max_num_queries
):
    for n in range(100):
        Mention.objects.create(article=make_article(f"Okapi {n}"), entity=indexed_mentions.hashd)
    # The entity row, its aliases and redirects, then the articles: not a query per article.
    with django_assert_max_num_queries(40):
        corrections.rename_entity(indexed_mentions.hashd, "Popular Mobilization Forces")
    assert Article.objects.filter(updated_at__gt=indexed_mentions.other.updated_at).count() == 101


def test_a_country_added_after_its_places_reaches_their_articles(clean_index):
    """A place's country is indexed as a place value too: "United Kingdom" created after an
    article naming London was indexed must reach that article (a check_index finding)."""
    article = make_article("Okapi in London")
    london = Entity.objects.create(
        kind="place", name="London", slug="london", key="london", country="GB", feature="city"
    )
    Mention.objects.create(article=article, entity=london, count=1)
    queue.drain()
    Entity.objects.create(
        kind="place",
        name="United Kingdom",
        slug="united-kingdom",
        key="united kingdom",
        country="GB",
        feature="country",
    )
    queue.drain()

    assert "The index matches the database." in check()
    indexed = search.current_engine().indexed_facets([article.pk])[article.pk]
    assert indexed["place"] == {"london", "united-kingdom"}
