"""Site boilerplate in saved pages (app links, follow/share lines, licence and SOURCE: lines),
the outlet named only by a copyright line, and outlets never taken for people."""

import pytest

from articles.extraction import extract_documents
from articles.extraction.article_fields import parse_document
from articles.extraction.outlets import recognise_outlet
from articles.extraction.types import RawDocument

# Pages saved as text the way the seed was: breadcrumb, headline, caption, body, site footer.
PRESS_TV_PAGE = """News   /   Iran

Iran says talks with IAEA on safeguards will resume next week

Iranian Foreign Ministry spokesman Nasser Kanaani speaks in Tehran. (Photo by IRNA)

Iran's Foreign Ministry says talks with the International Atomic Energy Agency (IAEA) on \
outstanding safeguards issues will resume in Vienna next week.

Spokesman Nasser Kanaani told reporters in Tehran on Monday that the two sides had agreed on \
a timetable for the technical meetings.

Download the Press TV app for Android and iOS

Follow Press TV on Telegram and X

© Copyright 2020 Press TV
"""

AL_JAZEERA_PAGE = """News / Middle East

Israeli strikes kill dozens in Gaza, health officials say

Smoke rises over Khan Younis after an Israeli air strike. (Photo by AFP)

Israeli air strikes killed at least 30 people across the Gaza Strip on Tuesday, health \
officials said, as talks on a ceasefire stalled in Cairo.

Al Jazeera said its correspondent in Deir el-Balah had seen several bodies brought to the \
al-Aqsa Martyrs Hospital.

Al Jazeera has been unable to verify the figures independently, but aid agencies said the \
toll was likely to rise.

SOURCE: AL JAZEERA AND NEWS AGENCIES

Follow Al Jazeera English:

This article is licensed under a Creative Commons Attribution 4.0 International License
"""


def parse_text(text: str):
    return parse_document(RawDocument("page.txt", "text", text=text))


def test_press_tv_app_link_follow_line_and_copyright_are_dropped_and_name_the_outlet():
    article = parse_text(PRESS_TV_PAGE)
    assert article.source == "Press TV" and article.source_domain == "presstv.ir"
    assert article.title == "Iran says talks with IAEA on safeguards will resume next week"
    assert article.body.endswith("a timetable for the technical meetings.")
    for line in ("Download", "Telegram", "Copyright"):
        assert line not in article.body


def test_al_jazeera_footer_is_dropped_and_names_the_outlet():
    article = parse_text(AL_JAZEERA_PAGE)
    assert article.source == "Al Jazeera"
    assert article.body.endswith("the toll was likely to rise.")
    for line in ("SOURCE:", "Follow", "Creative Commons"):
        assert line not in article.body


def test_an_outlet_is_never_a_person():
    (result,) = extract_documents(
        [RawDocument("page.txt", "text", text=AL_JAZEERA_PAGE)], model="builtin"
    )
    assert "Al Jazeera" not in {e.name for e in result.people}
    assert "Al Jazeera" in {e.name for e in result.organizations}


@pytest.mark.parametrize(
    "line",
    [
        "Download the Al Jazeera app",
        "Get the BBC News app for iPhone and Android",
        "Get it on Google Play",
        "Follow Al Jazeera English:",
        "Share this:",
        "Follow us on Instagram and TikTok",
        "Like Eagle Rising on Facebook",
        "SOURCE: AL JAZEERA AND NEWS AGENCIES",
        "Source: Reuters",
        "This article is licensed under a Creative Commons Attribution 4.0 International License",
        "© Copyright 2020 Press TV",
        "Copyright © 2021 Kabul Gazette. All rights reserved.",
        "© Al Jazeera Media Network",
    ],
)
def test_generic_boilerplate_lines_are_dropped(line):
    raw = RawDocument("x.jsonl", "jsonl", fields={"title": "T", "body": f"First.\n\n{line}"})
    assert parse_document(raw).body == "First."


@pytest.mark.parametrize(
    "line",
    [
        "Follow the money, investigators told the committee.",
        "Sources said the talks would resume on Monday.",
        "(c) the ministry shall publish the list every year.",
        "Residents were urged to download the government's new app to report damage, "
        "which more than 40,000 people had done by Monday evening, officials said.",
        "The song is licensed under a Creative Commons licence, its author said.",
        "Trump supporters follow him on Twitter in large numbers, aides say.",
        "The views expressed in the letter alarmed diplomats.",
        "Copyright lawsuits rose sharply last year.",
        "Share prices fell.",
    ],
)
def test_news_sentences_that_resemble_boilerplate_are_kept(line):
    raw = RawDocument("x.jsonl", "jsonl", fields={"title": "T", "body": f"First.\n\n{line}"})
    assert parse_document(raw).body == f"First.\n\n{line}"


def test_licence_sentence_glued_to_a_paragraph_is_removed():
    body = (
        "The minister spoke on Sunday. This article is licensed under a Creative Commons "
        "Attribution 4.0 International License."
    )
    raw = RawDocument("x.jsonl", "jsonl", fields={"title": "T", "body": body})
    assert parse_document(raw).body == "The minister spoke on Sunday."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Story.\n\n© Copyright 2020 Press TV", ("Press TV", "presstv.ir")),
        ("Story.\n<p>&copy; 2019 Al Jazeera English</p>", ("Al Jazeera", "aljazeera.com")),
        ("Story.\nCopyright © 2021 Kabul Gazette. All rights reserved.", ("Kabul Gazette", "")),
        ("Story.\nCopyright 2019-2023 The Daily Example | Privacy", ("The Daily Example", "")),
        ("Story.\n© Reuters", ("", "")),  # a photo credit, no year: not a site footer
        ("He said the copyright 2020 law was fine.", ("", "")),
    ],
)
def test_copyright_line_names_the_outlet_when_nothing_else_does(text, expected):
    assert recognise_outlet(text=text) == expected


def test_a_stated_source_or_url_outranks_the_copyright_line():
    text = "Story.\n\n© Copyright 2020 Press TV"
    assert recognise_outlet(text=text, hint="Reuters") == ("Reuters", "reuters.com")
    assert recognise_outlet(text=text, url="https://www.bbc.co.uk/news/1") == (
        "BBC News",
        "bbc.co.uk",
    )
