"""Limits on what one request may cost (issue 17): sign-in attempts made at once, the length
of the search words in every link of a page, and CSV cells a spreadsheet would run."""

import csv
import io
import threading

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connections
from django.test import Client

pytestmark = pytest.mark.django_db(transaction=True)

LOGIN = "/admin/login/"


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_thirty_sign_ins_at_once_have_five_passwords_checked(settings):
    # The production hasher: a check takes long enough for attempts to overlap.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    get_user_model().objects.create_superuser("chief", password="correct horse battery")
    start = threading.Barrier(30)
    answers: list[int] = []

    def attempt():
        try:
            start.wait()
            response = Client().post(
                LOGIN, {"username": "chief", "password": "wrong"}, REMOTE_ADDR="203.0.113.9"
            )
            answers.append(response.status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt) for _ in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)

    assert sorted(answers) == [200] * 5 + [429] * 25
    assert (
        Client()
        .post(
            LOGIN,
            {"username": "chief", "password": "correct horse battery"},
            REMOTE_ADDR="203.0.113.9",
        )
        .status_code
        == 429
    )


def test_a_successful_sign_in_does_not_count_against_its_address(settings, client):
    settings.NEWSROOM_LOGIN_FAILURE_LIMIT_PER_ADDRESS = 3
    get_user_model().objects.create_superuser("chief", password="correct horse battery")
    for _ in range(5):
        signed_in = Client().post(LOGIN, {"username": "chief", "password": "correct horse battery"})
        assert signed_in.status_code == 302
    empty = client.post(LOGIN, {"username": "chief", "password": ""})  # no password checked
    assert empty.status_code == 200
    assert client.post(LOGIN, {"username": "chief", "password": "wrong"}).status_code == 200


@pytest.fixture
def articles(clean_index):
    from articles.ingest.columns import article_fingerprint
    from articles.models import Article
    from articles.search import queue

    made = []
    for headline in ('＝HYPERLINK("http://evil.example","Okapi")', "Okapi 😀 survey"):
        body = f"{headline}. The okapi survey in the Congo."
        made.append(
            Article.objects.create(
                headline=headline, slug="okapi", body=body,
                fingerprint=article_fingerprint(headline, body),
            )
        )  # fmt: skip
    queue.drain()
    return made


@pytest.mark.parametrize(
    "formula", ["＝1+1", "﹦1+1", "＋1", "－1", "＠SUM(A1)", "⁼1", "=1", "\t=1"]
)
def test_csv_cells_starting_like_any_form_of_a_formula_are_defused(formula):
    from articles.pages.search_formats import csv_cell

    assert csv_cell(formula) == "'" + formula
    assert csv_cell("Okapi " + formula) == "Okapi " + formula


def test_the_csv_export_defuses_a_fullwidth_formula_in_a_headline(client, articles):
    response = client.get("/search/?q=okapi&format=csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert sorted(row["headline"][:3] for row in rows) == ["'＝H", "Oka"]


def test_a_query_of_670_emoji_is_cut_to_what_a_link_may_carry(client, articles):
    import re
    from urllib.parse import parse_qs, urlsplit

    response = client.get("/search/", {"q": "😀" * 670})

    page = response.content.decode()
    assert response.status_code == 200
    assert "The search words were cut to their first 83 characters" in page
    queries = [
        query
        for href in re.findall(r'href="([^"]+)"', page)
        for query in parse_qs(urlsplit(href.replace("&amp;", "&")).query).get("q", [])
    ]
    # Every link carries the cut words, or (a zero-result hint) the query loosened: 😀 folds
    # to the word "grinning", and 83 of them in a row are a phrase, offered as the word alone.
    assert queries and all(q in ("😀" * 83, "grinning") for q in queries)
    assert "😀" * 83 in queries
    assert len(response.content) < 200_000
