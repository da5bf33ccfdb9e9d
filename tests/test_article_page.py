"""The article page: what the article says, who and where it names, and what is like it."""

import html
import re

import pytest

from articles.models import Article

from .conftest import CORPUS
from .test_search_page import corpus_slice, imported

pytestmark = pytest.mark.django_db

# CNN's "The political history of Don King": sub-headings kept as short paragraphs.
DON_KING = CORPUS / "buzzfeed_webis_2016" / "articles" / "0351.xml"


@pytest.fixture(scope="module")
def archive(django_db_setup, django_db_blocker):
    with imported(django_db_blocker, [*corpus_slice(), str(DON_KING)]) as found:
        yield found


def body_of(page: str) -> str:
    start = page.index('<div class="body">')
    return page[start : page.index("</div>", start)]


def test_article_page_shows_headline_outlet_section_caption_and_body(client, archive):
    response = client.get(archive.seed.get_absolute_url())
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "<h1>US deploys new troops to Iraq’s Ain al-Asad base: Report</h1>" in page
    assert '<a href="/search/?source=press-tv">Press TV</a>' in page
    assert "Section: Iraq" in page
    assert '<p class="caption">US soldiers walk around at the K1 Air Base' in page
    assert "Almaalomah news agency cited a security source" in page
    assert "SHARE THIS ARTICLE" not in page


def test_entity_names_in_the_body_link_to_their_pages(client, archive):
    body = body_of(client.get(archive.seed.get_absolute_url()).content.decode())
    assert '<a class="entity" href="/places/iraq/">Iraq</a>' in body
    assert '<a class="entity" href="/organizations/pentagon/">Pentagon</a>' in body
    assert body.count("<p>") >= 10  # paragraphs kept


def test_each_entity_is_a_link_at_its_first_mention_only(client, archive):
    for article in Article.objects.order_by("id")[:30]:
        body = body_of(client.get(article.get_absolute_url()).content.decode())
        links = re.findall(r'<a class="entity" href="([^"]+)">', body)
        assert len(links) == len(set(links)), article.headline
    seed = body_of(client.get(archive.seed.get_absolute_url()).content.decode())
    assert seed.count("/places/iraq/") == 1 and seed.count(">Iraq<") == 1
    assert html.unescape(re.sub(r"<[^>]+>", "", seed)).count("Iraq") > 1  # the rest is text


def test_scraped_sub_headings_are_headings(client, archive):
    article = Article.objects.get(headline="The political history of Don King")
    body = body_of(client.get(article.get_absolute_url()).content.decode())
    headings = re.findall(r'<h2 class="subhead">(.*?)</h2>', body)
    assert headings[:4] == [
        "&#x27;Republicrat&#x27;",
        "Hillary Clinton",
        "Barack Obama",
        "Reince Priebus",
    ]
    assert "Female voters" in headings and "George W. Bush" in headings
    # Sentences stay paragraphs: the one that introduces the list, quotes, the first one.
    assert "<p>Here are a few other political highlights from King&#x27;s career:</p>" in body
    assert body.index("<p>") < body.index("<h2")
    assert all(len(h) <= 80 and "<a " not in h for h in headings)


@pytest.mark.parametrize(
    "line",
    [
        "— Donald Trump Jr. (@DonaldJTrumpJr) September 19, 2016",  # a tweet's attribution
        "@hannahfc @abcactionnews oh jesus christ",
        "By Christo Komarnitski",  # a cartoon's credit
        "He did not give up.",
        "Here are a handful of Trump's most outlandish claims:",
        '"I\'m endorsing the people," he said.',
        "and a line that starts in lower case",
    ],
)
def test_sentences_credits_and_tweets_are_not_headings(line):
    from articles.pages.article import body_blocks

    blocks = body_blocks(f"An opening paragraph.\n\n{line}\n\n{'A longer paragraph. ' * 5}")
    assert [b.heading for b in blocks] == [False, False, False]


def test_entities_are_listed_with_links(client, archive):
    page = client.get(archive.seed.get_absolute_url()).content.decode()
    aside = page[page.index('<aside class="article-aside">') :]
    assert "<h2>Places</h2>" in aside
    assert '<a href="/places/kirkuk/">Kirkuk</a>' in aside


def test_original_url_is_linked_when_known(client, archive):
    with_url = Article.objects.exclude(url="").first()
    if with_url is None:
        pytest.skip("no imported article has its original URL")
    page = client.get(with_url.get_absolute_url()).content.decode()
    assert 'rel="noopener nofollow noreferrer">' in page
    assert html.escape(with_url.url[:50]) in page


def test_related_articles_are_shown(client, archive):
    bbc = Article.objects.filter(source__slug="bbc-news").order_by("id").first()
    page = client.get(bbc.get_absolute_url()).content.decode()
    assert "<h2>Related articles</h2>" in page
    related = re.findall(r'<h3 class="result-title"><a href="(/articles/\d+/[^"]*)">', page)
    assert related and bbc.get_absolute_url() not in related
    for url in related:
        assert client.get(url).status_code == 200


def test_a_wrong_slug_redirects_to_the_article_url(client, archive):
    response = client.get(f"/articles/{archive.seed.pk}/old-headline/")
    assert response.status_code == 301
    assert response["Location"] == archive.seed.get_absolute_url()
    assert client.get(f"/articles/{archive.seed.pk}/").status_code == 301


def test_unpublished_or_missing_article_is_not_found(client, archive):
    Article.objects.filter(pk=archive.seed.pk).update(is_published=False)
    assert client.get(archive.seed.get_absolute_url()).status_code == 404
    assert client.get("/articles/999999/nothing/").status_code == 404


def test_linking_entities_cannot_inject_markup():
    from types import SimpleNamespace

    from articles.templatetags.search_tags import linked_body

    entity = SimpleNamespace(kind="organization", name="amp", slug="amp")
    mention = SimpleNamespace(entity=entity, surface_forms=['<b onmouseover="x">', "amp"])
    out = linked_body('Fish & chips <b onmouseover="x"> amp\n\nSecond', [mention])
    assert "<b " not in out
    assert "&amp; chips" in out
    assert (
        '<a class="entity" href="/organizations/amp/">&lt;b onmouseover=&quot;x&quot;&gt;</a>'
        in out
    )
    assert out.count("<p>") == 2


def test_a_stored_url_that_is_not_http_is_never_linked(client, archive):
    from articles.ingest.columns import article_fingerprint

    body = "A body mentioning nothing in particular."
    article = Article.objects.create(
        headline="Restored from an old backup",
        slug="restored",
        body=body,
        url="javascript:alert(1)",  # as a restore or the admin could store it
        fingerprint=article_fingerprint("Restored from an old backup", body),
    )
    page = client.get(article.get_absolute_url()).content.decode()
    assert "javascript:" not in page
    assert "Original article" not in page
