#!/usr/bin/env bash
# pytest for `make test`. Every non-zero status fails, "no tests collected" (5) included:
# a marker or path that selects nothing is a mistake, not a pass.
#
# Each run gets a private --basetemp: pytest's default /tmp/pytest-of-$USER keeps only the
# three newest runs and deletes older ones, so two runs on one machine (CI jobs, the two
# database passes) would delete each other's temporary folders mid-test.
set -uo pipefail
cd "$(dirname "$0")/.."
basetemp="$(mktemp -d "${TMPDIR:-/tmp}/newsroom-pytest-XXXXXX")"
trap 'rm -rf "$basetemp"' EXIT
.venv/bin/python -m pytest --basetemp="$basetemp/t" "$@"
