"""Shared fixtures. Tests run against the real PostgreSQL, Solr (core ckan_test) and Redis that
`make test` starts; nothing here is mocked."""
from __future__ import annotations

import json
import pytest


def bbox_polygon(minx: float, miny: float, maxx: float, maxy: float) -> str:
    ring = [[minx, miny], [maxx, miny], [maxx, maxy], [minx, maxy], [minx, miny]]
    return json.dumps({"type": "Polygon", "coordinates": [ring]})


@pytest.fixture
def as_sysadmin():
    """An action context acting as a fresh sysadmin (activities need a real user)."""
    from ckan.tests import factories

    user = factories.Sysadmin()
    return {"user": user["name"]}


@pytest.fixture
def clean_db(reset_db, migrate_db_for, with_plugins):
    """CKAN's clean_db, plus the migrations of the enabled plugins that have tables of their own.

    CKAN's reset drops every table on its first use in a session and recreates only the core
    ones; activity and harvest keep their tables in plugin migrations.
    """
    reset_db()
    for plugin in ("activity", "harvest"):
        migrate_db_for(plugin)
