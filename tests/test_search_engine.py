"""The search layer (articles.search) on a real Whoosh index in the test's data folder."""

from __future__ import annotations

import io
import threading
import time
from datetime import date

import pytest
from django.core.management import call_command

from articles import search
from articles.models import Article, Entity, Mention, Source
from articles.search import FacetCount, SearchRequest, search_articles
from articles.search.query import MAX_LEAVES, parse_query
from articles.search.vocabulary import FILTER_FIELDS
from articles.search.whoosh.fast import FastSearch

from .conftest import SEED

pytestmark = pytest.mark.django_db


def ids(response):
    return {h.article_id for h in response.hits}


def entity(kind, name, slug, country="", feature=""):
    return Entity.objects.create(
        kind=kind,
        name=name,
        slug=slug,
        key=slug.replace("-", " "),
        country=country,
        feature=feature,
    )


@pytest.fixture
def newsroom(clean_index):
    """A small archive on Whoosh (tests/test_engine_parity.py builds it on every engine)."""
    return make_newsroom()


def make_newsroom() -> dict[str, Article]:
    """A small archive: two outlets, Iraq with Kirkuk, Iran, an organization and a person."""
    press_tv = Source.objects.create(name="Press TV", slug="press-tv")
    reuters = Source.objects.create(name="Reuters", slug="reuters")
    iraq = entity("place", "Iraq", "iraq", "IQ", "country")
    kirkuk = entity("place", "Kirkuk", "kirkuk", "IQ", "city")
    iran = entity("place", "Iran", "iran", "IR", "country")
    kh = entity("organization", "Kata'ib Hezbollah", "kataib-hezbollah")
    pentagon = entity("organization", "Pentagon", "pentagon")
    biden = entity("person", "Joe Biden", "joe-biden")
    made = {}

    def article(key, headline, body, source, published, mentions=(), section="", **extra):
        a = Article.objects.create(
            source=source,
            headline=headline,
            slug=key,
            body=body,
            section=section,
            published=published,
            fingerprint=key,
            **extra,
        )
        for e in mentions:
            Mention.objects.create(article=a, entity=e)
        made[key] = a
        return a

    article(
        "kirkuk",
        "Rockets hit base near Kirkuk",
        "Kata’ib Hezbollah was blamed for the attack on troops near Kirkuk oil fields.",
        press_tv,
        date(2020, 1, 5),
        [kirkuk, kh],
        section="Middle East",
    )
    article(
        "baghdad",
        "Pentagon sends more troops to Iraq",
        "The Pentagon said troops would deploy to Iraq to protect the embassy.",
        reuters,
        date(2020, 1, 3),
        [iraq, pentagon],
        section="World",
    )
    article(
        "tehran",
        "Iran oil exports rise",
        "Iranian crude oil exports rose in March, officials in Tehran said.",
        press_tv,
        date(2019, 3, 20),
        [iran],
        section="Economy",
    )
    article(
        "biden",
        "Biden meets allies on Iraq",
        "President Joe Biden discussed troops and oil prices with allies.",
        reuters,
        date(2021, 6, 1),
        [iraq, biden],
        section="World",
    )
    article(
        "script",
        "Markup <script>alert(1)</script> in a headline",
        "The body says <b>bold</b> & troops <script>x</script>.",
        reuters,
        date(2018, 1, 1),
    )
    article(
        "hidden",
        "Unpublished troops story",
        "troops troops",
        reuters,
        date(2020, 2, 2),
        is_published=False,
    )
    search.index_articles(a.id for a in made.values())
    return made


# --- query syntax ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "q",
    [
        '"',
        "(",
        "AND",
        "*",
        "x" * 5000,
        "كتائب حزب الله",
        "",
        "OR",
        "-",
        '"unclosed phrase',
        "troops)",
        "a OR",
        "[oil]",
        "né:é",
    ],
)
def test_odd_queries_never_raise(newsroom, q):
    response = search_articles(SearchRequest(q=q))
    assert response.total >= 0


def test_unreadable_query_is_not_searched_as_anything_else(newsroom):
    response = search_articles(SearchRequest(q='troops "Kirkuk'))
    assert response.total == 0 and response.hits == []
    error = response.query_error
    assert error.message == (
        'Could not read the query: a quotation mark is not closed, after “troops "”.'
    )
    assert error.position == 7 and error.offered == 'troops "Kirkuk"'
    assert ids(search_articles(SearchRequest(q=error.offered))) == {newsroom["kirkuk"].id}
    assert search.count_articles(SearchRequest(q='troops "Kirkuk')) == 0
    assert list(search.iter_result_ids(SearchRequest(q='troops "Kirkuk'))) == []


def test_empty_query_matches_every_published_article_newest_first(newsroom):
    response = search_articles(SearchRequest())
    assert response.total == 5
    assert response.hits[0].article_id == newsroom["biden"].id
    assert newsroom["hidden"].id not in ids(response)


def test_a_query_of_too_many_words_is_refused_with_its_first_words_offered():
    words = [f"w{n}" for n in range(MAX_LEAVES + 20)]
    parsed = parse_query("(" + " ".join(words) + ")")
    assert parsed.root is None and f"more than {MAX_LEAVES} words" in parsed.error.message
    assert parsed.error.offered == "(" + " ".join(words[:MAX_LEAVES]) + ")"
    assert parse_query(" ".join(["word"] * 300)).error is None  # the same word is one


@pytest.mark.parametrize("q", ["Kataib", "Kata'ib", "Kata’ib", "KATAIB", "kata'ib hezbollah"])
def test_apostrophes_accents_and_case_are_folded(newsroom, q):
    assert ids(search_articles(SearchRequest(q=q))) == {newsroom["kirkuk"].id}


def test_accents_fold_in_query_and_text(newsroom):
    assert ids(search_articles(SearchRequest(q="Kírkük"))) == {newsroom["kirkuk"].id}


def test_words_are_anded(newsroom):
    assert ids(search_articles(SearchRequest(q="troops oil"))) == {
        newsroom["kirkuk"].id,
        newsroom["biden"].id,
    }


def test_exact_phrase(newsroom):
    assert ids(search_articles(SearchRequest(q='"oil prices"'))) == {newsroom["biden"].id}
    assert ids(search_articles(SearchRequest(q='"prices oil"'))) == set()


PHRASE_TEXTS = [
    "the bank of japan raised rates; japan bank lending fell",
    "bla bla bla and more bla",
    "new york new jersey york new",
    "rate cut hopes as the rate was cut again",
    "cut rate stores",
]


@pytest.mark.parametrize(
    "phrase",
    [
        "bank of japan",
        "japan bank",
        "bla bla",
        "bla bla bla",
        "new york new",
        "york new jersey",
        "rate cut",
        "cut rate",
        "rate was cut",
        "was cut again",
        "new jersey york new",
    ],
)
def test_phrases_match_what_whooshs_phrase_query_matches(newsroom, phrase):
    """Positions read with numpy find exactly the documents Whoosh's Phrase query finds,
    over several segments (one commit per article)."""
    import numpy as np
    from whoosh import query as wq

    from articles.search.whoosh import phrases
    from articles.search.whoosh.matching import analyze
    from articles.search.whoosh.values import whoosh_document

    engine = search.current_engine()
    for n, body in enumerate(PHRASE_TEXTS):  # one segment each: Whoosh would merge them
        a = Article.objects.create(headline=f"Phrase {n}", slug=f"p{n}", body=body, fingerprint=n)
        writer = engine.backend.index.refresh().writer()
        for doc in engine.article_index.build_documents([a.id]):
            writer.add_document(**whoosh_document(doc, engine.backend.schema))
        writer.commit(merge=False)
    snap = engine.fast.live.snapshot()
    assert len(snap.searcher.leaf_searchers()) > 5
    terms = analyze(snap.schema, tuple(phrase.split()))
    whoosh_docs = sorted(
        hit.docnum for hit in snap.searcher.search(wq.Phrase("text", terms), limit=None)
    )
    assert whoosh_docs, phrase
    assert phrases.phrase_docs(snap, terms).tolist() == whoosh_docs
    assert np.all(snap.live[whoosh_docs])


def test_excluded_word_and_phrase(newsroom):
    troops = ids(search_articles(SearchRequest(q="troops -pentagon")))
    assert newsroom["baghdad"].id not in troops and newsroom["kirkuk"].id in troops
    assert newsroom["biden"].id not in ids(search_articles(SearchRequest(q='troops -"oil prices"')))


def test_or(newsroom):
    assert ids(search_articles(SearchRequest(q="Tehran OR Kirkuk"))) == {
        newsroom["kirkuk"].id,
        newsroom["tehran"].id,
    }
    # Lower-case "or" is a word, not an operator (and a stop word).
    assert search_articles(SearchRequest(q="tehran or kirkuk")).total == 0


def test_entity_names_are_searchable_text(newsroom):
    # "Joe" only appears in the body of one article, Biden's name via the entity.
    assert newsroom["biden"].id in ids(search_articles(SearchRequest(q="Biden")))


def test_stemming_finds_other_forms(newsroom):
    assert newsroom["tehran"].id in ids(search_articles(SearchRequest(q="export")))


# --- filters and facets ------------------------------------------------------------------------


def test_facets_count_over_all_matches_not_one_page(newsroom):
    response = search_articles(SearchRequest(q="troops", per_page=1))
    assert len(response.hits) == 1 and response.total == 4
    assert response.facets["source"] == [FacetCount("reuters", 3), FacetCount("press-tv", 1)]
    assert set(response.facets) == set(FILTER_FIELDS)


def test_facets_sorted_by_count_then_value(newsroom):
    response = search_articles(SearchRequest())
    years = response.facets["year"]
    assert years == sorted(years, key=lambda f: (-f.count, f.value))
    assert FacetCount("2020", 2) in years
    assert {f.value for f in response.facets["section"]} == {"middle-east", "world", "economy"}


def test_place_rolls_up_to_its_country(newsroom):
    response = search_articles(SearchRequest(include={"place": ("iraq",)}))
    assert ids(response) == {newsroom["kirkuk"].id, newsroom["baghdad"].id, newsroom["biden"].id}
    places = {f.value: f.count for f in search_articles(SearchRequest()).facets["place"]}
    assert places["iraq"] == 3 and places["kirkuk"] == 1


def test_values_of_one_field_or_and_fields_and(newsroom):
    either = search_articles(SearchRequest(include={"place": ("kirkuk", "iran")}))
    assert ids(either) == {newsroom["kirkuk"].id, newsroom["tehran"].id}
    both = search_articles(SearchRequest(include={"place": ("iraq",), "source": ("reuters",)}))
    assert ids(both) == {newsroom["baghdad"].id, newsroom["biden"].id}


def test_any_value_can_be_excluded(newsroom):
    response = search_articles(
        SearchRequest(include={"place": ("iraq",)}, exclude={"org": ("pentagon",)})
    )
    assert ids(response) == {newsroom["kirkuk"].id, newsroom["biden"].id}
    assert newsroom["kirkuk"].id not in ids(
        search_articles(SearchRequest(exclude={"year": ("2020",)}))
    )


def test_unknown_filter_fields_and_values_match_nothing_or_are_ignored(newsroom):
    assert search_articles(SearchRequest(include={"colour": ("red",)})).total == 5
    assert search_articles(SearchRequest(include={"place": ("atlantis",)})).total == 0


def test_suppressed_mentions_are_not_facets(newsroom):
    Mention.objects.filter(article=newsroom["baghdad"], entity__slug="pentagon").update(
        suppressed=True
    )
    search.index_articles([newsroom["baghdad"].id])
    orgs = {f.value for f in search_articles(SearchRequest()).facets["org"]}
    assert "pentagon" not in orgs


def test_date_range_is_inclusive(newsroom):
    response = search_articles(SearchRequest(date_from=date(2020, 1, 3), date_to=date(2020, 1, 5)))
    assert ids(response) == {newsroom["kirkuk"].id, newsroom["baghdad"].id}


def test_sort_orders(newsroom):
    newest = [h.article_id for h in search_articles(SearchRequest(q="troops", sort="newest")).hits]
    oldest = [h.article_id for h in search_articles(SearchRequest(q="troops", sort="oldest")).hits]
    assert newest == oldest[::-1]
    assert newest[0] == newsroom["biden"].id
    relevance = search_articles(SearchRequest(q="troops")).hits
    assert [h.score for h in relevance] == sorted((h.score for h in relevance), reverse=True)


def test_pagination_and_whole_result_set_export(newsroom):
    pages = [
        search_articles(SearchRequest(q="troops", sort="newest", page=p, per_page=2)).hits
        for p in (1, 2, 3)
    ]
    paged = [h.article_id for page in pages for h in page]
    assert paged == list(search.iter_result_ids(SearchRequest(q="troops", sort="newest")))
    assert len(paged) == 4


def test_json_without_facets_has_no_facets(newsroom):
    assert search_articles(SearchRequest(q="troops", facets=False)).facets == {}


# --- highlighting and suggestions ------------------------------------------------------------


def test_highlights_are_escaped_and_marked(newsroom):
    hit = search_articles(SearchRequest(q="troops markup")).hits[0]
    assert "<script>" not in hit.headline_html + hit.snippet_html
    assert "&lt;script&gt;" in hit.headline_html
    assert "<mark>Markup</mark>" in hit.headline_html
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; <mark>troops</mark>" in hit.snippet_html


def test_highlight_marks_folded_forms(newsroom):
    hit = search_articles(SearchRequest(q="kataib")).hits[0]
    assert "<mark>Kata’ib</mark>" in hit.snippet_html


def test_did_you_mean_on_zero_hits(newsroom):
    response = search_articles(SearchRequest(q="Pentagn troops"))
    assert response.total == 0
    assert response.suggestion == "Pentagon troops"
    assert search_articles(SearchRequest(q=response.suggestion)).total == 1
    assert search_articles(SearchRequest(q="troops")).suggestion is None


def test_more_like_this(newsroom):
    similar = search.more_like_this(newsroom["baghdad"].id, limit=3)
    assert newsroom["baghdad"].id not in similar
    assert similar and similar[0] in {newsroom["biden"].id, newsroom["kirkuk"].id}


def test_more_like_this_never_suggests_a_removed_article(newsroom):
    search.remove_articles([newsroom["biden"].id])
    similar = search.more_like_this(newsroom["baghdad"].id, limit=5)
    assert similar and newsroom["biden"].id not in similar
    assert newsroom["baghdad"].id not in similar


# --- indexing --------------------------------------------------------------------------------


def test_unpublishing_and_removing(newsroom):
    Article.objects.filter(pk=newsroom["tehran"].pk).update(is_published=False)
    search.index_articles([newsroom["tehran"].id])
    assert newsroom["tehran"].id not in ids(search_articles(SearchRequest(q="oil")))
    search.remove_articles([newsroom["biden"].id])
    assert newsroom["biden"].id not in ids(search_articles(SearchRequest(q="oil")))


def test_indexed_versions_match_the_database(newsroom):
    versions = search.indexed_versions()
    published = Article.objects.filter(is_published=True)
    assert versions == {a.id: a.updated_at for a in published}


def test_rebuild_swaps_in_a_complete_index_and_never_serves_an_empty_one(newsroom):
    seen = []
    stop = threading.Event()

    def reader():  # ids only: the thread must not share the test's database connection
        while not stop.is_set():
            seen.append(len(list(search.iter_result_ids(SearchRequest()))))

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        count = search.rebuild_index(progress=lambda n: time.sleep(0.05))
    finally:
        stop.set()
        thread.join()
    assert count == 5
    assert seen and all(total == 5 for total in seen)
    assert search_articles(SearchRequest()).total == 5


def test_rebuild_keeps_changes_made_while_it_ran(newsroom):
    def edit_during_build(_n):
        if not Article.objects.filter(headline__startswith="Edited").exists():
            Article.objects.filter(pk=newsroom["tehran"].pk).update(
                headline="Edited zanzibar headline"
            )
            Article.objects.filter(pk=newsroom["biden"].pk).delete()

    search.rebuild_index(progress=edit_during_build)
    assert ids(search_articles(SearchRequest(q="zanzibar"))) == {newsroom["tehran"].id}
    assert newsroom["biden"].id not in ids(search_articles(SearchRequest()))


def test_a_rebuild_in_two_processes_finds_what_one_finds(newsroom):
    from django.core.management import call_command as run

    asked = [
        SearchRequest(q="troops"),
        SearchRequest(q='"crude oil"'),
        SearchRequest(include={"place": ("iraq",)}),
        SearchRequest(sort="oldest"),
    ]
    before = [
        (r.total, [h.article_id for h in r.hits], r.facets) for r in map(search_articles, asked)
    ]
    run("rebuild_search_index", "--processes", "2", stdout=io.StringIO(), stderr=io.StringIO())
    after = [
        (r.total, [h.article_id for h in r.hits], r.facets) for r in map(search_articles, asked)
    ]
    assert after == before


def test_the_rebuild_command_does_the_queued_work_and_keeps_what_came_after(newsroom):
    """An `import_articles --no-index` leaves every article queued: the rebuild indexes them
    all, so it empties the queue (else the site's indexer would index the whole archive
    again after it); a save made while the rebuild runs stays queued."""
    from articles.models import IndexTask
    from articles.search import queue

    queue.enqueue([a.pk for a in Article.objects.all()])
    assert IndexTask.objects.count() >= 5
    call_command("rebuild_search_index", stdout=io.StringIO(), stderr=io.StringIO())
    assert IndexTask.objects.count() == 0
    assert search_articles(SearchRequest()).total == 5

    queue.enqueue([a.pk for a in Article.objects.all()])
    tehran = newsroom["tehran"].pk
    saved = []

    def save_during_build(_n):
        if not saved:
            saved.append(queue.enqueue([tehran]))

    queue.rebuild_for_queue(progress=save_during_build)
    assert list(IndexTask.objects.values_list("article_id", flat=True)) == [tehran]


def test_clear_index(newsroom):
    search.clear_index()
    assert search_articles(SearchRequest()).total == 0


def test_writers_wait_for_the_lock_then_write(newsroom):
    backend = search.current_engine().backend
    released = threading.Event()

    def hold():
        with backend.location.write_lock(5):
            released.wait(0.5)

    holder = threading.Thread(target=hold)
    holder.start()
    time.sleep(0.1)
    Article.objects.filter(pk=newsroom["tehran"].pk).delete()
    search.remove_articles([newsroom["tehran"].id])  # waits ~0.4 s, then removes
    holder.join()
    assert newsroom["tehran"].id not in ids(search_articles(SearchRequest()))


def test_writer_gives_up_with_a_clear_error_after_the_bounded_wait(newsroom):
    from articles.search.whoosh.generations import IndexLockedError

    backend = search.current_engine().backend
    held, done = threading.Event(), threading.Event()

    def hold():
        with backend.location.write_lock(5):
            held.set()
            done.wait(5)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(5)
    backend.lock_timeout = 0.3
    try:
        with pytest.raises(IndexLockedError, match="stayed locked"):
            search.index_articles([newsroom["tehran"].id])
    finally:
        done.set()
        holder.join()


def test_imported_seed_is_found_by_search_with_roll_up(clean_index, shared):
    call_command("import_articles", str(SEED))
    article = Article.objects.get()
    response = search_articles(SearchRequest(q="Kirkuk", include={"place": ("iraq",)}))
    assert ids(response) == {article.id}
    assert {"iraq"} <= {f.value for f in response.facets["place"]}
    assert ids(search_articles(SearchRequest(q="Ain al-Asad"))) == {article.id}


def test_undated_articles_are_found_but_never_match_a_date_range(newsroom):
    undated = Article.objects.create(
        headline="Undated zebra report", slug="undated", body="zebra", fingerprint="undated"
    )
    search.index_articles([undated.id])
    assert ids(search_articles(SearchRequest(q="zebra"))) == {undated.id}
    assert undated.id not in ids(search_articles(SearchRequest(date_from=date(1900, 1, 1))))
    assert search_articles(SearchRequest(sort="newest")).hits[-1].article_id == undated.id


def test_processes_starting_on_a_missing_index_share_one_empty_index(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    from whoosh.fields import ID, Schema
    from whoosh.filedb.filestore import FileStorage

    from articles.search.whoosh.generations import IndexLocation

    schema = Schema(id=ID(stored=True))
    with ThreadPoolExecutor(4) as pool:
        dirs = set(pool.map(lambda _: IndexLocation(tmp_path).live_dir(schema), range(8)))
    assert len(dirs) == 1
    assert FileStorage(str(dirs.pop())).open_index().doc_count() == 0


def test_threads_share_one_snapshot_instead_of_rebuilding_it(newsroom):
    """haystack gives each thread its own backend and schema: the searcher must not care."""
    assert search_articles(SearchRequest(q="troops")).total == 4
    first = search.current_engine().fast.live.snapshot()
    seen, errors = [], []
    barrier = threading.Barrier(2)

    def reader():  # ids only: the thread must not share the test's database connection
        try:
            barrier.wait(5)
            for _ in range(3):
                assert len(list(search.iter_result_ids(SearchRequest(q="troops")))) == 4
                seen.append(search.current_engine().fast.live.snapshot())
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=reader) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(seen) == 6 and all(snap is first for snap in seen)
    assert search.current_engine().fast.live.snapshot() is first


@pytest.fixture
def with_undated(newsroom):
    made = []
    for n in range(3):
        made.append(
            Article.objects.create(
                headline=f"Undated troops report {n}",
                slug=f"undated-{n}",
                body="troops",
                fingerprint=f"undated-{n}",
            )
        )
    search.index_articles(a.id for a in made)
    return {a.id for a in made}


@pytest.mark.parametrize("sort", ["oldest", "newest"])
@pytest.mark.parametrize("q", ["", "troops"])
def test_undated_articles_sort_last_both_ways(with_undated, sort, q):
    everything = list(search.iter_result_ids(SearchRequest(q=q, sort=sort)))
    dated = [i for i in everything if i not in with_undated]
    assert everything[len(dated) :] == sorted(everything[len(dated) :], reverse=sort == "newest")
    assert set(everything[len(dated) :]) == with_undated
    first = search_articles(SearchRequest(q=q, sort=sort, per_page=1)).hits  # top-k path
    assert first[0].article_id == dated[0]
    pages = [
        h.article_id
        for p in (1, 2, 3, 4)
        for h in search_articles(SearchRequest(q=q, sort=sort, page=p, per_page=2)).hits
    ]
    assert pages == everything


# --- disjunctive facets ------------------------------------------------------------------


def assert_counts_are_what_a_click_finds(request: SearchRequest) -> dict:
    """Every count shown next to a value equals the hits of selecting just that value."""
    response = search_articles(request)
    assert response.total == len(list(search.iter_result_ids(request)))
    for name in request.include:
        for fc in response.facets[name]:
            alone = SearchRequest(
                q=request.q,
                include={**request.include, name: (fc.value,)},
                exclude=request.exclude,
                facets=False,
            )
            assert search_articles(alone).total == fc.count, (name, fc)
    return {name: {f.value: f.count for f in values} for name, values in response.facets.items()}


def test_a_selected_filter_still_counts_its_other_values(newsroom):
    counts = assert_counts_are_what_a_click_finds(SearchRequest(include={"source": ("reuters",)}))
    assert counts["source"] == {"reuters": 3, "press-tv": 2}  # a second outlet can be added
    assert counts["place"] == {"iraq": 2}  # other groups count within the selection
    both = search_articles(SearchRequest(include={"source": ("reuters", "press-tv")}))
    assert both.total == 3 + 2


def test_disjunctive_counts_keep_the_other_filters_and_the_words(newsroom):
    request = SearchRequest(
        q="troops",
        include={"place": ("iraq",), "source": ("reuters",)},
        exclude={"year": ("2021",)},
    )
    counts = assert_counts_are_what_a_click_finds(request)
    assert counts["place"] == {"iraq": 1}  # troops in Reuters, not 2021: Baghdad only
    assert counts["source"] == {"reuters": 1, "press-tv": 1}  # troops in Iraq, not 2021
    assert counts["year"] == {"2020": 1}  # unselected group: over the matches
    kirkuk = assert_counts_are_what_a_click_finds(SearchRequest(include={"place": ("kirkuk",)}))
    assert kirkuk["place"] == {"iraq": 3, "kirkuk": 1, "iran": 1}


def test_landing_page_counts_are_still_cached(newsroom):
    search_articles(SearchRequest())
    snap = search.current_engine().fast.live.snapshot()
    cached = snap.all_facets
    assert cached is not None
    search_articles(SearchRequest(include={"place": ("iraq",)}))
    assert search_articles(SearchRequest()).facets["place"] and snap.all_facets is cached


# --- words too common or too short to search for -------------------------------------------


@pytest.fixture
def us_articles(newsroom):
    made = {}
    for key, headline, body in [
        ("us", "US troops leave Syria", "The US said its troops would go home."),
        ("dotted", "U.S. envoy in Baghdad", "A U.S. envoy met officials."),
        ("pronoun", "Farmers speak", "They told us the harvest was poor."),
    ]:
        made[key] = Article.objects.create(
            headline=headline, slug=key, body=body, fingerprint=key, published=date(2022, 1, 1)
        )
    search.index_articles(a.id for a in made.values())
    return made


@pytest.mark.parametrize("q", ["US", "U.S.", "u.s", "us"])
def test_us_and_u_s_are_searchable_and_meet(us_articles, q):
    response = search_articles(SearchRequest(q=q))
    found = ids(response)
    assert {us_articles["us"].id, us_articles["dotted"].id} <= found
    # Only articles that say US, U.S. or us (the text is lower-cased: the pronoun matches too).
    assert found <= {a.id for a in us_articles.values()}
    assert not response.notes
    marked = " ".join(h.headline_html for h in response.hits)
    assert "<mark>US</mark> troops" in marked and "<mark>U.S</mark>. envoy" in marked


def test_a_query_of_only_stop_words_matches_nothing_and_says_why(us_articles):
    response = search_articles(SearchRequest(q="the"))
    assert response.total == 0 and response.hits == []
    assert response.notes == [
        "“the” is too common a word to search for, so no article can match. "
        "Search for rarer or longer words."
    ]
    assert list(search.iter_result_ids(SearchRequest(q="the"))) == []
    both = search_articles(SearchRequest(q="a AND b"))
    assert both.total == 0
    assert both.notes[0].startswith("“a” and “b” are too short words to search for")


def test_common_words_among_others_are_left_out_with_a_note(us_articles, newsroom):
    response = search_articles(SearchRequest(q="the troops"))
    assert ids(response) == ids(search_articles(SearchRequest(q="troops")))
    assert response.notes == ["“the” is too common a word to search for; it was left out."]
    either = search_articles(SearchRequest(q="the OR Kirkuk"))
    assert ids(either) == {newsroom["kirkuk"].id}
    excluded = search_articles(SearchRequest(q="Kirkuk -the"))
    assert ids(excluded) == {newsroom["kirkuk"].id}
    assert "“the” is too common a word" in excluded.notes[0]


COUNTED = [
    SearchRequest(),
    SearchRequest(q="troops"),
    SearchRequest(q="troops", include={"place": ("iraq",)}, exclude={"source": ("press-tv",)}),
    SearchRequest(q="the"),
    SearchRequest(date_from=date(2020, 1, 1)),
]


@pytest.mark.parametrize("request_", COUNTED, ids=range(len(COUNTED)))
def test_count_articles_is_the_total_of_the_search(newsroom, request_):
    assert search.count_articles(request_) == search_articles(request_).total


def test_index_files_keep_a_read_position_per_thread(tmp_path):
    """Threads share one searcher: a seek() in one must not move another's reads."""
    import pickle

    from articles.search.whoosh.storage import MappedFileStorage

    (tmp_path / "postings").write_bytes(bytes(range(256)) + pickle.dumps(("block", 7)))
    f = MappedFileStorage(str(tmp_path), readonly=True).open_file("postings")
    f.seek(10)
    seen = []

    def other():
        f.seek(200)
        seen.append(f.read(2))
        f.seek(256)
        seen.append(f.read_pickle())

    thread = threading.Thread(target=other)
    thread.start()
    thread.join()
    assert f.read(2) == bytes([10, 11]) and f.tell() == 12
    assert seen == [bytes([200, 201]), ("block", 7)]
    assert f.get(250, 3) == bytes([250, 251, 252])
    f.seek(-2, 2)
    assert f.read() == pickle.dumps(("block", 7))[-2:]
    f.close()


# --- Per-segment arrays shared by the workers (issue 12) ---------------------------------


def _segment_files(folder):
    return sorted(
        p.name for p in folder.iterdir() if p.name.startswith("MAIN_") and ".newsroom" in p.name
    )


def test_segment_arrays_are_files_every_worker_maps(newsroom):
    """A worker maps the arrays a writer stored beside the segment (one page-cache copy for
    every worker) instead of reading the whole index into its own memory."""
    import numpy as np

    from articles.search.whoosh.snapshot import LiveSearcher

    engine = search.current_engine()
    folder = engine.backend.location.live_dir()
    assert any(name.endswith("done.json") for name in _segment_files(folder))
    fresh = LiveSearcher(engine.backend.location, engine.backend.schema).snapshot()
    column = fresh.facets["place"]
    for part, _ in column.parts:
        for array in (part.vals, part.docs, part.indptr, part.postings):
            assert isinstance(array.base, np.memmap) and not array.flags.writeable
    assert search_articles(SearchRequest(include={"place": ("iraq",)})).total == 3  # Kirkuk too


def test_a_commit_reads_only_its_new_segment(newsroom, monkeypatch):
    from articles.search.whoosh import segment_arrays

    search_articles(SearchRequest())  # the searcher is open
    computed = []
    original = segment_arrays._compute
    monkeypatch.setattr(segment_arrays, "_compute", lambda *a: computed.append(1) or original(*a))
    a = Article.objects.create(headline="Zebra crossing", slug="z", body="zebra", fingerprint="z")
    search.index_articles([a.id])
    assert search_articles(SearchRequest(q="zebra")).total == 1
    assert len(computed) == 1  # the new segment, once: by the writer, not by the reader


def test_segment_files_go_with_their_segment(newsroom):
    """Whoosh's clean-up deletes a merged-away segment's files, ours included."""
    engine = search.current_engine()
    for n in range(12):  # enough small commits for Whoosh to merge segments
        a = Article.objects.create(headline=f"Merge {n}", slug=f"m{n}", body="m", fingerprint=n)
        search.index_articles([a.id])
    folder = engine.backend.location.live_dir()
    from whoosh.filedb.filestore import FileStorage

    ix = FileStorage(str(folder)).open_index()
    live = {s.segment_id() for s in ix._segments()}
    owners = {name.split(".newsroom")[0] for name in _segment_files(folder)}
    assert owners == live
    assert search_articles(SearchRequest(q="merge")).total == 12


def test_facet_counts_read_in_part_are_in_the_same_order_as_all_of_them():
    """Values are ordered only as far as a page reads them (count desc, then value)."""
    import random

    import numpy as np

    from articles.search.whoosh.facets import TopCounts

    rng = random.Random(5)
    values = sorted(f"v{n:05d}" for n in range(3000))
    counts = np.array([rng.choice([0, 0, 1, 2, 3, 50]) for _ in values], dtype=np.int64)
    expected = sorted(
        ((v, int(c)) for v, c in zip(values, counts, strict=True) if c), key=lambda p: (-p[1], p[0])
    )
    for k in (0, 1, 10, 200, len(expected), len(expected) + 5):
        assert TopCounts(values, counts)[:k] == expected[:k]
    reread = TopCounts(values, counts)  # one page reads the first values several times
    for k in (10, 3, 200, 50, len(expected) + 5, 7):
        assert reread[:k] == expected[:k]
    top = TopCounts(values, counts)
    assert len(top) == len(expected)
    assert top[3] == expected[3] and top[-1] == expected[-1]
    assert top[5:9] == expected[5:9] and top[::-100] == expected[::-100]
    assert list(top) == expected


def test_searching_words_reads_posting_slices_not_whooshs_blocks(newsroom, monkeypatch):
    """The searched text's posting lists and positions are decoded once into the segment's
    files; a search slices them instead of unpickling Whoosh's blocks (most of its time)."""
    from articles.search.whoosh import snapshot

    decoded = []
    original = snapshot._leaf_postings
    monkeypatch.setattr(
        snapshot, "_leaf_postings", lambda r, f, t: decoded.append(f) or original(r, f, t)
    )
    assert ids(search_articles(SearchRequest(q="troops oil"))) == {
        newsroom["kirkuk"].id,
        newsroom["biden"].id,
    }
    assert ids(search_articles(SearchRequest(q="pentagon -iraq zanzibar"))) == set()
    from articles.search.whoosh import phrases

    read = []
    monkeypatch.setattr(phrases, "_positions", lambda *a: read.append(a))
    assert ids(search_articles(SearchRequest(q='"oil prices"'))) == {newsroom["biden"].id}
    assert "text" not in decoded and not read


def test_small_segments_are_searched_from_whooshs_postings_alike(newsroom, monkeypatch):
    """An import's small segments keep their text postings in Whoosh only: same results as
    from the decoded files, on the same index."""
    from articles.search.whoosh import segment_arrays, text_postings
    from articles.search.whoosh.snapshot import LiveSearcher

    engine = search.current_engine()
    asked = [
        SearchRequest(q="troops oil"),
        SearchRequest(q='"oil prices"'),
        SearchRequest(q='"near kirkuk" OR pentagon'),
        SearchRequest(q="-iraq"),
    ]

    def answers():
        return [
            (r.total, [(h.article_id, round(h.score, 4)) for h in r.hits])
            for r in map(search_articles, asked)
        ]

    from_files = answers()
    assert all(arrays.text is not None for _, _, arrays in engine.fast.live.snapshot().leaves)
    folder = engine.backend.location.live_dir()
    # Small segments, then a segment whose words are all too rare to be decoded.
    for segment_docs, term_docs in ((10**9, 1), (0, 10**9)):
        for path in folder.glob("MAIN_*.newsroom*"):
            path.unlink()
        monkeypatch.setattr(segment_arrays, "TEXT_POSTINGS_MIN_DOCS", segment_docs)
        monkeypatch.setattr(text_postings, "MIN_TERM_DOCS", term_docs)
        fresh = LiveSearcher(engine.backend.location, engine.backend.schema)
        monkeypatch.setattr(type(engine), "fast", property(lambda self, f=fresh: FastSearch(f)))
        texts = [arrays.text for _, _, arrays in fresh.snapshot().leaves]
        assert all((t is None) == (segment_docs > 0) for t in texts)
        assert answers() == from_files
