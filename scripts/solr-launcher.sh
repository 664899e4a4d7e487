#!/usr/bin/env bash
# Run the Solr launcher in the foreground: solr-launcher.sh SOLR_HOME PORT CORE [CORE...]
# Exits non-zero when Solr cannot start or a named core fails to load.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
exec java -Xms256m -Xmx1g -Dsolr.log.dir="$LOG_DIR" \
  -Dlog4j2.configurationFile="$SOLR_LAUNCHER/src/main/resources/log4j2.xml" \
  -cp "$SOLR_LAUNCHER/target/classes:$SOLR_LAUNCHER/target/lib/*" \
  no.smartcities.solr.SolrLauncher "$@"
