# Shared settings and helpers for the SCN stack scripts. Sourced, not run.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# SCN_VAR: a second, independent stack (its own cluster, Solr home, logs) e.g. for the fault tests.
VAR="${SCN_VAR:-$ROOT/var}"
VENV="$ROOT/.venv"
LOG_DIR="$VAR/log"
RUN_DIR="$VAR/run"

# Ports are all on 127.0.0.1; override in the environment if one is taken.
PG_PORT="${SCN_PG_PORT:-5432}"
REDIS_PORT="${SCN_REDIS_PORT:-6379}"
SOLR_PORT="${SCN_SOLR_PORT:-8983}"
CKAN_PORT="${SCN_CKAN_PORT:-5000}"
CKAN_WORKERS="${SCN_CKAN_WORKERS:-3}"

PG_BIN="/usr/lib/postgresql/15/bin"
mkdir -p "$LOG_DIR" "$RUN_DIR"
# The cluster lives in var/postgres, unless the checkout is somewhere the postgres user cannot
# reach (a clone under /root, say): then in the system's own place, one cluster per checkout.
if [ "$(id -u)" -eq 0 ] && id postgres >/dev/null 2>&1 && ! runuser -u postgres -- test -x "$VAR" 2>/dev/null; then
  PG_BASE="/var/lib/postgresql/scn-$(printf '%s' "$ROOT${SCN_VAR:+:$SCN_VAR}" | sha256sum | cut -c1-12)"
else
  PG_BASE="$VAR/postgres"
fi
PG_DATA="$PG_BASE/data"
PG_SOCKET_DIR="$PG_BASE/run"
PG_LOG="$PG_BASE/postgresql.log"
SOLR_HOME="$VAR/solr/home"
# ckan: the portal; ckan_test: make test; ckan_bench / ckan_stock: make bench (SCN and stock CKAN).
SOLR_CORES=(ckan ckan_test ckan_bench ckan_stock)
SOLR_LAUNCHER="$ROOT/solr-launcher"

# A second stack (SCN_VAR set) keeps its inis under its own VAR, so rendering them for its ports
# never rewrites config/ckan.ini or config/test.ini under the main stack's feet.
if [ -n "${SCN_VAR:-}" ]; then
  DEV_INI="$VAR/ckan.ini"
  TEST_INI="$VAR/test.ini"
else
  DEV_INI="$ROOT/config/ckan.ini"
  TEST_INI="$ROOT/config/test.ini"
fi
# make bench: the SCN portal and stock CKAN side by side (rendered, not committed)
BENCH_INI="$VAR/bench/scn.ini"
STOCK_INI="$VAR/bench/stock.ini"
SECRETS="$VAR/secrets.env"

say()  { printf '\033[1m==> %s\033[0m\n' "$*"; }
note() { printf '    %s\n' "$*"; }

# fail SERVICE LOGFILE MESSAGE: stop with a message that names the service and its log.
fail() {
  local service="$1" logfile="$2"; shift 2
  printf '\033[31mERROR [%s]: %s\033[0m\n' "$service" "$*" >&2
  if [ -n "$logfile" ] && [ -f "$logfile" ]; then
    printf '    log: %s (last lines below)\n' "$logfile" >&2
    tail -n 15 "$logfile" | sed 's/^/    | /' >&2
  fi
  exit 1
}

# Run a command as the PostgreSQL owner: postgres refuses to run as root.
as_pg_user() {
  if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# wait_for SECONDS COMMAND...: poll until COMMAND succeeds.
wait_for() {
  local seconds="$1"; shift
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -ge "$deadline" ] && return 1
    sleep 0.3
  done
}

# A stamp records the hash of the inputs of a step, so the step reruns only when they change.
stamp_ok() { [ -f "$VAR/stamps/$1" ] && [ "$(cat "$VAR/stamps/$1")" = "$2" ]; }
stamp_set() { mkdir -p "$VAR/stamps"; printf '%s' "$2" > "$VAR/stamps/$1"; }
hash_files() { cat "$@" 2>/dev/null | sha256sum | cut -d' ' -f1; }

ckan_cli() { "$VENV/bin/ckan" "$@"; }
