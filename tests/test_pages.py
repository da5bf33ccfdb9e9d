"""Telling headline, section, caption, body, outlet, date and URL apart
(articles.extraction.article_fields).

Golden files in tests/golden/ name an input under ../shared and the metadata expected from it.
"""

import json
from datetime import date
from pathlib import Path

import pytest

from articles.extraction.article_fields import parse_document
from articles.extraction.dates import parse_date
from articles.extraction.dating import date_clues, infer_date
from articles.extraction.outlets import recognise_outlet
from articles.extraction.readers import read_bytes, read_paths, readable_slug
from articles.extraction.types import RawDocument

from .conftest import REPO, SEED

GOLDEN = Path(__file__).parent / "golden"


def parse_text(text: str):
    return parse_document(RawDocument("page.txt", "text", text=text))


# --- the seed: a Press TV page saved as text ---------------------------------------------------


@pytest.fixture
def seed_article(shared):
    (raw,) = list(read_paths([str(SEED)]))
    assert raw.format == "text"
    return parse_document(raw)


def test_seed_headline_section_caption_and_outlet(seed_article):
    assert seed_article.title == "US deploys new troops to Iraq’s Ain al-Asad base: Report"
    assert seed_article.section == "Iraq"  # "News / Iraq": the last breadcrumb element
    assert seed_article.caption.startswith("US soldiers walk around at the K1 Air Base")
    assert seed_article.caption.endswith("(Photo by AFP)")
    assert seed_article.source == "Press TV"
    assert seed_article.source_domain == "presstv.ir"


def test_seed_body_keeps_paragraphs_and_drops_site_boilerplate(seed_article):
    body = seed_article.body
    assert body.startswith("Iraqi security sources say new US troops have been deployed")
    assert body.endswith("including some 5,200 American forces, in the Arab country.")
    for boilerplate in ("SHARE THIS ARTICLE", "alternate addresses", "www.presstv.ir", "Roku"):
        assert boilerplate not in body
    assert "News   /   Iraq" not in body and seed_article.title not in body
    assert seed_article.caption not in body
    paragraphs = body.split("\n\n")
    assert len(paragraphs) == 16
    assert all(p == p.strip() and "  " not in p and "\n" not in p for p in paragraphs)


def test_seed_has_no_publication_date_rather_than_a_date_from_the_caption(seed_article):
    # the caption mentions "March 29, 2020", which is not when the page was published
    assert seed_article.published is None
    assert seed_article.url == ""


# --- golden files: one document of each corpus ---------------------------------------------


def golden_cases():
    return sorted(GOLDEN.glob("*.json"))


@pytest.mark.parametrize("golden", golden_cases(), ids=lambda p: p.stem)
def test_golden_metadata(golden, shared):
    case = json.loads(golden.read_text(encoding="utf-8"))
    path = (REPO / case["input"]).resolve()
    raw = next(
        item
        for item in read_paths([str(path)])
        if item.ordinal == case["ordinal"] and hasattr(item, "format")
    )
    assert raw.format == case["format"]
    article = parse_document(raw)
    expected = case["expected"]
    got = {
        "title": article.title,
        "source": article.source,
        "source_domain": article.source_domain,
        "section": article.section,
        "caption": article.caption,
        "published": article.published.isoformat() if article.published else None,
        "url": article.url,
        "body_start": article.body[: len(expected["body_start"])],
        "body_end": article.body[-len(expected["body_end"]) :],
    }
    assert got == expected
    for key, value in case.get("expected_fields", {}).items():
        assert raw.fields[key] == value
    if "expected_authors" in case:
        assert article.authors == case["expected_authors"]
    if "expected_date" in case:  # inferred from the article alone (no archive to calibrate)
        found = infer_date(date_clues(article.title, article.body, article.url))
        assert {
            "date": found.day.isoformat(),
            "source": found.source,
            "precision": found.precision,
        } == case["expected_date"]


def test_every_corpus_has_a_golden_file():
    formats = {json.loads(p.read_text())["format"] for p in golden_cases()}
    assert formats >= {"text", "reuters-sgml", "bbc", "buzzfeed-xml", "jsonl", "conll"}


# --- text pages ----------------------------------------------------------------------------

PAGE = """Home > World > Middle East

Sunday, 22 March 2020 10:34 AM

Iran reports new measures against the outbreak

Health workers disinfect a street in Tehran. (AFP photo)

Iran announced new measures on Sunday.

Iran announced new measures on Sunday.

Officials said the measures would last two weeks.

Follow us on Twitter

All Content by Mehr News Agency is licensed under a Creative Commons Attribution 4.0 \
International License.
"""


def test_text_page_with_date_line_breadcrumb_and_caption():
    article = parse_text(PAGE)
    assert article.section == "Middle East"
    assert article.published == date(2020, 3, 22)
    assert article.title == "Iran reports new measures against the outbreak"
    assert article.caption == "Health workers disinfect a street in Tehran. (AFP photo)"
    assert article.body == (
        "Iran announced new measures on Sunday.\n\n"
        "Officials said the measures would last two weeks."
    )


def test_title_bar_line_is_not_taken_for_a_breadcrumb():
    article = parse_text("Floods hit the north | Example Tribune\n\nRain fell.\n\nRivers rose.")
    assert article.section == ""
    assert article.title == "Floods hit the north | Example Tribune"


def test_date_line_under_the_headline_is_the_publication_date():
    text = (
        "News / Iran\n\nA headline\n\nSunday, 22 March 2020 10:34 AM\n\n"
        "Health workers disinfect a street. (Photo by AFP)\n\nThe body."
    )
    article = parse_text(text)
    assert (article.title, article.published) == ("A headline", date(2020, 3, 22))
    assert article.caption == "Health workers disinfect a street. (Photo by AFP)"
    assert article.body == "The body."


@pytest.mark.parametrize(
    "caption",
    [
        "Protesters gather in Baghdad. (Photo by AFP)",
        "Protesters gather in Baghdad. (AFP photo)",
        "Protesters gather in Baghdad (Reuters file photo)",
        "A Reuters file photo of protesters in Baghdad",
        "Protesters gather in Baghdad. (Photo: Tasnim)",
    ],
)
def test_photo_caption_lines_under_the_headline(caption):
    article = parse_text(f"Headline of the story\n\n{caption}\n\nThe body of the story.")
    assert article.caption == caption
    assert article.body == "The body of the story."


def test_a_page_without_headline_keeps_its_first_sentence_in_the_body():
    text = (
        "TEHRAN – Mohsen Rezaee has been given a new position at the Supreme National Defense "
        "University of Iran.\nIn his new position, Rezaee will oversee theorizing sessions."
    )
    article = parse_text(text)
    assert article.body.startswith("TEHRAN – Mohsen Rezaee has been given a new position")
    assert article.title == (
        "TEHRAN – Mohsen Rezaee has been given a new position at the Supreme National Defense "
        "University of Iran."
    )


def test_first_paragraph_is_body_not_caption_when_it_is_not_a_caption():
    article = parse_text("Headline of the story\n\nThe first paragraph.\n\nThe second.")
    assert article.caption == ""
    assert article.body == "The first paragraph.\n\nThe second."


@pytest.mark.parametrize(
    "line",
    [
        "By Jeff Rainforth Like Jeff on Facebook Follow Jeff on Twitter",
        "Featured image via screengrab",
        "Story Continued Below",
        "[scribd id=324251965 key=key-2XEsBrU2vkK8S40trOMu mode=scroll]",
        "The views expressed in this opinion article are solely those of their author",
        "Reposted With Permission From Constitution.com",
        "***",
    ],
)
def test_generic_and_outlet_boilerplate_lines_are_dropped(line):
    raw = RawDocument(
        "x.jsonl",
        "jsonl",
        fields={"title": "T", "body": f"First.\n\n{line}\n\nLast.", "source": "Politico"},
    )
    assert parse_document(raw).body == "First.\n\nLast."


def test_licence_sentence_glued_to_the_last_paragraph_is_removed():
    text = (
        "A headline\n\nThe minister spoke on Sunday. All Content by Mehr News Agency is "
        "licensed under a Creative Commons Attribution 4.0 International License."
    )
    assert parse_text(text).body == "The minister spoke on Sunday."


def test_article_url_line_gives_url_outlet_and_an_inferred_date():
    text = (
        "Source: https://www.aljazeera.com/news/2019/11/04/some-story\n\n"
        "A headline\n\nBody text here."
    )
    article = parse_text(text)
    assert article.url == "https://www.aljazeera.com/news/2019/11/04/some-story"
    assert (article.source, article.source_domain) == ("Al Jazeera", "aljazeera.com")
    assert article.published is None  # the address is no statement of the date
    found = infer_date(date_clues(article.title, article.body, article.url))
    assert (found.day, found.source) == (date(2019, 11, 4), "url")
    assert "https://" not in article.body


def test_hard_wrapped_text_is_reflowed_into_paragraphs():
    text = (
        "A headline\n\n"
        "This is a long line of hard-wrapped text that goes on for a\n"
        "while and continues on the next line because the writer pressed\n"
        "return at the end of every line of the paragraph as people do.\n\n"
        "Second paragraph."
    )
    body = parse_text(text).body
    assert body.split("\n\n")[0].startswith("This is a long line of hard-wrapped text that goes")
    assert "\n" not in body.split("\n\n")[0]


def test_hard_wrapped_text_without_blank_lines_keeps_headline_and_paragraphs_apart():
    text = (
        "Floods hit the north\n"
        "Heavy rain caused rivers to burst their banks across the northern\n"
        "provinces on Tuesday, forcing thousands of families to leave their\n"
        "homes, officials said.\n"
        "Rescue teams used boats to reach villages cut off by the water, and\n"
        "the army was sent to help.\n"
    )
    article = parse_text(text)
    assert article.title == "Floods hit the north"
    assert article.body.split("\n\n") == [
        "Heavy rain caused rivers to burst their banks across the northern provinces on "
        "Tuesday, forcing thousands of families to leave their homes, officials said.",
        "Rescue teams used boats to reach villages cut off by the water, and the army was "
        "sent to help.",
    ]


# --- dates --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Sunday, 22 March 2020 10:34 AM", date(2020, 3, 22)),
        ("26-FEB-1987 15:01:01.79", date(1987, 2, 26)),
        ("2022-09-23", date(2022, 9, 23)),
        ("2016-09-26T13:01:00Z", date(2016, 9, 26)),
        ("Sept 26, 2016", date(2016, 9, 26)),
        ("Published: March 22, 2020", date(2020, 3, 22)),
        ("Mon, 26 Sep 2016 13:01:00 +0000", date(2016, 9, 26)),
        ("not a date", None),
        ("US deploys new troops to Iraq’s Ain al-Asad base: Report", None),
        ("2020-03-22 Police arrested two men", None),
        ("News / Iraq", None),
        ("2020-02-31", None),
        ("", None),
    ],
)
def test_parse_date(value, expected):
    assert parse_date(value) == expected


def test_a_date_in_the_url_is_inferred_not_published():
    raw = RawDocument(
        "x.jsonl",
        "jsonl",
        fields={"title": "T", "body": "B", "url": "https://www.cnn.com/2016/09/19/politics/x"},
    )
    article = parse_document(raw)
    assert article.published is None
    found = infer_date(date_clues(article.title, article.body, article.url))
    assert (found.day, found.source, found.precision) == (date(2016, 9, 19), "url", "day")


def test_a_url_with_only_year_and_month_gives_a_month():
    raw = RawDocument(
        "x.jsonl",
        "jsonl",
        fields={"title": "T", "body": "B", "url": "http://www.politico.com/story/2016/09/x-228"},
    )
    article = parse_document(raw)
    assert article.published is None
    found = infer_date(date_clues(article.title, article.body, article.url))
    assert (found.day, found.source, found.precision) == (date(2016, 9, 1), "url", "month")


# --- structured records ---------------------------------------------------------------------


def test_category_in_capitals_becomes_a_readable_section():
    raw = RawDocument(
        "h.jsonl", "jsonl", fields={"title": "T", "body": "B", "section": "WORLD NEWS"}
    )
    assert parse_document(raw).section == "World News"


def test_tehran_times_slug_becomes_a_readable_title():
    assert (
        readable_slug("Iran s Press TV to start global broadcasts on July 2")
        == "Iran’s Press TV to start global broadcasts on July 2"
    )
    assert readable_slug("U-S-won-t-back-down") == "U.S. won’t back down"


def test_tehran_times_record_keeps_dateline_and_drops_footer_and_initials():
    line = json.dumps(
        {
            "id": 1,
            "source": "Tehran Times",
            "url": "https://www.tehrantimes.com/news/1/Iran-s-oil-exports-rise",
            "slug_title": "Iran s oil exports rise",
            "text": "TEHRAN – Exports rose.\nOfficials said so. SP/PA All Content by Mehr News "
            "Agency is licensed under a Creative Commons Attribution 4.0 International License.",
        }
    )
    (raw,) = list(read_bytes("tt.jsonl", line.encode()))
    article = parse_document(raw)
    assert article.title == "Iran’s oil exports rise"
    assert article.source == "Tehran Times"
    assert article.body == "TEHRAN – Exports rose.\n\nOfficials said so."
    assert raw.fields["dateline"] == "TEHRAN"
    assert article.published is None


def test_tehran_times_initials_on_a_line_of_their_own_are_dropped():
    raw = RawDocument(
        "tt.jsonl",
        "jsonl",
        fields={"title": "T", "body": "Exports rose.\nAK/PA", "source": "Tehran Times"},
    )
    assert parse_document(raw).body == "Exports rose."


def test_record_without_title_gets_its_first_sentence_as_title():
    raw = RawDocument(
        "a.jsonl", "jsonl", fields={"body": "Rockets hit the base on Sunday. Nobody was hurt."}
    )
    assert parse_document(raw).title == "Rockets hit the base on Sunday."


# --- HTML pages -----------------------------------------------------------------------------

HTML_PAGE = """<!DOCTYPE html>
<html lang="en"><head>
<title>Floods hit the north | Example Tribune</title>
<meta property="og:title" content="Floods hit the north">
<meta property="og:url" content="https://www.exampletribune.com/world/2021/07/14/floods-hit-the-north">
<meta property="og:site_name" content="Example Tribune">
<meta property="article:published_time" content="2021-07-14T08:00:00Z">
<meta property="article:section" content="World">
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article>
<h1>Floods hit the north</h1>
<figure><img src="f.jpg" alt=""><figcaption>A flooded street in the north. (Photo by AFP)
</figcaption></figure>
<p>Heavy rain caused rivers to burst their banks across the northern provinces on Tuesday,
forcing thousands of families to leave their homes, officials said.</p>
<p>Rescue teams used boats to reach villages cut off by the water, and the army was sent to
help build barriers along the rivers that were still rising on Wednesday morning.</p>
<p>Forecasters expect more rain later in the week, with warnings in force for several
regions until Friday.</p>
</article>
<footer>Copyright 2021 Example Tribune. All rights reserved.</footer>
</body></html>
"""


def test_html_page_is_extracted_with_trafilatura():
    (raw,) = list(read_bytes("floods.html", HTML_PAGE.encode()))
    assert raw.format == "html" and raw.text.startswith("<!DOCTYPE html>")
    article = parse_document(raw)
    assert article.title == "Floods hit the north"
    assert article.url == "https://www.exampletribune.com/world/2021/07/14/floods-hit-the-north"
    assert article.published == date(2021, 7, 14)
    assert article.source == "Example Tribune"
    assert article.source_domain == "exampletribune.com"
    assert article.section == "World"
    assert article.caption == "A flooded street in the north. (Photo by AFP)"
    assert article.body.startswith("Heavy rain caused rivers to burst their banks")
    assert "Home" not in article.body and "All rights reserved" not in article.body
    assert len(article.body.split("\n\n")) == 3


# --- outlets ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"hint": "Press TV"}, ("Press TV", "presstv.ir")),
        ({"text": "Press TV’s website can also be accessed at"}, ("Press TV", "presstv.ir")),
        ({"text": "... www.presstv.ir ..."}, ("Press TV", "presstv.ir")),
        ({"url": "https://www.presstv.com/Detail/2020/03/29/1/x"}, ("Press TV", "presstv.ir")),
        ({"url": "http://news.bbc.co.uk/1/hi/world/123.stm"}, ("BBC News", "bbc.co.uk")),
        ({"url": "https://www.huffingtonpost.com/entry/x"}, ("HuffPost", "huffpost.com")),
        ({"hint": "the-other-98"}, ("The Other 98%", "theother98.com")),
        (
            {"hint": "eagle-rising", "url": "http://clashdaily.com/2016/09/x/"},
            ("Eagle Rising", "eaglerising.com"),
        ),
        ({"hint": "Associated Press"}, ("Associated Press", "apnews.com")),
        (
            {"url": "https://www.dailynews-example.co.uk/story/1"},
            ("Dailynews Example", "dailynews-example.co.uk"),
        ),
        (
            {"hint": "Kabul Gazette", "url": "https://kabulgazette.af/x"},
            ("Kabul Gazette", "kabulgazette.af"),
        ),
        ({"text": "© 2016 Cable News Network. All rights reserved."}, ("CNN", "cnn.com")),
        ({"text": "Copyright 2020 The Associated Press."}, ("Associated Press", "apnews.com")),
        ({"text": "Just some text with no outlet."}, ("", "")),
        ({}, ("", "")),
    ],
)
def test_recognise_outlet(kwargs, expected):
    assert recognise_outlet(**kwargs) == expected


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("“Quoted” text about a café in Tehran.", "en"),
        ("القوات الأمريكية تنتشر في قاعدة عين الأسد " * 3, "ar"),
        ("ایران پیشنهاد کرد که گفتگو ادامه یابد " * 3, "fa"),
        ("Москва заявила сегодня о новых мерах " * 3, "ru"),
    ],
)
def test_language_is_guessed_from_the_script(text, language):
    assert parse_text(f"A headline\n\n{text}").language == language
