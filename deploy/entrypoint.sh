#!/bin/sh
# What a Newsroom container runs:
#   web      gunicorn with newsroom/gunicorn_conf.py on :8000 (the default)
#   worker   the index worker: drains the index queue, resumes upload batches
#   setup    database migrations and the shared cache table; run once per release
#   anything else is run as given, e.g. `python manage.py export_articles -o /data/x.jsonl`
set -e
case "$1" in
  web)
    exec gunicorn -c newsroom/gunicorn_conf.py --bind 0.0.0.0:8000 ;;
  worker)
    exec python manage.py index_worker ;;
  setup)
    python manage.py migrate --no-input
    python manage.py createcachetable
    exec python manage.py check --deploy --fail-level ERROR ;;
  *)
    exec "$@" ;;
esac
