"""Losing nothing: export_articles writes the whole archive, import_articles puts it back.

The round trip goes into an emptied database (the same as a fresh one: no row survives) and
compares every stored column of every row, editors' corrections included; the search index
is then rebuilt from the database alone and finds the restored article.
"""

import datetime
import io
import json
import threading

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import OperationalError, connection, connections, models, transaction
from django.utils import timezone

from articles import export, search
from articles.ingest.stories import recount_stories
from articles.models import (
    Article,
    Entity,
    EntityAlias,
    EntityRedirect,
    IndexTask,
    Mention,
    Source,
    SourceRedirect,
    Story,
    StoryDecision,
)
from articles.search import queue

from .conftest import CORPUS, SEED

pytestmark = pytest.mark.django_db

ARCHIVE_MODELS = [
    Source,
    SourceRedirect,
    Entity,
    EntityAlias,
    EntityRedirect,
    Story,
    Article,
    Mention,
    StoryDecision,
]


def seed_text() -> str:
    if SEED.exists():
        return SEED.read_text(encoding="utf-8")
    return "News\nUS deploys new troops to Iraq’s Ain al-Asad base: Report\n\nBaghdad, Kirkuk."


@pytest.fixture
def archive():
    """A small archive with everything an export must carry, editors' corrections included."""
    editor = get_user_model().objects.create_user("editor", password="x" * 12)
    presstv = Source.objects.create(name="Press TV", slug="press-tv", domains=["presstv.ir"])
    Source.objects.create(name="Reuters", slug="reuters", domains=[])
    SourceRedirect.objects.create(old_slug="presstv", source=presstv)  # renamed in the admin
    iraq = Entity.objects.create(
        kind="place",
        name="Iraq",
        slug="iraq",
        key="iraq",
        country="IQ",
        feature="country",
        latitude=33.0,
        longitude=44.0,
    )
    pentagon = Entity.objects.create(
        kind="organization", name="Pentagon", slug="pentagon", key="pentagon"
    )
    asad = Entity.objects.create(
        kind="place",
        name="Ain al-Asad",
        slug="ain-al-asad",
        key="ain al asad",
        country="IQ",
        feature="airbase",
    )
    EntityAlias.objects.create(entity=pentagon, kind="organization", name="DoD", key="dod")
    EntityAlias.objects.create(entity=iraq, kind="place", name="Irak", key="irak")
    EntityRedirect.objects.create(kind="place", old_slug="al-asad", entity=asad)
    text = seed_text()
    lines = [line for line in text.splitlines() if line.strip()]
    seeded = Article.objects.create(
        source=presstv,
        headline=lines[1][:500],
        slug="us-deploys-new-troops",
        body="\n\n".join(lines[2:]) or "Kirkuk",
        caption="Troops at Ain al-Asad",
        section="Middle East",
        url="https://www.presstv.ir/Detail/2020/01/01/1/US-deploys",
        published=datetime.date(2020, 1, 1),
        language="en",
        original_text=text,
        original_name="seed/000.txt",
        original_format="text",
        fingerprint="a" * 64,
        locked_fields=["headline", "published"],
    )
    Mention.objects.create(article=seeded, entity=iraq, count=4, surface_forms=["Iraq", "Iraq’s"])
    Mention.objects.create(
        article=seeded,
        entity=pentagon,
        count=1,
        surface_forms=["Pentagon"],
        origin=Mention.Origin.EDITOR,
        changed_by=editor,
    )
    Mention.objects.create(
        article=seeded,
        entity=asad,
        count=2,
        surface_forms=["Ain al-Asad"],
        suppressed=True,
        changed_by=editor,
    )
    withdrawn = Article.objects.create(
        source=None,
        headline="Withdrawn quokka story ünïcode “quotes”",
        slug="withdrawn",
        body="Body",
        fingerprint="b" * 64,
        is_published=False,
        published=None,
    )
    # Timestamps as an old archive has them, not "now".
    Article.objects.filter(pk=withdrawn.pk).update(
        created_at=datetime.datetime(2019, 5, 6, 7, 8, 9, 123456, tzinfo=datetime.UTC),
        updated_at=datetime.datetime(2021, 1, 2, 3, 4, 5, 654321, tzinfo=datetime.UTC),
    )
    # One story of both, the withdrawn one a copy of the other, grouped so by an editor.
    story = Story.objects.create(lead=seeded)
    Article.objects.filter(pk__in=[seeded.pk, withdrawn.pk]).update(story=story)
    Article.objects.filter(pk=withdrawn.pk).update(copy_of=seeded)
    recount_stories([story.pk])
    StoryDecision.objects.create(
        article=withdrawn, group="editors-1", note="moved", decided_by=editor
    )
    return editor


def natural_key(target):
    if isinstance(target, Entity):
        return (target.kind, target.slug)
    if isinstance(target, Source):
        return target.name
    if isinstance(target, Article):
        return target.fingerprint
    if isinstance(target, Story):
        return ("story", target.pk)  # a restore keeps a story's id where it is free
    return target.get_username()


def snapshot() -> dict[str, list[dict]]:
    """Every stored column of every archive row, with relations as natural keys (no ids)."""

    def row(obj):
        values = {}
        for f in type(obj)._meta.concrete_fields:
            if f.primary_key and type(obj) is not Article:
                continue
            value = f.value_from_object(obj)
            if f.is_relation and value is not None:
                value = natural_key(getattr(obj, f.name))
            values[f.name] = value
        return values

    return {
        model.__name__: sorted((row(obj) for obj in model.objects.all()), key=repr)
        for model in ARCHIVE_MODELS
    }


def empty_archive() -> None:
    for model in reversed(ARCHIVE_MODELS):
        model.objects.all().delete()
    assert all(not model.objects.exists() for model in ARCHIVE_MODELS)


def test_export_writes_one_typed_json_object_per_line(archive):
    stream = io.StringIO()
    counts = export.export_archive(stream)
    records = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert records[0]["type"] == "newsroom-export" and records[0]["version"] == 1
    assert [r["type"] for r in records[1:]] == (
        ["source"] * 2
        + ["source_redirect"]
        + ["entity"] * 3
        + ["alias"] * 2
        + ["redirect"]
        + ["article"] * 2
    )
    assert counts == {
        "source": 2,
        "source_redirect": 1,
        "entity": 3,
        "alias": 2,
        "redirect": 1,
        "decision": 0,
        "article": 2,
    }
    seeded = next(r for r in records if r["type"] == "article" and r["source"] == "Press TV")
    assert seeded["original_text"] == seed_text()
    assert seeded["locked_fields"] == ["headline", "published"]
    assert {
        (m["entity"][1], m["origin"], m["suppressed"], m["changed_by"]) for m in seeded["mentions"]
    } == {
        ("iraq", "extracted", False, None),
        ("pentagon", "editor", False, "editor"),
        ("ain-al-asad", "extracted", True, "editor"),
    }


def test_round_trip_into_an_empty_database_keeps_every_field(archive, tmp_path, capsys):
    before = snapshot()
    output = tmp_path / "backup.jsonl"
    call_command("export_articles", "--output", str(output))
    assert (
        "Exported 2 sources, 1 outlet redirect, 3 entities, 2 aliases, 1 redirect, 2 articles"
        in capsys.readouterr().out
    )
    empty_archive()

    call_command("import_articles", str(output))

    assert "restored from export: 2 created, 0 duplicates, 0 failed" in capsys.readouterr().out
    assert snapshot() == before


def test_restored_articles_keep_their_ids_and_new_ones_follow(archive, tmp_path):
    ids = sorted(Article.objects.values_list("id", flat=True))
    stream = io.StringIO()
    export.export_archive(stream)
    empty_archive()

    export.restore_records(export.read_records(io.StringIO(stream.getvalue())))

    assert sorted(Article.objects.values_list("id", flat=True)) == ids
    # The id sequence moved past the restored ids (PostgreSQL does not do that by itself).
    fresh = Article.objects.create(headline="After restore", body="x", fingerprint="c" * 64)
    assert fresh.id > max(ids)


def test_restoring_twice_creates_nothing_new(archive):
    stream = io.StringIO()
    export.export_archive(stream)
    before = snapshot()

    report = export.restore_records(export.read_records(io.StringIO(stream.getvalue())))

    assert report.summary == "0 created, 2 duplicates, 0 failed"
    assert snapshot() == before


def test_a_bad_record_is_reported_and_the_rest_restored(archive):
    stream = io.StringIO()
    export.export_archive(stream)
    empty_archive()
    records = list(export.read_records(io.StringIO(stream.getvalue())))
    broken = next(r for r in records if r["type"] == "article" and r["source"] == "Press TV")
    broken["mentions"][0]["entity"] = ["place", "atlantis"]

    report = export.restore_records(records)

    assert len(report.created) == 1
    [(label, reason)] = report.failed
    assert "atlantis" in reason and "article" in label


def test_an_export_from_a_newer_version_is_refused_with_advice():
    report = export.restore_records(
        [{"type": "newsroom-export", "version": 99}, {"type": "source", "name": "X", "slug": "x"}]
    )
    [(_, reason)] = report.failed
    assert "upgrade Newsroom" in reason
    assert not Source.objects.exists()


def test_index_is_rebuilt_from_the_database_alone(archive, clean_index):
    from articles.search import SearchRequest, iter_result_ids, rebuild_index

    stream = io.StringIO()
    export.export_archive(stream)
    empty_archive()
    clean_index.clear()
    export.restore_records(export.read_records(io.StringIO(stream.getvalue())))

    assert rebuild_index() == 1  # the published article; the withdrawn one stays out

    seeded = Article.objects.get(source__name="Press TV")
    assert list(iter_result_ids(SearchRequest(q="Kirkuk"))) == [seeded.pk]
    assert list(iter_result_ids(SearchRequest(q="quokka"))) == []
    assert timezone.is_aware(seeded.created_at)


def test_every_archive_column_is_exported():
    """A column added to a model later is carried by the export without changing it."""
    for model in ARCHIVE_MODELS:
        exported = {f.name for f in export._plain_fields(model)}
        stored = {
            f.name
            for f in model._meta.concrete_fields
            if not f.primary_key and not isinstance(f, models.ForeignKey)
        }
        assert exported == stored, model.__name__


def bbc_articles(n: int) -> list[Article]:
    """``n`` real BBC articles stored without touching the index (first line: headline)."""
    files = sorted((CORPUS / "bbc_news" / "politics").glob("*.txt"))[:n]
    if len(files) < n:
        pytest.skip("../shared/corpus/bbc_news is not beside the repository")
    bbc = Source.objects.create(name="BBC", slug="bbc", domains=["bbc.co.uk"])
    articles = []
    with queue.deferred():
        for number, path in enumerate(files):
            headline, _, body = path.read_text(encoding="latin-1").strip().partition("\n")
            articles.append(
                Article.objects.create(
                    source=bbc,
                    headline=headline.strip(),
                    slug=f"bbc-{number}",
                    body=body.strip(),
                    published=datetime.date(2005, 1, 1 + number),
                    fingerprint=f"{number:064x}",
                )
            )
    IndexTask.objects.all().delete()
    return articles


def index_commits(backend) -> int:
    """Whoosh's commit counter of the live index: one more per write to it."""
    from whoosh.index import open_dir

    live = backend.location.root / backend.location.current_name()
    return open_dir(str(live)).latest_generation()


@pytest.fixture
def exported_bbc(clean_index):
    articles = bbc_articles(8)
    stream = io.StringIO()
    export.export_archive(stream)
    empty_archive()
    clean_index.clear()
    return [a.headline for a in articles], stream.getvalue()


@pytest.mark.django_db(transaction=True)
def test_a_restore_indexes_its_articles_in_one_batch_not_one_write_each(
    exported_bbc, clean_index, settings
):
    settings.NEWSROOM_INDEX_ON_COMMIT = True
    headlines, backup = exported_bbc
    before = index_commits(clean_index)

    report = export.restore_records(export.read_records(io.StringIO(backup)))

    assert len(report.created) == 8
    assert index_commits(clean_index) == before + 1
    assert search.probe_index() == 8
    assert not IndexTask.objects.exists()
    # The restored text is what is searched.
    assert list(search.iter_result_ids(search.SearchRequest(q=f'"{headlines[3]}"'))) == [
        Article.objects.get(headline=headlines[3]).id
    ]


@pytest.mark.django_db(transaction=True)
def test_a_restore_without_indexing_leaves_the_work_queued(exported_bbc, clean_index, settings):
    settings.NEWSROOM_INDEX_ON_COMMIT = True
    _, backup = exported_bbc
    before = index_commits(clean_index)

    export.restore_records(export.read_records(io.StringIO(backup)), index=False)

    assert index_commits(clean_index) == before
    assert IndexTask.objects.count() == 8
    assert queue.drain() == 8
    assert search.probe_index() == 8


class SaveMidway(io.StringIO):
    """An output stream that lets an editor save a new article while the export is running:
    after the outlets were written and before the articles are read."""

    def __init__(self):
        super().__init__()
        self.outcome = None

    def write(self, text):
        if self.outcome is None and '"type": "entity"' in text:
            worker = threading.Thread(target=self.save_late_article)
            worker.start()
            worker.join(30)
        return super().write(text)

    def save_late_article(self):
        try:
            with transaction.atomic():
                late = Source.objects.create(name="Late outlet", slug="late-outlet")
                Article.objects.create(
                    source=late, headline="Saved during the export", body="x", fingerprint="d" * 64
                )
            self.outcome = "saved"
        except OperationalError as exc:  # SQLite's shared in-memory test database locks
            self.outcome = exc
        finally:
            connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_an_export_is_one_snapshot_even_while_articles_are_saved(archive, settings):
    settings.NEWSROOM_INDEX_ON_COMMIT = False
    stream = SaveMidway()

    counts = export.export_archive(stream)

    records = [json.loads(line) for line in stream.getvalue().splitlines()]
    outlets = {r["name"] for r in records if r["type"] == "source"}
    articles = [r for r in records if r["type"] == "article"]
    assert {a["source"] for a in articles if a["source"]} <= outlets, "an outlet is missing"
    assert "Saved during the export" not in {a["headline"] for a in articles}
    assert counts["article"] == 2
    if connection.vendor == "postgresql":  # the editor was not kept waiting
        assert stream.outcome == "saved"
        assert Article.objects.filter(headline="Saved during the export").exists()


def test_the_restore_report_counts_corrections_that_lost_their_editor(archive, tmp_path, capsys):
    output = tmp_path / "backup.jsonl"
    call_command("export_articles", "--output", str(output))
    empty_archive()
    archive.delete()  # the editor has no account on the new machine

    call_command("import_articles", str(output))

    printed = capsys.readouterr().out
    assert "2 created, 0 duplicates, 0 failed; 2 editor corrections restored without the " in (
        printed
    )
    assert "no account named 'editor' here: create the accounts before restoring" in printed
    pentagon = Mention.objects.get(entity__slug="pentagon")
    assert (pentagon.origin, pentagon.changed_by) == (Mention.Origin.EDITOR, None)
    assert Mention.objects.get(entity__slug="ain-al-asad").suppressed


def test_editors_with_an_account_are_linked_again_and_not_counted(archive):
    stream = io.StringIO()
    export.export_archive(stream)
    empty_archive()

    report = export.restore_records(export.read_records(io.StringIO(stream.getvalue())))

    assert report.unlinked_editors == {}
    assert report.summary == "2 created, 0 duplicates, 0 failed"
    assert Mention.objects.filter(changed_by=archive).count() == 2


@pytest.mark.django_db(transaction=True)
def test_import_articles_no_index_restores_an_export_without_indexing(
    exported_bbc, clean_index, settings, tmp_path
):
    settings.NEWSROOM_INDEX_ON_COMMIT = True
    _, backup = exported_bbc
    path = tmp_path / "backup.jsonl"
    path.write_text(backup, encoding="utf-8")
    before = index_commits(clean_index)

    call_command("import_articles", "--no-index", str(path))

    assert index_commits(clean_index) == before
    assert IndexTask.objects.count() == 8
