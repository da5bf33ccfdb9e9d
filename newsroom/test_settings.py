"""Settings for the test suite: everything under a throw-away data folder.

The database follows DATABASE_URL like production does: SQLite by default, PostgreSQL when
`scripts/with-postgres.sh` has started a private server (the second pass of `make test`).
"""

import os
import tempfile
from pathlib import Path

_data = Path(tempfile.mkdtemp(prefix="newsroom-test-"))
os.environ["NEWSROOM_DATA_DIR"] = str(_data)

from .settings import *  # noqa: E402,F403
from .settings import HAYSTACK_CONNECTIONS  # noqa: E402

DATA_DIR = _data
MEDIA_ROOT = _data / "uploads"
STATIC_ROOT = _data / "staticfiles"
if "PATH" in HAYSTACK_CONNECTIONS["default"]:
    HAYSTACK_CONNECTIONS["default"]["PATH"] = str(_data / "whoosh")
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
