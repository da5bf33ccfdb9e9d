"""Security headers on every page, no inline code in templates, a limit on admin sign-ins."""

import multiprocessing
import pickle
import re
import time
from datetime import UTC
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.cache import cache, caches
from django.core.cache.backends.db import DatabaseCache
from django.core.management import call_command
from django.db import connection
from django.utils.dateparse import parse_datetime

from newsroom import middleware

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.mark.parametrize("url", ["/", LOGIN, "/no/such/page/"])
def test_pages_carry_a_strict_content_security_policy(client, url):
    response = client.get(url)
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp


def test_pages_carry_nosniff_referrer_policy_and_frame_denial(client):
    response = client.get("/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.parametrize(
    ("raw_path", "location"),
    [
        ("//evil.example/", "/evil.example/"),
        ("///evil.example/", "/evil.example/"),  # /%2F%2Fevil.example/ once decoded
        ("/\\evil.example/", "/%5Cevil.example/"),
        ("/search/", "/search/"),
    ],
)
def test_the_tracking_redirect_stays_on_this_site(client, raw_path, location):
    response = client.get("/", {"utm_source": "x", "q": "iran"}, PATH_INFO=raw_path)
    assert response.status_code == 301
    assert response["Location"] == location + "?q=iran"


@pytest.mark.parametrize(
    ("path", "extra"), [("/?utm_source=x", {}), ("/", {"HTTP_HOST": "evil.example"})]
)
def test_redirects_and_refused_hosts_carry_every_security_header(client, path, extra):
    response = client.get(path, **extra)
    assert response.status_code in (301, 400)
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in response["Content-Security-Policy"]


def test_hsts_and_secure_cookies_behind_tls(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    get_user_model().objects.create_superuser("chief", password="correct horse battery")

    page = client.get(LOGIN, secure=True)
    assert page["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert page.cookies["csrftoken"]["secure"]
    signed_in = client.post(
        LOGIN, {"username": "chief", "password": "correct horse battery"}, secure=True
    )
    assert signed_in.status_code == 302
    assert signed_in.cookies["sessionid"]["secure"]
    assert signed_in.cookies["sessionid"]["httponly"]


def test_no_hsts_over_plain_http(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    assert "Strict-Transport-Security" not in client.get("/")


INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")")
INLINE_CODE = {
    "inline <script> (move it to static/js and load it with src=)": INLINE_SCRIPT,
    "<style> element (move it to static/css)": re.compile(r"<style\b"),
    "style= attribute (use a class)": re.compile(r"\sstyle\s*="),
    "on...= event handler attribute (attach it from a script file)": re.compile(
        r"\son[a-z]+\s*=", re.I
    ),
    "javascript: URL": re.compile(r"javascript:", re.I),
}


def test_templates_have_no_inline_scripts_or_styles():
    """The CSP refuses inline code, so a template that has some is broken in the browser."""
    folders = [Path(d) for t in django_settings.TEMPLATES for d in t["DIRS"]]
    folders.append(Path(django_settings.BASE_DIR) / "articles" / "templates")
    problems = []
    for folder in folders:
        for template in sorted(folder.rglob("*.html")):
            text = template.read_text(encoding="utf-8")
            for what, pattern in INLINE_CODE.items():
                if pattern.search(text):
                    problems.append(f"{template.relative_to(folder)}: {what}")
    assert problems == []


def sign_in(client, username, password, address="203.0.113.7", **extra):
    return client.post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address, **extra
    )


@pytest.fixture
def staff():
    return get_user_model().objects.create_superuser("chief", password="correct horse battery")


def test_admin_sign_in_is_refused_after_five_failures(client, staff):
    for _ in range(5):
        assert sign_in(client, "chief", "wrong").status_code == 200

    refused = sign_in(client, "chief", "correct horse battery")

    assert refused.status_code == 429
    assert "Too many failed sign-in attempts" in refused.content.decode()
    assert "try again" in refused.content.decode()
    assert int(refused["Retry-After"]) > 0


def test_the_limit_is_per_address_and_user_name(client, staff):
    for _ in range(5):
        sign_in(client, "chief", "wrong")
    assert sign_in(client, "someone-else", "wrong").status_code == 200
    elsewhere = sign_in(client, "chief", "correct horse battery", address="198.51.100.9")
    assert elsewhere.status_code == 302


def test_user_name_case_does_not_dodge_the_limit(client, staff):
    for name in ["chief", "Chief", "CHIEF", "chieF", "cHief"]:
        sign_in(client, name, "wrong")
    assert sign_in(client, "Chief", "wrong").status_code == 429


@pytest.mark.parametrize("variant", ["ｃｈｉｅｆ", "ＣＨＩＥＦ", " chief ", "ｃhief"])
def test_user_names_that_sign_in_as_the_same_account_share_one_count(client, staff, variant):
    # Sign-in normalises user names with NFKC (Django's UsernameField): full-width letters
    # reach the same account, so they must reach the same count.
    for _ in range(5):
        assert sign_in(client, "chief", "wrong").status_code == 200
    assert sign_in(client, variant, "correct horse battery").status_code == 429
    cache.clear()
    for _ in range(5):
        assert sign_in(client, variant, "wrong").status_code == 200
    assert sign_in(client, "chief", "correct horse battery").status_code == 429
    assert sign_in(client, variant, "correct horse battery").status_code == 429


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/admin/", "javascript:alert(1)"]
)
def test_an_unsafe_next_after_sign_in_lands_on_the_admin_index(client, staff, next_url):
    response = client.post(
        f"{LOGIN}?next={next_url}",
        {"username": "chief", "password": "correct horse battery", "next": next_url},
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get(response["Location"]).status_code == 200


def test_a_forged_forwarded_for_header_does_not_dodge_the_limit(client, staff):
    for n in range(5):
        sign_in(client, "chief", "wrong", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    assert sign_in(client, "chief", "wrong", HTTP_X_FORWARDED_FOR="192.0.2.99").status_code == 429


def test_behind_a_trusted_proxy_the_forwarded_address_counts(client, settings, staff):
    settings.NEWSROOM_TRUSTED_PROXIES = 1
    for _ in range(5):
        sign_in(client, "chief", "wrong", address="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.7")
    blocked = sign_in(
        client, "chief", "wrong", address="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.7"
    )
    other_reader = sign_in(
        client,
        "chief",
        "correct horse battery",
        address="10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.9",
    )
    assert blocked.status_code == 429
    assert other_reader.status_code == 302


def test_a_successful_sign_in_forgets_earlier_failures(client, staff):
    for _ in range(4):
        sign_in(client, "chief", "wrong")
    assert sign_in(client, "chief", "correct horse battery").status_code == 302
    client.logout()
    for _ in range(4):
        assert sign_in(client, "chief", "wrong").status_code == 200


@pytest.fixture(params=["file", "db"])
def shared_cache(request, settings, tmp_path):
    """The caches deployments use (CACHE_URL file:// and db://), not the tests' locmem."""
    if request.param == "file":
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                "LOCATION": str(tmp_path / "cache"),
            }
        }
    else:
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.db.DatabaseCache",
                "LOCATION": "test_login_cache",
            }
        }
        call_command("createcachetable", verbosity=0)
    return caches["default"]


def stored_expiry(backend, key: str) -> float:
    """The expiry time the cache wrote for ``key`` (its file or its table row)."""
    if isinstance(backend, DatabaseCache):
        table = connection.ops.quote_name(backend._table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT expires FROM {table} WHERE cache_key = %s", [backend.make_key(key)]
            )
            (expires,) = cursor.fetchone()
        if isinstance(expires, str):  # SQLite: the raw column, no converters
            expires = parse_datetime(expires)
        if expires.tzinfo is None:
            expires = expires.replace(tzinfo=UTC)
        return expires.timestamp()
    with open(backend._key_to_file(key), "rb") as entry:
        return pickle.load(entry)


def test_a_lockout_lasts_the_whole_window_on_file_and_database_caches(client, staff, shared_cache):
    for _ in range(5):
        sign_in(client, "chief", "wrong")

    refused = sign_in(client, "chief", "correct horse battery")

    assert refused.status_code == 429
    assert refused["Retry-After"] == "900"
    assert "Wait 15 minutes" in refused.content.decode()
    # Django's incr() re-wrote these entries with its default 300 s timeout.
    for key in middleware._keys("203.0.113.7", "chief"):
        remaining = stored_expiry(shared_cache, key) - time.time()
        assert 900 - 60 < remaining <= 900, (key, remaining)


def _count_failures(key: str, times: int) -> None:
    for _ in range(times):
        middleware._add(key)


def test_failures_counted_by_several_workers_at_once_are_all_counted(settings, tmp_path):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        }
    }
    # gunicorn workers are forked processes sharing the cache folder.
    fork = multiprocessing.get_context("fork")
    workers = [fork.Process(target=_count_failures, args=("race", 25)) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert [worker.exitcode for worker in workers] == [0, 0, 0, 0]
    assert caches["default"].get("race") == 100
