#!/usr/bin/env bash
# `make test-resilience`: the fault and load tests (tests/resilience) on a second, independent
# stack: its own PostgreSQL cluster, Redis, Solr home, inis and logs under var/resilience, on ports
# of its own, so stopping and restarting its services never disturbs the portal or `make test`.
# The stack is stopped at the end, also when a test fails. Arguments are passed to pytest.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"

started=$SECONDS
# Installing is the main stack's business (its stamps live in var/): run it before switching.
"$ROOT/scripts/install.sh"

export SCN_VAR="${SCN_VAR:-$ROOT/var/resilience}"
export SCN_PG_PORT="${SCN_PG_PORT:-5442}" SCN_REDIS_PORT="${SCN_REDIS_PORT:-6389}"
export SCN_SOLR_PORT="${SCN_SOLR_PORT:-8993}" SCN_CKAN_PORT="${SCN_CKAN_PORT:-5010}"
source "$ROOT/scripts/lib.sh"

trap '"$ROOT/scripts/services.sh" stop' EXIT
"$ROOT/scripts/services.sh" start postgres redis solr
"$ROOT/scripts/init.sh" test
say "Resilience set-up took $((SECONDS - started)) s (stack: $VAR)"

cd "$ROOT"
# tests/resilience is collected only with SCN_RESILIENCE=1 (see its conftest), never by `make test`.
SCN_RESILIENCE=1 "$VENV/bin/pytest" --ckan-ini="$TEST_INI" tests/resilience "$@"
