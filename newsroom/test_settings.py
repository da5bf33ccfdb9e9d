"""Settings for the test suite: everything under a throw-away data folder.

The folder (/tmp/newsroom-test-*) is removed when the test run's process exits.

The database follows DATABASE_URL like production does: SQLite by default, PostgreSQL when
`scripts/with-postgres.sh` has started a private server (the second pass of `make test`).
"""

import atexit
import os
import shutil
import tempfile
from pathlib import Path


def _remove_data_folder(folder: Path, creator: int) -> None:
    # Forked children inherit this exit handler; only the process that made the folder
    # removes it, once the whole run is over.
    if os.getpid() == creator:
        shutil.rmtree(folder, ignore_errors=True)


# Child processes of a test run (spawned or forkserver workers re-import these settings)
# use the run's folder instead of making one of their own.
_inherited = os.environ.get("NEWSROOM_TEST_DATA_DIR", "")
if _inherited and Path(_inherited).is_dir():
    _data = Path(_inherited)
else:
    _data = Path(tempfile.mkdtemp(prefix="newsroom-test-"))
    os.environ["NEWSROOM_TEST_DATA_DIR"] = str(_data)
    atexit.register(_remove_data_folder, _data, os.getpid())
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
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A database file, as in production (WAL, busy timeout), not Django's shared-cache
    # in-memory default: there, a background thread writing (uploads, the index drainer)
    # makes a request reading the same table fail at once with "database table is locked".
    DATABASES["default"]["TEST"] = {"NAME": str(_data / "test.sqlite3")}  # noqa: F405
