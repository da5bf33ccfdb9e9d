"""The search index follows the database through one queue and one writer at a time."""

import json
import subprocess
import sys
import textwrap
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction

from articles import search, worker
from articles.ingest import uploads
from articles.ingest.columns import article_fingerprint
from articles.models import Article, IndexTask, UploadBatch
from articles.search import queue

from .conftest import CORPUS, SEED, free_port

pytestmark = pytest.mark.django_db


def found(q: str) -> set[int]:
    response = search.search_articles(search.SearchRequest(q=q, facets=False, per_page=200))
    return {hit.article_id for hit in response.hits}


def make_article(headline: str, body: str = "", **fields) -> Article:
    body = body or f"{headline}. Body text about the quokka census."
    return Article.objects.create(
        headline=headline,
        slug="a",
        body=body,
        fingerprint=article_fingerprint(headline, body),
        **fields,
    )


def test_a_save_queues_index_work_in_its_own_transaction():
    article = make_article("Queued with its save")
    assert IndexTask.objects.filter(article_id=article.pk, action="update").exists()

    with pytest.raises(RuntimeError), transaction.atomic():
        rolled_back = make_article("Never committed")
        raise RuntimeError("the save fails")
    assert not IndexTask.objects.filter(article_id=rolled_back.pk).exists()


def test_draining_the_queue_makes_saves_searchable_and_empties_it(clean_index):
    article = make_article("Quokka census begins")
    assert queue.drain() == 1
    assert found("quokka") == {article.pk}
    assert IndexTask.objects.count() == 0


def test_unpublishing_and_deleting_remove_articles_from_search(clean_index):
    kept = make_article("Quokka kept")
    hidden = make_article("Quokka hidden")
    deleted = make_article("Quokka deleted")
    queue.drain()
    assert found("quokka") == {kept.pk, hidden.pk, deleted.pk}

    hidden.is_published = False
    hidden.save()
    deleted.delete()
    queue.drain()
    assert found("quokka") == {kept.pk}


def test_a_search_engine_failure_keeps_the_save_and_retries_later(clean_index, monkeypatch):
    def broken(ids):
        raise OSError("disk full")

    monkeypatch.setattr(search.service, "index_articles", broken)
    article = make_article("Quokka during an outage")
    assert queue.drain() == 0  # no exception reaches the editor

    task = IndexTask.objects.get(article_id=article.pk)
    assert Article.objects.filter(pk=article.pk).exists()
    assert (task.attempts, task.last_error) == (1, "OSError: disk full")
    assert task.not_before is not None
    assert queue.drain() == 0  # backing off: not retried at once

    monkeypatch.undo()
    IndexTask.objects.update(not_before=None)
    assert queue.drain() == 1
    assert found("quokka") == {article.pk}


def test_one_article_the_engine_refuses_does_not_hold_back_the_others(clean_index, monkeypatch):
    poison = make_article("Quokka poison")
    good = [make_article(f"Quokka good {n}") for n in range(3)]
    real = search.service.index_articles

    def refuses_poison(ids):
        if poison.pk in set(ids):
            raise ValueError("cannot index this one")
        real(ids)

    monkeypatch.setattr(search.service, "index_articles", refuses_poison)
    for _ in range(12):  # each retry halves the batch until the poison is alone
        queue.drain()
        IndexTask.objects.update(not_before=None)
    assert found("quokka") == {a.pk for a in good}
    left = IndexTask.objects.get()
    assert left.article_id == poison.pk and left.attempts > 1
    assert "cannot index this one" in left.last_error


def hold_lock_in_another_process(path: Path, seconds: float) -> subprocess.Popen:
    code = textwrap.dedent(
        f"""
        import fcntl, sys, time
        handle = open({str(path)!r}, "a+")
        fcntl.flock(handle, fcntl.LOCK_EX)
        print("locked", flush=True)
        time.sleep({seconds})
        """
    )
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "locked"
    return process


def test_a_process_finding_another_writer_leaves_the_work_to_it(clean_index):
    holder = hold_lock_in_another_process(queue.lock_path(), 2)
    article = make_article("Quokka behind a busy writer")
    try:
        assert queue.drain(blocking=False) == 0  # returns at once, no lock error
        assert IndexTask.objects.filter(article_id=article.pk).exists()
    finally:
        holder.wait()
    assert queue.drain(blocking=False) == 1
    assert found("quokka") == {article.pk}


@pytest.mark.django_db(transaction=True)
def test_a_single_save_is_searchable_after_commit_without_a_worker(clean_index):
    article = make_article("Quokka saved alone")
    assert found("quokka") == {article.pk}
    assert IndexTask.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_an_admin_save_reaches_search_after_commit(clean_index, admin_client):
    article = make_article("Quokka before the edit")
    data = {
        "headline": "Wombat after the edit",
        "slug": "a",
        "source": "",
        "section": "",
        "published": "",
        "is_published": "on",
        "body": article.body,
        "caption": "",
        "url": "",
        "language": "en",
        "original_text": "",
        "add_places": "",
        "add_organizations": "",
        "add_people": "",
        "mentions-TOTAL_FORMS": "0",
        "mentions-INITIAL_FORMS": "0",
    }
    response = admin_client.post(f"/admin/articles/article/{article.pk}/change/", data)
    assert response.status_code == 302
    assert found("wombat") == {article.pk}


def test_index_worker_once_drains_what_is_queued(clean_index, capsys):
    article = make_article("Quokka for the worker")
    call_command("index_worker", "--once", "--no-uploads")
    assert "indexed 1 article(s)" in capsys.readouterr().out
    assert found("quokka") == {article.pk}


def test_a_bulk_import_indexes_through_the_queue(clean_index, shared, capsys):
    folder = CORPUS / "bbc_news" / "tech"
    files = sorted(str(p) for p in folder.glob("*.txt"))[:25]
    call_command("import_articles", *files)
    assert "25 created" in capsys.readouterr().out
    assert IndexTask.objects.count() == 0
    assert set(search.indexed_versions()) == set(Article.objects.values_list("id", flat=True))


# --- The background drainer (one per gunicorn worker) ------------------------------------


def wait_for(predicate, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def whoosh_write_lock() -> Path:
    return Path(settings.HAYSTACK_CONNECTIONS["default"]["PATH"]) / "write.lock"


@pytest.fixture
def drainer(monkeypatch):
    # The drainer's thread builds its own haystack backend from these options.
    monkeypatch.setitem(settings.HAYSTACK_CONNECTIONS["default"], "LOCK_TIMEOUT", 0.3)
    thread = worker.start_in_background(interval=0.1)
    yield thread
    worker.stop_background()
    assert not thread.is_alive()


@pytest.mark.django_db(transaction=True)
def test_with_a_drainer_a_save_never_waits_for_the_index(clean_index, drainer):
    holder = hold_lock_in_another_process(whoosh_write_lock(), 30)
    try:
        article = make_article("Quokka saved while the index is busy")
        # Indexing in the request would have waited for the lock (or failed on it).
        assert holder.poll() is None
        assert found("quokka") == set()
    finally:
        holder.kill()
        holder.wait()
    assert wait_for(lambda: found("quokka") == {article.pk})
    assert wait_for(lambda: not IndexTask.objects.exists())


@pytest.mark.django_db(transaction=True)
def test_the_drainer_retries_failed_index_work_without_another_save(clean_index, drainer):
    holder = hold_lock_in_another_process(whoosh_write_lock(), 3)
    try:
        article = make_article("Quokka during a lock-up")
        assert wait_for(lambda: IndexTask.objects.filter(attempts__gte=1).exists())
        assert "locked" in IndexTask.objects.get().last_error
    finally:
        holder.wait()
    assert wait_for(lambda: found("quokka") == {article.pk})
    # The drainer removes the task after the index commit that makes the article findable.
    assert wait_for(lambda: not IndexTask.objects.exists())


@pytest.mark.django_db(transaction=True)
def test_the_drainer_finishes_an_upload_batch_nobody_is_working_on(clean_index, shared, drainer):
    batch = uploads.create_batch([SimpleUploadedFile("seed.txt", SEED.read_bytes())])
    assert wait_for(lambda: UploadBatch.objects.get(pk=batch.pk).status == UploadBatch.Status.DONE)
    batch.refresh_from_db()
    assert batch.created_count == 1
    assert wait_for(lambda: found("kataib") == set(Article.objects.values_list("id", flat=True)))


# --- Writers in parallel processes, readers searching meanwhile -------------------------

WRITER = r"""
import json, os, sys, time
import django
django.setup()
from articles.ingest.columns import article_fingerprint
from articles.models import Article

tag, count = sys.argv[1], int(sys.argv[2])
for i in range(count):
    body = f"Parallel pangolin report {tag} number {i}. The pangolin census continues."
    article = Article.objects.create(
        headline=f"Pangolin {tag} {i}", slug="p", body=body,
        fingerprint=article_fingerprint(f"Pangolin {tag} {i}", body),
    )
    if i % 3 == 0:
        article.headline += " (updated)"
        article.save()
    if i % 5 == 1:
        article.is_published = False
        article.save()
    if i % 7 == 2:
        article.delete()
print(json.dumps({"tag": tag, "done": count}))
"""

UPLOADER = r"""
import sys
import django
django.setup()
from pathlib import Path
from django.core.files.uploadedfile import SimpleUploadedFile
from articles.ingest import uploads

paths = [Path(p) for p in sys.argv[1:]]
batch = uploads.create_batch([SimpleUploadedFile(p.name, p.read_bytes()) for p in paths])
uploads.process_batch(batch.pk)
batch.refresh_from_db()
print(batch.created_count, "created")
"""

READER = r"""
import json, os, sys, time
import django
django.setup()
from articles import search

stop = sys.argv[1]
queries = errors = 0
messages = []
while not os.path.exists(stop):
    try:
        search.search_articles(search.SearchRequest(q="pangolin", per_page=50))
        queries += 1
    except Exception as exc:
        errors += 1
        import traceback

        messages.append(traceback.format_exc()[-1500:])
    time.sleep(0.02)
print(json.dumps({"queries": queries, "errors": errors, "messages": messages[:5]}))
"""


def test_parallel_writers_and_readers_leave_the_index_equal_to_the_database(site, shared):
    run, start, tmp_path = site
    scripts = {}
    for name, code in (("writer", WRITER), ("uploader", UPLOADER), ("reader", READER)):
        scripts[name] = tmp_path / f"{name}.py"
        scripts[name].write_text(code)
    stop = tmp_path / "stop-readers"
    bbc = sorted((CORPUS / "bbc_news" / "business").glob("*.txt"))
    readers = [start(str(scripts["reader"]), str(stop)) for _ in range(2)]
    writers = [start(str(scripts["writer"]), f"w{n}", "40") for n in range(4)]
    writers.append(start(str(scripts["uploader"]), *map(str, bbc[:8])))
    writers.append(start("manage.py", "import_articles", *map(str, bbc[8:40])))

    outputs = [w.communicate(timeout=600) for w in writers]
    stop.touch()
    reader_outputs = [r.communicate(timeout=120) for r in readers]

    for process, (_out, err) in zip(writers, outputs, strict=True):
        assert process.returncode == 0, err[-3000:]
        assert "LockError" not in err and "locked" not in err.lower(), err[-3000:]
    assert "8 created" in outputs[4][0]
    assert "32 created" in outputs[5][0]
    for process, (out, err) in zip(readers, reader_outputs, strict=True):
        assert process.returncode == 0, err[-3000:]
        report = json.loads(out.strip().splitlines()[-1])
        assert report["errors"] == 0, report["messages"]
        assert report["queries"] > 0

    # No worker ran: every change reached the index through the writers' own drains.
    queue = run(
        "manage.py",
        "shell",
        "-c",
        "from articles.models import IndexTask; print(IndexTask.objects.count())",
    )
    assert queue.stdout.strip().splitlines()[-1] == "0", queue.stderr
    checked = run("manage.py", "check_index")
    assert checked.returncode == 0, checked.stderr
    assert "The index matches the database." in checked.stdout, checked.stdout

    counts = run(
        "manage.py",
        "shell",
        "-c",
        textwrap.dedent("""
        from articles.models import Article
        from articles import search
        published = set(Article.objects.filter(is_published=True).values_list("id", flat=True))
        indexed = set(search.indexed_versions())
        print(len(published), len(indexed), len(published ^ indexed))
    """),
    )
    published, indexed, differ = map(int, counts.stdout.strip().splitlines()[-1].split())
    # 4 writers x 40 articles, minus deleted (i % 7 == 2) and unpublished (i % 5 == 1), + 40.
    expected_per_writer = sum(1 for i in range(40) if i % 7 != 2 and i % 5 != 1)
    assert published == 4 * expected_per_writer + 40
    assert (indexed, differ) == (published, 0)


QUEUE_ONLY = r"""
import sys
import django
django.setup()
from pathlib import Path
from django.core.files.uploadedfile import SimpleUploadedFile
from articles.ingest import uploads
from articles.ingest.columns import article_fingerprint
from articles.models import Article, IndexTask

body = "The okapi census counted more okapis than ever."
Article.objects.create(headline="Okapi census", slug="o", body=body,
                       fingerprint=article_fingerprint("Okapi census", body))
seed = Path(sys.argv[1])
uploads.create_batch([SimpleUploadedFile(seed.name, seed.read_bytes())])  # left unprocessed
print(IndexTask.objects.count(), "queued")
"""


def search_total(port: int, q: str) -> int | None:
    url = f"http://127.0.0.1:{port}/search/?q={q}&format=json"
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return json.loads(response.read())["total"]
    except OSError:
        return None


def test_gunicorn_workers_index_what_other_processes_only_queued(site, shared):
    """`make serve` runs no separate worker: gunicorn's workers drain the queue themselves."""
    run, start, tmp_path = site
    port = free_port()
    server = start(
        "-m", "gunicorn", "-c", "newsroom/gunicorn_conf.py",
        "--bind", f"127.0.0.1:{port}",
        extra_env={"WEB_CONCURRENCY": "2"},
    )  # fmt: skip
    try:
        assert wait_for(lambda: search_total(port, "okapi") == 0, timeout=60)
        script = tmp_path / "queue_only.py"
        script.write_text(QUEUE_ONLY)
        queued = run(str(script), str(SEED), extra_env={"NEWSROOM_INDEX_ON_COMMIT": "0"})
        assert queued.returncode == 0, queued.stderr
        assert queued.stdout.split()[0] != "0"  # the writer itself indexed nothing
        assert wait_for(lambda: search_total(port, "okapi") == 1, timeout=60)
        assert wait_for(lambda: search_total(port, "kataib") == 1, timeout=90)
    finally:
        server.terminate()
        _, err = server.communicate(timeout=60)
    assert server.returncode == 0, err[-3000:]
    assert "Traceback" not in err, err[-3000:]


def test_indexing_an_article_also_settles_its_other_queued_tasks(clean_index):
    from datetime import timedelta

    from django.utils import timezone

    article = make_article("Quokka saved during an outage")  # queued by its save
    IndexTask.objects.update(attempts=1, not_before=timezone.now() + timedelta(hours=1))
    article.headline = "Quokka saved again"
    article.save()  # a new task, due now

    assert queue.drain() == 1
    assert not IndexTask.objects.exists()  # the waiting retry is done too, not redone later
    assert found("quokka") == {article.pk}
