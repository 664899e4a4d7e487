"""The benchmark's generated catalog harvests completely through the real dcat_ap_no harvester:
every hydra page followed, prices, licences and themes stored."""
from __future__ import annotations

import json

import pytest

from ckan.tests.helpers import call_action

from bench import catalog
from ckanext.scn.harvesters.run import run_job

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

EU = "http://publications.europa.eu/resource/authority/"
SIZE, PER_PAGE = 30, 10


def test_the_same_seed_gives_the_same_catalog():
    assert catalog.pages(SIZE, PER_PAGE) == catalog.pages(SIZE, PER_PAGE)
    assert catalog.pages(SIZE, PER_PAGE) != catalog.pages(SIZE, PER_PAGE, seed=1)


def test_generated_catalog_harvests_completely(site, org, as_sysadmin):
    for number, document in enumerate(catalog.pages(SIZE, PER_PAGE, base=site.base), 1):
        site.add(f"/catalog?page={number}", document)
    source = call_action("harvest_source_create", context=dict(as_sysadmin), name="bench", title="Bench",
                         url=catalog.page_url(site.base, 1), source_type="dcat_ap_no", owner_org=org["id"],
                         config=json.dumps({"create_organizations": True}))

    report = run_job(source["id"])

    assert report["added"] == SIZE and report["errors"] == 0, report
    assert report["gather_errors"] == []
    assert [h for h in site.hits if h.startswith("/catalog")] == [f"/catalog?page={n}" for n in (1, 2, 3)]
    found = {d["title_translated"]["en"]: d for d in call_action(
        "package_search", fq=f'harvest_source_id:"{source["id"]}"', rows=100, include_private=True)["results"]}
    assert len(found) == SIZE
    for dataset in found.values():
        assert set(dataset["title_translated"]) == {"nb", "nn", "en"}
        assert dataset["theme"] and all(t.startswith(EU + "data-theme/") for t in dataset["theme"])
        assert dataset["los_theme"] and all(t.startswith("https://psi.norge.no/los/") for t in dataset["los_theme"])
        assert dataset["license_id"] in ("NLOD-2.0", "CC-BY-4.0")
        assert dataset["spatial_coverage"][0]["uri"].startswith("https://data.geonorge.no/administrativeEnheter/")
        assert 1 <= len(dataset["resources"]) <= 3
    owners = {d["owner_org"] for d in found.values()}
    assert {call_action("organization_show", id=o)["orgnr"] for o in owners} == {
        orgnr for orgnr, _ in catalog.PUBLISHERS}
    priced = [d for d in found.values() if d.get("pricing")]
    # Every fourth dataset has an offer (0, 4, ..., 28): eight, in the four price models.
    assert len(priced) == 8
    assert {o["price_model"] for d in priced for o in d["pricing"]} == {
        "subscription", "pay_per_use", "freemium", "on_request"}
    subscription = next(o for d in priced for o in d["pricing"] if o["price_model"] == "subscription")
    assert subscription["amount"] == 1200 and subscription["billing_period"] == "month"
    assert subscription["currency"] == "NOK" and subscription["vat_included"] is True
