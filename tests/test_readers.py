"""Reading every input format, and saying clearly what is wrong with a bad file
(articles.extraction.readers). Synthetic bad inputs are made in tmp_path."""

import io
import json
import os
import random
import re
import struct
import zipfile
from itertools import islice

import pytest

from articles.extraction.article_fields import parse_document
from articles.extraction.readers import archives, count_documents, read_bytes, read_paths
from articles.extraction.types import RawDocument, ReadFailure

from .conftest import CORPUS, SEED

ARTICLE = "A headline\n\nThe first paragraph of the story.\n\nThe second paragraph.\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"


def docs(items):
    return [i for i in items if isinstance(i, RawDocument)]


def failures(items):
    return [i for i in items if isinstance(i, ReadFailure)]


def make_zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


# --- origins, folders, archives ------------------------------------------------------------


def test_a_file_keeps_its_path_exactly_as_given(shared):
    (raw,) = list(read_paths([str(SEED)]))
    assert raw.origin == str(SEED) and raw.format == "text" and raw.ordinal is None
    assert raw.text.startswith("News") and raw.text.split("\n", 1)[0].endswith("Iraq")


def test_folder_is_walked_recursively_in_order_skipping_hidden_and_helper_files(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2.txt").write_text(ARTICLE)
    (tmp_path / "a.txt").write_text(ARTICLE)
    (tmp_path / "c.txt").write_text(ARTICLE)
    for helper in (
        "README.md",
        "PROVENANCE.md",
        "notes.md",
        "lewis.dtd",
        "all-places-strings.lc.txt",
        ".hidden.txt",
        "README.TXT",
    ):
        (tmp_path / helper).write_text("not an article")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.txt").write_text(ARTICLE)
    given = str(tmp_path)
    origins = [item.origin for item in read_paths([given])]
    assert origins == [
        os.path.join(given, "a.txt"),
        os.path.join(given, "b", "2.txt"),
        os.path.join(given, "c.txt"),
    ]


def test_zip_entries_are_named_archive_bang_entry(tmp_path):
    path = tmp_path / "upload.zip"
    path.write_bytes(make_zip({"news/one.txt": ARTICLE.encode(), "news/two.txt": ARTICLE.encode()}))
    items = list(read_paths([str(path)]))
    assert [i.origin for i in items] == [f"{path}!news/one.txt", f"{path}!news/two.txt"]
    assert all(i.format == "text" for i in items)


def test_uploaded_bytes_are_read_like_a_file_or_an_archive():
    (single,) = list(read_bytes("story.txt", ARTICLE.encode()))
    assert single.origin == "story.txt" and single.format == "text"
    items = list(read_bytes("batch.zip", make_zip({"a.txt": ARTICLE.encode()})))
    assert [i.origin for i in items] == ["batch.zip!a.txt"]


def test_missing_path_is_reported():
    (failure,) = list(read_paths(["/no/such/file.txt"]))
    assert failure.reason == "no such file or folder"


def test_one_bad_file_never_stops_the_rest(tmp_path):
    (tmp_path / "1.txt").write_text(ARTICLE)
    (tmp_path / "2.png").write_bytes(PNG)
    (tmp_path / "3.txt").write_bytes(b"")
    (tmp_path / "4.txt").write_text(ARTICLE)
    items = list(read_paths([str(tmp_path)]))
    assert [type(i).__name__ for i in items] == [
        "RawDocument",
        "ReadFailure",
        "ReadFailure",
        "RawDocument",
    ]


# --- bad input: each failure says what is wrong ----------------------------------------------


def test_binary_file_names_what_it_looks_like(tmp_path):
    path = tmp_path / "photo.txt"  # the extension lies; the content decides
    path.write_bytes(PNG)
    (failure,) = list(read_paths([str(path)]))
    assert failure.reason == "binary file (looks like PNG image), not an article"


def test_unknown_binary_data_is_refused():
    (failure,) = list(read_bytes("blob.txt", b"abc\x00\x01\x02" * 100))
    assert failure.reason == "binary file (looks like binary data), not an article"


@pytest.mark.parametrize("data", [b"", b"  \n\n\t "])
def test_empty_file(data):
    (failure,) = list(read_bytes("empty.txt", data))
    assert failure.reason.startswith("empty file")


def test_file_over_the_size_limit():
    data = b"x" * (31 * 1024 * 1024)
    (failure,) = list(read_bytes("big.txt", data, max_file_bytes=20 * 1024 * 1024))
    assert failure.reason == "file is 31 MB, over the 20 MB limit"


def test_file_on_disk_over_the_size_limit(tmp_path):
    path = tmp_path / "big.txt"
    path.write_bytes(b"word " * 300_000)
    (failure,) = list(read_paths([str(path)], max_file_bytes=1024 * 1024))
    assert failure.reason == "file is 1.4 MB, over the 1 MB limit"


def test_zip_entry_escaping_the_archive_is_refused_and_the_rest_read():
    data = make_zip({"../evil.txt": ARTICLE.encode(), "ok.txt": ARTICLE.encode()})
    items = list(read_bytes("up.zip", data))
    assert (
        failures(items)[0].reason == "zip entry '../evil.txt' escapes the archive folder: refused"
    )
    assert [d.origin for d in docs(items)] == ["up.zip!ok.txt"]


@pytest.mark.parametrize("name", ["/etc/passwd", "a/../../evil.txt", "..\\evil.txt", "C:/evil.txt"])
def test_other_escaping_entry_names_are_refused(name):
    (failure,) = list(read_bytes("up.zip", make_zip({name: ARTICLE.encode()})))
    assert failure.reason.endswith("escapes the archive folder: refused")


def test_archive_whose_declared_size_is_over_the_limit_is_refused():
    data = make_zip({f"{n}.txt": b"a" * (1024 * 1024) for n in range(3)})
    (failure,) = list(read_bytes("up.zip", data, max_archive_bytes=2 * 1024 * 1024))
    assert failure.reason == "archive unpacks to 3 MB, over the 2 MB limit"


def test_archive_declaring_gigabytes_is_refused_before_anything_is_unpacked():
    data = bytearray(make_zip({"huge.txt": ARTICLE.encode()}))
    central = data.find(b"PK\x01\x02")
    struct.pack_into("<I", data, central + 24, int(2.1 * 1024**3))  # declared size
    (failure,) = list(read_bytes("huge.zip", bytes(data)))
    assert failure.reason == "archive unpacks to 2.1 GB, over the 500 MB limit"


def test_zip_bomb_that_lies_about_its_sizes_is_not_unpacked():
    data = bytearray(make_zip({"bomb.txt": b"a" * (5 * 1024 * 1024)}))
    # claim 100 bytes in both the local header and the central directory
    local = data.find(b"PK\x03\x04")
    struct.pack_into("<I", data, local + 22, 100)
    central = data.find(b"PK\x01\x02")
    struct.pack_into("<I", data, central + 24, 100)
    items = list(read_bytes("bomb.zip", bytes(data), max_archive_bytes=1024 * 1024))
    assert docs(items) == []
    (failure,) = failures(items)
    assert failure.origin == "bomb.zip!bomb.txt"
    assert "damaged zip entry" in failure.reason


def test_actual_bytes_are_counted_against_the_archive_limit(monkeypatch):
    """Even when the declared sizes pass, reading stops once the real bytes pass the limit."""
    monkeypatch.setattr(archives, "declared_size", lambda entries: 0)  # a directory that lies
    data = make_zip({f"{n}.txt": ARTICLE.encode() * 2000 for n in range(4)})  # 4 x 140 KB
    items = list(read_bytes("liar.zip", data, max_archive_bytes=300_000))
    assert len(docs(items)) == 2
    assert items[-1].origin == "liar.zip"
    assert items[-1].reason == (
        "archive unpacks to more than its declared size and over the 293 KB limit: "
        "stopped reading it"
    )


def test_a_page_far_longer_than_an_article_is_refused_before_it_is_parsed():
    limit = 1000
    text = "Headline\n\n" + "Troops arrived in Baghdad on Sunday. " * 80  # 2,970 characters
    (failure,) = list(read_bytes("long.txt", text.encode(), max_article_chars=limit))
    assert failure.reason.startswith("text of 2,970 characters, far over the 1,000-character")
    html = "<html><body><p>" + "Troops arrived in Baghdad. " * 1000 + "</p></body></html>"
    (failure,) = list(read_bytes("long.html", html.encode(), max_article_chars=limit))
    assert failure.reason.startswith("web page of 27,0")
    # Markup is most of a web page: one 20 times the limit is still read (and parsed).
    (page,) = list(read_bytes("page.html", html[:20_000].encode(), max_article_chars=limit))
    assert isinstance(page, RawDocument)
    # Files of many articles are not one article: their records are judged one by one.
    lines = "".join(json.dumps({"headline": f"H{n}", "body": text}) + "\n" for n in range(5))
    records = list(read_bytes("dump.jsonl", lines.encode(), max_article_chars=limit))
    assert len(docs(records)) == 5


def test_extraction_batches_hold_a_bounded_amount_of_text():
    from articles.extraction import MAX_BATCH_CHARS, _batches

    long = [RawDocument(f"{n}.txt", "text", "x" * (MAX_BATCH_CHARS // 3 + 1)) for n in range(10)]
    assert [len(batch) for batch in _batches(long, 256, MAX_BATCH_CHARS)] == [3, 3, 3, 1]
    short = [RawDocument(f"{n}.txt", "text", "x" * 100) for n in range(600)]
    assert [len(batch) for batch in _batches(short, 256, MAX_BATCH_CHARS)] == [256, 256, 88]


def test_symbolic_link_in_a_zip_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        link = zipfile.ZipInfo("passwd.txt")
        link.external_attr = (0o120777) << 16
        archive.writestr(link, "/etc/passwd")
        archive.writestr("a.txt", ARTICLE)
    items = list(read_bytes("links.zip", buffer.getvalue()))
    assert failures(items)[0].reason == "zip entry is a symbolic link: refused"
    assert [d.origin for d in docs(items)] == ["links.zip!a.txt"]


def test_a_pipe_is_not_read(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    (failure,) = list(read_paths([str(fifo)]))
    assert failure.reason.startswith("not a regular file")
    (tmp_path / "a.txt").write_text(ARTICLE)
    assert [i.origin for i in read_paths([str(tmp_path)])] == [str(tmp_path / "a.txt")]


def test_too_many_entries():
    data = make_zip({f"{n}.txt": ARTICLE.encode() for n in range(5)})
    (failure,) = list(read_bytes("up.zip", data, max_archive_entries=3))
    assert failure.reason.startswith(
        "too many entries: the archive holds 5 files and folders, the limit is 3"
    )


def test_broken_zip():
    data = make_zip({"a.txt": ARTICLE.encode()})[:40]
    (failure,) = list(read_bytes("broken.zip", data))
    assert failure.reason.startswith("not a readable zip archive")


def test_zip_inside_a_zip_is_refused_with_advice():
    inner = make_zip({"a.txt": ARTICLE.encode()})
    items = list(read_bytes("outer.zip", make_zip({"inner.zip": inner, "b.txt": ARTICLE.encode()})))
    assert [d.origin for d in docs(items)] == ["outer.zip!b.txt"]
    assert failures(items)[0].reason.startswith("zip inside a zip: only one level is read")


def test_helper_and_hidden_entries_in_a_zip_are_skipped():
    data = make_zip(
        {
            "__MACOSX/._a.txt": b"\x00\x05",
            ".DS_Store": b"\x00",
            "README.md": b"#",
            "a.txt": ARTICLE.encode(),
        }
    )
    assert [i.origin for i in read_bytes("up.zip", data)] == ["up.zip!a.txt"]


# --- encodings -------------------------------------------------------------------------------


def test_cp1256_arabic_windows_text_is_decoded(tmp_path):
    text = (
        "القوات الأمريكية تنتشر في قاعدة عين الأسد\n\n"
        + "أفادت مصادر أمنية عراقية بأن قوات أمريكية جديدة انتشرت في القاعدة. " * 10
    )
    path = tmp_path / "arabic.txt"
    path.write_bytes(text.encode("cp1256"))
    (raw,) = list(read_paths([str(path)]))
    assert raw.text == text
    article = parse_document(raw)
    assert article.title == "القوات الأمريكية تنتشر في قاعدة عين الأسد"
    assert article.language == "ar"


def test_latin1_pound_sign_is_decoded():
    (raw,) = list(read_bytes("a.txt", "Headline\n\nA £15.8m signing from Parma.".encode("latin-1")))
    assert "£15.8m" in raw.text


def test_utf8_with_one_stray_windows_byte_keeps_its_utf8_and_reads_the_byte():
    text = "“Quoted” words and café. " * 40
    data = text.encode("utf-8") + b"Price: \xa315m."
    (raw,) = list(read_bytes("a.txt", b"Headline\n\n" + data))
    assert raw.text.endswith(text + "Price: £15m.")


def test_utf16_with_bom_is_decoded():
    (raw,) = list(read_bytes("a.txt", ARTICLE.encode("utf-16")))
    assert raw.text == ARTICLE


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_utf16_and_utf32_without_a_bom_are_decoded_not_taken_for_binary(encoding):
    (raw,) = list(read_bytes("a.txt", ARTICLE.encode(encoding)))
    assert raw.text == ARTICLE


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_arabic_and_russian_in_utf16_without_a_bom_are_decoded(encoding):
    for text in (
        "قوات في بغداد\n\nوقال البنتاغون يوم الأحد إن القوات وصلت إلى بغداد.\n" * 5,
        "Войска в Багдаде\n\nПентагон заявил в воскресенье, что войска прибыли.\n" * 5,
    ):
        (raw,) = list(read_bytes("a.txt", text.encode(encoding)))
        assert raw.text == text


def test_utf16_without_a_bom_that_cannot_be_told_from_binary_says_what_it_looks_like():
    chinese = "美军抵达巴格达\n\n五角大楼周日表示，部队已经抵达巴格达。\n" * 10
    (failure,) = list(read_bytes("a.txt", chinese.encode("utf-16-le")))
    assert failure.reason.startswith("looks like UTF-16 text without a byte-order mark")
    assert "save it as UTF-8" in failure.reason
    rng = random.Random(3)
    noise = bytes(rng.randrange(256) for _ in range(4000))
    (failure,) = list(read_bytes("a.bin", noise))
    assert failure.reason == "binary file (looks like binary data), not an article"


def test_bytes_no_encoding_fits_are_reported():
    rng = random.Random(7)
    data = bytes(rng.randrange(128, 256) for _ in range(3000))
    (failure,) = list(read_bytes("mystery.txt", data))
    assert failure.reason.startswith("not valid UTF-8 and no known encoding fits")


# --- JSON Lines and CSV ------------------------------------------------------------------------


def test_json_lines_with_common_field_names_and_a_bad_line():
    lines = [
        json.dumps(
            {
                "headline": "One",
                "content": "Body one.",
                "link": "https://x.com/1",
                "publish_date": "2020-01-02",
                "publisher": "X News",
                "category": "World",
            }
        ),
        "{not json",
        json.dumps(["not", "an", "object"]),
        json.dumps({"title": "Four", "article": "Body four.", "authors": ["A", "B"]}),
        json.dumps({"id": 5}),
    ]
    items = list(read_bytes("feed.jsonl", "\n".join(lines).encode()))
    assert [(type(i).__name__, i.ordinal) for i in items] == [
        ("RawDocument", "1"),
        ("ReadFailure", "2"),
        ("ReadFailure", "3"),
        ("RawDocument", "4"),
        ("ReadFailure", "5"),
    ]
    one = items[0].fields
    assert one["title"] == "One" and one["body"] == "Body one." and one["url"] == "https://x.com/1"
    assert (
        one["published"] == "2020-01-02" and one["source"] == "X News" and one["section"] == "World"
    )
    assert items[1].reason.startswith("line 2 is not valid JSON")
    assert items[4].reason.startswith("record has no title or text field")
    assert items[3].fields["authors"] == "A, B"


def test_json_array_of_articles_is_read():
    data = json.dumps([{"title": "A", "text": "x"}, {"title": "B", "text": "y"}]).encode()
    assert [d.fields["title"] for d in read_bytes("a.json", data)] == ["A", "B"]


def test_jsonl_line_over_the_limit_is_reported_and_the_next_line_read(tmp_path):
    path = tmp_path / "big.jsonl"
    big = json.dumps({"title": "Big", "text": "x" * 3000})
    small = json.dumps({"title": "Small", "text": "y"})
    path.write_text(f"{small}\n{big}\n{small}\n")
    items = list(read_paths([str(path)], max_file_bytes=1000))
    assert [(type(i).__name__, i.ordinal) for i in items] == [
        ("RawDocument", "1"),
        ("ReadFailure", "2"),
        ("RawDocument", "3"),
    ]
    assert items[1].reason == "line 2 is 3 KB, over the 1000 bytes limit"


def test_json_lines_in_a_zip_are_streamed_past_the_file_limit():
    lines = "".join(json.dumps({"title": f"T{n}", "text": "x" * 500}) + "\n" for n in range(50))
    data = make_zip({"dump.jsonl": lines.encode()})
    items = list(read_bytes("dump.zip", data, max_file_bytes=2000))
    assert len(docs(items)) == 50 and not failures(items)
    assert (items[49].origin, items[49].ordinal) == ("dump.zip!dump.jsonl", "50")


def test_json_lines_in_a_zip_stop_at_the_archive_limit_even_if_sizes_lie(monkeypatch):
    lines = "".join(json.dumps({"title": f"T{n}", "text": "x" * 500}) + "\n" for n in range(50))
    data = make_zip({"dump.jsonl": lines.encode()})
    monkeypatch.setattr(archives, "declared_size", lambda entries: 0)
    items = list(read_bytes("dump.zip", data, max_archive_bytes=10_000))
    assert 0 < len(docs(items)) < 50
    assert failures(items)[-1].reason.startswith("archive unpacks to more than its declared size")


def test_newsroom_export_records_are_recognised_and_passed_whole():
    record = {"type": "article", "headline": "H", "body": "B", "entities": [{"name": "Iraq"}]}
    (raw,) = list(read_bytes("export.jsonl", json.dumps(record).encode()))
    assert raw.format == "newsroom-export" and raw.fields == record and raw.ordinal == "1"
    article = parse_document(raw)
    assert (article.title, article.body) == ("H", "B")


def test_csv_with_common_field_names_numbers_rows():
    data = (
        b"title,text,url,date,source,section\n"
        b'"Rain, again","It rained.",https://x.com/2019/05/01/rain,2019-05-01,X News,Weather\n'
        b",,,,,\n"
        b"Sun,It shone.,,,,\n"
    )
    items = list(read_bytes("news.csv", data))
    assert [(type(i).__name__, i.ordinal) for i in items] == [
        ("RawDocument", "1"),
        ("ReadFailure", "2"),
        ("RawDocument", "3"),
    ]
    assert items[0].fields["title"] == "Rain, again" and items[0].format == "csv"


@pytest.mark.parametrize(
    "first_line",
    ["[Updated] Rockets hit the base", "{Exclusive} Rockets hit the base", "Date, time, source"],
)
def test_text_that_merely_starts_like_json_or_csv_is_read_as_a_page(first_line):
    (raw,) = list(read_bytes("page.txt", f"{first_line}\n\nThe body of the story.".encode()))
    assert raw.format == "text"


def test_csv_without_article_columns_says_which_columns_it_has():
    (failure,) = list(read_bytes("x.csv", b"XML,portal,veracity\n0000.xml,abc,true\n"))
    assert failure.reason.startswith(
        "CSV has no title or text column (columns: XML, portal, veracity)"
    )


# --- unsafe characters: cleaned once, whatever the reader ------------------------------------

# JSON escapes put lone surrogates and control characters into any string field.
UNSAFE_JSONL = (
    b'{"title": "Fine", "text": "A quiet day in Tehran."}\n'
    b'{"title": "Lone \\ud800 surrogate", "text": "Text \\udfff here", "x\\ud83d": ["a\\u0000"]}\n'
    b'{"title": "Nul\\u0000 byte", "text": "Body\\u0000 with \\u001b[31m escapes\\u0007,'
    b' tabs\\tand\\r\\nbreaks\\u000cand a form feed."}\n'
)


def assert_safe(value):
    if isinstance(value, str):
        value.encode("utf-8")  # a lone surrogate cannot be encoded
        assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", value), repr(value)
    elif isinstance(value, dict):
        for k, v in value.items():
            assert_safe(k)
            assert_safe(v)
    elif isinstance(value, list):
        for v in value:
            assert_safe(v)


def test_lone_surrogates_and_control_characters_are_cleaned_from_json_lines(tmp_path):
    path = tmp_path / "dump.jsonl"
    path.write_bytes(UNSAFE_JSONL)
    for items in (list(read_paths([str(path)])), list(read_bytes("dump.jsonl", UNSAFE_JSONL))):
        fine, lone, nul = docs(items)
        assert fine.fields["title"] == "Fine"
        assert lone.fields["title"] == "Lone \ufffd surrogate"
        assert lone.fields["body"] == "Text \ufffd here"
        assert lone.fields["x\ufffd"] == ["a"]
        assert nul.fields["title"] == "Nul byte"
        assert nul.fields["body"] == "Body with [31m escapes, tabs\tand\r\nbreaks\nand a form feed."
        for doc in items:
            assert_safe(doc.fields)


def test_control_characters_in_text_pages_csv_and_archives_are_cleaned(tmp_path):
    page = ("A headline\n\n" + "Plain words. " * 800 + "A late NUL\x00 and DEL\x7f.\n").encode()
    csv_data = b"title,text\nA row,Cell with a bell\x07 in it\n"
    archive = make_zip({"page.txt": page, "rows.csv": csv_data})
    (tmp_path / "page.txt").write_bytes(page)
    items = [*read_paths([str(tmp_path / "page.txt")]), *read_bytes("a.zip", archive)]
    assert [i.format for i in docs(items)] == ["text", "text", "csv"]
    assert "A late NUL and DEL." in items[0].text and items[1].text == items[0].text
    assert items[2].fields["body"] == "Cell with a bell in it"
    for doc in items:
        assert_safe(doc.text)
        assert_safe(doc.fields)


def test_a_file_name_that_is_not_valid_utf8_is_reported_safely(tmp_path):
    name = os.fsdecode(b"caf\xe9.txt")  # undecodable bytes come in as lone surrogates
    (tmp_path / name).write_text(ARTICLE)
    (doc,) = read_paths([str(tmp_path)])
    assert doc.origin.endswith("caf\ufffd.txt")
    assert_safe(doc.origin)


# --- corpus formats -------------------------------------------------------------------------


def test_malformed_corpus_files_are_reported():
    (bad_xml,) = list(read_bytes("0001.xml", b"<article><mainText>cut off"))
    assert bad_xml.reason.startswith("not well-formed XML")
    (no_docs,) = list(read_bytes("reut2-999.sgm", b'<!DOCTYPE lewis SYSTEM "lewis.dtd">\n'))
    assert no_docs.reason == "no <REUTERS> documents found in this SGML file"


def test_reuters_sgml_one_document_per_newid_with_dateline_and_gold_tags(shared):
    items = list(read_paths([str(CORPUS / "reuters21578" / "reut2-000.sgm")]))
    assert len(items) == 1000 and all(i.format == "reuters-sgml" for i in items)
    first = items[0]
    assert first.ordinal == "1"
    assert first.fields["title"] == "BAHIA COCOA REVIEW"
    assert first.fields["body"].startswith("SALVADOR, Feb 26 - Showers continued throughout")
    assert first.fields["published"] == "26-FEB-1987 15:01:01.79"
    assert first.fields["source"] == "Reuters"
    assert first.fields["gold_places"] == ["el-salvador", "usa", "uruguay"]
    assert first.fields["gold_topics"] == ["cocoa"]
    assert not first.fields["body"].rstrip().endswith("Reuter")


def test_reuters_brief_item_uses_its_title_as_body(shared):
    items = list(read_paths([str(CORPUS / "reuters21578" / "reut2-000.sgm")]))
    brief = next(i for i in items if i.fields["title"].startswith("ASSETS OF MONEY MARKET MUTUAL"))
    assert brief.fields["body"] == brief.fields["title"]
    assert "Blah" not in brief.fields["body"]


def test_reuters_document_without_title_or_text_is_a_failure(shared):
    items = list(read_paths([str(CORPUS / "reuters21578" / "reut2-012.sgm")]))
    (failure,) = failures(items)
    assert (failure.ordinal, failure.reason) == (
        "12793",
        "Reuters document has no title and no text",
    )
    assert len(docs(items)) == 999


def test_reuters_folder_skips_helper_files(shared):
    origins = {i.origin.rsplit("/", 1)[-1] for i in read_paths([str(CORPUS / "reuters21578")])}
    assert origins == {f"reut2-{n:03d}.sgm" for n in range(18)}


def test_bbc_file_section_from_folder_and_headline_from_first_line(shared):
    (raw,) = list(read_paths([str(CORPUS / "bbc_news" / "tech" / "001.txt")]))
    assert raw.format == "bbc"
    assert raw.fields["section"] == "Tech" and raw.fields["source"] == "BBC News"
    assert raw.fields["title"] == raw.text.split("\n", 1)[0].strip()


def test_bbc_latin1_byte_is_read_as_pound_sign(shared):
    (raw,) = list(read_paths([str(CORPUS / "bbc_news" / "sport" / "199.txt")]))
    assert "a £15.8m signing" in raw.fields["body"]


def test_buzzfeed_portals_become_outlet_names(shared):
    expected = {
        "abc": "ABC News",
        "cnn": "CNN",
        "politico": "Politico",
        "right-wing-news": "Right Wing News",
        "eagle-rising": "Eagle Rising",
        "addicting-info": "Addicting Info",
        "freedom-daily": "Freedom Daily",
        "occupy-democrats": "Occupy Democrats",
        "the-other-98": "The Other 98%",
    }
    seen = {}
    for raw in docs(read_paths([str(CORPUS / "buzzfeed_webis_2016" / "articles")])):
        seen.setdefault(raw.fields["portal"], parse_document(raw).source)
    assert seen == expected


def test_buzzfeed_article_fields(shared):
    (raw,) = list(read_paths([str(CORPUS / "buzzfeed_webis_2016" / "articles" / "0000.xml")]))
    assert raw.format == "buzzfeed-xml"
    assert raw.fields["title"] == "The Impact of Debates? It's Debatable"
    assert raw.fields["url"].startswith("http://abcnews.go.com/Politics/impact-debates-debatable")
    assert "&amp;" not in raw.fields["url"]
    assert raw.fields["authors"] == "GARY LANGER"
    assert raw.fields["body"].startswith("With the Hillary Clinton-Donald Trump debates upon us")
    assert "\n\n" in raw.fields["body"]  # paragraphs rebuilt from the offsets


def test_buzzfeed_utf8_stored_as_latin1_character_references_is_repaired(shared):
    (raw,) = list(read_paths([str(CORPUS / "buzzfeed_webis_2016" / "articles" / "0095.xml")]))
    assert "he’s had enough" in raw.fields["body"]
    assert "the same “race war” that" in raw.fields["body"]
    assert "â" not in raw.fields["body"]


def test_mojibake_in_a_text_page_is_repaired_and_real_accents_kept():
    (raw,) = list(read_bytes("a.txt", "Headline\n\nitâ€™s a cafÃ© for a naïve £5.".encode()))
    assert raw.text == "Headline\n\nit’s a café for a naïve £5."


def test_huffpost_json_lines(shared):
    path = CORPUS / "huffpost_2018_2022" / "News_Category_Dataset_v3.head.jsonl"
    raw = next(read_paths([str(path)]))
    assert (raw.format, raw.ordinal) == ("jsonl", "1")
    article = parse_document(raw)
    assert article.source == "HuffPost"
    assert article.section == "U.S. News"
    assert article.body.startswith("Health experts said it is too early")
    assert raw.fields["authors"] == "Carla K. Johnson, AP"


def test_tehran_times_dump_bigger_than_the_file_limit_is_streamed(shared):
    path = CORPUS / "tehran_times" / "tehran_times.jsonl"
    assert path.stat().st_size > 20 * 1024 * 1024
    first = list(islice(read_paths([str(path)]), 3))
    assert all(isinstance(i, RawDocument) for i in first)
    article = parse_document(first[0])
    assert article.title == "Iran’s Press TV to start global broadcasts on July 2"
    assert article.source == "Tehran Times"
    assert article.body.startswith("TEHRAN - Islamic Republic of Iran Broadcasting")
    assert "Creative Commons" not in article.body


def test_conll_documents_with_gold_entities_from_iob1(shared):
    items = list(read_paths([str(CORPUS / "conll2003_en" / "eng.testa")]))
    assert len(items) == 216 and all(i.format == "conll" for i in items)
    first = items[0]
    assert first.ordinal == "1"
    assert (
        first.fields["title"] == "CRICKET - LEICESTERSHIRE TAKE OVER AT TOP AFTER INNINGS VICTORY ."
    )
    lines = first.fields["body"].split("\n")
    assert lines[1] == "LONDON 1996-08-30"
    assert "Phil Simmons" in first.fields["gold_entities"]["PER"]
    assert first.fields["gold_entities"]["MISC"][0] == "West Indian"


def test_conll_b_tag_separates_two_adjacent_entities_of_one_type():
    text = (
        "-DOCSTART- -X- O O\n\n"
        "Talks NNS I-NP O\nbetween IN I-PP O\nIran NNP I-NP I-LOC\nIraq NNP I-NP B-LOC\n"
        "and CC O O\nNew NNP I-NP I-LOC\nYork NNP I-NP I-LOC\n. . O O\n\n"
        "-DOCSTART- -X- O O\n\nSecond NN I-NP O\ndocument NN I-NP O\n"
    )
    first, second = read_bytes("eng.mini", text.encode())
    assert first.fields["gold_entities"]["LOC"] == ["Iran", "Iraq", "New York"]
    assert first.fields["body"] == "Talks between Iran Iraq and New York ."
    assert (second.ordinal, second.fields["title"]) == ("2", "Second document")


# --- counting for the progress bar ---------------------------------------------------------


def test_count_documents_matches_what_is_read(shared, tmp_path):
    assert count_documents([str(CORPUS / "reuters21578")]) == 18000
    assert count_documents([str(CORPUS / "conll2003_en")]) == 946 + 216
    assert count_documents([str(CORPUS / "huffpost_2018_2022")]) == 9999
    assert count_documents([str(SEED)]) == 1
    archive = tmp_path / "a.zip"
    archive.write_bytes(make_zip({"a.txt": b"x", "b.txt": b"y"}))
    assert count_documents([str(archive)]) == 2


def test_a_wire_credit_glued_to_the_first_word_is_set_apart(shared):
    from django.conf import settings

    from articles.extraction import extract_documents

    path = CORPUS / "buzzfeed_webis_2016" / "articles" / "0237.xml"
    (raw,) = list(read_paths([str(path)]))
    (article,) = list(extract_documents([raw], model=settings.NEWSROOM_SPACY_MODEL))

    assert article.parsed.body.startswith("Washington (CNN) Hillary Clinton")
    names = {e.name for e in article.entities}
    assert "Hillary Clinton" in names
    assert not any(")" in name for name in names), names
