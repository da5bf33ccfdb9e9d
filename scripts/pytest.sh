#!/usr/bin/env bash
# pytest for `make test`: exit status 5 ("no tests collected", e.g. a marker that selects
# nothing yet) is not a failure; every other non-zero status is.
set -uo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python -m pytest "$@"
status=$?
[ $status -eq 5 ] && { echo "pytest collected no tests for: $*"; exit 0; }
exit $status
