"""What the index stores for an article: its full text comes from a template."""

import pytest
from haystack import connections

from articles.extraction.names import fold_text
from articles.ingest.columns import article_fingerprint
from articles.models import Article, Entity, EntityAlias, Mention

pytestmark = pytest.mark.django_db


def article_index():
    return connections["default"].get_unified_index().get_index(Article)


def make_article(headline: str, body: str) -> Article:
    return Article.objects.create(
        headline=headline, slug="a", body=body, fingerprint=article_fingerprint(headline, body)
    )


def test_the_text_holds_headline_body_and_entity_names_unescaped():
    article = make_article("AT&T <b>deal</b> in Basra", "The deal was signed on Monday.")
    entity = Entity.objects.create(kind="place", name="Basra", slug="basra", key="basra")
    EntityAlias.objects.create(entity=entity, kind="place", key="basrah", name="Basrah")
    Mention.objects.create(article=article, entity=entity, count=1, surface_forms=["Basra"])

    (doc,) = article_index().build_documents([article.pk])

    lines = doc["text"].split("\n")
    assert lines[:2] == [fold_text("AT&T <b>deal</b> in Basra")] * 2  # weighted above the body
    assert fold_text("The deal was signed on Monday.") in lines
    assert lines[-1] == fold_text("Basra Basrah")
    assert "&amp;" not in doc["text"]


def test_the_indexed_text_follows_the_template(settings, tmp_path):
    folder = tmp_path / "search" / "indexes" / "articles"
    folder.mkdir(parents=True)
    (folder / "article_text.txt").write_text("{{ object.headline }} only")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    article = make_article("Quokka census", "A body the template leaves out.")

    (doc,) = article_index().build_documents([article.pk])

    assert doc["text"] == fold_text("Quokka census only")
