"""Story likeness, the pure part (articles.similarity): copies, figures, headline subjects and
the grouping rules, on real articles of the shared corpus. No Django, no database."""

from __future__ import annotations

import datetime

import pytest

from articles.extraction import extract_documents
from articles.extraction.readers import read_paths
from articles.similarity import copies
from articles.similarity.grouping import (
    EntityWeights,
    Grouper,
    Item,
    Rules,
    Scorer,
    figures_conflict,
    headline_subjects,
    processing_order,
    prominent_entities,
    subjects_conflict,
)
from articles.similarity.text import WordWeights, cosine, figures, lead, text_vector, words

from .conftest import CORPUS


def corpus_documents(*refs: str):
    """Real documents by reference: "r:4453" (Reuters NEWID), "b:0336" (BuzzFeed file)."""
    if not CORPUS.exists():
        pytest.skip("../shared/corpus is not beside the repository")
    wanted, found = set(refs), {}
    reuters = {r.split(":")[1] for r in refs if r.startswith("r:")}
    for r in refs:
        if r.startswith("b:"):
            path = CORPUS / "buzzfeed_webis_2016" / "articles" / f"{r[2:]}.xml"
            found[r] = next(iter(read_paths([str(path)])))
    if reuters:
        for path in sorted((CORPUS / "reuters21578").glob("reut2-*.sgm")):
            for doc in read_paths([str(path)]):
                if doc.ordinal in reuters:
                    found[f"r:{doc.ordinal}"] = doc
            if wanted <= found.keys():
                break
    return [found[r] for r in refs]


def extracted(*refs: str):
    return list(extract_documents(corpus_documents(*refs), model="builtin"))


def item(article, number: int, weights: WordWeights, scorer: Scorer) -> Item:
    parsed = article.parsed
    names = {hash(e.name) % 10_000: [e.name, *e.mentions] for e in article.entities}
    counts = {hash(e.name) % 10_000: sum(e.mentions.values()) for e in article.entities}
    subjects = headline_subjects(parsed.title, names)
    text = lead(parsed.title, parsed.body)
    found = Item(
        id=number,
        outlet=hash(parsed.source) % 1000,
        day=parsed.published.toordinal() if parsed.published else None,
        sequence=number,
        entities=frozenset(names),
        figures=figures(text),
        signature=copies.signature(parsed.body),
        subjects=subjects,
        prominent=prominent_entities(subjects, counts),
    )
    scorer.add(number, text_vector(text, weights), found.entities)
    return found


def test_words_are_folded_and_keep_figures_whole():
    assert words("Trump’s $1.6 million: 295,000 HEAD, Zürich") == [
        "trumps",
        "1.6",
        "million",
        "295,000",
        "head",
        "zurich",
    ]


def test_a_near_exact_copy_is_a_copy_and_another_report_is_not():
    sun, phillips = (a.parsed.body for a in extracted("r:4453", "r:4474"))
    edited = sun.replace("said", "announced", 1) + " Reuters."
    assert copies.is_copy(copies.signature(sun), copies.signature(edited))
    assert set(copies.band_keys(copies.signature(sun))) & set(
        copies.band_keys(copies.signature(edited))
    )
    # Two companies' announcements of the same price move share most words, not the text.
    assert not copies.is_copy(copies.signature(sun), copies.signature(phillips))


def test_words_common_in_the_archive_weigh_less_than_in_english_at_large():
    plain, wire = WordWeights(), WordWeights({"mln": 0.3, "said": 0.8})
    assert plain("mln") > 5 > wire("mln") > wire("said") > 0
    assert plain("the") < 0.5 and plain("crutcher") > 10


def test_the_same_event_in_two_outlets_reads_alike_and_the_next_one_does_not():
    cnn, politico, union = extracted("b:0336", "b:1070", "b:1100")
    weights = WordWeights()

    def vector(a):
        return text_vector(lead(a.parsed.title, a.parsed.body), weights)

    # Trump on the Tulsa shooting, CNN and Politico; the police union's answer is another story.
    assert cosine(vector(cnn), vector(politico)) > cosine(vector(cnn), vector(union))


def test_reports_of_one_kind_with_other_figures_conflict():
    a = Item(1, 1, 1, 1, figures=frozenset({"295,000", "305,000", "307,000", "276,000"}))
    b = Item(2, 1, 2, 2, figures=frozenset({"290,000", "300,000", "295,000", "281,000"}))
    same = Item(3, 2, 1, 3, figures=frozenset({"295,000", "305,000", "307,000"}))
    assert figures_conflict(a, b)
    assert not figures_conflict(a, same)


def test_headlines_naming_two_companies_keep_their_reports_apart():
    sun, phillips, chubb, chubb_again = extracted("r:4453", "r:4474", "r:11515", "r:11396")
    weights, scorer = WordWeights(), Scorer(EntityWeights({}, 1))
    items = [item(a, n, weights, scorer) for n, a in enumerate([sun, phillips, chubb, chubb_again])]
    assert items[0].subjects and items[1].subjects
    assert subjects_conflict(items[0], items[1])
    assert not subjects_conflict(items[2], items[3])


def test_grouping_puts_each_event_together_and_look_alikes_apart():
    refs = [
        "b:0336",  # Trump "very troubled" by the Tulsa shooting (CNN)
        "b:1070",  # Trump suggests the Tulsa officer "choked" (Politico)
        "r:7524",  # Reagan vows to veto any tax increase
        "r:7610",  # the same story sent again the next day: a copy
        "r:4453",  # Sun raises crude postings
        "r:4474",  # Phillips raises crude postings: a look-alike of Sun's
        "r:11515",  # Chubb completes Sovereign buyout
        "r:11396",  # Chubb completes acquisition
    ]
    articles = extracted(*refs)
    weights = WordWeights()
    items = []
    counts: dict[int, int] = {}
    scorer = Scorer(EntityWeights(counts, len(refs)))
    for n, article in enumerate(articles):
        items.append(item(article, n, weights, scorer))
        for entity in items[-1].entities:
            counts[entity] = counts.get(entity, 0) + 1
    grouper = Grouper(scorer)
    for found in processing_order(items):
        grouper.add(found, copies.band_keys(found.signature))
    story = {n: grouper.cluster_of(n).id for n in range(len(refs))}
    assert story[0] == story[1], "Trump on Tulsa, CNN and Politico"
    assert story[2] == story[3], "the Reagan veto story and its copy"
    assert grouper.cluster_of(3).members[-1].copy_of == 2
    assert story[6] == story[7], "Chubb completes the Sovereign deal"
    assert story[4] != story[5], "Sun's and Phillips' crude postings are two stories"
    assert len({story[0], story[2], story[4], story[6]}) == 4


def test_stricter_rules_merge_less():
    articles = extracted("r:11515", "r:11396")
    for rules, together in ((Rules(), True), (Rules(unknown=0.99, near=0.99), False)):
        weights, counts = WordWeights(), {}
        scorer = Scorer(EntityWeights(counts, 2, rules), rules)
        items = [item(a, n, weights, scorer) for n, a in enumerate(articles)]
        for found in items:
            for entity in found.entities:
                counts[entity] = counts.get(entity, 0) + 1
        grouper = Grouper(scorer)
        for found in processing_order(items):
            grouper.add(found)
        assert (grouper.cluster_of(0) is grouper.cluster_of(1)) is together


def test_a_pinned_article_stays_with_its_pin_and_apart_from_another():
    weights, scorer = WordWeights(), Scorer(EntityWeights({7: 3}, 3))
    day = datetime.date(2016, 9, 23).toordinal()
    text = "Ted Cruz endorsed Donald Trump for president on Friday in a Facebook post."
    for n in range(3):
        scorer.add(n, text_vector(text, weights), frozenset({7}))
    grouper = Grouper(scorer)
    grouper.add(Item(0, 1, day, 0, frozenset({7}), pin="a"))
    grouper.add(Item(1, 2, day, 1, frozenset({7}), pin="b"))
    grouper.add(Item(2, 3, day, 2, frozenset({7})))
    assert grouper.cluster_of(0) is not grouper.cluster_of(1)  # the same text, two pins
    assert grouper.cluster_of(2) in (grouper.cluster_of(0), grouper.cluster_of(1))
