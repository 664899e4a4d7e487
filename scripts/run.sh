#!/usr/bin/env bash
# `make run`: install what is missing, start the services, prepare CKAN, serve the portal.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

"$ROOT/scripts/install.sh"
"$ROOT/scripts/services.sh" start postgres redis solr
config_before=$(hash_files "$DEV_INI")
"$ROOT/scripts/init.sh" dev
if [ "$config_before" != "$(hash_files "$DEV_INI")" ] && pid_alive "$RUN_DIR/ckan.pid"; then
  say "config/ckan.ini changed: reloading CKAN"
  kill -HUP "$(cat "$RUN_DIR/ckan.pid")"
  sleep 2
fi
"$ROOT/scripts/services.sh" start ckan harvest

cat <<MSG

The SCN portal runs on http://127.0.0.1:$CKAN_PORT
  sysadmin login:  var/admin-credentials (user "admin")
  API token:       var/admin.token
  harvesting:      gather and fetch consumers, and "ckan harvester run" every 15 min
                   sources: ckan -c config/ckan.ini scn harvest sources-sync
  services:        make status   |  stop: make stop   |  logs: var/log/
MSG
