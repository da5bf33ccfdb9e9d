"""gunicorn's asyncio (ASGI) worker with the two deadlines Newsroom needs.

newsroom/gunicorn_conf.py selects it (``worker_class``); newsroom/serving.py says why the
site is served by an event loop. On top of gunicorn's own ``asgi`` worker:

- **Header deadline.** A connection must finish sending its first request's headers within
  ``GUNICORN_HEADER_TIMEOUT`` seconds or it is closed (later requests on a kept-alive
  connection are bounded by gunicorn's keep-alive timer). gunicorn's worker waits forever.
- **Stuck request.** When one request has kept the worker's Django thread busy for longer
  than ``timeout`` (GUNICORN_TIMEOUT), the worker stops reporting to the arbiter, which
  kills it and starts a new one, as it does with sync workers: the event loop alone would
  go on answering nothing but its heartbeat.
- **Connection cap.** A worker holds at most ``worker_connections`` connections
  (GUNICORN_WORKER_CONNECTIONS); one more is answered 503 and closed. gunicorn's asyncio
  worker counts them but takes any number.
- Its own answers (400, 414, 431, 503) carry the site's security headers, and a WebSocket
  handshake is refused with 400: the site speaks no WebSocket.
"""

from __future__ import annotations

import os

from gunicorn.asgi.protocol import ASGIProtocol
from gunicorn.workers import gasgi

from . import serving
from .middleware import security_headers


def header_timeout() -> float:
    return float(os.environ.get("GUNICORN_HEADER_TIMEOUT") or 15)


class HeaderDeadlineProtocol(ASGIProtocol):
    """gunicorn's HTTP protocol, closing a connection whose first request's headers do not
    arrive in time."""

    _header_deadline = None

    def connection_made(self, transport):
        super().connection_made(transport)
        if self.worker.nr_conns > self.worker.worker_connections:
            self.log.warning("over %d connections: answering 503", self.worker.worker_connections)
            self._send_error_response(
                503, "Too many connections: try again shortly.\n", (("Retry-After", "5"),)
            )
            self._close_transport()
            return
        self._header_deadline = self.worker.loop.call_later(
            header_timeout(), self._headers_too_slow
        )

    def _send_error_response(self, status, message, extra_headers=()):
        super()._send_error_response(status, message, (*extra_headers, *security_headers()))

    async def _handle_websocket(self, request, sockname, peername):
        self._send_error_response(400, "This site speaks no WebSocket.\n")
        self._close_transport()

    def _on_headers_complete(self):
        self._cancel_header_deadline()
        return super()._on_headers_complete()

    def connection_lost(self, exc):
        self._cancel_header_deadline()
        super().connection_lost(exc)

    def _cancel_header_deadline(self):
        if self._header_deadline is not None:
            self._header_deadline.cancel()
            self._header_deadline = None

    def _headers_too_slow(self):
        self._header_deadline = None
        self.log.debug("closing a connection whose request headers did not arrive in time")
        self._keepalive_timeout()  # closes the transport and wakes the connection's task


class Worker(gasgi.ASGIWorker):
    """gunicorn's ``asgi`` worker with a header deadline and a stuck-request timeout."""

    def init_process(self):
        # The worker builds its connections with the name ASGIProtocol from its own module
        # (gasgi._serve); this process is this worker's alone.
        gasgi.ASGIProtocol = HeaderDeadlineProtocol
        super().init_process()

    def notify(self):
        if serving.seconds_on_current_request() > self.timeout:
            return  # the arbiter restarts a worker that stops reporting
        super().notify()
