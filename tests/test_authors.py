"""Bylines (issue 20, item 2) and plain-text uploads' datelines and bylines (issue 19):
authors stored as normalised names, shown, carried in JSON, CSV and Atom, browsable, indexed,
kept by re-extraction and export; what is no name is dropped with its reason."""

import csv
import io
import json
import xml.etree.ElementTree as ET
from datetime import date

import pytest
from django.core.management import call_command

from articles.export import export_archive, read_records, restore_records
from articles.extraction.article_fields import parse_document
from articles.extraction.bylines import read_byline
from articles.extraction.readers import read_paths
from articles.extraction.types import RawDocument
from articles.ingest import import_documents, reextract_article
from articles.models import Article, Author, Mention

from .conftest import CORPUS
from .test_corrections import _article_form

HUFFPOST = CORPUS / "huffpost_2018_2022" / "News_Category_Dataset_v3.head.jsonl"
ATOM = "{http://www.w3.org/2005/Atom}"

# A plain-text file as an editor uploads it (issue 19: "ROTTERDAM, 14 March 2023").
ROTTERDAM = """Rotterdam port handles record volume of liquefied gas

By Anna de Vries and Peter Jansen

ROTTERDAM, 14 March 2023 (Reuters) – The Port of Rotterdam handled a record volume of \
liquefied natural gas last year as Europe replaced Russian pipeline gas, the port authority \
said on Tuesday.

Chief executive Allard Castelein said the terminal at Maasvlakte would be expanded by 2026.
"""


# --- reading bylines -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("byline", "names"),
    [
        ("LISA RATHKE and WILSON RING, AP", ["Lisa Rathke", "Wilson Ring"]),
        (
            "Mary Clare Jalonick, Laurie Kellman And Zeke Miller, AP",
            ["Mary Clare Jalonick", "Laurie Kellman", "Zeke Miller"],
        ),
        ("By Kevin Liptak, CNN White House Producer", ["Kevin Liptak"]),
        ("LORI HINNANT, AP Wire", ["Lori Hinnant"]),
        ("Chris D'Angelo and Jimmy Tobias", ["Chris D'Angelo", "Jimmy Tobias"]),
        ("Jim LItke, AP", ["Jim LItke"]),  # mixed case is kept as written
    ],
)
def test_bylines_of_the_corpus_become_normalised_names(byline, names):
    assert read_byline(byline).names == names


@pytest.mark.parametrize(
    ("byline", "reason"),
    [
        ("x" * 5000, "a byline of 5,000 characters is text, not a byline"),
        ("@newsguy🔥", "is a social-media handle, not a name"),
        ("Anna 🔥 Jansen", "holds emoji or symbols, not a name"),
        ("100% FED Up", "holds digits, not a name"),
    ],
)
def test_what_is_no_name_is_dropped_with_its_reason(byline, reason):
    found = read_byline(byline)
    assert found.names == []
    assert any(reason in why for why in found.dropped)


# --- plain-text uploads ----------------------------------------------------------------------


def test_a_plain_text_file_gives_its_byline_dateline_date_and_outlet():
    article = parse_document(RawDocument("rotterdam.txt", "text", text=ROTTERDAM))
    assert article.title == "Rotterdam port handles record volume of liquefied gas"
    assert article.authors == ["Anna de Vries", "Peter Jansen"]
    assert article.byline == "By Anna de Vries and Peter Jansen"
    assert "By Anna" not in article.body  # not text, so not a name the article mentions
    assert article.body.startswith("ROTTERDAM, 14 March 2023 (Reuters) –")
    assert article.source == "Reuters"  # the outlet its dateline names


@pytest.mark.django_db
def test_an_uploaded_text_file_is_dated_by_its_dateline_and_its_byline_is_authors(
    clean_index, tmp_path
):
    path = tmp_path / "rotterdam.txt"
    path.write_text(ROTTERDAM.replace(" (Reuters)", ""), encoding="utf-8")
    report = import_documents(read_paths([str(path)]))
    article = Article.objects.get(pk=report.created[0][1])
    assert [a.name for a in article.author_list] == ["Anna de Vries", "Peter Jansen"]
    assert (article.date, article.date_source, article.date_precision) == (
        date(2023, 3, 14),
        "dateline",
        "day",
    )
    assert article.published is None
    names = set(Mention.objects.filter(article=article).values_list("entity__name", flat=True))
    assert "Rotterdam" in names  # the dateline's place
    assert not names & {"Anna de Vries", "Peter Jansen"}  # authors, not people it names


# --- stored, shown, carried ------------------------------------------------------------------


@pytest.fixture
def huffpost(clean_index, shared):
    """HuffPost's first three records: AP wire, a staff byline, AP wire."""
    raws = [r for r in read_paths([str(HUFFPOST)]) if r.ordinal in ("1", "2", "3")]
    report = import_documents(raws)
    return [Article.objects.get(pk=pk) for _, pk in report.created]


@pytest.mark.django_db
def test_authors_are_stored_once_each_in_byline_order(huffpost):
    first = huffpost[0]
    assert [a.name for a in first.author_list] == ["Carla K. Johnson"]
    assert first.byline == "Carla K. Johnson, AP"
    assert Author.objects.filter(name="Carla K. Johnson").count() == 1


@pytest.mark.django_db
def test_pages_json_csv_and_atom_carry_the_authors(client, huffpost):
    article = huffpost[0]
    page = client.get(article.get_absolute_url()).content.decode()
    author = Author.objects.get(name="Carla K. Johnson")
    assert f'By <a href="{author.get_absolute_url()}" rel="author">Carla K. Johnson</a>' in page

    data = client.get("/search/?format=json").json()
    row = next(r for r in data["results"] if r["id"] == article.pk)
    assert row["authors"] == [
        {
            "name": "Carla K. Johnson",
            "slug": author.slug,
            "url": f"http://testserver{author.get_absolute_url()}",
        }
    ]
    response = client.get("/search/?format=csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert next(r for r in rows if r["id"] == str(article.pk))["authors"] == "Carla K. Johnson"

    feed = ET.fromstring(client.get("/search/?format=atom").content)
    entry = next(
        e for e in feed.iter(f"{ATOM}entry") if e.findtext(f"{ATOM}title") == article.headline
    )
    assert [a.findtext(f"{ATOM}name") for a in entry.iter(f"{ATOM}author")] == ["Carla K. Johnson"]


@pytest.mark.django_db
def test_authors_can_be_browsed(client, huffpost):
    listing = client.get("/authors/").content.decode()
    author = Author.objects.get(name="Carla K. Johnson")
    assert f'href="{author.get_absolute_url()}">Carla K. Johnson</a>' in listing
    page = client.get(author.get_absolute_url())
    assert page.status_code == 200
    assert huffpost[0].headline in page.content.decode()
    data = client.get(author.get_absolute_url() + "?format=json").json()
    assert data["name"] == "Carla K. Johnson" and data["articles"] == 1
    assert data["results"][0]["id"] == huffpost[0].pk
    assert client.get("/authors/nobody-by-that-name/").status_code == 404
    assert client.get(author.get_absolute_url() + "?page=x99").status_code == 200


@pytest.mark.django_db
def test_authors_are_indexed_for_the_author_filter(huffpost):
    from articles.search.documents import ArticleIndex

    (doc,) = ArticleIndex().build_documents([huffpost[0].pk])
    slug = Author.objects.get(name="Carla K. Johnson").slug
    assert doc["authors"] == doc["authors_exact"] == [slug]


@pytest.mark.django_db
def test_reextraction_and_export_keep_the_authors(huffpost):
    article = huffpost[0]
    reextract_article(article)
    assert [a.name for a in article.author_list] == ["Carla K. Johnson"]

    stream = io.StringIO()
    export_archive(stream)
    Article.objects.all().delete()
    Author.objects.all().delete()
    stream.seek(0)
    report = restore_records(read_records(stream), index=False)
    assert not report.failed
    restored = Article.objects.get(headline=article.headline)
    assert [a.name for a in restored.author_list] == ["Carla K. Johnson"]


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_superuser("editor", "editor@example.org", "pw")


@pytest.mark.django_db
def test_an_editors_authors_survive_reextraction(client, editor, huffpost):
    article = huffpost[0]
    client.force_login(editor)
    response = client.post(
        f"/admin/articles/article/{article.pk}/change/",
        _article_form(article, author_names="Carla K. Johnson, Mike Stobbe"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    article.refresh_from_db()
    reextract_article(article)
    article.refresh_from_db()
    assert [a.name for a in article.author_list] == ["Carla K. Johnson", "Mike Stobbe"]
    assert "authors" in article.locked_fields


@pytest.mark.django_db
def test_the_admin_refuses_a_handle_as_an_author_with_a_message(client, editor, huffpost):
    article = huffpost[0]
    client.force_login(editor)
    response = client.post(
        f"/admin/articles/article/{article.pk}/change/",
        _article_form(article, author_names="@newsguy🔥"),
    )
    assert response.status_code == 200
    assert "is a social-media handle, not a name" in response.content.decode()


@pytest.mark.django_db
def test_an_import_with_a_bad_byline_keeps_the_article_and_says_why(clean_index, tmp_path):
    path = tmp_path / "bad.jsonl"
    record = {"title": "Long byline", "text": "Talks in Geneva.", "author": "x" * 5000}
    path.write_text(json.dumps(record), encoding="utf-8")
    call_command("import_articles", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    article = Article.objects.get(headline="Long byline")
    assert article.author_list == []
    assert article.extraction_notes == [
        "a byline of 5,000 characters is text, not a byline (at most 300)"
    ]
