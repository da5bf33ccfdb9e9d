"""Site-wide middleware: response headers Django does not set, tracking parameters dropped,
compression that leaves secrets alone, and the admin sign-in limit."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import re
import time
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import cache, caches
from django.core.cache.backends.filebased import FileBasedCache
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.middleware.gzip import GZipMiddleware
from django.urls import reverse
from django.utils.encoding import escape_uri_path
from django.utils.http import url_has_allowed_host_and_scheme

from articles.locks import file_lock

logger = logging.getLogger("newsroom.security")


PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), interest-cohort=()"


def security_headers() -> list[tuple[str, str]]:
    """The headers every answer carries, for the answers no middleware sees: the server's
    own 400, 408, 413, 414, 431 and 503 (newsroom.serving, newsroom.gunicorn_worker)."""
    headers = [
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", settings.X_FRAME_OPTIONS),
        ("Referrer-Policy", settings.SECURE_REFERRER_POLICY),
        ("Cross-Origin-Opener-Policy", settings.SECURE_CROSS_ORIGIN_OPENER_POLICY),
        ("Permissions-Policy", PERMISSIONS_POLICY),
    ]
    if settings.NEWSROOM_CSP:
        headers.append(("Content-Security-Policy", settings.NEWSROOM_CSP))
    return headers


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every response.

    Django's SecurityMiddleware already sends nosniff, Referrer-Policy,
    Cross-Origin-Opener-Policy and (behind TLS) HSTS; Django 5.2 has no CSP of its own.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.csp = settings.NEWSROOM_CSP

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.csp:
            response.headers.setdefault("Content-Security-Policy", self.csp)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


# Added by mail and social sites to shared links; they mean nothing here.
TRACKING_PARAMETER = re.compile(
    r"utm_[a-z0-9_]*|fbclid|gclid|dclid|gbraid|wbraid|msclkid|mc_cid|mc_eid|igshid|yclid|twclid",
    re.IGNORECASE,
)


class TrackingParametersMiddleware:
    """A GET with utm_*, fbclid, gclid and the like is answered with a permanent redirect to
    the same URL without them, everything else kept as written: a shared link opens the
    canonical page (not "Unknown filter 'fbclid' was ignored"), and og:url and the share
    box never pass them on."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = request.META.get("QUERY_STRING", "")
        if query and request.method in ("GET", "HEAD"):
            pieces = query.split("&")
            kept = [p for p in pieces if not TRACKING_PARAMETER.fullmatch(p.split("=", 1)[0])]
            if len(kept) != len(pieces):
                kept = [p for p in kept if p]
                return HttpResponsePermanentRedirect(
                    same_site_path(request) + ("?" + "&".join(kept) if kept else "")
                )
        return self.get_response(request)


def same_site_path(request: HttpRequest) -> str:
    """The request's path as a Location that stays on this site.

    The raw path may start with "//" or "/\\" (or "/%2F%2F", decoded to "///"), which a
    browser reads as another host: "//evil.example/" would send a shared link there.
    """
    path = "/" + escape_uri_path(request.path).lstrip("/")
    if not url_has_allowed_host_and_scheme(path, allowed_hosts=None):
        return "/"
    return path


class CompressionMiddleware(GZipMiddleware):
    """gzip for what anyone may read; nothing secret is compressed (BREACH).

    BREACH recovers a secret from the compressed size of a response that also reflects
    attacker-chosen text. Public pages carry no secret: they are the same for every
    reader, with no CSRF token (their forms are GET) and no session data. Responses that
    do carry one are sent uncompressed: any page that put the CSRF token in it (sign-in,
    every admin form) and every response to a signed-in editor. Django's GZipMiddleware
    also pads each compressed response by a random length ("Heal the Breach").
    """

    def process_response(self, request, response):
        # CsrfViewMiddleware sets its cookie on every response whose page used the token.
        carries_token = settings.CSRF_COOKIE_NAME in response.cookies
        if carries_token or settings.SESSION_COOKIE_NAME in response.cookies or _signed_in(request):
            return response
        return super().process_response(request, response)


def _signed_in(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


def client_address(request: HttpRequest) -> str:
    """The client's address, trusting X-Forwarded-For only as far as our own proxies."""
    proxies = settings.NEWSROOM_TRUSTED_PROXIES
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def counted_name(username: str) -> str:
    """The name a failure is counted under: the account sign-in would reach, in any case.

    Django's sign-in form strips the name and normalises it with NFKC
    (AbstractBaseUser.normalize_username), so "ａｄｍｉｎ" signs in as "admin" and must count
    as "admin"; case is folded on top, so "Admin" counts there too.
    """
    return get_user_model().normalize_username(username.strip()).casefold()


def _keys(address: str, username: str) -> tuple[str, str]:
    digest = hashlib.sha256(f"{address}\n{counted_name(username)}".encode()).hexdigest()
    return f"login-fail:user:{digest}", f"login-fail:addr:{address}"


@contextlib.contextmanager
def _counter_lock(key: str) -> Iterator[None]:
    """Serialise the read-modify-write of one failure counter across worker processes.

    Django's file and database caches have no atomic incr (it is get + set), and the file
    cache's add() is has_key + set, so the file cache is locked with flock on a file beside
    its entries; other caches with an add()-based lock (atomic on the database cache).
    """
    backend = caches["default"]
    if isinstance(backend, FileBasedCache):
        # No .djcache suffix: cache.clear() and culling leave the lock file alone.
        with file_lock(Path(backend._dir) / "login-failures.lock"):
            yield
        return
    lock_key = f"{key}:lock"
    deadline = time.monotonic() + 2
    acquired = cache.add(lock_key, 1, 10)
    while not acquired and time.monotonic() < deadline:
        time.sleep(0.01)
        acquired = cache.add(lock_key, 1, 10)
    try:
        yield  # after 2 s without the lock, count anyway rather than not at all
    finally:
        if acquired:
            cache.delete(lock_key)


def _add(key: str) -> int:
    """Count one failure; the count is forgotten a full window after the latest failure.

    Every write passes the window explicitly: cache.incr() on file and database caches
    re-writes the entry with the default 300 s timeout, which ended lockouts after 5 minutes.
    """
    window = settings.NEWSROOM_LOGIN_FAILURE_WINDOW
    with _counter_lock(key):
        failures = (cache.get(key) or 0) + 1
        cache.set(key, failures, window)
    return failures


def _take(key: str, limit: int) -> bool:
    """Count one attempt unless ``limit`` are counted already; whether it was counted."""
    with _counter_lock(key):
        failures = cache.get(key) or 0
        if failures >= limit:
            return False
        cache.set(key, failures + 1, settings.NEWSROOM_LOGIN_FAILURE_WINDOW)
    return True


def _give_back(key: str) -> None:
    with _counter_lock(key):
        failures = cache.get(key) or 0
        if failures > 1:
            cache.set(key, failures - 1, settings.NEWSROOM_LOGIN_FAILURE_WINDOW)
        else:
            cache.delete(key)


def _username(credentials: dict) -> str:
    return str(credentials.get("username") or "")


@receiver(user_login_failed, dispatch_uid="newsroom_count_login_failure")
def count_login_failure(sender, credentials: dict, request: HttpRequest | None = None, **kwargs):
    if request is None:
        return
    address, username = client_address(request), _username(credentials)
    user_key, address_key = _keys(address, username)
    if getattr(request, "login_attempt_counted", False):  # counted before the check
        request.login_attempt_settled = True
        failures = cache.get(user_key) or 0
    else:
        failures = _add(user_key)
        _add(address_key)
    logger.warning("failed sign-in for %r from %s (%d in window)", username, address, failures)


@receiver(user_logged_in, dispatch_uid="newsroom_clear_login_failures")
def clear_login_failures(sender, request: HttpRequest | None = None, user=None, **kwargs):
    if request is None or user is None:
        return
    address = client_address(request)
    cache.delete(_keys(address, user.get_username())[0])
    if getattr(request, "login_attempt_counted", False):
        request.login_attempt_settled = True
        _give_back(_keys(address, "")[1])  # a success is no failure of the address


class AdminLoginRateLimitMiddleware:
    """Answer 429 to sign-in attempts after too many failures for one address and user name.

    Each attempt is counted as a failure before its password is checked, in one step with
    the check of the count, and taken back when it succeeds: attempts made at once are all
    counted (30 in parallel had 7 passwords checked where the limit is 5, issue 17).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method != "POST" or request.path != reverse("admin:login"):
            return self.get_response(request)
        refused = self.count_attempt(request)
        if refused:
            return refused
        response = self.get_response(request)
        if not getattr(request, "login_attempt_settled", False):  # no password was checked
            for key in _keys(client_address(request), request.POST.get("username", "")):
                _give_back(key)
        return response

    def count_attempt(self, request: HttpRequest) -> HttpResponse | None:
        address = client_address(request)
        username = request.POST.get("username", "")
        user_key, address_key = _keys(address, username)
        if not _take(address_key, settings.NEWSROOM_LOGIN_FAILURE_LIMIT_PER_ADDRESS):
            return self.refusal(address, username)
        if not _take(user_key, settings.NEWSROOM_LOGIN_FAILURE_LIMIT):
            _give_back(address_key)
            return self.refusal(address, username)
        request.login_attempt_counted = True
        return None

    def refusal(self, address: str, username: str) -> HttpResponse:
        logger.warning("sign-in for %r from %s refused: too many failures", username, address)
        window = settings.NEWSROOM_LOGIN_FAILURE_WINDOW
        minutes = max(1, window // 60)
        response = HttpResponse(
            "Too many failed sign-in attempts from your address. "
            f"Wait {minutes} minutes and try again, or ask an administrator to reset "
            "your password.\n",
            status=429,
            content_type="text/plain; charset=utf-8",
        )
        response.headers["Retry-After"] = str(window)
        return response
