#!/usr/bin/env bash
# Run a command against a private, throw-away SolrCloud cluster:
#
#   scripts/with-solr.sh .venv/bin/python -m pytest tests/test_engine_parity.py
#
# Builds deploy/solr-launcher (Solr 9.10.1 from Maven Central, cached in ~/.m2; the first run
# downloads about 120 MB) into a temporary folder and starts an embedded ZooKeeper and
# SOLR_NODES Solr nodes (default 2) in one JVM of at most SOLR_HEAP (default 1g), all on
# 127.0.0.1. Once every node is live it exports
#   SEARCH_URL=solr://127.0.0.1:PORT1,127.0.0.1:PORT2/solr/newsroom   (every node: failover)
#   SOLR_CONTROL_URL=http://127.0.0.1:PORT   (POST /nodes/N/stop|start: the node-loss tests)
# runs the command, then stops the JVM by its PID and removes the folder. The application
# creates its collection itself (the first rebuild_search_index, or clear_index in tests).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
launcher="$repo/deploy/solr-launcher"
nodes=${SOLR_NODES:-2}
heap=${SOLR_HEAP:-1g}

for tool in java mvn curl; do
  command -v "$tool" >/dev/null || { echo "with-solr.sh needs $tool (Debian: openjdk-17-jdk-headless maven curl)" >&2; exit 1; }
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/newsroom-solr.XXXXXX")
pid=""

cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Compiled into the temporary folder: nothing is left in the work tree.
if ! mvn -B -q -f "$launcher/pom.xml" -Dlauncher.build="$tmp/build" \
    compile dependency:build-classpath -Dmdep.outputFile="$tmp/build/classpath.txt" \
    >"$tmp/maven.log" 2>&1; then
  cat "$tmp/maven.log" >&2
  echo "with-solr.sh: building the Solr launcher failed (Maven Central unreachable?)" >&2
  exit 1
fi

java -Xms256m -Xmx"$heap" -XX:+UseG1GC -Dsolr.log.dir="$tmp/logs" -Dlog4j2.level=WARN \
  -cp "$tmp/build/classes:$(cat "$tmp/build/classpath.txt")" newsroom.solr.ClusterLauncher \
  "$tmp/cluster" "$tmp/ready" "$nodes" >"$tmp/solr.log" 2>&1 &
pid=$!

for _ in $(seq 1 240); do
  [ -f "$tmp/ready" ] && break
  kill -0 "$pid" 2>/dev/null || { tail -50 "$tmp/solr.log" >&2; echo "with-solr.sh: Solr did not start" >&2; exit 1; }
  sleep 0.5
done
[ -f "$tmp/ready" ] || { tail -50 "$tmp/solr.log" >&2; echo "with-solr.sh: Solr did not start in 120 s" >&2; exit 1; }
# shellcheck disable=SC1091
. "$tmp/ready"

# Healthy: every node answers and ZooKeeper lists them all as live.
first=${SOLR_NODE_URLS%%,*}
live=0
for _ in $(seq 1 120); do
  live=$(curl -fs "$first/admin/collections?action=CLUSTERSTATUS&wt=json" 2>/dev/null \
    | grep -o '"127\.0\.0\.1:[0-9]*_solr"' | sort -u | wc -l || true)
  [ "$live" -ge "$nodes" ] && break
  sleep 0.5
done
[ "$live" -ge "$nodes" ] || { tail -50 "$tmp/solr.log" >&2; echo "with-solr.sh: $live of $nodes nodes live" >&2; exit 1; }

hosts=$(echo "$SOLR_NODE_URLS" | sed -e 's#http://##g' -e 's#/solr##g')
export SEARCH_URL="solr://$hosts/solr/newsroom"
export SOLR_CONTROL_URL SOLR_PID=$pid
echo "SolrCloud 9.10.1, $nodes nodes (PID $pid, heap $heap): SEARCH_URL=$SEARCH_URL" >&2

status=0
"$@" || status=$?
exit $status
