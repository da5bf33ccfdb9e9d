"""The collections behind the search alias, and the configset they are made from.

Searches and writes go to an alias (SEARCH_URL's last path part, "newsroom"). A rebuild makes
a new collection from the committed configset (``configset/``), fills it and points the alias
at it; the collection it replaces is then deleted. The configset's name in ZooKeeper carries
a hash of its files, so a collection made from other files is found and named, with the
command that fixes it.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import UTC, datetime
from pathlib import Path

from ..types import REBUILD_COMMAND as FIX_COMMAND
from ..types import IndexNeedsRebuild
from .client import SolrAdmin

CONFIGSET_DIR = Path(__file__).resolve().parent / "configset"


class CollectionMissing(FileNotFoundError):
    """The alias points at no collection yet (a new cluster): nothing was ever indexed."""


class ConfigsetMismatch(IndexNeedsRebuild):
    """The live collection was made from other configset files than this code's."""


def configset_files() -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(CONFIGSET_DIR.iterdir()) if p.is_file()}


def configset_name() -> str:
    digest = hashlib.sha256()
    for name, data in configset_files().items():
        digest.update(name.encode() + b"\0" + data + b"\0")
    return f"newsroom-{digest.hexdigest()[:12]}"


def configset_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in configset_files().items():
            archive.writestr(name, data)
    return buffer.getvalue()


class Collections:
    def __init__(self, admin: SolrAdmin, alias: str, shards: int, replicas: int):
        self.admin, self.alias = admin, alias
        self.shards, self.replicas = shards, replicas
        self.live_shards: int | None = None  # of the live collection, once check() saw it

    def live(self) -> str | None:
        """The collection the alias points at, None before the first build."""
        target = self.admin.aliases().get(self.alias)
        return target.split(",")[0] if target else None

    def check(self) -> str:
        """The live collection, if it was made from this code's configset; else raise."""
        collection = self.live()
        if collection is None:
            raise CollectionMissing(
                f"the Solr alias {self.alias!r} points at no collection: run {FIX_COMMAND}"
            )
        status = self.admin.cluster_status()["collections"].get(collection, {})
        self.live_shards = len(status.get("shards") or {}) or None
        found, expected = status.get("configName"), configset_name()
        if found != expected:
            raise ConfigsetMismatch(
                f"the Solr collection {collection!r} was made from configset {found!r}, this "
                f"code needs {expected!r} (articles/search/solr/configset): run {FIX_COMMAND}"
            )
        return collection

    def create(self, replicas: int | None = None) -> str:
        """A new, empty collection from this code's configset (uploaded if new); collections
        of earlier builds that never went live (a killed rebuild) are deleted first.
        ``replicas``: copies of each shard to start with (``add_replicas`` adds the rest)."""
        name = configset_name()
        if name not in self.admin.configsets():
            self.admin.upload_configset(name, configset_zip())
        self.drop_orphans()
        collection = f"{self.alias}_{datetime.now(UTC):%Y%m%d_%H%M%S_%f}"
        self.admin.create_collection(collection, name, self.shards, replicas or self.replicas)
        return collection

    def add_replicas(self, collection: str) -> None:
        """Copies of each shard of ``collection`` until it has ``replicas`` of each (Solr puts
        each on a node without one; a new copy takes the leader's index files), and wait
        until every copy is active."""
        shards = self.admin.cluster_status()["collections"][collection]["shards"]
        for shard, state in sorted(shards.items()):
            for _ in range(self.replicas - len(state["replicas"])):
                self.admin.add_replica(collection, shard)
        self.admin.wait_for_replicas(collection, timeout=3600)

    def ensure(self) -> str:
        """The live collection, created and aliased if there is none."""
        collection = self.live()
        if collection is None:
            collection = self.create()
            self.admin.point_alias(self.alias, collection)
        return collection

    def drop_orphans(self, keep: tuple[str, ...] = ()) -> list[str]:
        live = self.live()
        names = self.admin.cluster_status()["collections"]
        orphans = [
            n for n in names if n.startswith(f"{self.alias}_") and n != live and n not in keep
        ]
        for orphan in orphans:
            self.admin.delete_collection(orphan)
        return orphans
