"""Stories (issue 22): articles reporting one event, grouped on import and by group_stories,
shown once in search with their other coverage, on a story page, on the article page, in the
JSON and the export; editors split, move and merge, and regrouping keeps what they decided.

Real articles of the shared corpus, a real database and a real Whoosh index."""

from __future__ import annotations

import dataclasses
import io
import json
import re

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles import export
from articles.extraction.readers import read_paths
from articles.ingest import import_documents, uploads
from articles.ingest.stories import group_new_articles
from articles.models import Article, CopyKey, Entity, Mention, Source, Story, StoryDecision
from articles.search import SearchRequest, search_articles

from .conftest import CORPUS

pytestmark = pytest.mark.django_db

# Real articles: (reference, what it reports)
TULSA_CNN, TULSA_POLITICO = "b:0336", "b:1070"  # Trump on the Tulsa police shooting
CHUBB, CHUBB_AGAIN = "r:11515", "r:11396"  # Chubb completes its Sovereign buyout
SUN, PHILLIPS = "r:4453", "r:4474"  # two companies raise crude postings: look-alikes
VETO, VETO_AGAIN = "r:7524", "r:7610"  # the same Reuters story sent on two days: copies
OTHERS = ("b:1212", "r:987", "b:1592")  # three stories of their own
REFS = (TULSA_CNN, TULSA_POLITICO, CHUBB, CHUBB_AGAIN, SUN, PHILLIPS, VETO, VETO_AGAIN, *OTHERS)


def corpus_documents(refs):
    if not CORPUS.exists():
        pytest.skip("../shared/corpus is not beside the repository")
    found = {}
    reuters = {r[2:] for r in refs if r.startswith("r:")}
    for ref in refs:
        if ref.startswith("b:"):
            path = CORPUS / "buzzfeed_webis_2016" / "articles" / f"{ref[2:]}.xml"
            found[ref] = next(iter(read_paths([str(path)])))
    for path in sorted((CORPUS / "reuters21578").glob("reut2-*.sgm")):
        if reuters <= {k[2:] for k in found if k.startswith("r:")}:
            break
        for doc in read_paths([str(path)]):
            if doc.ordinal in reuters:
                found[f"r:{doc.ordinal}"] = doc
    return [found[r] for r in refs]


@pytest.fixture
def newsroom(clean_index):
    """The articles imported (and so grouped) in order; ref -> Article."""
    report = import_documents(corpus_documents(REFS))
    assert not report.failed and len(report.created) == len(REFS)
    return {
        ref: Article.objects.get(pk=pk) for ref, (_, pk) in zip(REFS, report.created, strict=True)
    }


def story_of(article: Article) -> int:
    return Article.objects.values_list("story_id", flat=True).get(pk=article.pk)


def test_import_groups_each_event_and_keeps_look_alikes_apart(newsroom):
    stories = {ref: story_of(a) for ref, a in newsroom.items()}
    assert all(stories.values()), "every article has a story"
    assert stories[TULSA_CNN] == stories[TULSA_POLITICO]
    assert stories[CHUBB] == stories[CHUBB_AGAIN]
    assert stories[VETO] == stories[VETO_AGAIN]
    assert stories[SUN] != stories[PHILLIPS]
    assert len(set(stories.values())) == len(REFS) - 3
    tulsa = Story.objects.get(pk=stories[TULSA_CNN])
    assert (tulsa.article_count, tulsa.outlet_count) == (2, 2)
    assert tulsa.lead_id in (newsroom[TULSA_CNN].pk, newsroom[TULSA_POLITICO].pk)


def test_an_import_in_batches_groups_the_same_keeping_what_it_weighed(clean_index, monkeypatch):
    """A bulk import groups GROUP_EVERY articles at a time and passes what it weighed on to
    the next batch (cleared past SEEN_KEPT): the stories are those of one batch."""
    from articles.ingest import stories, storing

    monkeypatch.setattr(storing, "GROUP_EVERY", 2)
    monkeypatch.setattr(stories, "SEEN_KEPT", 3)
    report = import_documents(corpus_documents(REFS))
    got = {ref: story_of(Article(pk=pk)) for ref, (_, pk) in zip(REFS, report.created, strict=True)}
    assert all(got.values())
    assert got[TULSA_CNN] == got[TULSA_POLITICO]
    assert got[CHUBB] == got[CHUBB_AGAIN]
    assert got[VETO] == got[VETO_AGAIN]
    assert got[SUN] != got[PHILLIPS]
    assert len(set(got.values())) == len(REFS) - 3


def test_an_import_keeps_its_entity_counts_true_between_batches(clean_index, monkeypatch):
    """The counts grouping weighs entities by are kept by the process between batches: each
    batch raises those it names, so that after the import they are the archive's (a place
    met in the first batch and named in every later one is not weighed as rare)."""
    from articles.ingest import stories, storing

    monkeypatch.setattr(storing, "GROUP_EVERY", 2)
    monkeypatch.setattr(stories, "_counts", {})
    monkeypatch.setattr(stories, "_counts_since", 0.0)
    import_documents(corpus_documents(REFS))
    kept = dict(stories._counts)
    true = stories.entity_counts(kept)
    assert kept, "grouping kept the counts it weighed"
    assert any(n > 1 for n in true.values()), "some entity is named in several batches"
    assert kept == {e: true.get(e, 0) for e in kept}


def test_a_batch_of_new_articles_is_grouped_in_a_few_queries(newsroom):
    """An import's batch is read and written in a few queries, plus two per article (its
    candidates): placing each article on its own took about twenty."""
    Article.objects.update(story=None, copy_of=None)
    Story.objects.all().delete()
    CopyKey.objects.all().delete()
    with CaptureQueriesContext(connection) as queries:
        placed = group_new_articles([a.pk for a in newsroom.values()])
    assert len(placed) == len(REFS)
    assert len(queries) <= 2 * len(REFS) + 16, [q["sql"][:80] for q in queries]
    assert placed[newsroom[TULSA_CNN].pk] == placed[newsroom[TULSA_POLITICO].pk]
    assert placed[newsroom[CHUBB].pk] == placed[newsroom[CHUBB_AGAIN].pk]
    assert placed[newsroom[SUN].pk] != placed[newsroom[PHILLIPS].pk]
    assert len(set(placed.values())) == len(REFS) - 3
    assert Article.objects.get(pk=newsroom[VETO_AGAIN].pk).copy_of_id == newsroom[VETO].pk
    chubb = Story.objects.get(pk=placed[newsroom[CHUBB].pk])
    assert (chubb.article_count, chubb.lead_id) == (2, newsroom[CHUBB].pk) or (
        chubb.article_count == 2 and chubb.lead_id == newsroom[CHUBB_AGAIN].pk
    )


def test_an_undated_article_meets_only_its_outlets_neighbours_on_both_sides():
    """Undated articles are weighed against their outlet's articles near them in import
    order, before and after it: an article regrouped in the middle of its outlet's sequence
    takes no candidates from articles stored long after it (they can never join it)."""
    from articles.ingest import stories
    from articles.similarity.grouping import RULES, EntityWeights

    outlet = Source.objects.create(name="Okapi Wire", slug="okapi-wire")
    trust = Entity.objects.create(
        kind="organization", name="Okapi Trust", slug="okapi-trust", key="okapi trust"
    )
    made = []
    for n in range(60):
        headline, body = f"Okapi count {n}", f"The Okapi Trust counted okapis, note {n}."
        article = Article.objects.create(
            headline=headline, slug="a", body=body, source=outlet, fingerprint=f"okapi-{n}"
        )
        if n < 10 or n >= 50:  # rare: 20 articles name the trust
            Mention.objects.create(article=article, entity=trust, count=1)
        made.append(article.pk)
    middle = made[5]
    rules = dataclasses.replace(RULES, strict_rare=5)  # the trust is rare, not of the rarest
    new = stories._load_items([middle], stories.word_weights(), rules)
    weight = EntityWeights(new.counts, Article.objects.count(), rules)
    entry = new.entries[middle]
    found, _ = stories._candidate_ids(entry.item, entry.keys, weight, rules)
    assert sorted(found) == [a for a in made[:10] if a != middle]


def test_an_exact_copy_is_marked_and_shown_once_with_its_copy(newsroom, client):
    first, again = newsroom[VETO], newsroom[VETO_AGAIN]
    assert Article.objects.get(pk=again.pk).copy_of_id == first.pk
    page = client.get(f"/stories/{story_of(first)}/").content.decode()
    assert page.count(f'href="{again.get_absolute_url()}"') == 1
    assert "also published 1 more time" in page


def test_group_stories_is_safe_to_rerun_and_keeps_story_ids(newsroom):
    before = dict(Article.objects.values_list("id", "story_id"))
    first, out, err = io.StringIO(), io.StringIO(), io.StringIO()
    call_command("group_stories", stdout=first, stderr=err)
    call_command("group_stories", stdout=out, stderr=err)
    assert dict(Article.objects.values_list("id", "story_id")) == before
    assert "0 articles changed story, 0 stories created, 0 removed" in out.getvalue()
    assert "time: " in err.getvalue()
    assert CopyKey.objects.filter(article=newsroom[VETO]).count() == 8


def test_group_stories_dry_run_writes_nothing(newsroom):
    Article.objects.update(story=None)
    Story.objects.all().delete()
    out = io.StringIO()
    call_command("group_stories", "--dry-run", stdout=out, stderr=io.StringIO())
    assert out.getvalue().startswith("would be: 11 articles: 3 stories of several articles")
    assert not Story.objects.exists()
    call_command("group_stories", stdout=io.StringIO(), stderr=io.StringIO())
    assert story_of(newsroom[CHUBB]) == story_of(newsroom[CHUBB_AGAIN])


def test_search_shows_a_story_once_with_its_other_coverage_and_counts_articles(newsroom, client):
    response = client.get("/search/?q=tulsa")
    page = response.content.decode()
    assert "2 articles" in page  # the total counts articles
    results = re.findall(r'<li class="result">', page)
    assert len(results) == 1
    assert '<details class="story-more">' in page
    assert "and 1 more from " in page and "(2 articles in this story)" in page
    assert "2 articles in 1 result: 1 of them is listed under the result of its story." in page
    assert 'href="/search/?q=tulsa&amp;stories=off"' in page

    every = client.get("/search/?q=tulsa&stories=off").content.decode()
    assert len(re.findall(r'<li class="result">', every)) == 2
    assert "story-more" not in every
    assert 'href="/search/?q=tulsa&amp;stories=on"' not in every  # "on" is the default
    assert 'href="/search/?q=tulsa"' in every  # one result per story again
    # Filter links, the JSON link and pages keep stories=off.
    assert re.search(r'href="/search/\?q=tulsa&amp;[^"]*stories=off', every)
    assert "format=json&amp;stories=off" in every


def test_a_collapsed_page_reads_its_stories_in_two_queries(newsroom, client):
    """Collapsing costs the page two queries however many stories it shows: each match's
    story, and the other articles of the stories shown (their preview and outlets)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get("/search/?q=tulsa OR chubb")  # warm the outlet and section caches
    with CaptureQueriesContext(connection) as every:
        client.get("/search/?q=tulsa OR chubb&stories=off")
    with CaptureQueriesContext(connection) as collapsed:
        page = client.get("/search/?q=tulsa OR chubb").content.decode()
    assert page.count('<details class="story-more">') == 2
    assert "and 1 more from Politico" in page or "and 1 more from CNN" in page
    assert len(collapsed.captured_queries) == len(every.captured_queries) + 2


def test_search_json_carries_each_result_story(newsroom, client):
    data = client.get("/search/?q=tulsa&format=json").json()
    assert data["total"] == 2 and data["covered"] == 2 and data["folded"] == 1
    [result] = data["results"]
    story = result["story"]
    assert story["id"] == story_of(newsroom[TULSA_CNN])
    assert story["url"].endswith(f"/stories/{story['id']}/")
    assert story["article_count"] == 2 and story["more"] == 1 and story["folded"] == 1
    assert [o["id"] for o in story["others"]] != [result["id"]]
    every = client.get("/search/?q=tulsa&format=json&stories=off").json()
    assert every["query"]["stories"] == "off" and len(every["results"]) == 2
    assert {r["story"]["id"] for r in every["results"]} == {story["id"]}
    assert "article_count" not in every["results"][0]["story"]


def test_collapsing_pages_a_story_once_on_every_engine(engine):
    """A story's best match stands for it on its page; its other matches on later pages are
    not shown again there, and the page says so (Whoosh, the generic engine, Solr)."""
    refs = (CHUBB, CHUBB_AGAIN, SUN, PHILLIPS)
    report = import_documents(corpus_documents(refs))
    chubb = {pk for _, pk in report.created[:2]}
    # As the search page asks: only the top values of a group counted (FacetLimits).
    request = SearchRequest(
        q="completed",
        sort="newest",
        per_page=1,
        collapse_stories=True,
        facet_top={"org": 1},
    )
    pages = [search_articles(SearchRequest(**{**request.__dict__, "page": n})) for n in (1, 2)]
    assert pages[0].total == pages[1].total == 2  # both Chubb articles match
    for page in pages:  # facets count every match, collapsed or not
        organizations = page.facets["org"]
        assert len(organizations) == 1 and organizations.distinct >= 1
        assert organizations[0].count == 2
    [first] = pages[0].hits
    assert first.article_id in chubb and first.story_id == story_of(Article(pk=first.article_id))
    assert pages[1].hits == [] and pages[1].shown_earlier == 1 and pages[1].covered == 1
    plain = search_articles(SearchRequest(q="completed", sort="newest", per_page=1, page=2))
    assert len(plain.hits) == 1  # without collapsing, page 2 shows the other article


def test_story_page_lists_every_article_by_outlet_with_its_names_and_json(newsroom, client):
    story = story_of(newsroom[TULSA_CNN])
    page = client.get(f"/stories/{story}/").content.decode()
    for ref in (TULSA_CNN, TULSA_POLITICO):
        assert f'href="{newsroom[ref].get_absolute_url()}"' in page
    assert page.index(">CNN<") < page.index(">Politico<")  # outlets in order
    assert "Tulsa" in page and "Donald Trump" in page and "<h2>People</h2>" in page
    data = client.get(f"/stories/{story}/?format=json").json()
    assert data["id"] == story and data["article_count"] == 2
    assert [o["name"] for o in data["outlets"]] == ["CNN", "Politico"]
    assert any(p["name"] == "Tulsa" for p in data["place"])
    assert client.get("/stories/999999/").status_code == 404
    assert client.get("/stories/999999/?format=json").json() == {
        "error": "No story with this number."
    }


def test_the_article_page_shows_other_coverage_of_its_story(newsroom, client):
    cnn, politico = newsroom[TULSA_CNN], newsroom[TULSA_POLITICO]
    page = client.get(cnn.get_absolute_url()).content.decode()
    coverage = page[page.index("Other coverage of this story") :]
    assert f'href="{politico.get_absolute_url()}"' in coverage and "Politico" in coverage
    alone = client.get(newsroom["b:1212"].get_absolute_url()).content.decode()
    assert "Other coverage of this story" not in alone


def test_a_story_headline_is_escaped(newsroom, client):
    Article.objects.filter(pk=newsroom[TULSA_POLITICO].pk).update(
        headline="<script>alert(1)</script> Tulsa"
    )
    story = story_of(newsroom[TULSA_CNN])
    for url in (f"/stories/{story}/", newsroom[TULSA_CNN].get_absolute_url(), "/search/?q=tulsa"):
        page = client.get(url).content.decode()
        assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page


def test_an_export_keeps_the_groups_and_an_export_without_them_is_grouped(newsroom):
    stream = io.StringIO()
    export.export_archive(stream)
    records = [json.loads(line) for line in stream.getvalue().splitlines()]
    before = dict(Article.objects.values_list("fingerprint", "story_id"))
    Article.objects.all().delete()
    Story.objects.all().delete()
    export.restore_records(records)
    assert dict(Article.objects.values_list("fingerprint", "story_id")) == before

    for record in records:
        record.pop("story", None)
    Article.objects.all().delete()
    Story.objects.all().delete()
    export.restore_records(records)
    assert story_of(newsroom[CHUBB]) == story_of(newsroom[CHUBB_AGAIN])
    assert story_of(newsroom[SUN]) != story_of(newsroom[PHILLIPS])


def test_an_uploaded_article_joins_its_story(newsroom):
    doc = corpus_documents([TULSA_CNN])[0]
    politico = newsroom[TULSA_POLITICO]
    Article.objects.filter(pk=newsroom[TULSA_CNN].pk).delete()
    path = CORPUS / "buzzfeed_webis_2016" / "articles" / "0336.xml"
    batch = uploads.create_batch([SimpleUploadedFile("0336.xml", path.read_bytes())])
    uploads.process_batch(batch.pk)
    uploaded = Article.objects.get(headline=doc.fields.get("title") or doc.fields["headline"])
    assert story_of(uploaded) == story_of(politico)


def test_grouping_a_new_article_leaves_grouped_ones_alone(newsroom):
    assert group_new_articles([a.pk for a in newsroom.values()]) == {}


# --- editors ---------------------------------------------------------------------------------


@pytest.fixture
def editor_client(client, django_user_model):
    user = django_user_model.objects.create_user("editor", password="pw", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(
            codename__in=["view_article", "change_article", "view_story", "change_story"]
        )
    )
    client.force_login(user)
    return client


def action(client, model: str, name: str, pks, **form):
    return client.post(
        f"/admin/articles/{model}/",
        {"action": name, "index": "0", "_selected_action": list(pks), **form},
    )


def regroup():
    call_command("group_stories", stdout=io.StringIO(), stderr=io.StringIO())


def test_an_editor_splits_a_story_and_regrouping_keeps_it_split(newsroom, editor_client):
    cnn, politico = newsroom[TULSA_CNN], newsroom[TULSA_POLITICO]
    response = action(editor_client, "article", "split_off_selected", [politico.pk])
    assert response.status_code == 302
    assert story_of(cnn) != story_of(politico)
    assert StoryDecision.objects.filter(article__in=[cnn, politico]).count() == 2
    regroup()
    assert story_of(cnn) != story_of(politico)
    assert Story.objects.get(pk=story_of(cnn)).article_count == 1


def test_an_editor_moves_an_article_and_regrouping_keeps_it_there(newsroom, editor_client):
    sun, phillips = newsroom[SUN], newsroom[PHILLIPS]
    target = story_of(phillips)
    page = action(editor_client, "article", "move_selected", [sun.pk])
    assert page.status_code == 200 and b"Story number" in page.content  # asks where first
    refused = action(
        editor_client, "article", "move_selected", [sun.pk], confirm="yes", story=999999
    )
    assert b"No story has this number." in refused.content and story_of(sun) != target
    action(editor_client, "article", "move_selected", [sun.pk], confirm="yes", story=target)
    assert story_of(sun) == target
    regroup()
    assert story_of(sun) == story_of(phillips) == target
    assert Story.objects.get(pk=target).article_count == 2


def test_an_editor_merges_two_stories_and_regrouping_keeps_them_merged(newsroom, editor_client):
    sun, phillips = newsroom[SUN], newsroom[PHILLIPS]
    stories = [story_of(sun), story_of(phillips)]
    response = action(editor_client, "story", "merge_selected", stories)
    assert response.status_code == 302
    assert story_of(sun) == story_of(phillips) in stories
    assert Story.objects.filter(pk__in=stories).count() == 1
    regroup()
    assert story_of(sun) == story_of(phillips)


def test_a_viewer_may_not_split_move_or_merge(newsroom, client, django_user_model):
    user = django_user_model.objects.create_user("viewer", password="pw", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__startswith="view_"))
    client.force_login(user)
    before = dict(Article.objects.values_list("id", "story_id"))
    sun, phillips = newsroom[SUN], newsroom[PHILLIPS]
    action(client, "article", "split_off_selected", [sun.pk])
    action(client, "article", "move_selected", [sun.pk], confirm="yes", story=story_of(phillips))
    action(client, "story", "merge_selected", [story_of(sun), story_of(phillips)])
    assert dict(Article.objects.values_list("id", "story_id")) == before
    assert not StoryDecision.objects.exists()


def test_an_unknown_stories_value_is_ignored_with_a_note(newsroom, client):
    page = client.get("/search/?q=tulsa&stories=maybe").content.decode()
    assert "Unknown stories value &#x27;maybe&#x27; was ignored: use on or off." in page
    assert len(re.findall(r'<li class="result">', page)) == 1  # collapsed, the default
