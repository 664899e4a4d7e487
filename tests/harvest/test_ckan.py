"""The scn_ckan harvester on a municipal CKAN portal served over local HTTP.

The package_search and organization_show answers are constructed (tests/data/ckan/PROVENANCE.md);
they are served at the URLs ckanext-harvest's CKANHarvester requests.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from ckan.tests.helpers import call_action

from ckanext.scn.harvesters import mapping
from ckanext.scn.harvesters.ckan import ckan_dataset
from ckanext.scn.harvesters.run import run_job
from ckanext.scn.logic import catalog
from tests.harvest.conftest import harvested_by_identifier, source_maker
from tests.schema import factories

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

DATA = Path(__file__).resolve().parents[1] / "data" / "ckan"
SEARCH = "/api/3/action/package_search?rows=100&start={start}&sort=id+asc"
ORG_SHOW = "/api/3/action/organization_show?id=stavanger-kommune"
EU = "http://publications.europa.eu/resource/authority/"
PARKERING = "0b4d7ac2-8c1e-4f0e-9a57-2f3b6a1c5d01"
LUFT = "2d6f9ce4-ae30-4b20-9c79-4b5d8c3e7f03"


def page() -> dict:
    return json.loads((DATA / "opencom-stavanger-package-search-start-0.json").read_text(encoding="utf-8"))


def serve(site, results: list[dict] | None = None, org_show: bool = True) -> None:
    """The portal: one page of datasets, then the empty page that ends the paging."""
    first = page()
    if results is not None:
        first["result"]["results"] = results
        first["result"]["count"] = len(results)
    site.add(SEARCH.format(start=0), json.dumps(first), "application/json")
    site.add_file(SEARCH.format(start=100), "ckan/opencom-stavanger-package-search-start-100-empty.json",
                  "application/json")
    if org_show:
        site.add_file(ORG_SHOW, "ckan/opencom-stavanger-organization-show.json", "application/json")


@pytest.fixture
def make_source(org, as_sysadmin):
    return source_maker("scn_ckan", org, as_sysadmin, name="kilde", title="Opencom")


harvested = harvested_by_identifier


def test_stock_ckan_fields_are_mapped(site, make_source, org):
    serve(site)
    source = make_source(site.base)

    report = run_job(source["id"])

    assert report["added"] == 6 and report["errors"] == 0, report
    assert report["gather_errors"] == []
    found = harvested(source["id"])
    parkering = found[PARKERING]
    assert parkering["title_translated"] == {"nb": "Parkeringsplasser i Stavanger"}
    assert parkering["notes_translated"]["nb"].startswith("Oversikt over offentlige parkeringsplasser")
    assert parkering["tags_translated"] == {"nb": ["parkering", "bil", "mobilitet"]}
    assert parkering["license_id"] == "NLOD-2.0"
    assert parkering["contact"] == [
        {"name": "Bymiljø og utbygging", "email": "parkering@stavanger.kommune.no"},
        {"name": "Stavanger kommune", "email": "postmottak@stavanger.kommune.no"},
    ]
    assert json.loads(parkering["spatial"])["coordinates"][0][0] == [5.68, 58.93]
    assert parkering["url"] == f"{site.base}/dataset/parkeringsplasser-stavanger"
    assert parkering["name"] == "parkeringsplasser-stavanger"
    resources = [(r["name"], r["format"], r["url"].rsplit("/", 1)[-1]) for r in parkering["resources"]]
    # "API" is no EU file type: the resource is kept without a format.
    assert resources == [("Parkeringsplasser (CSV)", "CSV", "parkeringsplasser.csv"),
                         ("Parkeringsplasser (GeoJSON)", "GEOJSON", "parkeringsplasser.geojson"),
                         ("Ledige plasser i parkeringshus (API)", "", "ledige")]
    extras = {e["key"]: e["value"] for e in parkering.get("extras", [])}
    assert "frekvens" not in extras  # not in the SCN schema
    assert extras["issued"] == "2019-03-14T10:19:52.401122"
    assert extras["modified"] == "2023-11-02T08:45:10.773914"
    assert extras["source_catalog_homepage"] == site.base
    # No local organization has Stavanger's orgnr: the source's organization.
    assert parkering["owner_org"] == org["id"]
    assert {d["license_id"] for d in found.values() if d["identifier"] != LUFT} == {"NLOD-2.0", "CC-BY-4.0"}
    bysykkel = found["1c5e8bd3-9d2f-4a1f-8b68-3a4c7b2d6e02"]
    assert bysykkel["contact"] == [{"name": "Kolumbus", "email": "data@kolumbus.no"}]
    assert json.loads(bysykkel["spatial"]) == {"type": "Point", "coordinates": [5.7331, 58.97]}


def test_language_from_the_source_config(site, make_source):
    serve(site)
    source = make_source(site.base, language="nn")

    run_job(source["id"])

    parkering = harvested(source["id"])[PARKERING]
    assert parkering["title_translated"] == {"nn": "Parkeringsplasser i Stavanger"}
    assert parkering["tags_translated"] == {"nn": ["parkering", "bil", "mobilitet"]}


def test_remote_orgnr_finds_the_organization(site, make_source, as_sysadmin):
    stavanger = call_action("organization_create", context=dict(as_sysadmin), name="stavanger-kommune",
                            title="Stavanger kommune", orgnr="964965226", org_type="municipality",
                            municipality_code="1103")
    serve(site)
    source = make_source(site.base)

    run_job(source["id"])

    assert {d["owner_org"] for d in harvested(source["id"]).values()} == {stavanger["id"]}
    assert site.hits.count(ORG_SHOW) == 1  # once per organization and job


def test_remote_organization_is_created_when_configured(site, make_source):
    serve(site)
    source = make_source(site.base, create_organizations=True)

    run_job(source["id"])

    owner = call_action("organization_show", id=harvested(source["id"])[PARKERING]["owner_org"])
    assert (owner["orgnr"], owner["title"]) == ("964965226", "Stavanger kommune")


def test_incomplete_dataset_is_imported_and_flagged(site, make_source):
    serve(site)
    source = make_source(site.base)

    run_job(source["id"])

    luft = harvested(source["id"])[LUFT]
    assert luft["title_translated"] == {"nb": "Luftkvalitet – målestasjoner"}
    assert set(luft["missing_properties"]) == {"notes_translated", "theme", "contact", "access_rights", "license_id"}
    # The resource's format is guessed from its URL.
    assert luft["resources"][0]["format"] == "CSV"


def test_second_run_adds_and_writes_nothing(site, make_source):
    serve(site)
    source = make_source(site.base)
    run_job(source["id"])
    before = {d["id"]: d["metadata_modified"] for d in harvested(source["id"]).values()}

    report = run_job(source["id"])

    assert (report["added"], report["updated"], report["unchanged"], report["withdrawn"]) == (0, 0, 6, 0), report
    assert {d["id"]: d["metadata_modified"] for d in harvested(source["id"]).values()} == before
    # The full list is asked for again (no "modified since" search): withdrawals need it.
    assert site.hits.count(SEARCH.format(start=0)) == 2


def test_changed_dataset_is_updated(site, make_source):
    serve(site)
    source = make_source(site.base)
    run_job(source["id"])
    resource_ids = [r["id"] for r in harvested(source["id"])[PARKERING]["resources"]]
    results = page()["result"]["results"]
    results[0]["title"] = "Parkering i Stavanger sentrum"
    serve(site, results)

    report = run_job(source["id"])

    assert (report["updated"], report["unchanged"]) == (1, 5), report
    parkering = harvested(source["id"])[PARKERING]
    assert parkering["title_translated"] == {"nb": "Parkering i Stavanger sentrum"}
    assert parkering["name"] == "parkeringsplasser-stavanger"
    assert [r["id"] for r in parkering["resources"]] == resource_ids  # matched by URL


def test_dataset_removed_at_the_source_is_withdrawn_and_can_come_back(site, make_source):
    serve(site)
    source = make_source(site.base)
    run_job(source["id"])
    first_id = harvested(source["id"])[LUFT]["id"]
    serve(site, [d for d in page()["result"]["results"] if d["id"] != LUFT])

    report = run_job(source["id"])

    assert (report["withdrawn"], report["unchanged"]) == (1, 5), report
    assert LUFT not in harvested(source["id"])
    assert call_action("package_show", id=first_id)["state"] == "deleted"

    serve(site)
    report = run_job(source["id"])

    assert report["updated"] == 1, report
    assert harvested(source["id"])[LUFT]["id"] == first_id


def test_mass_withdrawal_is_refused(site, make_source):
    serve(site)
    source = make_source(site.base)
    run_job(source["id"])
    serve(site, page()["result"]["results"][:2])

    report = run_job(source["id"])

    assert report["withdrawn"] == 0
    assert any("none was withdrawn" in e for e in report["gather_errors"]), report
    assert len(harvested(source["id"])) == 6


def test_republishing_in_the_organization_catalog_is_the_default(site, make_source):
    source = make_source(site.base)
    assert json.loads(source["config"]) == {"republish_in_organization_catalog": True}
    assert source["id"] in catalog.republishing_source_ids()

    opted_out = make_source(site.base + "/other", name="kilde-2", republish_in_organization_catalog=False)
    assert opted_out["id"] not in catalog.republishing_source_ids()


class TestBadInput:
    def test_malformed_dataset_is_an_object_error_and_the_others_import(self, site, make_source):
        results = page()["result"]["results"]
        results[1]["resources"] = "https://gbfs.kolumbus.no/stavanger/station_information.json"
        results[3]["extras"] = [{"key": "spatial", "value": "{\"type\": \"Polygon\", \"coordinates\": [[5.7, 58.9"}]
        serve(site, results)
        source = make_source(site.base)

        report = run_job(source["id"])

        assert (report["added"], report["errors"]) == (5, 1), report
        messages = [e["message"] for e in report["object_errors"]]
        assert any(m.startswith(f"Dataset bysykkel-stasjoner from {site.base}: not imported: resources is not a "
                                f"list of objects") for m in messages), messages
        # A broken bounding box is left out; the dataset is imported without it.
        assert any("ladestasjoner-elbil" in m and "spatial extra is not a GeoJSON geometry" in m for m in messages)
        assert "spatial" not in harvested(source["id"])["3e7a0df5-bf41-4c31-8d8a-5c6e9d4f8a04"]

    def test_page_that_is_not_json_is_a_gather_error_naming_it(self, site, make_source):
        serve(site)
        source = make_source(site.base)
        run_job(source["id"])
        site.add(SEARCH.format(start=0), "<html><body>502 Bad Gateway</body></html>", "text/html")

        report = run_job(source["id"])

        [error] = report["gather_errors"]
        assert f"{site.base}{SEARCH.format(start=0)}" in error and "not JSON" in error
        assert "Nothing was withdrawn" in error
        assert len(harvested(source["id"])) == 6

    def test_answer_in_another_shape_is_a_gather_error(self, site, make_source):
        site.add(SEARCH.format(start=0), json.dumps({"success": True, "result": {"results": [{"name": "x"}]}}),
                 "application/json")
        report = run_job(make_source(site.base)["id"])
        assert any("is not a CKAN package_search answer" in e for e in report["gather_errors"]), report

    def test_not_found(self, site, make_source):
        report = run_job(make_source(site.base + "/nothing")["id"])
        assert any("answered 404" in e for e in report["gather_errors"]), report

    def test_options_of_the_parent_it_does_not_honour_are_refused(self, make_source):
        with pytest.raises(Exception, match="api_key: not supported"):
            make_source("https://opencom.no", api_key="secret")

    def test_resource_whose_url_suggests_an_unknown_format_is_kept_without_one(self, site, make_source):
        # CKAN would guess text/vnd.sosi from ".sos", which is no EU file type.
        results = page()["result"]["results"]
        results[0]["resources"][0].update(format="", mimetype=None, url="https://opencom.no/x/parkering.sos")
        serve(site, results)
        source = make_source(site.base)

        report = run_job(source["id"])

        assert report["errors"] == 0 and report["object_errors"] == [], report
        [sosi] = [r for r in harvested(source["id"])[PARKERING]["resources"] if r["url"].endswith(".sos")]
        assert sosi["format"] == ""
        results[0]["title"] = "Parkering i Stavanger sentrum"
        serve(site, results)
        assert run_job(source["id"])["updated"] == 1
        assert [r["id"] for r in harvested(source["id"])[PARKERING]["resources"] if r["url"] == sosi["url"]] == [
            sosi["id"]]

    def test_remote_harvest_sources_are_not_imported(self, site, make_source):
        results = page()["result"]["results"]
        results[0]["type"] = "harvest"
        serve(site, results)
        report = run_job(make_source(site.base)["id"])
        assert report["added"] == 5, report


@pytest.mark.parametrize("texts, expected", [
    (("NLOD-2.0",), "NLOD-2.0"), (("nlod",), "NLOD-2.0"), (("nlod2",), "NLOD-2.0"), (("NLOD 2.0",), "NLOD-2.0"),
    (("other", "Norsk lisens for offentlige data (NLOD)"), "NLOD-2.0"),
    (("http://data.norge.no/nlod/no/2.0",), "NLOD-2.0"), (("http://data.norge.no/nlod/no/1.0",), None),
    (("NLOD 1.0",), None),
    (("cc-by",), "CC-BY-4.0"), (("CC-BY-4.0",), "CC-BY-4.0"), (("https://spdx.org/licenses/CC-BY-4.0",), "CC-BY-4.0"),
    (("Creative Commons BY 4.0 (CC BY 4.0)",), "CC-BY-4.0"), (("CC BY-SA 4.0",), None), (("cc-by-sa",), None),
    (("CC BY 3.0",), None),
    (("cc-zero",), "CC0-1.0"), (("cc0",), "CC0-1.0"),
    (("https://creativecommons.org/publicdomain/zero/1.0/",), "CC0-1.0"),
    (("odc-odbl",), "ODbL-1.0"), (("other-closed", "notspecified", ""), None), ((None,), None),
])
def test_licence_names(texts, expected):
    assert mapping.licence_id(*texts) == expected


def test_mapping_drops_what_the_schema_does_not_have():
    remote = page()["result"]["results"][0]
    dataset, warnings = ckan_dataset(remote, "https://opencom.no")
    assert set(dataset) == {"name", "title_translated", "notes_translated", "tags_translated", "license_id",
                            "contact", "resources", "spatial", "url", "identifier", "extras"}
    assert {k for r in dataset["resources"] for k in r} <= {"url", "name", "description", "format"}
    assert warnings == []

