"""Dates with their provenance (issue 20, item 1): what the source states is kept, the rest
inferred from datelines, texts, addresses and article numbers, each saying how; an editor's
date stands; bad dates are dropped with a reason. Real corpus text throughout."""

import io
import json
from datetime import date

import pytest
from django.core.management import call_command

from articles.extraction.article_fields import parse_document
from articles.extraction.dates import read_date
from articles.extraction.dating import (
    Anchor,
    SequenceModel,
    calibrate,
    date_clues,
    infer_date,
)
from articles.extraction.dating.clues import article_number
from articles.extraction.readers import read_paths, record_fields
from articles.ingest.dating import date_archive
from articles.models import Article, Source

from .conftest import CORPUS

REUTERS = CORPUS / "reuters21578"
TEHRAN = CORPUS / "tehran_times" / "tehran_times.jsonl"


def reuters_docs(*names):
    for name in names:
        for raw in read_paths([str(REUTERS / name)]):
            if hasattr(raw, "format"):
                yield int(raw.ordinal), parse_document(raw)


# --- what the source states ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("0000-00-00", "not a date that can be read"),
        ("9999-12-31", "in the future"),
        (253402300799000, "in the future"),  # epoch milliseconds of 9999-12-31
        ("1066-10-14", "before 1900"),
        ("yesterday-ish", "not a date that can be read"),
    ],
)
def test_an_impossible_source_date_is_dropped_with_its_reason(value, reason):
    found, why = read_date(value)
    assert found is None
    assert reason in why


def test_reuters_dates_with_typesetting_debris_are_read(shared):
    # 318 Reuters-21578 <DATE>s end in "&#5;&#5;&#5;RM": the source states them all the same
    assert read_date("27-MAR-1987 00:02:59.13&#5;&#5;&#5;RM") == (date(1987, 3, 27), "")
    raw = next(r for r in read_paths([str(REUTERS / "reut2-010.sgm")]) if r.ordinal == "10279")
    assert parse_document(raw).published == date(1987, 3, 27)


# --- clues and inference -------------------------------------------------------------------


def test_a_dateline_gives_the_day_once_its_year_is_known(shared):
    _, article = next(reuters_docs("reut2-000.sgm"))
    clues = date_clues(article.title, article.body, article.url)
    assert (clues.dateline.month, clues.dateline.day) == (2, 26)  # "SALVADOR, Feb 26 -"
    assert infer_date(clues) is None  # the text names no year it can be sure of
    estimate = SequenceModel.fit(
        "reuters", [Anchor(n, a.published) for n, a in reuters_docs("reut2-000.sgm")][:400]
    ).estimate(1)
    found = infer_date(clues, estimate)
    assert (found.day, found.source, found.precision) == (date(1987, 2, 26), "dateline", "day")
    assert "SALVADOR, Feb 26" in found.evidence


def test_periods_and_history_in_a_text_are_not_its_date(shared):
    text = (
        "TEHRAN – Iran's non-oil exports rose in the first 11 months of the current Iranian "
        "calendar year (March 21, 2017-February 19, 2018), and the deal signed on July 14, 2015 "
        "went into effect on January 16, 2016, officials said on Saturday."
    )
    clues = date_clues("Non-oil exports rise", text)
    assert all(d.day.year < 2017 for d in clues.full_dates)  # the period's ends left out
    assert infer_date(clues) is None  # a history date alone dates nothing


def test_a_full_date_whose_weekday_fits_dates_the_article():
    clues = date_clues("Talks", "VIENNA – The talks resumed on Monday, March 14, 2016 in Vienna.")
    found = infer_date(clues)
    assert (found.day, found.source, found.precision) == (date(2016, 3, 14), "text", "day")


def test_addresses_give_days_months_and_article_numbers():
    cnn = date_clues("T", "B", "http://edition.cnn.com/2016/09/26/politics/debate/index.html")
    assert infer_date(cnn).day == date(2016, 9, 26)
    politico = date_clues("T", "B", "http://www.politico.com/story/2016/09/stein-228346?cmpid=sf")
    found = infer_date(politico)
    assert (found.day, found.precision) == (date(2016, 9, 1), "month")
    assert politico.number.number == 228346
    assert article_number("https://www.tehrantimes.com/news/407375/x").number == 407375
    assert article_number("http://abcnews.go.com/US/x/story?id=42190675").number == 42190675


def test_numbers_that_do_not_follow_dates_make_no_curve():
    anchors = [Anchor(n, date(2000 + (n * 7919) % 20, 1 + n % 12, 1)) for n in range(100)]
    assert SequenceModel.fit("random", anchors) is None


def test_reuters_numbers_are_dated_from_their_texts_alone(shared):
    """The Tehran Times situation, where the truth is known: Reuters-21578 in NEWID order,
    calibrated on its texts (datelines, months and years they name), no date given."""
    docs = list(reuters_docs("reut2-000.sgm", "reut2-001.sgm", "reut2-002.sgm"))
    learn = [(n, None, date_clues(a.title, a.body)) for n, a in docs if n % 2]
    model = calibrate("reuters", learn)
    errors = [
        abs((model.estimate(n).day - a.published).days)
        for n, a in docs
        if not n % 2 and a.published
    ]
    assert sum(e <= 1 for e in errors) / len(errors) > 0.95
    assert "dates in their texts" in model.estimate(2).evidence


# --- the archive ---------------------------------------------------------------------------


def tehran_records(first: int, last: int) -> list[dict]:
    with open(TEHRAN, encoding="utf-8") as lines:
        records = (json.loads(line) for line in lines if line.strip())
        return [r for r in records if first <= r["id"] <= last]


@pytest.fixture
def tehran_run(shared):
    """Tehran Times articles 430000-433000 as an import stores them, none dated by its source."""
    outlet = Source.objects.create(name="Tehran Times", slug="tehran-times")
    articles = []
    for record in tehran_records(430000, 433000):
        article = Article(
            source=outlet,
            headline=record["slug_title"],
            slug="x",
            body=record["text"],
            url=record["url"],
            original_text=json.dumps(record_fields(record)),
            original_name=f"tehran_times.jsonl#{record['id']}",
            original_format="jsonl",
            fingerprint=str(record["id"]),
        )
        articles.append(article)
    Article.objects.bulk_create(articles)
    return outlet


@pytest.mark.django_db
def test_date_articles_dates_a_numbered_outlet_from_its_texts(tehran_run, clean_index):
    out = io.StringIO()
    call_command("date_articles", stdout=out, stderr=io.StringIO())
    total = Article.objects.count()
    inferred = Article.objects.exclude(date=None)
    assert inferred.count() / total > 0.8
    assert not Article.objects.filter(published__isnull=False).exists()  # none was published
    assert set(inferred.values_list("date_source", flat=True)) <= {"sequence", "text", "dateline"}
    days = sorted(inferred.values_list("date", flat=True))
    assert date(2018, 6, 1) <= days[len(days) // 20] and days[-len(days) // 20] <= date(2019, 6, 30)
    sample = inferred.filter(date_source="sequence").first()
    assert sample.date_precision in ("month", "year")
    assert "tehrantimes.com/news/4" in sample.date_evidence
    assert "article number" in sample.date_evidence
    assert "dated" in out.getvalue() and "series tehrantimes.com/news/#" in out.getvalue()

    again = io.StringIO()
    call_command("date_articles", stdout=again, stderr=io.StringIO())
    assert ", 0 changed" in again.getvalue()  # safe to re-run


@pytest.mark.django_db
def test_an_editors_date_and_a_published_date_are_never_redated(tehran_run, clean_index):
    first, second = Article.objects.order_by("id")[:2]
    first.date, first.date_source, first.date_precision = date(2018, 1, 2), "editor", "day"
    first.locked_fields = ["date"]
    first.save()
    Article.objects.filter(pk=second.pk).update(published=date(2010, 5, 5))
    second.refresh_from_db()
    second.locked_fields = ["published"]  # an editor typed the published date
    second.save()

    date_archive()

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.date, first.date_source) == (date(2018, 1, 2), "editor")
    assert (second.published, second.date, second.date_source) == (
        date(2010, 5, 5),
        date(2010, 5, 5),
        "editor",
    )


@pytest.mark.django_db
def test_a_url_date_stored_as_published_by_older_releases_becomes_an_inferred_one(clean_index):
    record = {
        "title": "Debate",
        "text": "Clinton and Trump met.",
        "url": "https://edition.cnn.com/2016/09/26/politics/x",
    }
    article = Article.objects.create(
        headline="Debate",
        slug="d",
        body=record["text"],
        url=record["url"],
        published=date(2016, 9, 26),  # what the release before this one stored
        original_text=json.dumps(record_fields(record)),
        original_name="x.jsonl#1",
        original_format="jsonl",
        fingerprint="d",
    )
    assert article.date_source == "published"

    date_archive()

    article.refresh_from_db()
    assert article.published is None
    assert (article.date, article.date_source, article.date_precision) == (
        date(2016, 9, 26),
        "url",
        "day",
    )
    assert "/2016/09/26/" in article.date_evidence


@pytest.mark.django_db
def test_an_import_with_an_impossible_date_stores_the_article_undated_with_the_reason(
    clean_index, tmp_path
):
    path = tmp_path / "bad.jsonl"
    records = [
        {"title": "Year nine thousand", "text": "Talks in Geneva.", "date": "9999-12-31"},
        {"title": "Year zero", "text": "Talks in Oslo.", "date": "0000-00-00"},
    ]
    path.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    out = io.StringIO()
    call_command("import_articles", str(path), stdout=out, stderr=io.StringIO())
    assert "2 created" in out.getvalue()
    far, zero = Article.objects.order_by("headline")
    assert far.date is None and far.published is None
    assert "'9999-12-31' is in the future" in far.date_evidence
    assert "'0000-00-00' is not a date that can be read" in zero.date_evidence
