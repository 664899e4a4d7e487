#!/usr/bin/env bash
# `make bench`: the SCN portal measured side by side with stock CKAN, then bench/REPORT.md.
# Knobs: BENCH_NAME (report name, default "local"), BENCH_PARTS (default "harvest search throughput"),
# BENCH_SIZES (default 10000,50000), BENCH_SAMPLES, BENCH_THROUGHPUT_SECONDS, SCN_BENCH_WORKERS,
# BENCH_FRESH (default 1: the search part starts from empty bench databases).
# See bench/README.md.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
PY="$ROOT/.venv/bin/python"
export BENCH_NAME="${BENCH_NAME:-local}"
parts="${BENCH_PARTS:-harvest search throughput}"

scripts/services.sh start postgres redis solr   # no-op for what already runs
source scripts/lib.sh
# The search part loads its sizes incrementally (10k, then 50k): a database left from an earlier
# run would hold more than the first size and measure the wrong thing. BENCH_FRESH=0 keeps it.
if [ "${BENCH_FRESH:-1}" = 1 ] && [[ " $parts " == *" search "* ]]; then
  say "Fresh bench databases (ckan_bench, ckan_stock) and their Solr documents"
  for db in ckan_bench ckan_stock; do
    as_pg_user psql -qAt -h "$PG_SOCKET_DIR" -p "$PG_PORT" -U postgres -d postgres \
      -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null
  done
  for core_site in ckan_bench:scn-bench ckan_stock:stock-bench; do
    curl -sf --max-time 120 -H 'Content-Type: text/xml' \
      --data-binary "<delete><query>site_id:\"${core_site#*:}\"</query></delete>" \
      "http://127.0.0.1:$SOLR_PORT/solr/${core_site%%:*}/update?commit=true" >/dev/null
  done
  rm -f "$VAR/stamps/db-bench" "$VAR/stamps/db-stock"
fi
scripts/init.sh bench
scripts/init.sh stock
for part in $parts; do rm -f "var/bench/parts/$part.json"; done   # parts not run keep their last results

started=$(date +%s)
for part in $parts; do
  case "$part" in
    harvest)
      if [ -f bench/harvest.py ]; then "$PY" -m bench.harvest; else echo "bench/harvest.py missing: harvest part skipped"; fi ;;
    search) "$PY" -m bench.search ;;
    throughput) "$PY" -m bench.throughput ;;
    *) echo "unknown part $part" >&2; exit 2 ;;
  esac
  echo "== $part done after $(( $(date +%s) - started )) s"
done
"$PY" -m bench.report --name "$BENCH_NAME"
