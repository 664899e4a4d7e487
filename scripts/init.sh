#!/usr/bin/env bash
# Prepare CKAN for a profile on running services: config, database, migrations, and for the
# portal (dev) the sysadmin and the demo data. Usage: init.sh dev|test|bench|stock
set -euo pipefail
source "$(dirname "$0")/lib.sh"

profile="${1:?usage: init.sh dev|test|bench|stock}"
case "$profile" in
  dev)  ini="$DEV_INI";  db=ckan ;;
  test) ini="$TEST_INI"; db=ckan_test ;;
  bench) ini="$BENCH_INI"; db=ckan_bench ;;
  stock) ini="$STOCK_INI"; db=ckan_stock ;;
  *) echo "unknown profile $profile" >&2; exit 2 ;;
esac

mkdir -p "$(dirname "$ini")"
"$VENV/bin/python" "$ROOT/scripts/render_config.py" "$profile" "$ini"

# CKAN's core catalogs for nb_NO and nn (CKAN has no Nynorsk), where ckan.i18n_directory points.
core_i18n_inputs=$(hash_files "$ROOT/scripts/i18n_core.py" \
  "$ROOT/ckanext-scn/ckanext/scn/i18n/translations/ckan-core.nb.yaml" \
  "$ROOT/ckanext-scn/ckanext/scn/i18n/translations/ckan-core.nn.yaml" \
  "$("$VENV/bin/python" -c 'import ckan, os; print(os.path.join(os.path.dirname(ckan.__file__), "i18n/nb_NO/LC_MESSAGES/ckan.po"))')")
if [ ! -f "$VAR/i18n/nn/LC_MESSAGES/ckan.mo" ] || ! stamp_ok i18n-core "$core_i18n_inputs"; then
  "$VENV/bin/python" "$ROOT/scripts/i18n_core.py" "$VAR/i18n" >"$LOG_DIR/i18n-core.log" 2>&1 \
    || fail i18n "$LOG_DIR/i18n-core.log" "building CKAN's nb_NO and nn catalogs failed"
  stamp_set i18n-core "$core_i18n_inputs"
fi
# shellcheck disable=SC1090
source <(grep '^DB_PASSWORD=' "$SECRETS")

psql_admin() {
  as_pg_user psql -v ON_ERROR_STOP=1 -qAt -h "$PG_SOCKET_DIR" -p "$PG_PORT" -U postgres "$@"
}

# The role's password follows var/secrets.env, so a regenerated secret cannot lock CKAN out.
psql_admin -d postgres >>"$LOG_DIR/postgresql-setup.log" 2>&1 <<SQL || fail postgresql "$LOG_DIR/postgresql-setup.log" "creating the ckan role failed"
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'ckan') THEN CREATE ROLE ckan LOGIN; END IF;
END \$\$;
ALTER ROLE ckan WITH LOGIN PASSWORD '$DB_PASSWORD';
SQL
if [ -z "$(psql_admin -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$db'")" ]; then
  say "Creating database $db"
  psql_admin -d postgres -c "CREATE DATABASE $db OWNER ckan ENCODING 'UTF8' TEMPLATE template0" \
    >>"$LOG_DIR/postgresql-setup.log" 2>&1 || fail postgresql "$LOG_DIR/postgresql-setup.log" "CREATE DATABASE $db failed"
  rm -f "$VAR/stamps/db-$profile"
fi

# Migrations (core and plugins: activity, harvest) run when the code that carries them changed.
migrations=$( { cat "$ini"; "$VENV/bin/pip" freeze --exclude-editable 2>/dev/null; } | sha256sum | cut -d' ' -f1)
if ! stamp_ok "db-$profile" "$migrations"; then
  say "Upgrading database $db (core and plugin migrations)"
  ckan_cli -c "$ini" db upgrade >"$LOG_DIR/db-upgrade-$profile.log" 2>&1 \
    || fail ckan "$LOG_DIR/db-upgrade-$profile.log" "ckan db upgrade failed for $db"
  stamp_set "db-$profile" "$migrations"
fi

if [ "$profile" = dev ]; then
  ckan_cli -c "$ini" scn admin ensure --credentials "$VAR/admin-credentials" --token "$VAR/admin.token" \
    >"$LOG_DIR/admin.log" 2>&1 || fail ckan "$LOG_DIR/admin.log" "creating the sysadmin failed"
  if [ ! -f "$VAR/stamps/demo-loaded" ]; then
    say "Loading demo data"
    ckan_cli -c "$ini" scn demo load >"$LOG_DIR/demo.log" 2>&1 || fail ckan "$LOG_DIR/demo.log" "loading demo data failed"
    note "$(tail -n 1 "$LOG_DIR/demo.log")"
    touch "$VAR/stamps/demo-loaded"
  fi
fi
