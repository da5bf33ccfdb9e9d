"""Limits that apply before memory is spent (issue 17): an archive's number of entries is read
from its end records before zipfile parses its directory; a JSON Lines line longer than any
article's record is refused before it is parsed; the command-line import refuses what an
upload refuses, before parsing it."""

import io
import json
import struct
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from articles.extraction.readers import count_documents, read_bytes, read_paths
from articles.extraction.readers.zip_directory import count_entries
from articles.extraction.types import RawDocument, ReadFailure
from articles.ingest import checks, uploads
from articles.models import Article

from .conftest import CORPUS

END = struct.Struct("<4s4H2LH")
HUFFPOST = CORPUS / "huffpost_2018_2022" / "News_Category_Dataset_v3.head.jsonl"
BBC = CORPUS / "bbc_news" / "politics"


def make_zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def stating(entries: int, data: bytes, *, zip64: bool = False) -> bytes:
    """The zip ``data`` whose end record states ``entries`` entries (in a zip64 end record
    when over 65,534); its directory is left as it is."""
    at = data.rindex(b"PK\x05\x06")
    signature, _, _, _, _, size, offset, _ = END.unpack_from(data, at)
    if entries < 0xFFFF and not zip64:
        return data[:at] + END.pack(signature, 0, 0, entries, entries, size, offset, 0)
    zip64_end = struct.pack(
        "<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, entries, entries, size, offset
    )
    locator = struct.pack("<4sLQL", b"PK\x06\x07", 0, at, 1)
    end = END.pack(signature, 0, 0, 0xFFFF, 0xFFFF, size, offset, 0)
    return data[:at] + zip64_end + locator + end


def one_article_zip() -> bytes:
    return make_zip({"politics/001.txt": (BBC / "001.txt").read_bytes()})


@pytest.mark.parametrize(
    ("stated", "shown"), [(1_000_000, "1,000,000"), (20_001, "20,001"), (65_535, "65,535")]
)
def test_a_zip_stating_too_many_entries_is_refused_from_its_end_record(shared, stated, shown):
    data = stating(stated, one_article_zip())
    with zipfile.ZipFile(io.BytesIO(data)) as archive:  # zipfile itself reads one entry
        assert len(archive.infolist()) == 1

    (failure,) = list(read_bytes("many.zip", data, max_archive_entries=20_000))

    assert isinstance(failure, ReadFailure) and failure.origin == "many.zip"
    assert failure.reason == (
        f"too many entries: the archive holds {shown} files and folders, the limit is 20,000; "
        "split it into smaller archives"
    )


def test_a_directory_holding_more_entries_than_its_end_record_states_is_counted(shared):
    bbc = sorted(BBC.glob("*.txt"))[:12]
    data = stating(1, make_zip({f"politics/{f.name}": f.read_bytes() for f in bbc}))

    (failure,) = list(read_bytes("lying.zip", data, max_archive_entries=10))

    assert failure.reason.startswith("too many entries: the archive holds 11 files and folders")
    assert len(docs := list(read_bytes("lying.zip", data, max_archive_entries=12))) == 12
    assert all(isinstance(d, RawDocument) for d in docs)


@pytest.mark.django_db
def test_an_upload_stating_a_million_entries_is_refused_with_the_limit(shared, settings):
    settings.NEWSROOM_MAX_ARCHIVE_ENTRIES = 20_000
    data = stating(1_000_000, one_article_zip())

    refusal = checks.archive_refusal("many.zip", SimpleUploadedFile("many.zip", data))

    assert refusal == (
        "many.zip: too many entries: the archive holds 1,000,000 files and folders, the limit "
        "is 20,000; split it into smaller archives."
    )


@pytest.mark.django_db
def test_the_command_line_refuses_a_zip_stating_a_million_entries(shared, tmp_path):
    path = tmp_path / "many.zip"
    path.write_bytes(stating(1_000_000, one_article_zip()))
    err = io.StringIO()

    with pytest.raises(CommandError, match="nothing could be imported"):
        call_command("import_articles", str(path), stdout=io.StringIO(), stderr=err)

    assert "the archive holds 1,000,000 files and folders, the limit is 20,000" in err.getvalue()
    assert count_documents([str(path)]) == 1_000_000  # the progress bar's estimate, unparsed
    assert Article.objects.count() == 0


def long_records(n: int, chars: int) -> bytes:
    """``n`` real HuffPost records, each given a text of ``chars`` characters."""
    lines = HUFFPOST.read_text(encoding="utf-8").splitlines()[:n]
    records = [json.loads(line) for line in lines]
    for record in records:
        record["short_description"] = (record["short_description"] + " ") * (
            chars // (len(record["short_description"]) + 1) + 1
        )
    return b"".join(json.dumps(r).encode() + b"\n" for r in records)


def test_a_json_lines_record_longer_than_any_article_is_refused_unparsed(shared, tmp_path):
    data = long_records(3, 200_000) + HUFFPOST.read_bytes().splitlines(keepends=True)[5]
    path = tmp_path / "long.jsonl"
    path.write_bytes(data)

    for items in (
        read_paths([str(path)], max_article_chars=10_000),
        read_bytes("long.zip", make_zip({"long.jsonl": data}), max_article_chars=10_000),
    ):
        *refused, kept = list(items)
        assert [f.ordinal for f in refused] == ["1", "2", "3"]
        assert all(isinstance(f, ReadFailure) for f in refused)
        assert refused[0].reason.startswith("line 1 is 19")
        assert refused[0].reason.endswith("over the 59 KB limit for one article's record")
        assert isinstance(kept, RawDocument) and kept.ordinal == "4"


def test_a_first_record_too_long_to_sniff_is_still_refused_unparsed(shared, tmp_path):
    data = long_records(1, 1_500_000)  # over the 1 MB looked at to tell JSON Lines apart
    entries = {"one.jsonl": data, "two.json": data}

    items = list(read_bytes("long.zip", make_zip(entries), max_article_chars=10_000))

    assert [type(i) for i in items] == [ReadFailure, ReadFailure]
    assert all("limit for one article's record" in i.reason for i in items)


@pytest.mark.django_db
def test_the_command_line_refuses_a_text_far_longer_than_any_article_before_parsing_it(
    shared, settings, tmp_path
):
    settings.NEWSROOM_MAX_ARTICLE_CHARS = 10_000
    text = b"\n\n".join(f.read_bytes() for f in sorted(BBC.glob("*.txt"))[:20])
    path = tmp_path / "dump.zip"
    path.write_bytes(
        make_zip({"dump.txt": text, "politics/001.txt": (BBC / "001.txt").read_bytes()})
    )
    err = io.StringIO()

    call_command("import_articles", str(path), "--no-index", stdout=io.StringIO(), stderr=err)

    assert "dump.zip!dump.txt: text of " in err.getvalue()
    assert "far over the 10,000-character limit for one article" in err.getvalue()
    assert Article.objects.count() == 1


@pytest.mark.django_db
def test_an_upload_of_a_long_json_lines_record_is_refused_with_its_reason(shared, settings):
    settings.NEWSROOM_MAX_ARTICLE_CHARS = 10_000
    data = make_zip({"long.jsonl": long_records(2, 100_000)})

    batch = uploads.create_batch([SimpleUploadedFile("long.zip", data)])
    uploads.process_batch(batch.pk)

    reasons = list(batch.results.values_list("reason", flat=True))
    assert len(reasons) == 2
    assert all("over the 59 KB limit for one article's record" in r for r in reasons)
    assert Article.objects.count() == 0


def test_the_zip_directory_count_agrees_with_zipfile_on_real_archives(shared):
    bbc = sorted(BBC.glob("*.txt"))[:30]
    plain = make_zip({f"politics/{f.name}": f.read_bytes() for f in bbc})
    with_zip64_end = stating(30, plain, zip64=True)
    prefixed = b"#!/bin/sh\nexit 0\n" + plain  # data before the archive, as in self-extractors
    for data in (plain, with_zip64_end, prefixed):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            assert count_entries(io.BytesIO(data), 20_000) == len(archive.infolist()) == 30
    assert count_entries(io.BytesIO(b"not a zip at all"), 10) is None
