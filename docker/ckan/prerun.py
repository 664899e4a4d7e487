"""Replaces the base image's /srv/app/prerun.py, which start_ckan.sh runs before the hooks.

The official prerun.py runs `ckan db upgrade` without a lock (two CKAN containers starting
together would migrate at once), rewrites ckan.plugins and creates a sysadmin from
CKAN_SYSADMIN_* variables. In the SCN image all of this is done by
/docker-entrypoint.d/10_scn_setup.sh (scn_setup.py): it waits for the services, checks the plugin
order, migrates under a PostgreSQL advisory lock and checks the Solr schema; sysadmins are
created by hand (`ckan sysadmin add`, docs/deployment.md), so no password sits in the environment.
"""

print("[prerun] SCN image: set-up runs in /docker-entrypoint.d/10_scn_setup.sh")
