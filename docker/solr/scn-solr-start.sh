#!/bin/sh
# Starts Solr with the `ckan` core, refreshing the configuration of an existing core from the
# image's configset (the schema with the SCN fields); the index data stays.
set -e
core_conf=/var/solr/data/ckan/conf
if [ -d "$core_conf" ]; then
  rm -f "$core_conf/managed-schema" "$core_conf/managed-schema.xml" "$core_conf/schema.xml"
  cp -R "$SOLR_CONFIG_DIR/ckan/conf/." "$core_conf/"
  echo "scn-solr: refreshed $core_conf from the image's configset"
fi
exec solr-precreate ckan "$SOLR_CONFIG_DIR/ckan"
