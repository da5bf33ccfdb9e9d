"""Junk and near-duplicates (issue 19 item 1): names run together by headlines, misspelt,
written with a short given name or without a middle name join the person they are; ships,
treaties, generic words and names cut short are no organizations; buildings and venues are
no people; "&" joins one firm; one sea under two names, one outlet under two names."""

import io
from collections import Counter

import pytest
from django.core.management import call_command

from articles.extraction.names import name_key, name_slug
from articles.extraction.outlets import recognise_outlet
from articles.extraction.readers import read_paths
from articles.extraction.variants import match_key
from articles.ingest import import_documents
from articles.ingest.reconcile.evidence import Evidence, Name, WordCase
from articles.ingest.reconcile.fragments import fragment_rules, surname_fragments
from articles.ingest.reconcile.junk import junk_kinds, junk_names
from articles.ingest.reconcile.name_evidence import period_of
from articles.models import Article, Entity, MergeRecord, Source

from .conftest import CORPUS

TEHRAN_2019, BBC_2004, HUFFPOST_2022 = period_of(1, 2019), period_of(2, 2004), period_of(3, 2022)
REUTERS_1987 = period_of(4, 1987)


def name(pk: int, kind: str, text: str, articles: int) -> Name:
    return Name(
        pk, kind, text, name_key(text), match_key(kind, text), name_slug(text), "", "", articles
    )


def evidence(names, periods=None, **counts) -> Evidence:
    ev = Evidence({n.id: n for n in names}, {}, WordCase(), Counter(), {}, [])
    ev.periods = {pk: Counter(p) for pk, p in (periods or {}).items()}
    for field, values in counts.items():
        target = ev.vessels if field == "vessels" else getattr(ev.case, field)
        target.update(values)
    return ev


def verdicts(proposals) -> dict[str, tuple]:
    return {
        p.subject.name: (p.verdict, p.target.name if p.target else (p.rename or p.kind))
        for p in proposals
    }


ZARIF = name(1, "person", "Mohammad Javad Zarif", 2800)
LAVROV = name(2, "person", "Sergei Lavrov", 300)


def test_headline_fragments_join_the_person_or_name_no_one():
    people = [
        ZARIF,
        LAVROV,
        name(3, "person", "Zarif U.S.", 37),
        name(4, "person", "Zarif Iran", 27),
        name(5, "person", "Sanctioning Zarif", 6),
        name(6, "person", "Zarif Lavrov", 7),
        name(7, "person", "Mohammad Javad Zarif Expecting", 1),
        name(8, "person", "Zarif", 6),
        name(9, "person", "Graham Hand", 1),  # a name as people have them
        name(10, "person", "B.J. Zarif", 1),  # an initial, not a stray word
        name(11, "person", "Donald Trump Jr.", 300),
        name(12, "person", "Donald Trump", 9000),
        name(13, "person", "Trump Jr.", 4),  # his son, not two names
    ]
    found = verdicts(fragment_rules(people, evidence(people)))
    # a surname and stray words: decided article by article (short_names), merged nowhere
    assert surname_fragments(people, evidence(people)) == {3: "zarif", 4: "zarif", 5: "zarif"}
    assert not {"Zarif U.S.", "Zarif Iran", "Sanctioning Zarif"} & set(found)
    assert found["Zarif Lavrov"] == ("not_entity", "")
    assert found["Mohammad Javad Zarif Expecting"] == ("same", "Mohammad Javad Zarif")
    assert "Graham Hand" not in found and "B.J. Zarif" not in found
    assert "Trump Jr." not in found


def test_a_headline_fragment_never_joins_another_fragment():
    """ "Cuba Rouhani" once joined "Congratulating Rouhani" (renamed "Rouhani" afterwards),
    "How Charles" the one-word "Charles": each is now its surname alone, decided per article."""
    rouhani = name(1, "person", "Hassan Rouhani", 3000)
    charles = name(2, "person", "Ray Charles", 12)
    people = [
        rouhani,
        charles,
        name(3, "person", "Congratulating Rouhani", 2),
        name(4, "person", "Cuba Rouhani", 1),
        name(5, "person", "How Charles", 1),
        name(6, "person", "Charles", 40),
    ]
    ev = evidence(people)
    assert fragment_rules(people, ev) == []
    assert surname_fragments(people, ev) == {3: "rouhani", 4: "rouhani", 5: "charles"}


def test_misspellings_short_given_names_and_middle_names_join_where_the_person_is_named():
    typo = name(11, "person", "Mohamamd Javad Zarif", 4)
    michael = name(12, "person", "Michael Pompeo", 9)
    mike = name(13, "person", "Mike Pompeo", 822)
    johnson = name(14, "person", "Michael Johnson", 12)  # the sprinter, BBC 2004
    mike_johnson = name(15, "person", "Mike Johnson", 40)  # the speaker, HuffPost 2022
    willie, bill = name(16, "person", "Willie Nelson", 2), name(17, "person", "Bill Nelson", 30)
    middle = name(18, "person", "Mohammad Zarif", 2)
    salami, salari = (
        name(19, "person", "Hossein Salami", 300),
        name(20, "person", "Hossein Salari", 2),
    )
    people = [
        ZARIF,
        typo,
        michael,
        mike,
        johnson,
        mike_johnson,
        willie,
        bill,
        middle,
        salami,
        salari,
    ]
    periods = {
        ZARIF.id: {TEHRAN_2019: 500},
        typo.id: {TEHRAN_2019: 4},
        mike.id: {TEHRAN_2019: 700},
        michael.id: {TEHRAN_2019: 9},
        johnson.id: {BBC_2004: 12},
        mike_johnson.id: {HUFFPOST_2022: 40},
        willie.id: {HUFFPOST_2022: 2},
        bill.id: {HUFFPOST_2022: 30},
        middle.id: {TEHRAN_2019: 2},
        salami.id: {TEHRAN_2019: 300},
        salari.id: {TEHRAN_2019: 2},  # a customs official, not the commander
    }
    found = verdicts(fragment_rules(people, evidence(people, periods)))
    assert found["Mohamamd Javad Zarif"] == ("same", "Mohammad Javad Zarif")
    assert found["Michael Pompeo"] == ("same", "Mike Pompeo")
    assert found["Mohammad Zarif"] == ("same", "Mohammad Javad Zarif")
    assert "Michael Johnson" not in found and "Mike Johnson" not in found
    assert "Willie Nelson" not in found
    assert "Hossein Salari" not in found  # one consonant apart: another name


def test_treaties_ships_generic_words_and_names_cut_short_are_no_organizations():
    values = [
        name(1, "organization", "Non-Proliferation Treaty", 359),
        name(2, "organization", "Additional Protocol", 172),
        name(3, "organization", "Stena Impero", 39),
        name(4, "place", "Shahrekord", 3),  # a city the destroyer is named after
        name(5, "organization", "U.S. Agency", 181),
        name(6, "organization", "Board of Governors of the", 82),
        name(7, "organization", "Board of Governors", 70),
        name(8, "place", "Strait of Hormuz, Tasnim", 1),
        name(9, "place", "Strait of Hormuz", 900),
        name(10, "organization", "Ministry of Science, Research and Technology", 31),
        name(11, "organization", "Office of the", 34),
        name(12, "organization", "Iranian Ministry", 4),  # a country's ministry: named
    ]
    ev = evidence(values, vessels={"stena impero": 30, "shahrekord": 3})
    found = verdicts(junk_names(values, ev, set()))
    assert found["Non-Proliferation Treaty"] == found["Additional Protocol"] == ("not_entity", "")
    assert found["Stena Impero"] == ("not_entity", "")
    assert found["U.S. Agency"] == ("not_entity", "")
    assert found["Board of Governors of the"] == ("same", "Board of Governors")
    assert found["Strait of Hormuz, Tasnim"] == ("same", "Strait of Hormuz")
    assert found["Office of the"] == ("not_entity", "")
    for kept in ("Shahrekord", "Ministry of Science, Research and Technology", "Iranian Ministry"):
        assert kept not in found


def test_buildings_and_venues_filed_as_people_are_places():
    values = [
        name(1, "person", "Ganjali Khan Bathhouse", 14),
        name(2, "person", "Anfield", 17),
        name(3, "person", "John Tower", 4),  # the senator
        name(4, "person", "Trump", 300),
    ]
    ev = evidence(
        values, located={"anfield": 14, "trump": 2}, capitalized={"anfield": 15, "trump": 900}
    )
    found = verdicts(junk_kinds(values, ev, set()))
    assert found == {"Ganjali Khan Bathhouse": ("kind", "place"), "Anfield": ("kind", "place")}


def test_an_outlet_under_a_countrys_domain_is_the_outlet():
    assert recognise_outlet(url="https://www.huffingtonpost.in/entry/x")[0] == "HuffPost"
    assert recognise_outlet(hint="Huffingtonpost")[0] == "HuffPost"


# --- the archive ------------------------------------------------------------------------------

pytestmark_db = pytest.mark.django_db(transaction=True)


@pytestmark_db
def test_an_ampersand_joins_one_firm(shared, clean_index):
    report = import_documents(read_paths([str(CORPUS / "bbc_news" / "business" / "138.txt")]))
    article = Article.objects.get(pk=report.created[0][1])
    names = dict(article.mentions.values_list("entity__name", "entity__kind"))
    assert names.get("Purvin and Gertz") == "organization"  # "an analyst with Purvin and Gertz"
    assert "Purvin" not in names and "Gertz" not in names


@pytestmark_db
def test_resolve_entities_cleans_a_real_archive(client, shared, clean_index):
    """Tehran Times stories with the tanker Stena Impero, the Ganjali Khan Bathhouse,
    headlines running "Zarif" into other words, one misspelling him, ten naming him in full,
    and a HuffPost story filed under "Huffingtonpost" (huffingtonpost.in)."""
    tehran_times = CORPUS / "tehran_times" / "tehran_times.jsonl"
    wanted = {"20808", "20814", "20828", "8856", "4778", "7536", "2764", "4022"}
    wanted |= set("1209 2630 2702 2722 2729 2775 2777 2796 2810 2821 2833".split())
    raws = [r for r in read_paths([str(tehran_times)]) if r.ordinal in wanted]
    huffpost = CORPUS / "huffpost_2018_2022" / "News_Category_Dataset_v3.head.jsonl"
    raws += [r for r in read_paths([str(huffpost)]) if r.ordinal in {"6644", "8088"}]
    report = import_documents(raws)
    assert len(report.created) == 21, report.failed
    indian = Article.objects.get(url__contains="huffingtonpost.in")
    assert indian.source.name == "HuffPost"  # this release reads the domain so
    # as the previous release filed it
    old = Source.objects.create(name="Huffingtonpost", slug="huffingtonpost")
    Article.objects.filter(pk=indian.pk).update(source=old)
    call_command("resolve_entities", stdout=io.StringIO(), stderr=io.StringIO())

    assert not Source.objects.filter(name="Huffingtonpost").exists()
    assert Article.objects.get(pk=indian.pk).source.name == "HuffPost"
    assert client.get("/search/?source=huffingtonpost")["Location"] == "/search/?source=huffpost"
    people = set(Entity.objects.filter(kind="person").values_list("name", flat=True))
    organizations = set(Entity.objects.filter(kind="organization").values_list("name", flat=True))
    assert "Stena Impero" not in organizations | people
    assert "Ganjali Khan Bathhouse" in set(
        Entity.objects.filter(kind="place").values_list("name", flat=True)
    )
    assert not {"Zarif U.S.", "Zarif Iran", "Mohamamd Javad Zarif"} & people
    # a headline fragment goes, story by story, to the person named in full, never into
    # another fragment or the surname alone first
    fragments = MergeRecord.objects.filter(kind="person", name__in=["Zarif U.S.", "Zarif Iran"])
    assert fragments.exists()
    assert set(fragments.values_list("entity_name", flat=True)) == {"Mohammad Javad Zarif"}


@pytestmark_db
def test_a_nationality_or_a_people_is_no_person_or_organization(shared, clean_index):
    """Tehran Times on the Prophet's childhood ("entrusted to a Bedouin foster-mother", one
    story's "Bedouin" tagged a person, the other's an organization) and on Afghans returning
    home ("Tajiks"), and a BBC story of "Britons" abroad (tagged an organization)."""
    tehran_times = CORPUS / "tehran_times" / "tehran_times.jsonl"
    raws = [r for r in read_paths([str(tehran_times)]) if r.ordinal in {"324", "325", "233"}]
    raws += list(read_paths([str(CORPUS / "bbc_news" / "politics" / "017.txt")]))
    report = import_documents(raws)
    assert len(report.created) == 4, report.failed
    call_command("resolve_entities", stdout=io.StringIO(), stderr=io.StringIO())

    named = set(
        Entity.objects.filter(kind__in=["person", "organization"], mentions__isnull=False)
        .values_list("name", flat=True)
        .distinct()
    )
    assert not {"Bedouin", "Tajiks", "Britons"} & named
    assert "Halima" in named  # the foster-mother herself stays


def test_a_names_suffix_alone_and_a_nationality_are_no_entities_but_namesakes_are():
    names = [
        name(1, "person", "Jr", 1),
        name(2, "person", "Tajiks", 3),
        name(3, "organization", "Pakistanis", 3),
        name(4, "person", "Francis", 2),  # a given name
        name(5, "organization", "FIJI", 1),  # the country itself
        name(6, "person", "Welsh", 2),  # the surname of someone named in full
        name(7, "place", "Afghan", 1),  # places are left to the gazetteer's rules
    ]
    found = verdicts(junk_names(names, evidence(names), parts={"welsh"}))
    assert found == {
        "Jr": ("not_entity", ""),
        "Tajiks": ("not_entity", ""),
        "Pakistanis": ("not_entity", ""),
    }


@pytestmark_db
def test_a_name_run_into_an_organizations_is_the_name_alone(shared, clean_index):
    """A Tehran Times interview headed "Gilani Taleban Source of Shiite Sunni Division in
    Afghanistan" ("Q: Mr. Gilani, ..."): the tagger's "Gilani Taleban" is no one, and
    "Gilani" alone does not join it."""
    tehran_times = CORPUS / "tehran_times" / "tehran_times.jsonl"
    report = import_documents([r for r in read_paths([str(tehran_times)]) if r.ordinal == "93"])
    assert len(report.created) == 1, report.failed
    call_command("resolve_entities", stdout=io.StringIO(), stderr=io.StringIO())

    article = Article.objects.get(pk=report.created[0][1])
    people = set(
        article.mentions.filter(entity__kind="person").values_list("entity__name", flat=True)
    )
    assert "Gilani" in people and "Gilani Taleban" not in people
    people = [name(1, "person", "Gilani Taleban", 1), name(2, "person", "Hamas Haniyeh", 1)]
    assert surname_fragments(people, evidence(people)) == {1: "gilani", 2: "haniyeh"}


def test_a_middle_initial_for_a_middle_name_joins_where_the_person_is_named():
    """The demo archive's "George Walker Bush" (one Politico story of George W. Bush's years)
    and "George HW Bush"; George H. W. Bush is not George W Bush (another middle)."""
    w = name(1, "person", "George W Bush", 46)
    walker = name(2, "person", "George Walker Bush", 1)
    hw, h_w = name(3, "person", "George HW Bush", 3), name(4, "person", "George H. W. Bush", 14)
    herbert = name(5, "person", "George Herbert Bush", 1)  # named where neither is
    people = [w, walker, hw, h_w, herbert]
    periods = {
        w.id: {HUFFPOST_2022: 40},
        walker.id: {HUFFPOST_2022: 1},
        hw.id: {BBC_2004: 3},
        h_w.id: {BBC_2004: 14},
        herbert.id: {TEHRAN_2019: 1},
    }
    found = verdicts(fragment_rules(people, evidence(people, periods)))
    assert found["George Walker Bush"] == ("same", "George W Bush")
    assert found["George HW Bush"] == ("same", "George H. W. Bush")
    assert "George H. W. Bush" not in found and "George W Bush" not in found
    assert "George Herbert Bush" not in found


def test_a_surname_one_consonant_longer_is_a_misspelling_where_both_are_named():
    """Reuters 1987 writes both "George Shultz" and "George Schultz" for the Secretary of
    State; "David Davies" (the FA's) is not "David Davis" (a vowel), "Clarke" not "Clark",
    "Johnston" (a surname of many) not "Johnson"."""
    shultz, schultz = name(1, "person", "George Shultz", 5), name(2, "person", "George Schultz", 1)
    davis, davies = name(3, "person", "David Davis", 6), name(4, "person", "David Davies", 2)
    clark, clarke = name(5, "person", "Kenneth Clark", 4), name(6, "person", "Kenneth Clarke", 3)
    elsewhere = name(7, "person", "George Schulttz", 1)  # named where Shultz is not
    # the corpus's Paul Johnson (7 stories) and Paul Johnston (1): ten other Johnstons
    johnsons = [name(8, "person", "Paul Johnson", 7), name(9, "person", "Paul Johnston", 1)]
    johnsons += [name(10 + i, "person", f"{g} Johnston", 2) for i, g in enumerate("ABCD")]
    people = [shultz, schultz, davis, davies, clark, clarke, elsewhere, *johnsons]
    periods = {pk: {BBC_2004: 1} for pk in (3, 4, 5, 6, 8, 9)}
    periods |= {1: {REUTERS_1987: 5}, 2: {REUTERS_1987: 1}, 7: {TEHRAN_2019: 1}}
    found = verdicts(fragment_rules(people, evidence(people, periods)))
    assert found == {"George Schultz": ("same", "George Shultz")}


def test_a_one_word_person_that_is_a_place_and_no_ones_name_is_the_place():
    """Tehran Times files "Jenin" (the West Bank city) as a person in a few stories and as a
    place in more; "Bush" (also a town in Egypt) is George W. Bush's surname, "Assad" has
    role words beside it ("President Assad"), "Fernandez" is filed as no place."""
    from articles.ingest.reconcile.rules import kind_rules

    values = [
        name(1, "person", "Jenin", 3),
        name(2, "place", "Jenin", 25),
        name(3, "person", "Bush", 40),
        name(4, "place", "Bush", 2),
        name(5, "person", "George W Bush", 900),
        name(6, "person", "Assad", 30),
        name(7, "place", "Assad", 40),
        name(8, "person", "Fernandez", 3),
    ]
    ev = evidence(values)
    ev.roled = {6}
    found = verdicts(p for p in kind_rules(values, ev) if p.subject.kind == "person")
    assert found.get("Jenin") == ("kind", "place")
    assert not {"Bush", "Assad", "Fernandez"} & set(found)


def test_a_peoples_name_in_a_newspapers_is_no_people_word():
    """The curated peoples ("Bedouin", "Kurd") match by match key too, which drops "al-":
    "Arab" is not among them, or Al Arab, the London daily, would be dropped with it."""
    from articles.ingest.reconcile.curated import curated

    assert curated().not_entity_class("Bedouin", "person") == "people"
    assert curated().not_entity_class("Al Arab", "organization") is None
    assert curated().not_entity_class("Al Arab", "person") is None
