#!/usr/bin/env bash
# The periodic part of harvesting: `ckan harvester run` starts the jobs of sources that are due
# (by their frequency) and closes finished ones. Runs every SCN_HARVEST_INTERVAL seconds.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
interval="${SCN_HARVEST_INTERVAL:-900}"
while true; do
  echo "$(date -Is) ckan harvester run"
  ckan_cli -c "$DEV_INI" harvester run 2>&1 | grep -v "^$" | tail -n 5
  sleep "$interval"
done
