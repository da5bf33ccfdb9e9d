"""The thin end-to-end path: a real file in, a stored article out, findable in search."""

import json

import pytest
from django.core.management import call_command

from articles.models import Article, Entity, Mention

from .conftest import SEED

pytestmark = pytest.mark.django_db


def test_importing_the_seed_stores_the_article_with_its_entities(clean_index, shared, capsys):
    call_command("import_articles", str(SEED))
    assert "1 created, 0 duplicates, 0 failed" in capsys.readouterr().out

    article = Article.objects.get()
    assert article.headline == "US deploys new troops to Iraq’s Ain al-Asad base: Report"
    assert article.source.name == "Press TV"
    assert "SHARE THIS ARTICLE" not in article.body
    assert article.original_text.startswith("News")
    names = set(Mention.objects.filter(article=article).values_list("entity__name", flat=True))
    assert {"Iraq", "Pentagon"} <= names
    assert Entity.objects.get(kind="place", slug="iraq").country == "IQ"


def test_importing_the_same_file_twice_creates_nothing_new(clean_index, shared, capsys):
    call_command("import_articles", str(SEED))
    capsys.readouterr()
    call_command("import_articles", str(SEED))
    assert "0 created, 1 duplicates, 0 failed" in capsys.readouterr().out
    assert Article.objects.count() == 1


def test_imported_article_is_found_by_search(clean_index, shared):
    from articles import search

    call_command("import_articles", str(SEED))
    response = search.search_articles(search.SearchRequest(q="Kirkuk"))
    assert [hit.article_id for hit in response.hits] == [Article.objects.get().pk]


def test_extract_prints_json_lines_and_stores_nothing(shared, capsys):
    call_command("extract", str(SEED))
    record = json.loads(capsys.readouterr().out.strip().splitlines()[0])
    assert record["file"] == str(SEED)
    assert record["source"] == "Press TV"
    assert any(p["name"] == "Iraq" and p["country"] == "IQ" for p in record["places"])
    assert Article.objects.count() == 0
