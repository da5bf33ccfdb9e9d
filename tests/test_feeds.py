"""The Atom feed of a search: every entry is valid Atom (RFC 4287), dated or not."""

import itertools
import xml.etree.ElementTree as ET

import pytest
from django.utils.dateparse import parse_datetime

from articles.extraction.readers import read_paths
from articles.ingest import import_documents
from articles.models import Article
from articles.search import queue

from .conftest import CORPUS, SEED

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def dated_and_undated(clean_index, shared, tmp_path):
    """The seed (no publication date) and three dated HuffPost articles, indexed."""
    huffpost = tmp_path / "huffpost.jsonl"
    with open(CORPUS / "huffpost_2018_2022" / "News_Category_Dataset_v3.head.jsonl") as lines:
        huffpost.write_text("".join(itertools.islice(lines, 3)), encoding="utf-8")
    import_documents(read_paths([str(SEED), str(huffpost)]), index=False)
    queue.drain()
    articles = list(Article.objects.all())
    assert len(articles) == 4
    assert sum(a.published is None for a in articles) == 1
    return articles


def entries(client, querystring="") -> dict[str, ET.Element]:
    response = client.get(f"/search/feed/{querystring}")
    assert response.status_code == 200
    feed = ET.fromstring(response.content)
    return {e.find(f"{ATOM}title").text: e for e in feed.findall(f"{ATOM}entry")}


def test_every_entry_has_updated_from_the_article_and_dated_ones_a_published(
    client, dated_and_undated
):
    found = entries(client)
    assert set(found) == {a.headline for a in dated_and_undated}
    for article in dated_and_undated:
        entry = found[article.headline]
        updated = entry.find(f"{ATOM}updated")
        assert updated is not None, f"no <updated> in the entry for {article.headline!r}"
        assert parse_datetime(updated.text) == article.updated_at
        published = entry.find(f"{ATOM}published")
        if article.published is None:
            assert published is None
        else:
            assert published.text.startswith(article.published.isoformat())


def test_the_feed_reads_its_entries_in_a_fixed_number_of_queries(
    client, dated_and_undated, django_assert_max_num_queries
):
    entries(client)  # caches filled
    # Not one more per entry: the hits' text (highlighting), their rows and authors, and the
    # names of the filter values (entities, authors: a query each).
    with django_assert_max_num_queries(5):
        assert len(entries(client)) == 4
