"""gunicorn settings for `make serve` and the deploy/ containers.

    gunicorn -c newsroom/gunicorn_conf.py --bind 0.0.0.0:8000

The site is served by gunicorn's asyncio worker with Django's ASGI application
(newsroom/asgi.py): connections, headers and bodies are read by an event loop, so slow or idle
clients hold no worker (newsroom/serving.py says why; newsroom/gunicorn_worker.py adds the
header deadline and the stuck-request timeout). Every value can be overridden by the
environment variable named beside it (or by GUNICORN_CMD_ARGS). Searching is CPU-bound (Whoosh
runs in the worker, one request at a time per worker), so workers follow the core count rather
than the usual 2n+1 for I/O-bound sites.
"""

import multiprocessing
import os


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


cores = multiprocessing.cpu_count()
wsgi_app = "newsroom.asgi:application"
worker_class = "newsroom.gunicorn_worker.Worker"
asgi_lifespan = "off"  # Django has no lifespan handler
workers = env_int("WEB_CONCURRENCY", max(2, cores + 1))
# Long enough for a large faceted search on Whoosh; a worker busy on one request for longer
# is restarted and the request logged.
timeout = env_int("GUNICORN_TIMEOUT", 60)
# GUNICORN_HEADER_TIMEOUT (default 15 s, read by newsroom/gunicorn_worker.py): a connection
# that has not sent its request's headers by then is closed.
graceful_timeout = env_int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = env_int("GUNICORN_KEEPALIVE", 5)
# Connections one worker holds at most (idle, sending, waiting); one more is answered 503
# (newsroom/gunicorn_worker.py). GUNICORN_BODY_TIMEOUT (default 30 s, newsroom/serving.py): a
# request body must arrive within it, plus a second per 50 KB of its declared length.
worker_connections = env_int("GUNICORN_WORKER_CONNECTIONS", 500)
# Recycle workers now and then so a slow leak never grows without bound.
max_requests = env_int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = max_requests // 10
# Uploads of large archives: the limit is enforced by Django (NEWSROOM_MAX_* settings).
limit_request_line = 8190

accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or "-"
errorlog = os.environ.get("GUNICORN_ERROR_LOG") or "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL") or "info"
# Client address, request, status, bytes, referrer, user agent and time taken in microseconds.
access_log_format = '%({x-forwarded-for}i)s %(h)s "%(r)s" %(s)s %(B)s "%(f)s" "%(a)s" %(D)sus'

# Trust X-Forwarded-* only from the proxy in front (nginx on the same host by default).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS") or "127.0.0.1,::1"
# Containers often have a disk-backed /tmp; the heartbeat file belongs in memory.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"

# Load the app once in the master so workers share its memory pages.
preload_app = True
# gunicorn 27's control socket lives in ~/.gunicorn, shared by every gunicorn of the user
# (and not writable in the container); nothing here uses it.
control_socket_disable = True


def post_worker_init(worker):
    """Open the search index before the first request; start the background indexer."""
    # Imported here: gunicorn reads this file before Django is set up.
    from django.conf import settings

    from articles import search, selectors
    from articles import worker as background
    from newsroom.serving import SiteApplication

    if not isinstance(getattr(worker, "asgi", None), SiteApplication):
        raise RuntimeError(
            "This configuration serves newsroom.asgi:application: run "
            "`gunicorn -c newsroom/gunicorn_conf.py` without naming an application."
        )
    search.warm_up()
    selectors.warm_up()
    if settings.NEWSROOM_INDEX_DRAINER:
        background.start_in_background()


def worker_exit(server, worker):
    """Let the background indexer finish its batch before the worker goes."""
    # Imported here: gunicorn reads this file before Django is set up.
    from articles import worker as background

    background.stop_background()
