"""Search facets: counts and labels in the user's language."""
from __future__ import annotations

import json

import pytest

from ckan.tests.helpers import call_action

from tests.schema import factories
from tests.schema.factories import ENVI, TRAN, subscription

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

FACETS = ["scn_theme", "scn_los_theme", "scn_municipality", "scn_domain", "price_models", "is_free",
          "scn_license", "scn_access_rights", "res_format", "scn_org_type", "scn_update_method"]


@pytest.fixture
def catalogue(clean_db, clean_index, as_sysadmin):
    ctx = lambda: dict(as_sysadmin)  # noqa: E731
    oslo = call_action("organization_create", context=ctx(), **factories.OSLO_KOMMUNE)
    company = call_action("organization_create", context=ctx(), name="fjordbyen", title="Fjordbyen AS",
                          orgnr="926543180", org_type="company")
    call_action("package_create", context=ctx(), **factories.dataset(owner_org=oslo["id"], name="dataset-a"))
    call_action("package_create", context=ctx(), **factories.dataset(
        owner_org=oslo["id"], name="dataset-b", theme=[ENVI, TRAN], domain=["environment"],
        spatial_coverage=[{"uri": "0301"}, {"uri": "4601"}], license_id="CC-BY-4.0", update_method="batch",
        los_theme=[]))
    call_action("package_create", context=ctx(), **factories.dataset(
        owner_org=company["id"], name="dataset-c", pricing=[subscription()], license_id="other-commercial",
        license_terms_url="https://fjordbyen.example/vilkar",
        access_rights="RESTRICTED", spatial_coverage=[{"uri": "4601"}], domain=["mobility", "energy"]))


def facets(**params):
    result = call_action("package_search", **{"facet.field": json.dumps(FACETS), "facet.limit": -1}, **params)
    return result["facets"], result["search_facets"]


@pytest.mark.usefixtures("catalogue")
def test_facet_counts():
    counts, _ = facets()
    assert counts["scn_theme"] == {TRAN: 3, ENVI: 1}
    assert counts["scn_domain"] == {"mobility": 2, "environment": 1, "energy": 1}
    assert sum(counts["scn_municipality"].values()) == 4
    assert len(counts["scn_municipality"]) == 2
    assert counts["is_free"] == {"true": 2, "false": 1}
    assert counts["price_models"] == {"free": 2, "subscription": 1}
    assert counts["scn_license"] == {"NLOD-2.0": 1, "CC-BY-4.0": 1, "other-commercial": 1}
    assert sum(counts["scn_access_rights"].values()) == 3
    assert counts["res_format"] == {"JSON": 3}
    assert counts["scn_org_type"] == {"municipality": 2, "company": 1}
    assert counts["scn_update_method"] == {"real-time": 2, "batch": 1}
    assert counts["scn_los_theme"] == {"https://psi.norge.no/los/tema/trafikk-og-transport": 2}


@pytest.mark.usefixtures("catalogue")
def test_facet_filter():
    result = call_action("package_search", fq='scn_org_type:company AND scn_domain:energy')
    assert [d["name"] for d in result["results"]] == ["dataset-c"]


@pytest.mark.usefixtures("catalogue")
def test_facet_labels_are_human(app):
    response = app.get("/api/3/action/package_search", query_string={
        "facet.field": json.dumps(FACETS)}, headers={"Accept-Language": "nb"})
    search_facets = response.json["result"]["search_facets"]
    theme_labels = {i["name"]: i["display_name"] for i in search_facets["scn_theme"]["items"]}
    assert theme_labels[TRAN] == "Transport"
    free_labels = {i["name"]: i["display_name"] for i in search_facets["is_free"]["items"]}
    assert free_labels == {"true": "Gratis", "false": "Betalt"}
    org_types = {i["name"]: i["display_name"] for i in search_facets["scn_org_type"]["items"]}
    assert org_types["municipality"] == "Kommune"
    municipalities = {i["display_name"] for i in search_facets["scn_municipality"]["items"]}
    assert "Bergen" in municipalities


@pytest.mark.usefixtures("catalogue")
def test_facet_labels_in_english(app):
    response = app.get("/en/api/3/action/package_search", query_string={"facet.field": json.dumps(FACETS)})
    search_facets = response.json["result"]["search_facets"]
    assert {i["display_name"] for i in search_facets["is_free"]["items"]} == {"Free", "Paid"}
    assert search_facets["scn_domain"]["title"] == "Domain"
    domains = {i["name"]: i["display_name"] for i in search_facets["scn_domain"]["items"]}
    assert domains["mobility"] == "Mobility and transport"
