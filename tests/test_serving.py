"""`make serve` as it runs: gunicorn with newsroom/gunicorn_conf.py, clients slow or hostile.

Sync workers were held by three connections that never finished their headers (issue 10):
/healthz timed out for a minute and the workers were killed, again and again. The site is
served by an event loop now (newsroom/serving.py); this starts the real server on a small
data folder and checks that it keeps answering while such connections hang.
"""

import json
import socket
import threading
import time
import urllib.error
import urllib.request

import pytest
from gunicorn.config import Config
from gunicorn.glogging import Logger

from newsroom import serving
from newsroom.gunicorn_worker import Worker

from .conftest import free_port, separate_site

WORKERS = 2
HEADER_TIMEOUT = 4
BODY_TIMEOUT = 3
CONNECTIONS = 10  # per worker
SECURITY_HEADERS = ("content-security-policy", "x-content-type-options", "x-frame-options")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """gunicorn as `make serve` runs it (production settings), on an empty archive."""
    run, start = separate_site(tmp_path_factory.mktemp("site"))
    production = {
        "DEBUG": "0",
        "SECRET_KEY": "a-test-secret-key-that-is-long-enough-for-production-settings",
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    collected = run("manage.py", "collectstatic", "--no-input", "-v0", extra_env=production)
    assert collected.returncode == 0, collected.stderr
    port = free_port()
    process = start(
        "-m", "gunicorn", "-c", "newsroom/gunicorn_conf.py", "--bind", f"127.0.0.1:{port}",
        extra_env={
            **production,
            "WEB_CONCURRENCY": str(WORKERS),
            "GUNICORN_HEADER_TIMEOUT": str(HEADER_TIMEOUT),
            "GUNICORN_BODY_TIMEOUT": str(BODY_TIMEOUT),
            "GUNICORN_WORKER_CONNECTIONS": str(CONNECTIONS),
            "GUNICORN_ACCESS_LOG": "/dev/null",
        },
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if status(port, "/healthz")[0] == 200:
            break
        assert process.poll() is None, process.communicate()[1][-3000:]
        time.sleep(0.2)
    else:
        pytest.fail("gunicorn did not answer /healthz within 60 s")
    yield port
    process.terminate()
    _, err = process.communicate(timeout=60)
    assert "Traceback" not in err, err[-3000:]


def status(port: int, path: str, *, timeout: float = 5, **kwargs) -> tuple[int, bytes]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", **kwargs)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except OSError:
        return 0, b""


def closed_by_server(sock: socket.socket) -> bool:
    sock.settimeout(0.1)
    try:
        return sock.recv(100) == b""
    except TimeoutError:
        return False
    except ConnectionResetError:
        return True


def test_slow_clients_do_not_hold_the_site(server):
    port = server
    hanging = []
    for n in range(4 * WORKERS):
        sock = socket.create_connection(("127.0.0.1", port))
        if n % 2:  # headers that never end
            sock.sendall(b"GET /search/?q=troops HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        else:  # a form body that never arrives
            sock.sendall(
                b"POST /admin/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                b"Content-Type: application/x-www-form-urlencoded\r\n"
                b"Content-Length: 1000\r\n\r\nusername="
            )
        hanging.append(sock)
    try:
        time.sleep(0.5)
        for _ in range(5):
            started = time.monotonic()
            answer, body = status(port, "/healthz", timeout=3)
            assert answer == 200 and json.loads(body)["database"] == "ok"
            assert time.monotonic() - started < 2
        assert status(port, "/search/?q=troops")[0] == 200

        # Headers that have not arrived after the header timeout: the connection is closed.
        time.sleep(HEADER_TIMEOUT + 1)
        assert all(closed_by_server(sock) for sock in hanging[1::2])
    finally:
        for sock in hanging:
            sock.close()


def test_request_bodies_over_the_limit_are_refused_before_they_are_read(server):
    port = server
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(
            b"POST /search/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 900000000000\r\n\r\n"
        )
        answer = sock.recv(1000)
    assert answer.startswith(b"HTTP/1.1 413")
    # The upload page sees an oversized upload's headers only, and its sign-in check answers.
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(
            b"POST /admin/articles/article/upload/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Length: 900000000000\r\n\r\n"
        )
        answer = sock.recv(1000)
    assert answer.startswith(b"HTTP/1.1 302") and b"/admin/login/" in answer


def test_head_exports_and_static_files_under_the_event_loop(server):
    port = server
    request = urllib.request.Request(f"http://127.0.0.1:{port}/", method="HEAD")
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 200 and response.read() == b""
        assert int(response.headers["Content-Length"]) > 1000
    answer, body = status(port, "/search/?format=csv")
    assert answer == 200 and body.startswith(b"id,published,source")
    answer, page = status(port, "/")
    stylesheet = page.decode().split('rel="stylesheet" href="', 1)[1].split('"', 1)[0]
    answer, css = status(port, stylesheet)
    assert answer == 200 and b"font" in css


def raw_answer(port: int, request: bytes) -> tuple[bytes, dict[str, str]]:
    """The status line and headers the server sends for ``request``, sent as written."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        received = b""
        while b"\r\n\r\n" not in received:
            chunk = sock.recv(65536)
            if not chunk:
                break
            received += chunk
    head = received.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in head[1:] if ": " in line)
    return head[0].encode(), {name.lower(): value for name, value in headers.items()}


@pytest.mark.parametrize("path", [b"//evil.example/", b"/%2F%2Fevil.example/", b"//evil.example"])
def test_the_tracking_redirect_never_leaves_the_site(server, path):
    status_line, headers = raw_answer(
        server, b"GET " + path + b"?utm_source=x HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    )
    assert status_line.startswith(b"HTTP/1.1 301")
    assert headers["location"].startswith("/evil.example")
    assert all(name in headers for name in SECURITY_HEADERS), headers


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (b"POST /search/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 900000000\r\n\r\n", 413),
        (b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 414),
        (b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"a" * 9000 + b"\r\n\r\n", 431),
        (b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header\r\n\r\n", 400),
    ],
    ids=["413", "414", "431", "400"],
)
def test_answers_made_before_django_carry_the_security_headers(server, request_bytes, status):
    status_line, headers = raw_answer(server, request_bytes)
    assert status_line.startswith(b"HTTP/1.1 %d" % status), status_line
    assert all(name in headers for name in SECURITY_HEADERS), headers
    assert headers["x-frame-options"] == "DENY"


def test_a_websocket_handshake_is_refused_not_failed(server):
    status_line, headers = raw_answer(
        server,
        b"GET /search/ HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
        b"Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        b"Sec-WebSocket-Version: 13\r\n\r\n",
    )
    assert status_line.startswith(b"HTTP/1.1 400"), status_line
    assert all(name in headers for name in SECURITY_HEADERS), headers
    assert status(server, "/healthz")[0] == 200


def test_a_body_dripping_a_byte_a_second_is_cut_off(server):
    with socket.create_connection(("127.0.0.1", server), timeout=BODY_TIMEOUT + 10) as sock:
        sock.sendall(
            b"POST /admin/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n\r\n"
        )
        started = time.monotonic()
        answer = b""
        sock.settimeout(1)
        while time.monotonic() - started < BODY_TIMEOUT + 8:
            try:
                sock.sendall(b"u")
                chunk = sock.recv(1000)
            except TimeoutError:
                continue
            except OSError:
                break
            if not chunk:
                break
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
    assert BODY_TIMEOUT - 1 < time.monotonic() - started < BODY_TIMEOUT + 8
    assert b"content-security-policy" in answer.lower()


def test_a_worker_takes_no_more_connections_than_its_cap(server):
    idle = []
    try:
        for _ in range(WORKERS * CONNECTIONS + 6):
            idle.append(socket.create_connection(("127.0.0.1", server), timeout=5))
        time.sleep(0.5)
        refused = []
        for sock in idle:
            sock.settimeout(0.2)
            try:
                first = sock.recv(1000)
            except TimeoutError:
                continue
            if first.startswith(b"HTTP/1.1 503"):
                refused.append(first)
        assert len(refused) >= 6
        assert all(b"Retry-After: 5" in r and b"X-Frame-Options" in r for r in refused)
    finally:
        for sock in idle:
            sock.close()
    time.sleep(0.5)
    assert status(server, "/healthz")[0] == 200


def test_a_worker_busy_on_one_request_past_the_timeout_stops_reporting(tmp_path):
    """The arbiter restarts a worker that stops reporting, as it does with sync workers."""
    config = Config()
    config.set("worker_tmp_dir", str(tmp_path))
    worker = Worker(0, 0, [], None, 2, config, Logger(config))
    try:
        worker.notify()
        first = worker.tmp.last_update()
        time.sleep(0.05)
        serving._running_since = time.monotonic() - 3  # one request for 3 s, timeout 2 s
        worker.notify()
        assert worker.tmp.last_update() == first
        serving._running_since = time.monotonic()
        worker.notify()
        assert worker.tmp.last_update() > first
    finally:
        serving._running_since = None
        worker.tmp.close()


def test_the_application_refuses_a_websocket_any_server_hands_it():
    """gunicorn's worker refuses the handshake itself; under another ASGI server the
    application closes it instead of failing."""
    import asyncio

    sent = []

    async def receive():
        return {"type": "websocket.connect"}

    async def send(message):
        sent.append(message)

    def serve():  # in a thread of its own: the browser tests leave a loop running here
        asyncio.run(serving.SiteApplication()({"type": "websocket", "path": "/"}, receive, send))

    thread = threading.Thread(target=serve)
    thread.start()
    thread.join(10)
    assert [m["type"] for m in sent] == ["websocket.close"]
