#!/bin/bash
# Run once by the postgres image when the db_data volume is new: the `ckan` role (not a
# superuser) and its database, UTF-8. The password comes from SCN_DB_PASSWORD (.env).
set -euo pipefail
: "${SCN_DB_PASSWORD:?SCN_DB_PASSWORD is not set}"
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  --set=pw="$SCN_DB_PASSWORD" <<'SQL'
CREATE ROLE ckan LOGIN PASSWORD :'pw';
CREATE DATABASE ckan OWNER ckan ENCODING 'UTF8' TEMPLATE template0;
SQL
