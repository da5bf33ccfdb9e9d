"""An upload is read one document at a time from the stored file, and a page far longer than
any article is refused before it is parsed (issue 10: a 1.2 MB zip of 24 entries of 19 MB
each was read whole into memory, 680 MB, before any limit applied).

bench/upload_memory.py measures the process's peak; here Python's own allocations are traced.
"""

import io
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from articles.ingest import checks, uploads
from articles.models import Article, UploadResult

from .conftest import CORPUS

pytestmark = pytest.mark.django_db

ENTRY_MB = 2


def long_entries_zip(count: int) -> bytes:
    paragraph = (CORPUS / "bbc_news" / "politics" / "001.txt").read_bytes()
    body = (paragraph * (ENTRY_MB * 1024 * 1024 // len(paragraph)))[: ENTRY_MB * 1024 * 1024]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for n in range(count):
            archive.writestr(f"long/{n:02d}.txt", b"Headline %d\n\n" % n + body)
    return buffer.getvalue()


def test_an_archive_of_overlong_pages_is_refused_entry_by_entry_in_bounded_memory(shared):
    data = long_entries_zip(12)  # 24 MB of text unpacked
    tracemalloc.start()
    try:
        items, refusal = checks.read_upload("long.zip", io.BytesIO(data))
        assert refusal is None
        outcomes = list(uploads.store_documents(items))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [o.outcome for o in outcomes] == [UploadResult.Outcome.FAILED] * 12
    assert all("far over the 200,000-character limit" in o.reason for o in outcomes)
    # The bytes and text of one entry at a time, with a few copies; not the 24 MB of twelve.
    assert peak < 5 * ENTRY_MB * 1024 * 1024
    assert not Article.objects.exists()


def test_an_upload_mixing_overlong_pages_and_articles_stores_the_articles(shared, clean_index):
    data = long_entries_zip(3)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        with zipfile.ZipFile(io.BytesIO(data)) as long:
            for info in long.infolist():
                archive.writestr(info.filename, long.read(info))
        for path in sorted((CORPUS / "bbc_news" / "politics").glob("*.txt"))[:2]:
            archive.write(path, f"bbc/{path.name}")
    batch = uploads.create_batch([SimpleUploadedFile("mixed.zip", buffer.getvalue())])
    assert uploads.process_batch(batch.pk)
    results = dict(UploadResult.objects.values_list("label", "outcome"))
    assert results == {
        "mixed.zip!bbc/001.txt": "created",
        "mixed.zip!bbc/002.txt": "created",
        **{f"mixed.zip!long/{n:02d}.txt": "failed" for n in range(3)},
    }
