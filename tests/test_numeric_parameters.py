"""Every number a URL carries is read as ASCII digits: odd digits get a message, never a 500.

``str.isdigit()`` says yes to "²" and "①", which ``int()`` refuses (a 500 on the page, JSON,
Atom, CSV, feed and values page); ``int()`` and ``\\d`` read "٣" (Arabic-Indic) and "３"
(full-width) as 3. Each odd value goes through each endpoint that reads a number.
"""

import pytest
from django.contrib.auth import get_user_model

from articles.forms.parameters import whole_number

pytestmark = pytest.mark.django_db

ODD_NUMBERS = [
    "²",  # superscript two: isdigit() but not int()
    "①",  # circled one
    "¹",
    "٣",  # Arabic-Indic three: int() reads it
    "３",  # full-width three
    "２０２０",  # a full-width year
    "1e3",
    "-1",
    "0",
    "+2",
    "9" * 30,  # past any page, and past SQLite's integers
    "9" * 5000,  # past int()'s 4,300-digit limit
    "3\n",
    " ",
]

SEARCH_URLS = [
    "/search/?q=troops&page={}",
    "/search/?q=troops&format=json&page={}",
    "/search/?q=troops&format=atom&page={}",
    "/search/?q=troops&format=csv&page={}",
    "/search/feed/?q=troops&page={}",
    "/search/values/place/?q=troops&page={}",
    "/search/values/place/?find={}",
    "/search/?year={}",
    "/search/?year=20{}",
    "/search/?from={}",
    "/search/?from=2020-01-0{}",
    "/search/?to={}-01-01",
    "/places/?letter={}",
    "/people/?q={}",
]


def short_id(value: str) -> str:
    return value if len(value) <= 12 else f"{len(value)}-digits"


@pytest.mark.parametrize("value", ODD_NUMBERS, ids=short_id)
def test_odd_digits_never_give_a_server_error(client, clean_index, value):
    for template in SEARCH_URLS:
        url = template.format(value.replace("\n", "%0A").replace("+", "%2B"))
        response = client.get(url, follow=True)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert response.status_code == 200, (url, response.status_code)
        assert body


@pytest.mark.parametrize("value", ["²", "①", "٣", "３", "1e3", "-1", "9" * 30])
def test_a_page_number_in_other_digits_is_refused_with_a_message(client, clean_index, value):
    page = client.get("/search/", {"q": "troops", "page": value})
    assert "does not exist: pages are numbered 1 to 500" in page.content.decode()
    data = client.get("/search/", {"q": "troops", "format": "json", "page": value}).json()
    assert data["page"] == 1
    assert any("does not exist" in note for note in data["notes"])


@pytest.mark.parametrize("value", ["٢٠٢٠", "２０２０", "20²0"])
def test_a_year_or_date_in_other_digits_is_not_taken_for_one(client, clean_index, value):
    data = client.get("/search/", {"year": value, "format": "json"}).json()
    assert data["query"]["include"] == {}
    assert any("is not a year" in note for note in data["notes"])
    data = client.get("/search/", {"from": f"{value}-01-01", "format": "json"}).json()
    assert data["query"]["from"] is None
    assert any("Dates are written YYYY-MM-DD" in note for note in data["notes"])


def test_whole_number_reads_ascii_digits_only():
    assert whole_number("42") == 42
    assert whole_number("007") == 7
    assert whole_number("0") == 0  # a number; the page check refuses it
    for value in ODD_NUMBERS:
        if value == "0":
            continue
        assert whole_number(value) is None, value


@pytest.mark.parametrize("value", ["²", "٣", "abc", "9" * 30])
def test_admin_numbers_in_other_digits_are_not_found(client, clean_index, value):
    staff = get_user_model().objects.create_superuser("chief", password="correct horse battery")
    client.force_login(staff)
    for url in (
        f"/admin/articles/uploadbatch/{value}/change/",
        f"/admin/articles/uploadbatch/{value}/report/",
        f"/articles/{value}/",
    ):
        assert client.get(url, follow=True).status_code == 404, url
    for url in (
        f"/admin/articles/uploadbatch/?p={value}",
        f"/admin/articles/article/?p={value}",
        f"/admin/articles/article/{value}/change/",
    ):
        assert client.get(url, follow=True).status_code == 200, url
