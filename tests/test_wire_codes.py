"""Wire-service codes and markup residue leave headline, body and snippet (issue 20, item 4).

The examples are the corpus's own: Tehran Times #3209 (a layout system's codes), Reuters-21578
(company marks, "^M", sign-offs), CoNLL-2003's Reuters 1996 (desk contact lines, correction
stamps), BBC (undecoded character references).
"""

import json

import pytest

from articles.extraction.article_fields import parse_document
from articles.extraction.readers import read_paths
from articles.extraction.wirecodes import (
    reuters_company_marks,
    strip_markup_residue,
    strip_typesetting_codes,
    strip_wire_furniture,
)
from articles.models import Article

from .conftest import CORPUS

TEHRAN = CORPUS / "tehran_times" / "tehran_times.jsonl"
# Tehran Times #3209 as stored by the code before this change.
STORED_BEFORE = (
    "-01\n\n[pol]\n\n[ed]\n\n@H= Iran, IAEA make substantial nuclear agreement\n\n"
    '@K= Vaeedi calls Iran-IAEA talks "serious and good"\n\n'
    '@K= Heinonen: IAEA, Iran make "some important steps" in nuclear talks'
)


def parsed(path, ordinal):
    raw = next(r for r in read_paths([str(path)]) if getattr(r, "ordinal", None) == ordinal)
    return parse_document(raw)


# --- typesetting codes ---------------------------------------------------------------------


def test_layout_codes_go_and_the_styled_words_stay():
    body = strip_typesetting_codes(STORED_BEFORE, "Iran IAEA make substantial nuclear agreement")
    assert body == (
        'Vaeedi calls Iran-IAEA talks "serious and good"\n\n'
        'Heinonen: IAEA, Iran make "some important steps" in nuclear talks'
    )


def test_a_headline_tag_that_is_not_the_headline_keeps_its_words():
    body = strip_typesetting_codes(STORED_BEFORE, "Another headline")
    assert body.startswith("Iran, IAEA make substantial nuclear agreement\n\nVaeedi")


def test_code_lines_are_taken_only_from_the_top_and_handles_stay():
    text = "Results:\n\n-01\n\n@realDonaldTrump said [sic] it was fine."
    assert strip_typesetting_codes(text) == text


def test_a_plain_text_page_with_layout_codes_gets_its_real_headline():
    text = "-01\n[pol]\n@H= Talks in Vienna end\n\nDiplomats met in Vienna on Monday for talks."
    raw_page = parse_document(_raw_text(text))
    assert raw_page.title == "Talks in Vienna end"
    assert raw_page.body == "Diplomats met in Vienna on Monday for talks."


def _raw_text(text):
    from articles.extraction.types import RawDocument

    return RawDocument("page.txt", "text", text=text)


# --- Reuters -------------------------------------------------------------------------------


def test_company_marks_become_names_and_tickers():
    text = (
        "He said they are United Technologies Corp <UTX> unit <Pratt^M and Whitney>, General "
        "Electric Co <GE> and Britain's <Rolls-Royce^M\n\nLtd>."
    )
    assert strip_markup_residue(reuters_company_marks(text)) == (
        "He said they are United Technologies Corp (UTX) unit Pratt and Whitney, General "
        "Electric Co (GE) and Britain's Rolls-Royce Ltd."
    )
    assert reuters_company_marks("STANDARD OIL <SRD> TO FORM FINANCIAL UNIT") == (
        "STANDARD OIL (SRD) TO FORM FINANCIAL UNIT"
    )


def test_a_lone_angle_bracket_is_no_company_mark():
    assert reuters_company_marks("output < 5 pct and > 3 pct") == "output < 5 pct and > 3 pct"


@pytest.mark.parametrize(
    "ending",
    [
        "REUTER",
        "REUTER...",
        "REUTER...^M",
        "Reuter...^M",
        "reuter^M",
        "REUTER TAW",
        "-- Caracas newsroom , 582 834405 REUTER JPR",
        "-- Sydney Newsroom 61-2 9373-1800",
        "-- London Newsroom +44 171 542 7658",
        "-- U.S. Municipal Desk , 212-859-1650",
        "--- Patricia Lezama , Mexico City newroom ( 525 ) 728 9554",
    ],
)
def test_sign_offs_and_desk_lines_end_nothing(ending):
    body = f"The U.S. followed with a 24.6 percent share .\n{ending}"
    assert strip_wire_furniture(strip_markup_residue(body)) == (
        "The U.S. followed with a 24.6 percent share ."
    )


@pytest.mark.parametrize(
    "last_line",
    [
        "-- Royal Oak shares were down 1/16 at 3-11/16 .",
        "-- Akron , Ohio , $ 6.31 million improvement bonds .",
        "-- World steel market shows signs of upturn .",
    ],
)
def test_a_digest_item_after_dashes_is_text(last_line):
    body = f"Highlights :\n{last_line}"
    assert strip_wire_furniture(body) == body


def test_the_correction_stamp_goes_and_the_dateline_stays():
    body = "TENNIS - RESULTS AT TOSHIBA CLASSIC .\n[ CORRECTED 05:30 GMT ]\nCARLSBAD , California"
    assert strip_wire_furniture(body) == (
        "TENNIS - RESULTS AT TOSHIBA CLASSIC .\nCARLSBAD , California"
    )


def test_reuters_words_in_a_story_stay():
    body = "REUTERS TO CARRY JIJI FINANCIAL SERVICES\n\nReuters Holdings said REUTER terminals"
    assert strip_wire_furniture(body) == body


# --- markup residue ------------------------------------------------------------------------


def test_character_references_are_decoded_and_ampersands_kept():
    assert strip_markup_residue("&#163;1.8m fine; 4&frac12; decades; AT&T & Co") == (
        "£1.8m fine; 4½ decades; AT&T & Co"
    )


def test_stray_link_markup_goes_and_upper_case_tickers_stay():
    text = 'Watch <a href="http://video.foxnews.com">video.foxnews.com</a> now <I> said.'
    assert strip_markup_residue(text) == "Watch video.foxnews.com now <I> said."


def test_clean_text_is_returned_as_it_is():
    text = "Net free reserves.....644 vs.....1,337\n\nA   table   row"
    assert strip_markup_residue(text) is text


# --- whole documents of the corpus --------------------------------------------------------


def test_reuters_headline_and_body_read_cleanly(shared):
    article = parsed(CORPUS / "reuters21578" / "reut2-000.sgm", "2")
    assert article.title == "STANDARD OIL (SRD) TO FORM FINANCIAL UNIT"
    assert "British Petroleum Co Plc (BP)," in article.body
    stamp = parsed(CORPUS / "reuters21578" / "reut2-013.sgm", "13970")
    assert stamp.title == "BUS,PRS JOHANNESBURG CLSG - 7 April"


def test_conll_story_loses_its_correction_stamp_and_sign_off(shared):
    article = parsed(CORPUS / "conll2003_en" / "eng.train", "132")
    assert "CORRECTED" not in article.body
    assert article.body.split("\n")[1] == "CARLSBAD , California 1996-08-22"
    assert article.published.isoformat() == "1996-08-22"
    signed = parsed(CORPUS / "conll2003_en" / "eng.train", "72")
    assert not signed.body.rstrip().endswith("REUTER")


# --- stored articles -----------------------------------------------------------------------


@pytest.mark.django_db
def test_reextraction_cleans_a_stored_article_and_its_snippet(
    clean_index, shared, client, django_capture_on_commit_callbacks
):
    from articles.ingest import import_documents, reextract_article

    raw = next(r for r in read_paths([str(TEHRAN)]) if getattr(r, "ordinal", None) == "5")
    report = import_documents([raw])
    article = Article.objects.get(pk=report.created[0][1])
    Article.objects.filter(pk=article.pk).update(body=STORED_BEFORE)  # as stored before

    with django_capture_on_commit_callbacks(execute=True):
        reextract_article(article)

    article.refresh_from_db()
    assert article.body.startswith('Vaeedi calls Iran-IAEA talks "serious and good"')
    assert "@K=" not in article.body and "[pol]" not in article.body
    data = client.get("/search/?q=Vaeedi&format=json").json()
    (result,) = data["results"]
    assert "@K" not in result["snippet_html"] and "[pol]" not in result["snippet_html"]
    assert "Vaeedi" in result["snippet_html"]


@pytest.mark.django_db
def test_reextraction_gives_the_article_the_fingerprint_a_new_import_would(clean_index, shared):
    from articles.ingest import import_documents, reextract_article
    from articles.ingest.columns import article_fingerprint

    raw = next(r for r in read_paths([str(TEHRAN)]) if getattr(r, "ordinal", None) == "5")
    report = import_documents([raw], index=False)
    article = Article.objects.get(pk=report.created[0][1])
    old = article_fingerprint(article.headline, STORED_BEFORE)
    Article.objects.filter(pk=article.pk).update(body=STORED_BEFORE, fingerprint=old)

    reextract_article(article)

    article.refresh_from_db()
    assert article.fingerprint == article_fingerprint(article.headline, article.body)
    again = import_documents([raw], index=False)
    assert again.duplicates == [(again.duplicates[0][0], article.pk)] and not again.created


def test_the_issue_examples_are_in_the_corpus(shared):
    # a test that reads the real record, so the example above is not made up
    line = TEHRAN.read_text(encoding="utf-8").split("\n")[4]
    assert json.loads(line)["text"].startswith("-01\n[pol]\n[ed]\n@H= Iran, IAEA")
