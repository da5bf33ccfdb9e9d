"""Upload batch locks: one process per batch, and no lock file left behind once it is done."""

import threading
import time

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from articles import worker
from articles.ingest import uploads
from articles.locks import file_lock, remove_held_lock_file
from articles.models import UploadBatch

from .conftest import SEED

pytestmark = pytest.mark.django_db


def lock_files() -> list[str]:
    folder = settings.DATA_DIR / "locks"
    return sorted(p.name for p in folder.glob("upload-batch-*.lock"))


@pytest.fixture
def no_lock_files():
    for path in (settings.DATA_DIR / "locks").glob("upload-batch-*.lock"):
        path.unlink()


def test_a_finished_batch_leaves_no_lock_file(no_lock_files, clean_index, shared):
    batches = [
        uploads.create_batch([SimpleUploadedFile(f"seed-{n}.txt", SEED.read_bytes())])
        for n in range(2)
    ]
    for batch in batches:
        assert uploads.process_batch(batch.pk)
        assert not uploads.batch_is_running(batch)
    assert UploadBatch.objects.filter(status=UploadBatch.Status.DONE).count() == 2
    assert lock_files() == []


def test_an_unfinished_batch_keeps_its_lock_file_and_its_lock(no_lock_files, shared):
    batch = uploads.create_batch([SimpleUploadedFile("seed.txt", SEED.read_bytes())])
    with uploads.batch_lock(batch.pk) as mine:
        assert mine
        assert uploads.batch_is_running(batch)
        assert uploads.process_batch(batch.pk) is False
    assert lock_files() == [f"upload-batch-{batch.pk}.lock"]


def test_lock_files_of_finished_batches_are_removed_when_the_worker_starts(no_lock_files):
    done = UploadBatch.objects.create(status=UploadBatch.Status.DONE)
    pending = UploadBatch.objects.create()
    folder = settings.DATA_DIR / "locks"
    folder.mkdir(exist_ok=True)
    for batch_id in (done.pk, pending.pk, 999_999):  # 999999: a batch deleted since
        (folder / f"upload-batch-{batch_id}.lock").touch()

    with uploads.batch_lock(pending.pk) as mine:  # another process is working on it
        assert mine
        worker.run(threading.Event(), once=True, uploads_in_background=False, blocking=False)

    assert lock_files() == [f"upload-batch-{pending.pk}.lock"]


def test_a_waiter_on_a_removed_lock_file_locks_the_file_now_at_its_path(tmp_path):
    """The holder removes the file; a process already waiting on it must not lock the
    removed file while a newcomer locks the new one (two holders at once)."""
    path = tmp_path / "batch.lock"
    got, release = threading.Event(), threading.Event()

    def waiter():
        with file_lock(path, timeout=10):
            got.set()
            release.wait(10)

    with file_lock(path):
        thread = threading.Thread(target=waiter)
        thread.start()
        time.sleep(0.3)  # the waiter has opened the file and waits for its lock
        remove_held_lock_file(path)
    try:
        assert got.wait(10)
        with file_lock(path, blocking=False) as free:
            assert not free
    finally:
        release.set()
        thread.join()
