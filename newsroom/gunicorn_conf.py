"""gunicorn settings for `make serve` and the deploy/ containers.

    gunicorn newsroom.wsgi -c newsroom/gunicorn_conf.py --bind 0.0.0.0:8000

Every value can be overridden by the environment variable named beside it (or by
GUNICORN_CMD_ARGS). Searching is CPU-bound (Whoosh runs in the worker), so workers follow the
core count rather than the usual 2n+1 for I/O-bound sites.
"""

import multiprocessing
import os

cores = multiprocessing.cpu_count()
workers = int(os.environ.get("WEB_CONCURRENCY", max(2, cores + 1)))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# Long enough for a large faceted search on Whoosh; a request past it is killed and logged.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Recycle workers now and then so a slow leak never grows without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
# Uploads of large archives: the limit is enforced by Django (NEWSROOM_MAX_* settings).
limit_request_line = 8190

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Client address, request, status, bytes, referrer, user agent and time taken in microseconds.
access_log_format = '%({x-forwarded-for}i)s %(h)s "%(r)s" %(s)s %(B)s "%(f)s" "%(a)s" %(D)sus'

# Trust X-Forwarded-* only from the proxy in front (nginx on the same host by default).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# Containers often have a disk-backed /tmp; the heartbeat file belongs in memory.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"

# Load the app once in the master so workers share its memory pages.
preload_app = True
