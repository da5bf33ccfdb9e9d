"""/healthz: can this app server answer? Checks the database and the search index.

Answers 200 {"database": "ok", "search": "ok"} or 503 naming what failed, for load
balancers, container health checks and uptime monitors: "failed" for an error, or a short
fixed description ("index missing", "index empty, 12 published articles"). Details of a
failure go to the log, never into the response.
"""

from __future__ import annotations

import logging

from django.db import connections
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from articles import search
from articles.models import Article

logger = logging.getLogger("newsroom.health")


class Problem(Exception):
    """A failed check whose message is safe to show: fixed words and counts, no paths."""


def check_database(alias: str = "default") -> None:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_search(*, database_ok: bool = True) -> None:
    """The index exists (never created here) and is not empty while articles are published."""
    try:
        indexed = search.probe_index()
    except FileNotFoundError as exc:
        raise Problem("index missing") from exc
    except search.IndexNeedsRebuild as exc:
        raise Problem(f"index built for another version: run {search.REBUILD_COMMAND}") from exc
    except search.SearchUnavailable as exc:
        raise Problem("search engine unreachable") from exc
    if indexed == 0 and database_ok:
        published = Article.objects.filter(is_published=True).count()
        if published:
            noun = "article" if published == 1 else "articles"
            raise Problem(f"index empty, {published} published {noun}")


def _run(name: str, check, **kwargs) -> str:
    try:
        check(**kwargs)
    except Problem as problem:
        cause = problem.__cause__
        logger.error(
            "health check: %s: %s%s", name, problem, f" ({cause})" if cause is not None else ""
        )
        return str(problem)
    except Exception:
        logger.exception("health check: %s failed", name)
        return "failed"
    return "ok"


# csrf_exempt: the CSRF check ran before the method check and answered a POST with 403;
# nothing here changes state, and any method but GET and HEAD now gets 405.
@csrf_exempt
@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    database = _run("database", check_database)
    # Without a database there is no article count to compare the index with.
    search = _run("search", check_search, database_ok=database == "ok")
    status = {"database": database, "search": search}
    healthy = all(value == "ok" for value in status.values())
    return JsonResponse(status, status=200 if healthy else 503)
