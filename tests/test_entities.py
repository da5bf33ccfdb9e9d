"""Entity extraction: the seed page's entities, and the folding / alias / short-name rules
on small real sentences. No Django; runs the shipped NER pipeline (``builtin``)."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from spacy.tokens import Span

from articles.extraction.article_fields import parse_document
from articles.extraction.entities import (
    article_countries,
    entities_from_doc,
    find_entities,
    load_pipeline,
)
from articles.extraction.headlines import sentence_case
from articles.extraction.names import fold_text, is_short_form, name_key, name_slug
from articles.extraction.places import resolve_place
from articles.extraction.readers import read_paths
from articles.extraction.types import ParsedArticle

MODEL = "builtin"
SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "000_deae15c0e1e0842a.txt"
CORPUS = SEED.parents[1] / "corpus"


def extract(body: str, title: str = "", caption: str = ""):
    return find_entities([ParsedArticle(title=title, body=body, caption=caption)], model=MODEL)[0]


def by_name(entities):
    return {e.name: e for e in entities}


def seed_article() -> ParsedArticle:
    paragraphs = [p.strip() for p in SEED.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    end = next(i for i, p in enumerate(paragraphs) if p.startswith("Press TV’s website"))
    return ParsedArticle(
        title=paragraphs[1],
        caption=paragraphs[2],
        body="\n\n".join(paragraphs[3:end]),
        section="Iraq",
        source="Press TV",
    )


@pytest.fixture(scope="module")
def seed():
    if not SEED.exists():
        pytest.skip("seed page not available")
    return find_entities([seed_article()], model=MODEL)[0]


# --------------------------------------------------------------------------- the seed page


def test_seed_places(seed):
    places = by_name(seed.places)
    assert {
        "United States",
        "Iraq",
        "Ain al-Asad",
        "Kirkuk",
        "Anbar",
        "Baghdad",
        "Qaim",
        "Jurf al-Nasr",
    } <= set(places)
    assert set(places) <= {
        "United States",
        "Iraq",
        "Ain al-Asad",
        "Kirkuk",
        "Anbar",
        "Baghdad",
        "Qaim",
        "Jurf al-Nasr",
        "Washington",
        "K1 Air Base",
    }
    us = places["United States"]
    assert (us.country, us.feature) == ("US", "country")
    assert "US" in us.mentions and us.count >= 10
    assert (places["Iraq"].country, places["Iraq"].feature) == ("IQ", "country")
    assert (places["Kirkuk"].country, places["Kirkuk"].feature) == ("IQ", "city")
    assert places["Kirkuk"].latitude == pytest.approx(35.47, abs=0.1)
    assert (places["Anbar"].country, places["Anbar"].feature) == ("IQ", "region")
    # not in the gazetteer: country from the places next to it, feature from "base"/"town of"
    assert (places["Ain al-Asad"].country, places["Ain al-Asad"].feature) == ("IQ", "base")
    assert places["Ain al-Asad"].count >= 4
    assert places["Jurf al-Nasr"].country == "IQ"
    assert places["Qaim"].country == "IQ"
    if "Washington" in places:  # metonymy for the US government: at least never another country
        assert places["Washington"].country == "US"


def test_seed_organizations(seed):
    orgs = by_name(seed.organizations)
    assert {
        "Pentagon",
        "New York Times",
        "Central Command",
        "Kata'ib Hezbollah",
        "Popular Mobilization Units",
        "Almaalomah",
        "AFP",
    } <= set(orgs)
    pmu = orgs["Popular Mobilization Units"]
    assert "PMU" in pmu.aliases
    assert {"PMU", "Hashd al-Sha’abi", "Hashd al-Shaabi"} <= set(pmu.mentions)
    assert pmu.mentions["PMU"] == 2  # "(PMU)" and "PMU's positions"
    kh = orgs["Kata'ib Hezbollah"]
    assert {"Kata'ib Hezbollah", "Kata’ib Hezbollah"} <= set(kh.mentions)
    assert kh.count >= 3
    assert orgs["Pentagon"].count == 4


def test_seed_people(seed):
    people = by_name(seed.people)
    assert set(people) == {
        "Qusay al-Anbari",
        "Qassem Soleimani",
        "Robert P. White",
        "Jaafar al-Husseini",
    }
    assert set(people["Qusay al-Anbari"].mentions) == {"Qusay al-Anbari", "al-Anbari"}
    assert "White" in people["Robert P. White"].mentions


def test_seed_every_entity_once_and_no_adjectives_or_weapons(seed):
    everything = [*seed.places, *seed.organizations, *seed.people]
    keys = [name_key(e.name) for e in everything]
    assert len(keys) == len(set(keys)), keys
    surfaces = {name_key(s) for e in everything for s in e.mentions}
    for bad in ("american", "iraqi", "iranian", "patriot", "patriot missiles", "photo", "lt"):
        assert bad not in surfaces and bad not in keys
    assert seed.countries[:2] == ["US", "IQ"] or set(seed.countries[:2]) == {"US", "IQ"}


# ------------------------------------------------------------------ rules on real sentences


def test_acronym_defined_in_text_is_an_alias():
    r = extract(
        "Several American officials told the paper that the Pentagon had ordered planners to draw "
        "up a "
        "strategy to dismantle Kata'ib Hezbollah, which is part of the anti-terror Popular "
        "Mobilization "
        "Units (PMU) or Hashd al-Sha’abi.\n\nThe US has time and again targeted PMU's positions."
    )
    pmu = [e for e in r.organizations if "PMU" in e.mentions]
    assert len(pmu) == 1
    assert pmu[0].name == "Popular Mobilization Units"
    assert "PMU" in pmu[0].aliases and "Hashd al-Sha’abi" in pmu[0].mentions
    assert pmu[0].mentions["PMU"] == 2


def test_short_name_resolves_to_full_name():
    r = extract(
        "On Sunday, Almaalomah quoted Qusay al-Anbari, a high-ranking member of Hashd al-Shaabi "
        "forces, as "
        "saying that US troops had evacuated some units in Anbar and Kirkuk.\n\nAccording to "
        "al-Anbari, US "
        "troops have deployed Patriot missiles in Ain al-Asad."
    )
    people = by_name(r.people)
    assert "Qusay al-Anbari" in people
    assert people["Qusay al-Anbari"].mentions.get("al-Anbari") == 1
    assert "al-Anbari" not in people
    assert not any(
        name_key(s).startswith("patriot")
        for e in [*r.places, *r.organizations, *r.people]
        for s in e.mentions
    )


def test_title_and_surname_resolve_to_full_name():
    r = extract(
        "The New York Times reported on Friday that US army lieutenant general Robert P. White "
        "had warned "
        "about the costs and risks of a new escalation.\n\nGeneral White had cautioned that a new "
        "military "
        "action would require thousands more American troops be deployed to Iraq."
    )
    people = by_name(r.people)
    assert list(people) == ["Robert P. White"]
    assert people["Robert P. White"].count == 2
    assert not any(e.name in ("American", "Americans") for e in [*r.places, *r.organizations])


def test_straight_and_curly_apostrophes_are_one_entity():
    r = extract(
        "Washington has blamed Kata'ib Hezbollah, which is part of the Popular Mobilization "
        "Units, for about a "
        "dozen rocket attacks.\n\nLast week, Kata’ib Hezbollah held a military drill in the town "
        "of Jurf al-Nasr "
        "near Baghdad."
    )
    everything = [*r.places, *r.organizations, *r.people]
    kh = [e for e in everything if name_key(e.name) == "kataib hezbollah"]
    assert len(kh) == 1
    assert {"Kata'ib Hezbollah", "Kata’ib Hezbollah"} <= set(kh[0].mentions)
    jurf = by_name(r.places)["Jurf al-Nasr"]
    assert (jurf.country, jurf.feature) == ("IQ", "city")


def test_wire_dateline_and_city_state():
    r = extract(
        "SAN MATEO, Calif., March 2 - Franklin Michigan Insured Tax-Free Income Fund said its "
        "monthly dividend "
        "was unchanged.",
        title="FRANKLIN MICHIGAN INSURED SETS PAYOUT",
    )
    places = by_name(r.places)
    assert places["San Mateo"].country == "US"  # not San Mateo, Philippines: "Calif." says which
    assert places["California"].feature == "us-state"
    assert r.countries == ["US"]


def test_an_ambiguous_container_takes_the_reading_the_place_lies_in():
    atlanta = by_name(extract("Delta Air Lines will hire 500 pilots in Atlanta, Georgia.").places)
    assert (atlanta["Atlanta"].country, atlanta["Atlanta"].feature) == ("US", "city")
    assert (atlanta["Georgia"].country, atlanta["Georgia"].feature) == ("US", "us-state")
    tbilisi = by_name(extract("Protesters gathered in Tbilisi, Georgia on Monday.").places)
    assert tbilisi["Tbilisi"].country == "GE"
    assert (tbilisi["Georgia"].country, tbilisi["Georgia"].feature) == ("GE", "country")
    perth = by_name(extract("He grew up in Perth, Scotland, and farms there.").places)
    assert perth["Perth"].country == "GB"  # not Perth, Australia, the bigger one


def test_country_names_fold_to_one_place():
    r = extract(
        "The U.S. and Britain agreed. The United States said the UK would follow, U.S. officials "
        "said."
    )
    places = by_name(r.places)
    assert set(places) == {"United States", "United Kingdom"}
    assert {"U.S.", "United States"} <= set(places["United States"].mentions)
    assert {"Britain", "UK"} <= set(places["United Kingdom"].mentions)


def test_parts_of_a_country_are_places_of_their_own_in_that_country():
    r = extract(
        "Farmers in Scotland said the harvest was the worst in a decade, while England "
        "fared better than the rest of the UK. Israeli troops raided towns in the West Bank "
        "and Gaza, Palestinian officials said."
    )
    places = {e.name: (e.country, e.feature, e.aliases) for e in r.places}
    assert places["Scotland"] == ("GB", "country-part", [])
    assert places["England"] == ("GB", "country-part", [])
    assert places["United Kingdom"] == ("GB", "country", ["UK"])
    assert places["West Bank"] == ("PS", "country-part", [])
    assert places["Gaza Strip"] == ("PS", "country-part", ["Gaza"])
    assert set(r.countries) >= {"GB", "PS"}


def test_historic_states_are_their_own_places_filed_under_their_capital_s_country():
    r = extract(
        "MOSCOW, March 3 - The Soviet Union said grain imports from West Germany and East "
        "Germany would rise, and the U.S.S.R. would buy more from Yugoslavia."
    )
    places = {e.name: (e.country, e.feature) for e in r.places}
    assert places["Soviet Union"] == ("RU", "historic-country")
    assert places["West Germany"] == ("DE", "historic-country")
    assert places["East Germany"] == ("DE", "historic-country")
    assert places["Yugoslavia"] == ("RS", "historic-country")
    assert "Russia" not in places and "Germany" not in places
    assert {"Soviet Union", "U.S.S.R."} <= set(
        next(e for e in r.places if e.name == "Soviet Union").mentions
    )


def test_a_persons_shorter_names_merge_into_the_longest_and_role_words_are_dropped():
    r = extract(
        "Suspect Ahmad Khan Rahami was charged on Tuesday. Ahmad Rahami, 28, was captured "
        "after a shootout. Police said Rahami had traveled to Pakistan.",
        title="Bombing suspect charged",
    )
    people = by_name(r.people)
    assert list(people) == ["Ahmad Khan Rahami"]
    assert set(people["Ahmad Khan Rahami"].mentions) == {
        "Ahmad Khan Rahami",
        "Ahmad Rahami",
        "Rahami",
    }


def test_two_people_sharing_a_surname_are_not_merged():
    r = extract("George W. Bush and George H. W. Bush met. Bush said little.")
    assert {"George W. Bush", "George H. W. Bush"} <= set(by_name(r.people))


def test_well_known_cities_are_places_whatever_the_tagger_said():
    r = extract(
        "Heavy rain flooded parts of Guwahati on Monday. Guwahati residents were evacuated as "
        "the Brahmaputra rose. Sylhet recorded the heaviest rain in decades.",
        title="Floods hit Assam",
    )
    places = by_name(r.places)
    assert places["Guwahati"].country == "IN" and places["Sylhet"].country == "BD"
    assert not {"Guwahati", "Sylhet"} & {e.name for e in r.organizations + r.people}


def test_in_a_sports_story_a_city_can_be_a_team():
    r = extract(
        "Houston beat Chicago 5-3 on Sunday to take the lead in the league standings. Chicago "
        "coach Joe Smith said his team had played a poor season.",
        title="Baseball results",
    )
    assert "Houston" not in by_name(r.places) or "Chicago" not in by_name(r.places)


# --------------------------------------------------------------------------- Title-Case headlines


def test_title_case_headlines_are_read_in_sentence_case_and_keep_their_length():
    title = "Pfizer Seeks Approval For Omicron-Targeted COVID Boosters"
    cased = sentence_case(title, "Pfizer asked regulators on Monday.")
    assert cased == "Pfizer seeks approval for Omicron-targeted COVID boosters"
    assert len(cased) == len(title)
    assert sentence_case("Chris Rock Has No Real Interest In A Rematch") == (
        "Chris Rock has no real interest in a rematch"  # "Rock" follows a first name
    )
    assert "Key New York Primary" not in sentence_case("Poll Shows Tightening Race In Key New York")
    assert "New York" in sentence_case("Poll Shows Tightening Race In Key New York")
    # headlines that are not Title Case are read as written
    for title in ("Ad sales boost Time Warner profit", "FRANKLIN MICHIGAN SETS PAYOUT"):
        assert sentence_case(title) == title


def huffpost(line_numbers):
    path = CORPUS / "huffpost_2018_2022" / "News_Category_Dataset_v3.head.jsonl"
    wanted = {str(n) for n in line_numbers}
    raws = [r for r in read_paths([str(path)]) if r.ordinal in wanted]
    return [parse_document(r) for r in raws]


def test_no_junk_entities_from_title_case_headlines(shared):
    boosters, airline = find_entities(huffpost([1, 2]), model=MODEL)
    names = {e.name for e in boosters.organizations + boosters.people}
    assert not any(" For " in n or n.endswith("Boosters") for n in names), names
    airline_orgs = {e.name for e in airline.organizations}
    assert "American Airlines" in airline_orgs
    assert not any("Flyer" in n or "Charged" in n for n in airline_orgs), airline_orgs


def test_names_keep_their_headline_capitals(shared):
    (rock,) = find_entities(huffpost([299]), model=MODEL)
    people = by_name(rock.people)
    assert "Chris Rock" in people and "Chris Rock" in people["Chris Rock"].mentions
    for entity in rock.people + rock.organizations + rock.places:
        assert all(m[:1].isupper() for m in entity.mentions), entity


def test_document_level_majority_kind():
    """A name tagged place three times and person once is one place (tags set by hand)."""
    nlp = spacy.blank("en")
    text = "Jordan said. Troops crossed into Jordan. Jordan closed its border. Aid reached Jordan."
    doc = nlp(text)
    spans = []
    for i, token in enumerate(doc):
        if token.text == "Jordan":
            spans.append(Span(doc, i, i + 1, label="PERSON" if i == 0 else "GPE"))
    doc.ents = spans
    r = entities_from_doc(doc, text)
    assert r.people == [] and r.organizations == []
    assert len(r.places) == 1
    assert r.places[0].name == "Jordan" and r.places[0].country == "JO" and r.places[0].count == 4


def test_parallel_results_match_serial():
    article = (
        seed_article()
        if SEED.exists()
        else ParsedArticle(title="", body="Qusay al-Anbari spoke in Kirkuk.")
    )
    many = [article] * 40
    serial = find_entities(many[:1], model=MODEL)[0]
    parallel = find_entities(many, model=MODEL, n_process=2)
    assert len(parallel) == 40
    assert [e.name for e in parallel[-1].places] == [e.name for e in serial.places]
    assert [e.name for e in parallel[0].people] == [e.name for e in serial.people]


# --------------------------------------------------------------------------- names and gazetteer


def test_name_key_folds_variants():
    assert (
        name_key("Kata'ib Hezbollah")
        == name_key("Kata’ib Hezbollah")
        == name_key("KATAIB HEZBOLLAH")
    )
    assert name_key("Hashd al-Sha’abi") == name_key("Hashd al-Shaabi")
    assert name_key("The Pentagon") == name_key("Pentagon")
    assert fold_text("Kirkūk") == "kirkuk"
    assert name_slug("Kata'ib Hezbollah") == "kataib-hezbollah"


def test_fold_text_spells_only_what_is_not_ascii_and_the_same_as_spelling_it_all():
    """fold_text transliterates the runs outside ASCII only (speed); the result must be the
    one anyascii gives for the whole text, on real text in several scripts."""
    import re
    import unicodedata

    from anyascii import anyascii

    def whole(text: str) -> str:
        text = unicodedata.normalize("NFKC", text)
        text = re.sub(r"[\u0027\u2018\u2019\u201b\u02bc\u02bb\u02be\u02bf\u0060\u00b4]", "", text)
        return anyascii(text).lower()

    texts = [
        SEED.read_text(encoding="utf-8"),
        "Ирана “Hormuz” — Zarif’s 1½ ﬁnal İstanbul ß",
        "قال وزير الخارجية محمد جواد ظريف",
        "中国 外交部 and 日本",
        "ascii only, with 'quotes' and `ticks`",
        "",
    ]
    for text in texts:
        assert fold_text(text) == whole(text)
    assert fold_text("Ирана") == "irana"


def test_short_forms_are_told_from_other_names():
    assert is_short_form("White", "Robert P. White")
    assert is_short_form("al-Anbari", "Qusay al-Anbari")
    assert is_short_form("Kata’ib", "Kata'ib Hezbollah")
    assert not is_short_form("PMU", "Popular Mobilization Units")
    assert not is_short_form("US", "United States")
    assert not is_short_form("Hashd al-Sha’abi", "Popular Mobilization Units")
    assert not is_short_form("Robert White", "Robert White")


def test_gazetteer():
    assert (resolve_place("Kirkuk").country, resolve_place("Kirkuk").feature) == ("IQ", "city")
    assert resolve_place("Anbar").country == "IQ"
    assert resolve_place("U.S.").name == "United States"
    assert resolve_place("US").country == "US"
    assert resolve_place("Calif.").name == "California"
    assert resolve_place("Washington").country == "US"
    assert resolve_place("Qaim").country == "IQ"
    assert resolve_place("Pentagon") is None


def test_article_countries_rollup():
    places = [
        {"country": "US", "mentions": ["WASHINGTON"], "count": 1},
        {"country": "LU", "mentions": ["Luxembourg"], "count": 1},
        {"country": "JP", "mentions": ["Japan", "Tokyo"], "count": 3},
    ]
    body = "WASHINGTON, March 2 - The Treasury said ... " + "x " * 200 + "listed in Luxembourg."
    assert article_countries(places, "TREASURY SELLS BILLS", body) == ["JP", "US"]


def test_load_pipeline_is_ner_only_and_cached():
    nlp = load_pipeline(MODEL)
    assert nlp.pipe_names == ["ner"]
    assert load_pipeline(MODEL) is nlp


# --------------------------------------------------------------------------- people tagged ORG


def tagged(text: str, labels: dict[str, str]):
    """A Doc whose entities are set by hand: every occurrence of each name, with its label."""
    import re

    doc = spacy.blank("en")(text)
    spans = []
    for name, label in labels.items():
        for match in re.finditer(re.escape(name), text):
            span = doc.char_span(match.start(), match.end(), label=label)
            if span is not None and not any(
                s.start < span.end and span.start < s.end for s in spans
            ):
                spans.append(span)
    doc.ents = sorted(spans, key=lambda s: s.start)
    return entities_from_doc(doc, text)


def kinds_of(result) -> dict[str, str]:
    return {e.name: e.kind for e in [*result.places, *result.organizations, *result.people]}


def test_a_cnn_story_naming_donald_trump_and_trump_has_one_person(shared):
    """BuzzFeed/CNN 0341.xml: the tagger calls "Donald Trump" and "Trump" organizations."""
    raw = next(read_paths([str(CORPUS / "buzzfeed_webis_2016" / "articles" / "0341.xml")]))
    result = find_entities([parse_document(raw)], model=MODEL)[0]
    people = by_name(result.people)
    assert set(people["Donald Trump"].mentions) == {"Donald Trump", "Trump"}
    assert people["Donald Trump"].count == 4  # the headline's and the body's three
    assert not [e for e in result.organizations if "Trump" in e.name]
    assert "Monmouth University" in by_name(result.organizations)


def test_a_person_shaped_organization_is_a_person_when_the_story_says_so():
    result = tagged(
        "Donald Trump's Florida home was searched. Trump called it a witch hunt, "
        "and Mr. Trump said he would fight.",
        {"Donald Trump": "ORG", "Florida": "GPE", "Trump": "ORG"},
    )
    assert kinds_of(result) == {"Florida": "place", "Donald Trump": "person"}
    assert by_name(result.people)["Donald Trump"].count == 3


def test_a_short_name_tagged_org_is_the_person_the_story_names():
    result = tagged(
        "Donald Trump spoke in Ohio. Critics said Trump lied. Trump denied it.",
        {"Donald Trump": "PERSON", "Ohio": "GPE", "Trump": "ORG"},
    )
    assert kinds_of(result) == {"Ohio": "place", "Donald Trump": "person"}
    # the person named most wins over a relative and the family firm
    result = tagged(
        "Donald Trump met Eric Trump at Trump Tower. Donald Trump said Trump Tower would "
        "stay open. Trump thanked his son.",
        {"Donald Trump": "PERSON", "Eric Trump": "PERSON", "Trump Tower": "ORG", "Trump": "ORG"},
    )
    assert by_name(result.people)["Donald Trump"].mentions == {"Donald Trump": 2, "Trump": 1}
    assert kinds_of(result)["Trump Tower"] == "organization"


def test_organizations_named_like_people_stay_organizations():
    names = [
        "Morgan Stanley",
        "Paris Saint-Germain",
        "Aston Villa",
        "Charles Schwab",
        "Johnson & Johnson",
        "Marks & Spencer",
        "Ford Motor",
        "Dow Jones",
        "Lloyd's",
    ]
    for name in names:
        surname_word = name.split()[-1].strip("'s")
        result = tagged(
            f"Shares of {name} rose on Tuesday. {name} said profits had doubled. "
            f"The chairman, {surname_word} Smith, was pleased.",
            {name: "ORG", f"{surname_word} Smith": "PERSON"},
        )
        assert name.replace("'s", "") in by_name(result.organizations), (name, kinds_of(result))
    # the story's own person of that surname is not enough for the brokerage either
    result = tagged(
        "Clients of Charles Schwab moved money. Charles Schwab said assets rose.",
        {"Charles Schwab": "ORG"},
    )
    assert kinds_of(result) == {"Charles Schwab": "organization"}


def test_person_shape():
    from articles.extraction.person_names import person_shaped, surname

    for name in ["Donald Trump", "Robert P. White", "Donald J. Trump Jr.", "Hillary Clinton"]:
        assert person_shaped(name.split()), name
    for name in [
        "Morgan Stanley",
        "Paris Saint-Germain",
        "Aston Villa",
        "Johnson & Johnson",
        "Marks & Spencer",
        "Ford Motor",
        "Dow Jones",
        "Lloyd's",
        "Bank of America",
        "Donald",
        "Charles Schwab Corp",
        "George Washington University",
        "John F. Kennedy Airport",
        "CNN",
    ]:
        assert not person_shaped(name.split()), name
    assert surname("donald trump jr") == "trump"


def test_ex_and_pro_are_not_part_of_a_name():
    result = tagged(
        "Ex-Trump aide Tony Ornato retired. A pro-Trump rally followed.",
        {"Ex-Trump": "ORG", "Tony Ornato": "PERSON", "pro-Trump": "ORG"},
    )
    assert by_name(result.organizations)["Trump"].mentions == {"Trump": 2}


def test_a_name_after_a_personal_title_is_a_person():
    result = tagged(
        "President Trump met Sen. Warren at General Motors.",
        {"President Trump": "ORG", "Warren": "ORG", "General Motors": "ORG"},
    )
    assert kinds_of(result) == {
        "Trump": "person",
        "Warren": "person",
        "General Motors": "organization",
    }


def test_a_name_used_as_a_disease_is_no_organization():
    result = tagged(
        "The COVID-19 pandemic closed schools. COVID-19 killed thousands in Wuhan, and the "
        "Wuhan outbreak worried Pfizer, whose vaccine Donald Trump praised. Trump lockdown "
        "critics were loud.",
        {
            "COVID-19": "ORG",
            "Wuhan": "GPE",
            "Pfizer": "ORG",
            "Donald Trump": "PERSON",
            "Trump": "ORG",
        },
    )
    assert kinds_of(result) == {
        "Wuhan": "place",
        "Pfizer": "organization",
        "Donald Trump": "person",
    }
