"""/healthz: can this app server answer? Checks the database and the search index.

Answers 200 {"database": "ok", "search": "ok"} or 503 naming what failed, for load
balancers, container health checks and uptime monitors. Details of a failure go to the log,
never into the response.
"""

from __future__ import annotations

import logging

from django.db import connections
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger("newsroom.health")


def check_database(alias: str = "default") -> None:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_search() -> None:
    """Run one cheap query against the index (Whoosh folder or search cluster)."""
    from articles import search

    search.check_health()


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
