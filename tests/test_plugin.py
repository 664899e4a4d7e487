"""The stack is real: the plugin loads, datasets go through PostgreSQL into Solr and come back."""
from __future__ import annotations

import pytest
import requests

import ckan.plugins as plugins
import ckan.plugins.toolkit as tk
from ckan.tests.helpers import call_action

from tests.conftest import bbox_polygon
from tests.schema import factories as scn_factories

OSLO = bbox_polygon(10.49, 59.81, 10.95, 60.14)
BERGEN = bbox_polygon(5.05, 60.20, 5.55, 60.55)

EXPECTED_PLUGINS = {
    "scn_dcat_ap_no_harvester", "scn_csw_harvester", "scn_ckan_harvester",
    "scn", "scheming_datasets", "scheming_organizations", "dcat", "harvest",
    "spatial_metadata", "spatial_query", "activity",
}


@pytest.mark.usefixtures("with_plugins")
def test_scn_plugin_is_loaded():
    assert plugins.plugin_loaded("scn")


@pytest.mark.usefixtures("with_plugins")
def test_status_show_lists_the_plugins():
    status = call_action("status_show")
    assert EXPECTED_PLUGINS <= set(status["extensions"])
    assert status["ckan_version"].startswith("2.11.")


@pytest.fixture
def org(clean_db, clean_index, as_sysadmin):
    return call_action("organization_create", context=dict(as_sysadmin), **scn_factories.OSLO_KOMMUNE)


def create(context, org, name, title, notes="x", **fields):
    data = scn_factories.dataset(owner_org=org["id"], name=name, title_translated={"nb": title},
                                 notes_translated={"nb": notes}, **fields)
    data.pop("spatial") if "spatial" not in fields else None
    return call_action("package_create", context=dict(context), **data)


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
class TestSearchThroughSolr:
    def test_created_dataset_is_found_by_text_search(self, as_sysadmin, org):
        create(as_sysadmin, org, "oslo-parkering", "Ledige parkeringsplasser",
               "Sanntidsdata fra parkeringshus i Oslo sentrum")
        create(as_sysadmin, org, "other", "Vannforbruk", "Vann")

        result = call_action("package_search", q="parkeringshus")

        assert [d["name"] for d in result["results"]] == ["oslo-parkering"]

    def test_the_tests_index_into_their_own_solr_core(self, as_sysadmin, org):
        create(as_sysadmin, org, "core-check", "Core check")
        solr_url = tk.config["solr_url"]
        assert solr_url.endswith("/solr/ckan_test") or tk.config["sqlalchemy.url"].endswith("_test2")

        response = requests.get(f"{solr_url}/select", params={"q": "name:core-check", "wt": "json"}, timeout=10)

        assert response.json()["response"]["numFound"] == 1

    def test_bbox_search_finds_datasets_inside_and_not_outside(self, as_sysadmin, org):
        create(as_sysadmin, org, "in-oslo", "In Oslo", spatial=OSLO)
        create(as_sysadmin, org, "in-bergen", "In Bergen", spatial=BERGEN)

        result = call_action("package_search", extras={"ext_bbox": "10.6,59.85,10.8,59.95"})

        assert [d["name"] for d in result["results"]] == ["in-oslo"]

    def test_spatial_extent_round_trips_as_geojson(self, as_sysadmin, org):
        create(as_sysadmin, org, "extent", "Extent", spatial=OSLO)

        dataset = call_action("package_show", id="extent")

        assert dataset["spatial"].startswith('{"type":"Polygon"')
