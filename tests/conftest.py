"""Shared fixtures. Tests run against the real PostgreSQL, Solr (core ckan_test) and Redis that
`make test` starts; the services are the real ones."""
from __future__ import annotations

import json
import os
from typing import Any, Callable

import pytest

# tests/resilience stops and restarts services: it runs only on its own stack, through
# `make test-resilience` (scripts/test-resilience.sh sets SCN_RESILIENCE=1), never in `make test`.
collect_ignore = [] if os.environ.get("SCN_RESILIENCE") == "1" else ["resilience"]


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


@pytest.fixture(scope="module")
def fresh_portal(reset_db, reset_index, migrate_db_for):
    """For a module that builds one portal state and reads it in many tests: every configured
    plugin loaded, an empty database (with the activity and harvest tables) and an empty index
    at the start; the plugins unloaded at the end."""
    import ckan.plugins as plugins

    plugins.load_all()
    reset_db()
    for plugin in ("activity", "harvest"):
        migrate_db_for(plugin)
    reset_index()
    yield
    plugins.unload_non_system_plugins()


@pytest.fixture
def org(as_sysadmin: dict[str, Any]) -> dict[str, Any]:
    """Oslo kommune, as the schema factories describe it."""
    from ckan.tests.helpers import call_action
    from tests.schema import factories

    return call_action("organization_create", context=dict(as_sysadmin), **factories.OSLO_KOMMUNE)


@pytest.fixture
def user_and_org(clean_db, clean_index) -> tuple[dict[str, Any], dict[str, Any]]:
    """A sysadmin with an API token (``user["token"]``) and Oslo kommune, for HTTP API tests."""
    from ckan.tests import factories as ckan_factories
    from ckan.tests.helpers import call_action
    from tests.schema import factories

    user = ckan_factories.SysadminWithToken()
    org = call_action("organization_create", context={"user": user["name"]}, **factories.OSLO_KOMMUNE)
    return user, org


@pytest.fixture
def create(org: dict[str, Any], as_sysadmin: dict[str, Any]) -> Callable[..., dict[str, Any]]:
    """Create a dataset of ORG from a schema factory (default: a valid SCN dataset), with OVERRIDES."""
    from ckan.tests.helpers import call_action
    from tests.schema import factories

    def _create(maker: Callable[..., dict[str, Any]] = factories.dataset, **overrides: Any) -> dict[str, Any]:
        return call_action("package_create", context=dict(as_sysadmin), **maker(owner_org=org["id"], **overrides))
    return _create
