"""Files clients ask for at fixed addresses: /robots.txt and /favicon.ico."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

# Search pages are the archive's content; the admin, the value listings (marked noindex
# too) and the machine forms of a search are not.
ROBOTS_TXT = """\
User-agent: *
Disallow: /admin/
Disallow: /search/values/
Disallow: /search/feed/
Disallow: /*format=
"""


@require_safe
@cache_control(max_age=86400, public=True)
def robots_txt(request: HttpRequest) -> HttpResponse:
    return HttpResponse(ROBOTS_TXT, content_type="text/plain; charset=utf-8")


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """Pages name their icons; feed readers and old browsers still ask here."""
    return HttpResponsePermanentRedirect(static("img/favicon-32.png"))
