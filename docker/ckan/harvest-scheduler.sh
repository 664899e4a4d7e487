#!/usr/bin/env bash
# The periodic part of harvesting, as scripts/harvest-scheduler.sh in development: every
# SCN_HARVEST_INTERVAL seconds (900), `ckan harvester run` starts the jobs of the sources that are
# due by their frequency and closes finished ones. Each round touches a heartbeat file;
# `harvest-scheduler.sh --check` (the container's healthcheck) fails when it is older than two rounds.
set -uo pipefail
interval="${SCN_HARVEST_INTERVAL:-900}"
heartbeat="${SCN_HARVEST_HEARTBEAT:-/tmp/scn-harvest-scheduler.heartbeat}"

if [ "${1:-}" = "--check" ]; then
  [ -f "$heartbeat" ] || exit 1
  age=$(( $(date +%s) - $(stat -c %Y "$heartbeat") ))
  [ "$age" -lt $(( 2 * interval + 300 )) ]
  exit
fi

trap 'exit 0' TERM INT
while true; do
  echo "$(date -Is) ckan harvester run"
  ckan -c "$CKAN_INI" harvester run 2>&1 | grep -v '^$' | tail -n 5
  touch "$heartbeat"
  sleep "$interval" &
  wait $!
done
