"""How Newsroom is served: Django under ASGI, so that slow or idle clients hold no worker.

`make serve` runs gunicorn's asyncio worker (newsroom.gunicorn_worker) with the application
of newsroom/asgi.py. The event loop reads connections, request headers and request bodies;
a request reaches Django only once it has fully arrived, and an answer is written back by the
loop. Three clients that never finish their headers took every sync worker of the site down
(issue 10); here they cost a few kilobytes each until the header deadline closes them.

Django itself runs as before: one request at a time per worker process, on one thread
(``OneThreadASGIHandler``), so searches (CPU-bound, in the worker) do not compete for the
GIL, and database connections and the search engine's per-thread state are reused.
``SiteApplication`` adds what Django's ASGI handler leaves out: it would read any request
body to the end before the view could refuse it, wait for a body forever, answer HEAD with a
body, and fail (500) on a WebSocket.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import time

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.handlers.asgi import ASGIHandler, ASGIRequest
from django.urls import reverse

from .middleware import security_headers

# When the request now running on this process's Django thread started (monotonic), or None.
# gunicorn's worker (newsroom.gunicorn_worker) reads it to restart a worker stuck on one
# request, as its sync workers did after GUNICORN_TIMEOUT.
_running_since: float | None = None


def body_timeout() -> float:
    """Seconds a request body may take to arrive at the least (GUNICORN_BODY_TIMEOUT)."""
    return float(os.environ.get("GUNICORN_BODY_TIMEOUT") or 30)


# A body may take longer than body_timeout() as it is larger: this many bytes a second.
BODY_MIN_RATE = 50_000


def seconds_on_current_request() -> float:
    started = _running_since
    return 0.0 if started is None else time.monotonic() - started


class OneThreadASGIHandler(ASGIHandler):
    """Django's ASGI handler, running every request's synchronous code on one thread.

    Django enters a ThreadSensitiveContext per request, which gives each request a thread of
    its own: as many threads as requests in flight, each with its own database connection.
    Without it, asgiref runs thread-sensitive code on one executor thread per process.
    """

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            raise ValueError(f"Newsroom serves HTTP only, not {scope['type']}.")
        await self.handle(scope, receive, send)


class SiteApplication:
    """The ASGI application gunicorn serves: Django with request-body limits and HEAD.

    - A body over its limit is never read: ``NEWSROOM_MAX_UPLOAD_BYTES`` on the two admin
      upload pages (whose views refuse an oversized Content-Length with a page saying why,
      so they see the request without its body), ``DATA_UPLOAD_MAX_MEMORY_SIZE`` elsewhere
      (413). Django's ASGI handler would spool any body to disk before the view runs.
    - A body must arrive within ``body_timeout()`` seconds, longer for a larger one (at least
      ``BODY_MIN_RATE`` bytes a second): a client dripping its body a byte a second held its
      connection for ever. Past the deadline it is answered 408 and Django sees no request.
    - A response to HEAD goes out without its body (gunicorn warns on every one otherwise).
    - A WebSocket handshake is refused (the site speaks none); gunicorn answers 403.
    """

    def __init__(self, django_app=None):
        self.django_app = django_app or OneThreadASGIHandler()
        self._upload_paths: frozenset[str] | None = None

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket":
            await receive()  # websocket.connect
            await send({"type": "websocket.close", "code": 1008})
            return
        if scope["type"] != "http":
            await self.django_app(scope, receive, send)
            return
        limit = self.body_limit(scope["path"])
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            if scope["path"] not in self.upload_paths():
                await _too_large(send, limit)
                return
            receive = _without_body(receive)  # the view refuses it by its Content-Length
        else:
            deadline = body_timeout() + (declared or 0) / BODY_MIN_RATE
            receive = _in_time(_limited(receive, limit), send, deadline)
        if scope["method"] == "HEAD":
            send = _without_response_body(send)
        await self.django_app(scope, receive, send)

    def upload_paths(self) -> frozenset[str]:
        if self._upload_paths is None:
            self._upload_paths = frozenset(
                {reverse("admin:articles_article_upload"), reverse("admin:articles_article_add")}
            )
        return self._upload_paths

    def body_limit(self, path: str) -> int:
        if path in self.upload_paths():
            return settings.NEWSROOM_MAX_UPLOAD_BYTES
        return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def _content_length(scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name.lower() == b"content-length":
            return int(value) if value.isdigit() else None
    return None


async def _too_large(send, limit: int) -> None:
    await _refuse(send, 413, f"Request body over the {limit:,}-byte limit.\n")


async def _refuse(send, status: int, text: str) -> None:
    """An answer made here, not by Django: the security headers are added by hand."""
    headers = [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"connection", b"close"),
        *((name.lower().encode(), value.encode()) for name, value in security_headers()),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": text.encode()})


def _in_time(receive, send, seconds: float):
    """The body must have arrived ``seconds`` after the request began, or it is answered 408
    and Django told the client went away; once it has, receive is left alone (Django then
    listens for a disconnect while the view runs)."""
    deadline = asyncio.get_running_loop().time() + seconds
    arrived = False

    async def receive_in_time():
        nonlocal arrived
        if arrived:
            return await receive()
        left = deadline - asyncio.get_running_loop().time()
        try:
            message = await asyncio.wait_for(receive(), max(0.0, left))
        except TimeoutError:
            arrived = True
            await _refuse(send, 408, "The request body did not arrive in time.\n")
            return {"type": "http.disconnect"}
        if message["type"] != "http.request" or not message.get("more_body", False):
            arrived = True
        return message

    return receive_in_time


def _without_body(receive):
    given = False

    async def receive_nothing():
        nonlocal given
        if not given:
            given = True
            return {"type": "http.request", "body": b"", "more_body": False}
        # Django then listens for a disconnect, and takes the body's next chunk for a
        # protocol error: wait until it stops listening (it cancels this) instead.
        await asyncio.Event().wait()

    return receive_nothing


def _limited(receive, limit: int):
    """A chunked body (no Content-Length) that grows past the limit ends the request."""
    seen = 0

    async def receive_limited():
        nonlocal seen
        message = await receive()
        seen += len(message.get("body", b""))
        if seen > limit:
            return {"type": "http.disconnect"}  # Django stops reading: RequestAborted
        return message

    return receive_limited


def _without_response_body(send):
    async def send_headers_only(message):
        if message["type"] == "http.response.body":
            message = {**message, "body": b""}
        await send(message)

    return send_headers_only


_END = object()


async def _in_batches(iterator):
    """A synchronous iterator read on the Django thread, 64 pieces at a time."""

    def batch():
        return list(itertools.islice(iterator, 64)) or _END

    read = sync_to_async(batch, thread_sensitive=True)
    while (pieces := await read()) is not _END:
        for piece in pieces:
            yield piece


class ServingMiddleware:
    """Outermost middleware: notes when the running request started, and under ASGI turns a
    streamed response's synchronous iterator (CSV export, static files) into an
    asynchronous one, read in batches on Django's thread. Django would otherwise read it
    whole into memory first ("StreamingHttpResponse must consume synchronous iterators")."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        global _running_since
        _running_since = time.monotonic()
        try:
            response = self.get_response(request)
        finally:
            _running_since = None
        if response.streaming and not response.is_async and isinstance(request, ASGIRequest):
            response.streaming_content = _in_batches(iter(response.streaming_content))
        return response
