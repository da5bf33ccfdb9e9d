"""Talking to SolrCloud: a pysolr client that fails over between nodes, and the admin calls
(collections, aliases, configsets) the engine needs.

Every node of a SolrCloud cluster answers for every collection (it forwards to the replicas
that hold the data), so a client that knows several nodes keeps working while one is down.
pysolr's own SolrCloud client needs ZooKeeper access and kazoo; this needs only HTTP.
"""

from __future__ import annotations

import itertools
import json
import time

import pysolr

# pysolr turns these into SolrError messages; the next node may answer.
_UNREACHABLE = ("Failed to connect to server", "timed out", "(HTTP 503)", "(HTTP 502)")


def unreachable(exc: BaseException) -> bool:
    return isinstance(exc, pysolr.SolrError) and any(m in str(exc) for m in _UNREACHABLE)


class FailoverSolr(pysolr.Solr):
    """pysolr.Solr over several node URLs of one collection (or alias): each request starts at
    the next node in turn and moves on while a node cannot be reached."""

    def __init__(self, urls: list[str], **kwargs):
        super().__init__(urls[0], **kwargs)
        self.urls = list(urls)
        self._next = itertools.cycle(range(len(self.urls)))

    def _send_request(self, method, path="", body=None, headers=None, files=None):
        start = next(self._next)
        error: Exception | None = None
        for n in range(len(self.urls)):
            self.url = self.urls[(start + n) % len(self.urls)]
            try:
                return super()._send_request(method, path, body, headers, files)
            except pysolr.SolrError as exc:
                if not unreachable(exc):
                    raise
                error = exc
        assert error is not None
        raise error


class SolrAdmin:
    """The Collections and Configsets APIs of the cluster behind ``node_urls`` (each the base
    URL of a node, ``http://host:8983/solr``), with the same failover."""

    def __init__(self, node_urls: list[str], timeout: float = 60):
        self.client = FailoverSolr(node_urls, timeout=timeout)

    def _call(self, path: str, method: str = "get", body=None, headers=None, **params) -> dict:
        params = {**params, "wt": "json"}
        query = pysolr.safe_urlencode(params, doseq=True)
        answer = self.client._send_request(method, f"{path}?{query}", body, headers or {})
        return json.loads(answer)

    def collections(self, **params) -> dict:
        return self._call("admin/collections", **params)

    def cluster_status(self) -> dict:
        return self.collections(action="CLUSTERSTATUS")["cluster"]

    def aliases(self) -> dict[str, str]:
        return self.collections(action="LISTALIASES").get("aliases", {})

    def configsets(self) -> list[str]:
        return self._call("admin/configs", action="LIST").get("configSets", [])

    def upload_configset(self, name: str, zipped: bytes) -> None:
        self._call(
            "admin/configs",
            method="post",
            body=zipped,
            headers={"Content-Type": "application/octet-stream"},
            action="UPLOAD",
            name=name,
        )

    def create_collection(self, name: str, configset: str, shards: int, replicas: int) -> None:
        self.collections(
            action="CREATE",
            name=name,
            **{"collection.configName": configset},
            numShards=shards,
            replicationFactor=replicas,
            waitForFinalState="true",
        )

    def add_replica(self, collection: str, shard: str) -> None:
        """One more copy of ``shard``, on a node Solr chooses; answers once it is made (it
        may still be recovering: wait_for_replicas)."""
        self.collections(action="ADDREPLICA", collection=collection, shard=shard)

    def point_alias(self, alias: str, collection: str) -> None:
        """Point ``alias`` at ``collection`` in one step (ZooKeeper updates it atomically)."""
        self.collections(action="CREATEALIAS", name=alias, collections=collection)

    def delete_collection(self, name: str) -> None:
        self.collections(action="DELETE", name=name)

    def wait_for_replicas(self, collection: str, timeout: float = 120) -> None:
        """Until every replica of ``collection`` on a live node is active again."""
        deadline = time.monotonic() + timeout
        while True:
            status = self.cluster_status()
            shards = status["collections"][collection]["shards"].values()
            live = set(status.get("live_nodes", ()))
            states = [
                r["state"] for s in shards for r in s["replicas"].values() if r["node_name"] in live
            ]
            if states and all(state == "active" for state in states):
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"replicas of {collection} not active after {timeout:.0f} s")
            time.sleep(0.5)
