#!/usr/bin/env bash
# Run a command against a private, throw-away PostgreSQL server:
#
#   scripts/with-postgres.sh .venv/bin/python -m pytest -m "not browser"
#
# Installs Debian's `postgresql` package when no server binaries are found, creates a new
# cluster in a temporary folder (unix socket only, no TCP port, fsync off: test speed, not
# durability), exports DATABASE_URL for it, runs the command and always removes the cluster.
# PostgreSQL refuses to run as root, so as root the cluster belongs to the `postgres` user.
set -euo pipefail

find_bindir() {
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && { echo "$dir"; return 0; }
  done
  return 1
}

if ! bindir=$(find_bindir); then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "Installing Debian's postgresql package for the PostgreSQL test pass" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends postgresql >/dev/null
  bindir=$(find_bindir) || { echo "postgresql installed but initdb not found" >&2; exit 1; }
fi

run_as=()
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home-dir /nonexistent --shell /usr/sbin/nologin postgres
  run_as=(runuser -u postgres --)
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/newsroom-pg.XXXXXX")
chmod 755 "$tmp"
[ ${#run_as[@]} -eq 0 ] || chown postgres "$tmp"
data="$tmp/data"
log="$tmp/server.log"

cleanup() {
  "${run_as[@]}" "$bindir/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

"${run_as[@]}" "$bindir/initdb" -D "$data" -U newsroom -A trust -E UTF8 --no-locale --no-sync >/dev/null
"${run_as[@]}" "$bindir/pg_ctl" -D "$data" -l "$log" -w -t 60 start -o \
  "-c listen_addresses='' -k $tmp -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  >/dev/null || { cat "$log" >&2; exit 1; }
"${run_as[@]}" "$bindir/createdb" -h "$tmp" -U newsroom newsroom

export DATABASE_URL="postgres://newsroom@${tmp//\//%2F}/newsroom"
echo "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on socket $tmp (DATABASE_URL exported)" >&2

status=0
"$@" || status=$?
exit $status
