"""The query language on every engine: one table of queries and the articles each must find.

A small fixed archive: four Tehran Times and three BBC articles from ../shared/corpus (real
text, headlines from their own titles) and a few short ones written to pin down what
proximity, exact forms, prefixes, fields and folding mean. Every query runs on each engine
the code declares: the embedded Whoosh engine reading its decoded posting files, the same
engine on segments too small to have them (Whoosh's own blocks), the generic haystack engine
(the cluster's path) run on Whoosh, whose index has three segments; and SolrCloud, two
shards, when SEARCH_URL points at a cluster (`make test-solr`; the other passes skip it).
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from haystack import connections

from articles import search
from articles.extraction.names import name_key
from articles.models import Article, Author, Authorship, Source
from articles.search import SearchRequest, search_articles
from articles.search.haystack_engine import HaystackSearchEngine

from .conftest import CORPUS, ON_CLUSTER
from .test_search_page import clear_archive

pytestmark = pytest.mark.django_db

TEHRAN_TIMES = {  # key -> Tehran Times id (the headline is the title in its address)
    "irgc_fuel": 438915,
    "un_letter": 438583,
    "drone": 437232,
    "grace": 439202,
}
BBC = {"galloway": "politics/150.txt", "gazprom": "business/456.txt", "honda": "business/342.txt"}
WRITTEN = {  # key -> (outlet, headline, body)
    "one_sanction": (
        "reuters",
        "UN weighs a sanction on Tehran",
        "The council discussed a single sanction against the government. "
        "Diplomats sanctioned the plan.",
    ),
    "oil_sanctions": (
        "reuters",
        "Oil talks end in Vienna",
        "Iran faces new oil sanctions after the talks. The sanctioning committee met.",
    ),
    "lifted": ("press-tv", "Embargo eased after talks", "Sanctions against Iran were lifted."),
    "arabic": (
        "press-tv",
        "Kataib Hezbollah statement",
        "The group, كتائب حزب الله, issued a statement in Baghdad.",
    ),
    "istanbul": ("reuters", "Talks in İstanbul", "Delegates met in ISTANBUL on Friday."),
    "asad": ("reuters", "Drone strike near al-Asad base", "The al-Asad air base was targeted."),
    "envoy": ("press-tv", "U.S. envoy visits Baghdad", "The envoy met officials on Monday."),
    "gulf": (
        "press-tv",
        "Tanker traffic in the Gulf of Oman",
        "Shipping through the Gulf of Oman rose; tankers avoided the strait.",
    ),
}
OUTLETS = {
    "reuters": "Reuters",
    "press-tv": "Press TV",
    "tehran-times": "Tehran Times",
    "bbc-news": "BBC News",
}
ALL = frozenset([*TEHRAN_TIMES, *BBC, *WRITTEN])
# Bylines: name -> (slug, the articles). A slug is given once and kept when a name is
# corrected: "jon-gambrell" is Jonathan's, and Jon Gambrell's is numbered.
AUTHORS = {
    "Lisa Rathke": ("lisa-rathke", {"oil_sanctions", "lifted"}),
    "Parisa Hafezi": ("parisa-hafezi", {"oil_sanctions", "envoy"}),
    "Jon Gambrell": ("jon-gambrell-2", {"gulf"}),
    "Jonathan Gambrell": ("jon-gambrell", {"galloway"}),
}


def _tehran_times() -> dict[str, tuple[str, str]]:
    wanted = {v: k for k, v in TEHRAN_TIMES.items()}
    found = {}
    with open(CORPUS / "tehran_times" / "tehran_times.jsonl", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            if record["id"] in wanted:
                title = record["url"].rsplit("/", 1)[-1].replace("-", " ")
                found[wanted[record["id"]]] = (title, record["text"])
    return found


def _bbc() -> dict[str, tuple[str, str]]:
    out = {}
    for key, path in BBC.items():
        headline, body = (CORPUS / "bbc_news" / path).read_text(encoding="latin-1").split("\n", 1)
        out[key] = (headline.strip(), body.strip())
    return out


@pytest.fixture(scope="module")
def archive(django_db_setup, django_db_blocker):
    """Key -> article id; the articles stay for the module, indexed by ``engine``."""
    if not CORPUS.exists():
        pytest.skip("../shared/corpus is not beside the repository")
    with django_db_blocker.unblock():
        clear_archive()
        sources = {
            slug: Source.objects.create(slug=slug, name=name) for slug, name in OUTLETS.items()
        }
        texts = {
            **{k: ("tehran-times", *v) for k, v in _tehran_times().items()},
            **{k: ("bbc-news", *v) for k, v in _bbc().items()},
            **WRITTEN,
        }
        made = {}
        for n, (key, (outlet, headline, body)) in enumerate(sorted(texts.items())):
            made[key] = Article.objects.create(
                source=sources[outlet],
                headline=headline,
                slug=key.replace("_", "-"),
                body=body,
                published=date(2019, 7, 1 + n),
                fingerprint=key,
            ).id
        assert set(made) == ALL
        for position, (name, (slug, keys)) in enumerate(AUTHORS.items()):
            author = Author.objects.create(name=name, key=name_key(name), slug=slug)
            for key in keys:
                Authorship.objects.create(article_id=made[key], author=author, position=position)
        try:
            yield made
        finally:
            clear_archive()


ENGINES = ["whoosh", "whoosh-blocks", "haystack", "solr"]


@pytest.fixture(scope="module", params=ENGINES)
def indexed(request, archive):
    """The archive in a fresh index of three segments, as the engine named by the parameter
    reads it; on a cluster, indexed through the engine as the site does."""
    from articles.search.whoosh import segment_arrays, text_postings
    from articles.search.whoosh.values import whoosh_document

    if request.param == "solr":
        if not ON_CLUSTER:
            pytest.skip("no cluster: SEARCH_URL is not solr:// (make test-solr runs this)")
        connections.reload("default")
        engine = search.current_engine()
        engine.clear()
        engine.index(sorted(archive.values()))
        return request.param
    if ON_CLUSTER:
        pytest.skip("the cluster pass runs the cluster; Whoosh runs in the other passes")

    with pytest.MonkeyPatch.context() as patch:
        if request.param != "whoosh-blocks":  # posting files even for these few articles
            patch.setattr(segment_arrays, "TEXT_POSTINGS_MIN_DOCS", 0)
            patch.setattr(text_postings, "MIN_TERM_DOCS", 1)
        connections.reload("default")
        engine = search.current_engine()
        engine.clear()
        ids = sorted(archive.values())
        for chunk in (ids[:5], ids[5:10], ids[10:]):  # Whoosh would merge them
            writer = engine.backend.index.refresh().writer()
            for doc in engine.article_index.build_documents(chunk):
                writer.add_document(**whoosh_document(doc, engine.backend.schema))
            writer.commit(merge=False)
        segment_arrays.prebuild(engine.backend.index.refresh())
    return request.param


@pytest.fixture
def engine(indexed, archive, monkeypatch):
    if indexed == "solr":
        return indexed
    leaves = search.current_engine().fast.live.snapshot().leaves
    assert len(leaves) == 3
    assert all((arrays.text is None) == (indexed == "whoosh-blocks") for *_, arrays in leaves)
    if indexed == "haystack":
        monkeypatch.setattr(
            search.service, "current_engine", lambda: HaystackSearchEngine(connections["default"])
        )
    return indexed


def found(archive, q: str, **request) -> set[str]:
    by_id = {v: k for k, v in archive.items()}
    response = search_articles(SearchRequest(q=q, per_page=50, **request))
    assert response.query_error is None, response.query_error
    assert response.total == len(response.hits)
    return {by_id[hit.article_id] for hit in response.hits}


HORMUZ = {"drone", "grace", "irgc_fuel", "un_letter"}  # they also have "tanker"
TANKER = HORMUZ | {"gulf"}
SANCTION = {"drone", "galloway", "grace", "honda", "lifted", "oil_sanctions", "one_sanction"}
REUTERS = {"asad", "istanbul", "oil_sanctions", "one_sanction"}
PRESS_TV = {"arabic", "envoy", "gulf", "lifted"}

# (query, the articles it finds), worked out by hand from the texts above.
QUERIES = [
    # words, AND, OR, NOT and -
    ("tanker", TANKER),
    ("tanker AND Hormuz", HORMUZ),
    ("tanker Hormuz", HORMUZ),
    ("tanker && Hormuz", HORMUZ),
    ("+tanker +Britain", {"grace"}),
    ("tanker NOT Hormuz", {"gulf"}),
    ("tanker -Hormuz", {"gulf"}),
    ("Hormuz OR Baghdad", HORMUZ | {"arabic", "envoy", "galloway"}),
    ("Hormuz || Baghdad", HORMUZ | {"arabic", "envoy", "galloway"}),
    ("NOT tanker", ALL - TANKER),
    ("-tanker", ALL - TANKER),
    ("NOT NOT tanker", TANKER),
    ("Iraq -Baghdad", set()),
    ("Baghdad NOT (Iraq OR Kataib)", {"envoy"}),
    ("NOT (tanker OR sanctions)", {"arabic", "asad", "envoy", "gazprom", "istanbul"}),
    ("Iran AND NOT (tanker OR sanctions)", {"gazprom"}),
    ("tanker OR NOT Iran", ALL - {"gazprom", "lifted", "oil_sanctions"}),
    ("-tanker -Baghdad -sanctions", {"asad", "gazprom", "istanbul"}),
    (
        "Baghdad OR (-Iran -tanker)",
        ALL
        - {
            "drone",
            "gazprom",
            "grace",
            "irgc_fuel",
            "lifted",
            "oil_sanctions",
            "un_letter",
            "gulf",
        },
    ),
    # precedence and nesting: NOT before AND before OR
    ("tanker OR drone Hormuz", TANKER),
    ("(tanker OR drone) Hormuz", HORMUZ),
    ("(tanker OR drone) NOT (Hormuz OR Britain)", {"asad", "gulf"}),
    ("((tanker))", TANKER),
    ("(Iran (tanker OR (drone AND Trump)))", HORMUZ),
    ("nuclear OR (Russia -Gazprom)", {"drone", "gazprom", "honda"}),
    ('tanker (Hormuz OR "Gulf of Oman")', TANKER),
    # lower-case and/or/not are words (too common to search: left out, with a note)
    ("tanker not Hormuz", HORMUZ),
    ("Iran or Iraq", set()),
    ("the tanker", TANKER),
    # phrases: in quotes, exact word forms in this order
    ('"Strait of Hormuz"', HORMUZ),
    ('Strait Hormuz -"Strait of Hormuz"', set()),
    ('"oil tanker"', {"grace", "irgc_fuel", "un_letter"}),
    ('"oil tankers"', {"drone"}),
    ('"tanker oil"', set()),
    ('"iran sanctions"', set()),
    ('tanker NOT "oil tanker"', {"drone", "gulf"}),
    ('("Persian Gulf" OR "Gulf of Oman") -Hormuz', {"gulf"}),
    ('"British tanker" OR "Gulf of Oman"', {"grace", "gulf", "un_letter"}),
    # proximity: "…"~n is Lucene's sloppy phrase, NEAR/n at most n words between, any order
    ('"iran sanctions"~1', {"drone"}),
    ('"sanctions iran"~1', {"lifted"}),
    ('"iran sanctions"~3', {"drone", "lifted", "oil_sanctions"}),
    ('"seized tanker"~2', {"grace", "irgc_fuel"}),
    ("Iran NEAR/1 sanctions", {"drone", "lifted"}),
    ("Iran NEAR/3 sanctions", {"drone", "lifted", "oil_sanctions"}),
    ("=iran NEAR/5 =sanctions", {"drone", "grace", "lifted", "oil_sanctions"}),
    ("tanker NEAR/0 oil", HORMUZ),
    ("tanker NEAR/2 seized", {"grace", "irgc_fuel"}),
    ("drone NEAR/1 surveillance", {"drone"}),
    # prefixes: the word forms beginning with the letters
    ("sanction*", SANCTION),
    ("sanctio*", SANCTION),
    ("tank*", TANKER),
    ("seiz* -Britain", {"irgc_fuel", "un_letter"}),
    ("-sanction*", ALL - SANCTION),
    ("headline:sanction*", {"one_sanction"}),
    ("zzzq*", set()),
    ("Hormuz zzzq*", set()),
    ("Hormuz OR zzzq*", HORMUZ),
    ("-zzzq*", ALL),
    # exact forms: =word, or in quotes; without, every form of the word
    ("sanction", SANCTION),
    ("=sanction", {"one_sanction"}),
    ('"sanctioned"', {"one_sanction"}),
    ("=sanctions", SANCTION - {"one_sanction"}),
    ("=iran", {"drone", "gazprom", "grace", "irgc_fuel", "lifted", "oil_sanctions", "un_letter"}),
    ("=irans", HORMUZ),  # "Iran’s", its apostrophe folded away
    # fields
    ("headline:tanker", TANKER - {"drone"}),
    ("title:tanker", TANKER - {"drone"}),
    ("headline:(tanker OR drone)", TANKER | {"asad"}),
    ("headline:Iran", {"drone", "grace", "un_letter"}),
    ('headline:"oil tanker"', {"grace"}),
    ("outlet:reuters", REUTERS),
    ('source:"Press TV"', PRESS_TV),
    ("outlet:press-tv tanker", {"gulf"}),
    ("tanker -outlet:tehran-times", {"gulf"}),
    (
        "outlet:(reuters OR bbc-news) sanctions",
        {"galloway", "honda", "oil_sanctions", "one_sanction"},
    ),
    ('outlet:"Tehran Times" AND NOT headline:tanker', {"drone"}),
    ("outlet:bbc", set()),
    ("author:lisa-rathke", {"oil_sanctions", "lifted"}),
    ('author:"Lisa Rathke"', {"oil_sanctions", "lifted"}),
    ('byline:"PARISA HAFEZI"', {"oil_sanctions", "envoy"}),
    ('author:"Jon Gambrell"', {"gulf"}),
    ("author:jon-gambrell", {"galloway"}),
    ("sanctions author:parisa-hafezi", {"oil_sanctions"}),
    ("sanctions -author:lisa-rathke", SANCTION - {"oil_sanctions", "lifted"}),
    ("author:(lisa-rathke OR parisa-hafezi)", {"oil_sanctions", "lifted", "envoy"}),
    ("author:lisa-rathke author:parisa-hafezi", {"oil_sanctions"}),
    ("outlet:press-tv author:lisa-rathke", {"lifted"}),
    ("author:rathke", set()),
    ("tanker OR author:rathke", TANKER),
    # Unicode: Arabic script, Turkish dotted capital I, apostrophes, inner punctuation
    ("كتائب حزب الله", {"arabic"}),
    ('"حزب الله"', {"arabic"}),
    ("Kata'ib", {"arabic"}),
    ("Kata’ib OR İstanbul", {"arabic", "istanbul"}),
    ("İstanbul", {"istanbul"}),
    ("ISTANBUL", {"istanbul"}),
    ("al-Asad", {"asad"}),
    ("U.S.", {"drone", "envoy", "gazprom"}),
]


@pytest.mark.parametrize(("q", "expected"), QUERIES, ids=[q for q, _ in QUERIES])
def test_each_query_finds_exactly_its_articles(engine, archive, q, expected):
    assert found(archive, q) == set(expected)


# (positive, negative): each finds articles the other does too, and some it does not.
NEGATIONS = [
    ("tanker", "Hormuz"),
    ("sanction*", "Iran"),
    ('"oil tanker"', "Britain"),
    ("outlet:reuters", "sanctions"),
    ("Iran NEAR/3 sanctions", '"oil sanctions"'),
    ("tanker OR Baghdad", '"Gulf of Oman" OR Iraq'),
    ("tanker", "headline:tanker"),
    ("Iran", "=irans"),
    ("sanctions", "author:lisa-rathke"),
]


@pytest.mark.parametrize(("positive", "negative"), NEGATIONS)
def test_not_and_minus_leave_out_exactly_what_the_other_query_finds(
    engine, archive, positive, negative
):
    wanted, unwanted = found(archive, positive), found(archive, negative)
    assert wanted & unwanted and wanted - unwanted  # a case where leaving out shows
    for q in (f"({positive}) NOT ({negative})", f"({positive}) -({negative})"):
        result = found(archive, q)
        assert result.isdisjoint(unwanted) and result == wanted - unwanted, q
    assert found(archive, f"NOT ({negative})") == ALL - unwanted


# Queries that cannot be read: no engine is asked, nothing is found, the error says where.
UNREADABLE = ['"', "(", ")", "AND", "tanker (", "tanker AND", "OR Hormuz", "s*", "x" * 5000,
              "author:Eslami*", "Iran NEAR sanctions", '"iran sanction*"', "tanker~2",
              "(((Hormuz", "--tanker", "Iraq^2", "()", '"oil tanker"~']  # fmt: skip


@pytest.mark.parametrize("q", UNREADABLE, ids=[q[:20] for q in UNREADABLE])
def test_what_cannot_be_read_finds_nothing_on_any_engine(engine, archive, q):
    response = search_articles(SearchRequest(q=q))
    assert response.total == 0 and response.hits == []
    assert response.query_error.message.startswith("Could not read the query: ")
    assert search.count_articles(SearchRequest(q=q)) == 0
    offered = response.query_error.offered
    if offered:  # what it offers reads, and finds what that query finds
        assert search_articles(SearchRequest(q=offered)).query_error is None
