# Sourced by the base image's /srv/app/start_ckan.sh before uwsgi starts (so no `set -e` here: it
# would leak into that script). A failed set-up exits, the container stops and its restart
# policy tries again; uwsgi never serves a half-migrated database.
python3 /srv/app/scn_setup.py || { echo "[scn] set-up failed: not starting CKAN" >&2; exit 1; }
