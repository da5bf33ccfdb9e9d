"""Security middleware: response headers Django does not set, and the admin sign-in limit."""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import cache
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

logger = logging.getLogger("newsroom.security")


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
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()"
        )
        return response


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


def _keys(address: str, username: str) -> tuple[str, str]:
    digest = hashlib.sha256(f"{address}\n{username.strip().lower()}".encode()).hexdigest()
    return f"login-fail:user:{digest}", f"login-fail:addr:{address}"


def _add(key: str) -> int:
    window = settings.NEWSROOM_LOGIN_FAILURE_WINDOW
    if cache.add(key, 1, window):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        return 1


def _username(credentials: dict) -> str:
    return str(credentials.get("username") or "")


@receiver(user_login_failed, dispatch_uid="newsroom_count_login_failure")
def count_login_failure(sender, credentials: dict, request: HttpRequest | None = None, **kwargs):
    if request is None:
        return
    address, username = client_address(request), _username(credentials)
    user_key, address_key = _keys(address, username)
    failures = _add(user_key)
    _add(address_key)
    logger.warning("failed sign-in for %r from %s (%d in window)", username, address, failures)


@receiver(user_logged_in, dispatch_uid="newsroom_clear_login_failures")
def clear_login_failures(sender, request: HttpRequest | None = None, user=None, **kwargs):
    if request is None or user is None:
        return
    cache.delete(_keys(client_address(request), user.get_username())[0])


class AdminLoginRateLimitMiddleware:
    """Answer 429 to sign-in attempts after too many failures for one address and user name."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and request.path == reverse("admin:login"):
            refused = self.refusal(request)
            if refused:
                return refused
        return self.get_response(request)

    def refusal(self, request: HttpRequest) -> HttpResponse | None:
        address = client_address(request)
        username = request.POST.get("username", "")
        user_key, address_key = _keys(address, username)
        window = settings.NEWSROOM_LOGIN_FAILURE_WINDOW
        if (cache.get(user_key) or 0) >= settings.NEWSROOM_LOGIN_FAILURE_LIMIT or (
            cache.get(address_key) or 0
        ) >= settings.NEWSROOM_LOGIN_FAILURE_LIMIT_PER_ADDRESS:
            logger.warning("sign-in for %r from %s refused: too many failures", username, address)
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
        return None
