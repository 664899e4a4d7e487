#!/usr/bin/env bash
# `make bench`: the SCN portal measured side by side with stock CKAN, then bench/REPORT.md.
# Knobs: BENCH_NAME (report name, default "local"), BENCH_PARTS (default "harvest search throughput"),
# BENCH_SIZES (default 10000,50000), BENCH_SAMPLES, BENCH_THROUGHPUT_SECONDS, SCN_BENCH_WORKERS.
# See bench/README.md.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
PY="$ROOT/.venv/bin/python"
export BENCH_NAME="${BENCH_NAME:-local}"
parts="${BENCH_PARTS:-harvest search throughput}"

scripts/services.sh start postgres redis solr   # no-op for what already runs
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
