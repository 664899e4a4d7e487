#!/usr/bin/env bash
# Start, stop or report the SCN stack's services, all listening on 127.0.0.1 only:
#   services.sh start [postgres|redis|solr|ckan|harvest ...]   (default: all, in that order)
#   services.sh stop  [...]                            (default: all, in reverse order)
#   services.sh status
set -euo pipefail
source "$(dirname "$0")/lib.sh"

REDIS_LOG="$LOG_DIR/redis.log"
SOLR_LOG="$LOG_DIR/solr.log"
CKAN_LOG="$LOG_DIR/ckan.log"
SOLR_PID="$RUN_DIR/solr.pid"
REDIS_PID="$RUN_DIR/redis.pid"
CKAN_PID="$RUN_DIR/ckan.pid"

# ---- PostgreSQL 15: a cluster of the project's own under var/postgres ----------------------------
pg_ready() { "$PG_BIN/pg_isready" -q -h "$PG_SOCKET_DIR" -p "$PG_PORT"; }

pg_init_cluster() {
  [ -f "$PG_DATA/PG_VERSION" ] && return 0
  say "Creating the PostgreSQL cluster in $PG_DATA"
  rm -rf "$PG_DATA"   # a half-made cluster from an interrupted run is of no use
  rm -f "$VAR"/stamps/db-* "$VAR/stamps/demo-loaded"
  mkdir -p "$PG_DATA"
  [ "$(id -u)" -eq 0 ] && chown -R postgres:postgres "$PG_BASE"
  chmod 700 "$PG_DATA"
  as_pg_user "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --encoding=UTF8 --locale=C.UTF-8 \
    --auth-local=trust --auth-host=scram-sha-256 >"$LOG_DIR/initdb.log" 2>&1 \
    || { rm -rf "$PG_DATA"; fail postgresql "$LOG_DIR/initdb.log" "initdb failed"; }
}

pg_start() {
  pg_init_cluster
  mkdir -p "$PG_SOCKET_DIR"; touch "$PG_LOG"
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$PG_SOCKET_DIR" "$PG_LOG"
  [ "$PG_LOG" = "$LOG_DIR/postgresql.log" ] || ln -sfn "$PG_LOG" "$LOG_DIR/postgresql.log"
  pg_ready && return 0
  port_in_use "$PG_PORT" && fail postgresql "$PG_LOG" "port 127.0.0.1:$PG_PORT is taken by another process (set SCN_PG_PORT)"
  say "Starting PostgreSQL on 127.0.0.1:$PG_PORT"
  # Unix socket only in var/run and only for its owner: the database superuser has local trust.
  as_pg_user "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 60 start \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_SOCKET_DIR -c unix_socket_permissions=0700" \
    >/dev/null || fail postgresql "$PG_LOG" "PostgreSQL did not start"
}

pg_stop() {
  [ -f "$PG_DATA/postmaster.pid" ] || return 0
  say "Stopping PostgreSQL"
  as_pg_user "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null || true
}

# ---- Redis ----------------------------------------------------------------------------------------
redis_ready() { timeout 3 redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; }

redis_start() {
  redis_ready && return 0
  port_in_use "$REDIS_PORT" && fail redis "$REDIS_LOG" "port 127.0.0.1:$REDIS_PORT is taken by another process (set SCN_REDIS_PORT)"
  say "Starting Redis on 127.0.0.1:$REDIS_PORT"
  mkdir -p "$VAR/redis"
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --protected-mode yes --daemonize yes \
    --pidfile "$REDIS_PID" --logfile "$REDIS_LOG" --dir "$VAR/redis" --save "300 1" \
    || fail redis "$REDIS_LOG" "redis-server did not start"
  wait_for 20 redis_ready || fail redis "$REDIS_LOG" "Redis does not answer PING"
}

redis_stop() {
  redis_ready || return 0
  say "Stopping Redis"
  timeout 10 redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown >/dev/null 2>&1 || true
  local deadline=$((SECONDS + 10))
  while pid_alive "$REDIS_PID" && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.2; done
}

# ---- Solr 9 (JettySolrRunner, solr-launcher/) ----------------------------------------------------
solr_ready() { curl -sf --max-time 10 "http://127.0.0.1:$SOLR_PORT/solr/ckan/select?q=*:*&rows=0" >/dev/null; }

# The cores' conf is rebuilt from config/solr and CKAN's own schema.xml on every start; their
# index data stays.
solr_prepare_home() {
  local schema
  schema="$("$VENV/bin/python" -c 'import ckan, os; print(os.path.join(os.path.dirname(ckan.__file__), "config/solr/schema.xml"))')"
  [ -f "$schema" ] || fail solr "" "CKAN's schema.xml not found at $schema"
  mkdir -p "$SOLR_HOME"
  cp "$ROOT/config/solr/solr.xml" "$SOLR_HOME/solr.xml"
  for core in "${SOLR_CORES[@]}"; do
    local conf="$SOLR_HOME/$core/conf"
    mkdir -p "$conf"
    printf 'name=%s\n' "$core" > "$SOLR_HOME/$core/core.properties"
    cp "$ROOT/config/solr/solrconfig.xml" "$conf/solrconfig.xml"
    printf '# intentionally empty\n' > "$conf/synonyms.txt"
    printf '# intentionally empty\n' > "$conf/protwords.txt"
    # CKAN's schema plus ckanext-spatial's types and fields, inserted as ckan/ckan-solr does.
    # plus ckanext-scn's price and facet fields.
    sed -e "/<types>/r $ROOT/config/solr/spatial-types.xml" \
        -e "/<fields>/r $ROOT/config/solr/scn-fields.xml" \
        -e "/<fields>/r $ROOT/config/solr/spatial-fields.xml" "$schema" > "$conf/schema.xml.new"
    if cmp -s "$conf/schema.xml.new" "$conf/schema.xml"; then
      rm "$conf/schema.xml.new"
    else
      mv "$conf/schema.xml.new" "$conf/schema.xml"
      SOLR_SCHEMA_CHANGED=1
    fi
  done
}

# A running Solr loads a core added to SOLR_CORES since it started (core discovery runs at start).
solr_create_missing_cores() {
  for core in "${SOLR_CORES[@]}"; do
    curl -sf --max-time 10 "http://127.0.0.1:$SOLR_PORT/solr/admin/cores?action=STATUS&core=$core" | grep -q '"instanceDir"' && continue
    say "Solr: loading the new core $core"
    curl -sf --max-time 120 "http://127.0.0.1:$SOLR_PORT/solr/admin/cores?action=CREATE&name=$core&instanceDir=$core" >/dev/null \
      || fail solr "$SOLR_LOG" "creating core $core failed"
  done
}

# A running Solr picks up a changed schema by reloading its cores.
solr_reload_if_changed() {
  [ "${SOLR_SCHEMA_CHANGED:-0}" = 1 ] || return 0
  say "Solr schema changed: reloading cores"
  for core in "${SOLR_CORES[@]}"; do
    curl -sf --max-time 60 "http://127.0.0.1:$SOLR_PORT/solr/admin/cores?action=RELOAD&core=$core" >/dev/null \
      || fail solr "$SOLR_LOG" "reloading core $core failed (schema error?)"
  done
}

solr_start() {
  SOLR_SCHEMA_CHANGED=0
  solr_prepare_home
  if solr_ready; then solr_create_missing_cores; solr_reload_if_changed; return 0; fi
  port_in_use "$SOLR_PORT" && fail solr "$SOLR_LOG" "port 127.0.0.1:$SOLR_PORT is taken by another process (set SCN_SOLR_PORT)"
  [ -d "$SOLR_LAUNCHER/target/lib" ] || fail solr "" "solr-launcher is not built: run scripts/install.sh"
  say "Starting Solr 9 on 127.0.0.1:$SOLR_PORT (cores: ${SOLR_CORES[*]})"
  nohup "$ROOT/scripts/solr-launcher.sh" "$SOLR_HOME" "$SOLR_PORT" "${SOLR_CORES[@]}" >"$SOLR_LOG" 2>&1 &
  echo $! > "$SOLR_PID"
  local deadline=$((SECONDS + 180))
  until grep -q "^Solr ready" "$SOLR_LOG"; do
    pid_alive "$SOLR_PID" || fail solr "$SOLR_LOG" "Solr exited while starting (a core failed to load?)"
    [ "$SECONDS" -ge "$deadline" ] && { kill "$(cat "$SOLR_PID")" 2>/dev/null; fail solr "$SOLR_LOG" "Solr did not start within 180 s"; }
    sleep 0.5
  done
}

solr_stop() {
  pid_alive "$SOLR_PID" || return 0
  say "Stopping Solr"
  kill "$(cat "$SOLR_PID")"
  local deadline=$((SECONDS + 30))
  while pid_alive "$SOLR_PID" && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.3; done
  pid_alive "$SOLR_PID" && kill -9 "$(cat "$SOLR_PID")"
  rm -f "$SOLR_PID"
}

# ---- CKAN under gunicorn ---------------------------------------------------------------------------
ckan_ready() { curl -sf --max-time 10 "http://127.0.0.1:$CKAN_PORT/api/3/action/status_show" >/dev/null; }

ckan_start() {
  pid_alive "$CKAN_PID" && ckan_ready && return 0
  port_in_use "$CKAN_PORT" && fail ckan "$CKAN_LOG" "port 127.0.0.1:$CKAN_PORT is taken by another process (set SCN_CKAN_PORT)"
  [ -f "$DEV_INI" ] || fail ckan "" "config/ckan.ini is missing: run make run"
  say "Starting CKAN (gunicorn, $CKAN_WORKERS workers) on http://127.0.0.1:$CKAN_PORT"
  : > "$CKAN_LOG"
  CKAN_INI="$DEV_INI" "$VENV/bin/gunicorn" --daemon --chdir "$ROOT/config" \
    --bind "127.0.0.1:$CKAN_PORT" --workers "$CKAN_WORKERS" --timeout 120 \
    --pid "$CKAN_PID" --error-logfile "$CKAN_LOG" --capture-output \
    --access-logfile "$LOG_DIR/ckan-access.log" wsgi:application \
    || fail ckan "$CKAN_LOG" "gunicorn did not start"
  wait_for 120 ckan_ready || { ckan_stop; fail ckan "$CKAN_LOG" "CKAN does not answer /api/3/action/status_show"; }
}

ckan_stop() {
  pid_alive "$CKAN_PID" || return 0
  say "Stopping CKAN"
  kill "$(cat "$CKAN_PID")"
  local deadline=$((SECONDS + 30))
  while pid_alive "$CKAN_PID" && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.3; done
  rm -f "$CKAN_PID"
}

# ---- harvesting: ckanext-harvest's gather and fetch consumers and the scheduler ----------------------
HARVEST_PROCESSES=(gather-consumer fetch-consumer scheduler)

harvest_ready() {
  for process in "${HARVEST_PROCESSES[@]}"; do pid_alive "$RUN_DIR/harvest-$process.pid" || return 1; done
}

harvest_start() {
  harvest_ready && return 0
  [ -f "$DEV_INI" ] || fail harvest "" "config/ckan.ini is missing: run make run"
  say "Starting the harvest gather and fetch consumers and the scheduler"
  for process in "${HARVEST_PROCESSES[@]}"; do
    local pidfile="$RUN_DIR/harvest-$process.pid" logfile="$LOG_DIR/harvest-$process.log"
    pid_alive "$pidfile" && continue
    if [ "$process" = scheduler ]; then
      nohup "$ROOT/scripts/harvest-scheduler.sh" >>"$logfile" 2>&1 &
    else
      nohup "$VENV/bin/ckan" -c "$DEV_INI" harvester "$process" >>"$logfile" 2>&1 &
    fi
    echo $! > "$pidfile"
  done
  sleep 3
  for process in "${HARVEST_PROCESSES[@]}"; do
    pid_alive "$RUN_DIR/harvest-$process.pid" || fail harvest "$LOG_DIR/harvest-$process.log" "harvest $process exited"
  done
}

harvest_stop() {
  local said=0
  for process in "${HARVEST_PROCESSES[@]}"; do
    local pidfile="$RUN_DIR/harvest-$process.pid"
    if pid_alive "$pidfile"; then
      if [ "$said" = 0 ]; then say "Stopping the harvest consumers and scheduler"; said=1; fi
      pkill -TERM -P "$(cat "$pidfile")" 2>/dev/null || true
      kill "$(cat "$pidfile")" 2>/dev/null || true
    fi
    rm -f "$pidfile"
  done
}

# ---- commands --------------------------------------------------------------------------------------
status_line() {
  if "$2"; then printf '  %-11s running   %s\n' "$1" "$3"; else printf '  %-11s stopped\n' "$1"; fi
}

cmd="${1:-status}"; shift || true
services=("$@")
case "$cmd" in
  start)
    [ ${#services[@]} -eq 0 ] && services=(postgres redis solr ckan harvest)
    for s in "${services[@]}"; do
      case "$s" in postgres) pg_start ;; redis) redis_start ;; solr) solr_start ;; ckan) ckan_start ;;
        harvest) harvest_start ;; *) fail "$s" "" "unknown service" ;; esac
    done ;;
  stop)
    [ ${#services[@]} -eq 0 ] && services=(harvest ckan solr redis postgres)
    for s in "${services[@]}"; do
      case "$s" in postgres) pg_stop ;; redis) redis_stop ;; solr) solr_stop ;; ckan) ckan_stop ;;
        harvest) harvest_stop ;; *) fail "$s" "" "unknown service" ;; esac
    done ;;
  status)
    status_line postgresql pg_ready "127.0.0.1:$PG_PORT   log var/log/postgresql.log"
    status_line redis redis_ready "127.0.0.1:$REDIS_PORT   log var/log/redis.log"
    status_line solr solr_ready "http://127.0.0.1:$SOLR_PORT/solr (cores: ${SOLR_CORES[*]})   log var/log/solr.log"
    status_line ckan ckan_ready "http://127.0.0.1:$CKAN_PORT   log var/log/ckan.log"
    status_line harvest harvest_ready "gather, fetch, scheduler   logs var/log/harvest-*.log" ;;
  *) echo "usage: $0 start|stop|status [postgres redis solr ckan]" >&2; exit 2 ;;
esac
