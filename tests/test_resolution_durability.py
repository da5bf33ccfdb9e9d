"""A resolve_entities run stopped halfway leaves nothing silently stale (issue 17): each
decision queues its changed articles in its own transaction, check_index compares the values
the index holds with the database's, and a decision about an entity absorbed earlier in the
same run follows it. Real articles, a real database and a real Whoosh index."""

import io

import pytest
from django.core.management import call_command

from articles import corrections
from articles.extraction.names import name_key, name_slug
from articles.extraction.variants import match_key
from articles.ingest.reconcile import apply, evidence
from articles.ingest.reconcile.rules import KIND, SAME, Proposal
from articles.models import Article, Entity, IndexTask, Mention
from articles.search import queue

from .test_entity_resolution import HUFFPOST, import_lines

pytestmark = pytest.mark.django_db(transaction=True)


def check_index(*args) -> str:
    out = io.StringIO()
    call_command("check_index", *args, stdout=out)
    return out.getvalue()


def org_values(client, article: Article) -> set[str]:
    data = client.get(f"/search/?format=json&facets=on&q=&id={article.pk}").json()
    return {v["slug"] for v in data["facets"]["org"]}


def indexed_orgs(article: Article) -> frozenset[str]:
    from articles import search

    return search.current_engine().indexed_facets([article.pk])[article.pk]["org"]


@pytest.fixture
def variants(shared, clean_index):
    """Two HuffPost summaries naming the United Nations, one of them filed as "U.N.", plus
    "UN" on the other; resolve_entities merges both variants into the United Nations."""
    full, short = import_lines(HUFFPOST, "8088", "8549")
    united = Entity.objects.get(kind="organization", key="united nations")
    for article, name in ((short, "U.N."), (full, "UN")):
        variant = Entity.objects.create(
            kind="organization", name=name, slug=name_slug(name), key=name_key(name)
        )
        variant.match_key = match_key("organization", name)
        variant.save()
        Mention.objects.filter(article=article, entity=united).update(entity=variant)
    corrections.articles_changed([full.pk, short.pk])
    queue.drain()
    assert check_index().endswith("The index matches the database.\n")
    return full, short


class Killed(BaseException):
    """Stands for SIGKILL: nothing after it runs, no handler catches it."""


def test_a_run_killed_after_its_first_decision_leaves_that_change_queued_for_the_index(
    variants, monkeypatch
):
    """The run merges "U.N." into "UN", then renames "UN": killed between the two, the merge
    is committed and its article queued with it; the next run finishes the job."""
    full, short = variants
    done = []

    def once_then_die(correction):
        def run(entity, *args, **kwargs):
            if done:
                raise Killed
            done.append(entity.name)
            return correction(entity, *args, **kwargs)

        return run

    for name in ("merge_entities", "rename_entity"):
        monkeypatch.setattr(corrections, name, once_then_die(getattr(corrections, name)))
    with pytest.raises(Killed):
        call_command("resolve_entities", stdout=io.StringIO(), stderr=io.StringIO())
    monkeypatch.undo()

    assert done == ["U.N."]
    assert not Entity.objects.filter(kind="organization", name="U.N.").exists()  # committed
    assert IndexTask.objects.filter(article_id=short.pk).exists()
    assert "The index matches the database." not in check_index()

    call_command("resolve_entities", stdout=io.StringIO(), stderr=io.StringIO())  # the next run
    assert check_index().endswith("The index matches the database.\n")
    for each in (full, short):
        orgs = set(
            each.mentions.filter(entity__kind="organization").values_list("entity__slug", flat=True)
        )
        assert indexed_orgs(each) == orgs
    assert "u-n" not in indexed_orgs(short)


def test_check_index_compares_the_values_the_index_holds(variants):
    full, short = variants
    Entity.objects.filter(kind="organization", name="UN").update(slug="un-renamed")  # unmarked

    report = check_index()

    assert "1 article(s) with other places, organizations, people or outlets in the index" in (
        report
    )
    assert f": {full.pk}\n" in report
    assert "Run with --fix to repair." in report
    assert check_index("--fix").endswith("The index matches the database.\n")
    assert "un-renamed" in indexed_orgs(full)


def name_of(entity: Entity) -> evidence.Name:
    return evidence.Name(
        id=entity.pk,
        kind=entity.kind,
        name=entity.name,
        key=entity.key,
        match_key=entity.match_key,
        slug=entity.slug,
        country=entity.country,
        feature=entity.feature,
    )


def make_entity(kind: str, name: str) -> Entity:
    return Entity.objects.create(kind=kind, name=name, slug=name_slug(name), key=name_key(name))


@pytest.mark.parametrize("absorbed", ["subject", "target"])
def test_a_decision_about_an_entity_absorbed_earlier_in_the_run_follows_it(variants, absorbed):
    full, short = variants
    person = make_entity("person", "COVAX")  # the tagger's mistake: refiled, and absorbed
    organization = make_entity("organization", "COVAX")
    facility = make_entity("organization", "COVAX Facility")
    Mention.objects.create(article=full, entity=person, count=1, surface_forms=["COVAX"])
    Mention.objects.create(article=short, entity=organization, count=1, surface_forms=["COVAX"])
    plan = apply.Plan(kinds=[Proposal(KIND, name_of(person), kind="organization")])
    if absorbed == "subject":  # COVAX (the person) is the COVAX Facility
        plan.merges = [Proposal(SAME, name_of(person), name_of(facility))]
        survivor = facility
    else:  # the COVAX Facility is COVAX (the person)
        plan.merges = [Proposal(SAME, name_of(facility), name_of(person))]
        survivor = organization

    report = apply.carry_out(plan)

    assert report.skipped == []
    assert (report.moved, report.merged) == (1, 1)
    assert not Entity.objects.filter(pk=person.pk).exists()
    assert set(full.mentions.values_list("entity_id", flat=True)) >= {survivor.pk}
