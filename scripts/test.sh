#!/usr/bin/env bash
# `make test`: the same set-up as `make run` for the test database and Solr core, then pytest.
# Arguments are passed to pytest (e.g. scripts/test.sh tests/test_plugin.py -k bbox).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

started=$SECONDS
"$ROOT/scripts/install.sh"
"$ROOT/scripts/services.sh" start postgres redis solr
"$ROOT/scripts/init.sh" test
say "Test set-up took $((SECONDS - started)) s"

cd "$ROOT"
exec "$VENV/bin/pytest" --ckan-ini="$TEST_INI" "$@"
