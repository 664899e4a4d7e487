"""Start-up of a CKAN web container of the SCN image, run by /docker-entrypoint.d/10_scn_setup.sh.

1. ckan.plugins: the SCN plugins in the order of config/ckan.ini.in (taken from the image's
   /srv/app/scn-production.ini), extra plugins from CKAN__PLUGINS allowed between them, envvars
   last. The list is written into ckan.ini; a CKAN__PLUGINS that breaks the order stops here.
2. Waits for PostgreSQL, Solr and Redis (SCN_SETUP_TIMEOUT seconds, 300).
3. `ckan db upgrade` (core and plugin migrations: activity, harvest) under a PostgreSQL advisory
   lock, so that several web containers starting together migrate once, one after the other.
4. Checks that the Solr core has the fields ckanext-spatial and ckanext-scn index (the SCN Solr
   image, docker/solr/); without them every dataset write would fail.
Exits non-zero on any failure, so the container restarts instead of serving.
"""
from __future__ import annotations

import configparser
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

CKAN_INI = os.environ.get("CKAN_INI", "/srv/app/ckan.ini")
PRODUCTION_INI = "/srv/app/scn-production.ini"
TIMEOUT = int(os.environ.get("SCN_SETUP_TIMEOUT", "300"))
LOCK_KEY = 7_340_211  # pg_advisory_lock key of the SCN migrations (any constant, the same everywhere)
SOLR_FIELDS = ("is_free", "min_price_nok", "price_models", "bbox_area", "minx", "maxx", "miny", "maxy")


def say(message: str) -> None:
    print(f"[scn] {message}", flush=True)


def ordered_plugins(required: list[str], wanted: list[str]) -> list[str]:
    """The plugin list to use: `wanted` if it keeps `required` in order and envvars last."""
    missing = [p for p in required if p not in wanted]
    if missing:
        raise SystemExit(f"[scn] CKAN__PLUGINS lacks {' '.join(missing)}")
    if wanted[-1] != "envvars":
        raise SystemExit("[scn] envvars must be the last plugin in CKAN__PLUGINS")
    positions = [wanted.index(p) for p in required]
    if positions != sorted(positions):
        raise SystemExit("[scn] CKAN__PLUGINS changes the order of the SCN plugins; keep: " + " ".join(required))
    return wanted


def set_plugins() -> None:
    parser = configparser.RawConfigParser()
    parser.read(PRODUCTION_INI, encoding="utf-8")
    required = parser.get("app:main", "ckan.plugins").split()
    wanted = os.environ.get("CKAN__PLUGINS", "").split() or required
    plugins = ordered_plugins(required, wanted)
    current = configparser.RawConfigParser()
    current.read(CKAN_INI, encoding="utf-8")
    if current.get("app:main", "ckan.plugins", fallback="").split() != plugins:
        subprocess.run(["ckan", "config-tool", CKAN_INI, "ckan.plugins = " + " ".join(plugins)], check=True)
    say("plugins: " + " ".join(plugins))


def wait_for(name: str, check) -> None:
    deadline = time.monotonic() + TIMEOUT
    while True:
        try:
            check()
            say(f"{name} answers")
            return
        except Exception as error:  # noqa: BLE001 - any failure means "not yet"; reported below
            if time.monotonic() > deadline:
                raise SystemExit(f"[scn] {name} did not answer within {TIMEOUT} s: {error}")
            time.sleep(3)


def postgres_ready() -> None:
    import psycopg2

    psycopg2.connect(os.environ["CKAN_SQLALCHEMY_URL"], connect_timeout=5).close()


def solr_ready() -> None:
    with urllib.request.urlopen(os.environ["CKAN_SOLR_URL"] + "/admin/ping?wt=json", timeout=10) as response:
        json.load(response)


def redis_ready() -> None:
    import redis

    redis.Redis.from_url(os.environ["CKAN_REDIS_URL"], socket_timeout=5).ping()


def upgrade_database() -> None:
    import psycopg2

    connection = psycopg2.connect(os.environ["CKAN_SQLALCHEMY_URL"])
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            say("waiting for the migration lock")
            cursor.execute("SELECT pg_advisory_lock(%s)", (LOCK_KEY,))
            say("ckan db upgrade (core and plugins)")
            subprocess.run(["ckan", "-c", CKAN_INI, "db", "upgrade"], check=True)
            cursor.execute("SELECT pg_advisory_unlock(%s)", (LOCK_KEY,))
    finally:
        connection.close()


def check_solr_schema() -> None:
    missing = []
    for field in SOLR_FIELDS:
        try:
            urllib.request.urlopen(f"{os.environ['CKAN_SOLR_URL']}/schema/fields/{field}?wt=json", timeout=10).close()
        except urllib.error.HTTPError:
            missing.append(field)
    if missing:
        raise SystemExit(
            f"[scn] the Solr core lacks {' '.join(missing)}: use the SCN Solr image (docker/solr/), "
            "then `ckan search-index rebuild`"
        )
    say("Solr schema has the SCN and spatial fields")


def main() -> None:
    set_plugins()
    wait_for("PostgreSQL", postgres_ready)
    wait_for("Solr", solr_ready)
    wait_for("Redis", redis_ready)
    upgrade_database()
    check_solr_schema()


if __name__ == "__main__":
    try:
        main()
    except subprocess.CalledProcessError as error:
        sys.exit(f"[scn] {' '.join(error.cmd)} failed with exit code {error.returncode}")
