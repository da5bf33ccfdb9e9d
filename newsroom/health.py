"""/healthz: can this app server answer? Checks the database and the search index.

Answers 200 {"database": "ok", "search": "ok"} or 503 naming what failed, for load
balancers, container health checks and uptime monitors. Details of a failure go to the log,
never into the response.
"""

from __future__ import annotations

import logging
import threading

from django.db import connections
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger("newsroom.health")

_probe = threading.local()


def check_database(alias: str = "default") -> None:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _search_backend():
    """A haystack backend for the default connection that raises instead of logging.

    The site's own backend runs with SILENTLY_FAIL (a search outage shows an empty result
    page, not a 500), which would make every probe look healthy; so the probe has its own.
    """
    from haystack import connections as search_connections

    engine = search_connections["default"]
    options = {**engine.options, "SILENTLY_FAIL": False}
    key = repr(sorted(options.items()))
    if getattr(_probe, "key", None) != key:
        _probe.backend = engine.backend(engine.using, **options)
        _probe.key = key
    return _probe.backend


def check_search() -> None:
    """Run one cheap query against the index (Whoosh folder or search cluster)."""
    backend = _search_backend()
    result = backend.search("newsroomhealthprobe", end_offset=1)
    if not isinstance(result, dict) or "hits" not in result:
        raise RuntimeError(f"unexpected answer from the search backend: {result!r}")


CHECKS = {"database": check_database, "search": check_search}


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    status: dict[str, str] = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception:
            logger.exception("health check: %s failed", name)
            status[name] = "failed"
        else:
            status[name] = "ok"
    healthy = all(value == "ok" for value in status.values())
    return JsonResponse(status, status=200 if healthy else 503)
