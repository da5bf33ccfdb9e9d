"""ASGI entry point used by gunicorn (newsroom/gunicorn_conf.py); see newsroom/serving.py."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
django.setup(set_prefix=False)

from newsroom.serving import SiteApplication  # noqa: E402 (needs the settings)

application = SiteApplication()
