"""An acronym joins the organization it stands for where its own context says which one
(issue 19): the same article naming that organization in full, or its outlet and period
using the acronym in that sense; never across meanings ("CBC" the Congressional Black
Caucus in a CNN story, the Canadian Broadcasting Corporation in a Tehran Times one). Real
articles from ../shared/corpus, a real database and real extraction."""

import pytest

from articles.extraction.variants import spells
from articles.models import Entity, MergeRecord

from .conftest import CORPUS
from .test_org_names import import_items, names_of, resolve

REUTERS = CORPUS / "reuters21578" / "reut2-000.sgm"
TEHRAN_TIMES = CORPUS / "tehran_times" / "tehran_times.jsonl"
BUZZFEED = CORPUS / "buzzfeed_webis_2016" / "articles"


def test_an_acronym_spells_its_name_as_schwartz_and_hearst_read_it():
    assert spells("IOM", "International Organization for Migration")
    assert spells("ASEAN", "Association of Southeast Asian Nations")  # two letters of a word
    assert spells("OPEC", "Organization of the Petroleum Exporting Countries")
    assert not spells("CBC", "Black Caucus")
    assert not spells("IOM", "International Agency for Migration")  # every word gives one


@pytest.mark.django_db(transaction=True)
def test_an_acronym_joins_the_organization_its_article_names_in_full(shared, clean_index):
    """Tehran Times: "... of the International Organization for Migration told AFP" and
    later "IOM estimated"; "given by the AHC. Asian Handball Confederation expressed";
    Reuters, 26 February 1987: "The Commodity Credit Corporation, CCC, has accepted"; none
    defines the acronym in brackets, so extraction files each acronym apart."""
    stories = import_items([(TEHRAN_TIMES, {"338", "271"}), (REUTERS, {"19"})])
    iom, ahc = stories["tehran_times.jsonl#338"], stories["tehran_times.jsonl#271"]
    ccc = stories["reut2-000.sgm#19"]
    assert {"IOM", "International Organization for Migration"} <= names_of(iom, "organization")
    resolve()
    assert "IOM" not in names_of(iom, "organization")
    assert "International Organization for Migration" in names_of(iom, "organization")
    assert "AHC" not in names_of(ahc, "organization")
    assert "Asian Handball Confederation" in names_of(ahc, "organization")
    assert "CCC" not in names_of(ccc, "organization")
    assert not Entity.objects.filter(kind="organization", key__in=["iom", "ahc", "ccc"]).exists()
    record = MergeRecord.objects.get(action=MergeRecord.Action.SHORT_NAME, key="iom")
    assert record.entity_name == "International Organization for Migration"
    assert record.article_ids == [iom.pk]
    assert record.reason == "an acronym (IOM); 1 named in full in the same article"


@pytest.mark.django_db(transaction=True)
def test_an_acronym_of_two_meanings_joins_each_only_where_its_context_says(shared, clean_index):
    """ "CBC dinner" in a CNN story naming the Congressional Black Caucus; "CBC" in a Tehran
    Times story naming the Canadian Broadcasting Corporation: two organizations, one
    acronym, never merged across meanings."""
    stories = import_items([(BUZZFEED / "0237.xml", None), (TEHRAN_TIMES, {"28009"})])
    cnn, tehran = stories["0237.xml"], stories["tehran_times.jsonl#28009"]
    assert "CBC" in names_of(cnn, "organization")
    resolve()
    assert "CBC" not in names_of(cnn, "organization")
    assert "Congressional Black Caucus" in names_of(cnn, "organization")
    assert "Congressional Black Caucus" not in names_of(tehran, "organization")
    assert "CBC" not in names_of(tehran, "organization")
    assert "Canadian Broadcasting Corporation" in names_of(tehran, "organization")


@pytest.mark.django_db(transaction=True)
def test_an_acronym_alone_stays_whatever_its_outlet_and_period_use_it_for(shared, clean_index):
    """Reuters, February and March 1987: two grain stories name the Commodity Credit
    Corporation and its CCC; "COMMERCIAL CREDIT <CCC> SELLS 10-YEAR NOTES" is a ticker
    beside Commercial Credit Co, and an S&P story's "CCC-plus" a rating, naming no one: the
    outlet and period's usual sense is not theirs."""
    stories = import_items([(REUTERS, {"19", "57", "618", "812"})])
    grain, ticker, rating = (stories[f"reut2-000.sgm#{n}"] for n in ("19", "812", "618"))
    resolve()
    assert "Commodity Credit Corporation" in names_of(grain, "organization")
    assert "Commodity Credit Corporation" not in names_of(ticker, "organization")
    assert "Commodity Credit Corporation" not in names_of(rating, "organization")


@pytest.mark.django_db(transaction=True)
def test_asean_cut_and_misspelled_is_one_organization(shared, clean_index):
    """Tehran Times: "the Association of South East Asian nations (ASEAN)" (the tagger cuts
    it before "nations") and "the Association of South East Asia Nations (ASEAN)" in one
    story; another writes "Association of Southeast Asian Nations (ASEAN)"."""
    stories = import_items([(TEHRAN_TIMES, {"352", "493"})])
    resolve()
    for story in stories.values():
        shown = names_of(story, "organization")
        assert "ASEAN" in shown
        assert not {n for n in shown if n.startswith("Association of South")}
