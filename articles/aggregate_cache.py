"""Aggregates kept until the archive changes: the archive's version, and the cache that
keeps counts and names per version in this process and, shared, in Django's cache.

The version is the newest ``updated_at`` and id of the articles, plus a shared version
editors' corrections bump (``catalog_changed``). articles.selectors computes the
aggregates; this module only decides when a kept one is still good.
"""

from __future__ import annotations

import contextlib
import itertools
import time
from pathlib import Path

from django.core.cache import cache, caches
from django.core.cache.backends.filebased import FileBasedCache
from django.db import transaction
from django.db.models import Max
from django.utils.text import slugify

from .locks import file_lock
from .models import Article

# The shared half of the version: bumped by editors' changes to outlets, entities, aliases
# and mentions (catalog_changed), which the articles' updated_at does not always show.
CATALOG_VERSION_KEY = "newsroom:catalog-version"

_version_memo: tuple[float, tuple[str, str]] = (0.0, ("", ""))
# Changes made by this process count at once, even inside their transaction.
_local_changes = itertools.count(1)
_local_generation = 0


def _versions() -> tuple[str, str]:
    """(articles, catalog): the first changes whenever an article is added, edited or removed
    from view, the second whenever an editor changes an outlet, entity, alias or mention.

    Read at most once a second per process, so one page asks the database once.
    """
    global _version_memo
    now = time.monotonic()
    if now - _version_memo[0] >= 1.0:
        # Two single-column aggregates: each is one index lookup, where SQLite answers both
        # in one query by reading the whole table (0.15 s at 100,000 articles, each second).
        updated = Article.objects.aggregate(v=Max("updated_at"))["v"]
        last = Article.objects.aggregate(v=Max("id"))["v"]
        updated = updated.timestamp() if updated else 0
        shared = cache.get(CATALOG_VERSION_KEY, 0)
        _version_memo = (now, (f"{updated:.6f}-{last or 0}", str(shared)))
    articles, shared = _version_memo[1]
    return articles, f"{shared}.{_local_generation}"


def catalog_changed() -> None:
    """An outlet, entity, alias or mention changed: every cached name and count is out of date.

    This process sees a new version at once; every other process after the commit (a shared
    bump before it would let another process cache the old rows under the new version).
    """
    global _version_memo, _local_generation
    _version_memo = (0.0, ("", ""))
    _local_generation = next(_local_changes)
    connection = transaction.get_connection()
    if not connection.in_atomic_block or not any(
        callback is _bump_catalog_version for _, callback, _ in connection.run_on_commit
    ):
        transaction.on_commit(_bump_catalog_version)


def _bump_catalog_version() -> None:
    global _version_memo
    cache.set(CATALOG_VERSION_KEY, time.time_ns(), timeout=None)
    _version_memo = (0.0, ("", ""))


# Kept in this process's memory, not Django's cache: unpickling 10,000 directory entries from
# a shared cache on every request costs more than the page itself.
_memo: dict[str, tuple[tuple[str, str], float, object]] = {}
SHARED_KEY = "newsroom:aggregate:"


def cached_until_changed(
    key: str, compute, *, stale_seconds: float = 0, max_age: float = 3600, shared: bool = False
):
    """``compute()``, kept until the archive changes (and at most ``max_age`` seconds).

    Aggregates over every mention take seconds on a large archive; during a bulk import the
    articles change all the time, so those may be served up to ``stale_seconds`` old. An
    editor's correction (the catalog version) is never served stale: a merged place must
    leave the browse page at once.

    ``shared``: also kept in Django's cache, so the other workers, and workers started
    later (gunicorn recycles them), read what one of them computed for this version of the
    archive instead of each scanning every mention again; on a file cache (the default)
    one worker computes while the others wait for its result.
    """
    versions = _versions()
    entry = _memo.get(key)
    now = time.monotonic()
    if entry is not None and _fresh(entry[0], versions, now - entry[1], stale_seconds, max_age):
        return entry[2]
    if not shared:
        value = compute()
    else:
        with _compute_lock(key):
            stored = cache.get(SHARED_KEY + key)
            age = time.time() - stored[1] if stored else 0
            if stored and _fresh(stored[0], versions, age, stale_seconds, max_age):
                value = stored[2]
            else:
                value = compute()
                cache.set(SHARED_KEY + key, (versions, time.time(), value), timeout=max_age)
    _memo[key] = (versions, now, value)
    return value


def _fresh(kept, versions, age: float, stale_seconds: float, max_age: float) -> bool:
    return (
        age < max_age and kept[1] == versions[1] and (kept[0] == versions[0] or age < stale_seconds)
    )


@contextlib.contextmanager
def _compute_lock(key: str):
    """One worker computes a shared aggregate at a time (a file cache: flock on a file beside
    its entries; no .djcache suffix, so clearing the cache leaves it alone). Other caches
    have no lock: several app servers may each compute it once."""
    backend = caches["default"]
    if isinstance(backend, FileBasedCache):
        with file_lock(Path(backend._dir) / f"aggregate-{slugify(key)}.lock"):
            yield
    else:
        yield


def clear_caches() -> None:
    """Forget every cached count and name (tests that swap the whole archive call this)."""
    global _version_memo
    cache.delete_many([SHARED_KEY + key for key in _memo])
    _memo.clear()
    _version_memo = (0.0, ("", ""))
