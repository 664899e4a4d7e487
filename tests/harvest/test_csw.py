"""The scn_csw harvester on real Geonorge ISO 19139 records, served as a CSW endpoint over local HTTP.

Page 1 is a real recorded GetRecords response (2 records, nextRecord 147); page 147 wraps the real
MET Norway record in a GetRecords envelope built here (tests/data/csw/PROVENANCE.md).
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from ckan.tests.helpers import call_action

from ckanext.scn.harvesters.csw import getrecords_url
from ckanext.scn.harvesters.run import run_job
from tests.harvest.conftest import harvested_by_identifier, source_maker
from tests.schema import factories

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

DATA = Path(__file__).resolve().parents[1] / "data" / "csw"
GETRECORDS = "geonorge-csw-getrecords-2014-haram-sandoy-dsb-brannvesen.xml"
MET = "geonorgeapi-test-met-norway-english-main-language-pt-freetext.xml"
EU = "http://publications.europa.eu/resource/authority/"
HARAM = "9ff8e258-2120-4e8c-94c3-0556d3762db3"
DSB = "5bbce535-f909-44b8-b89f-1c395dc92598"
MET_ID = "8d55e06a-5276-4178-b435-03989b487LIA"
CSW_PATH = "/geonetwork/srv/nor/csw"


def recorded(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")


def envelope(*records: str, next_record: int = 0, matched: int = 1129) -> str:
    """A GetRecordsResponse around MD_Metadata records (their XML declarations removed)."""
    body = "\n".join(re.sub(r"^<\?xml[^>]*\?>\s*", "", r) for r in records)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<csw:GetRecordsResponse xmlns:csw="http://www.opengis.net/cat/csw/2.0.2">'
            '<csw:SearchStatus timestamp="2014-10-23T14:10:02" />'
            f'<csw:SearchResults numberOfRecordsMatched="{matched}" numberOfRecordsReturned="{len(records)}" '
            f'elementSet="full" nextRecord="{next_record}">{body}</csw:SearchResults></csw:GetRecordsResponse>')


def path(site, start: int) -> str:
    url = getrecords_url(site.base + CSW_PATH, start, 100)
    return url[len(site.base):]


def serve(site, page1: str | None = None, page147: str | None = None) -> None:
    site.add(path(site, 1), page1 if page1 is not None else recorded(GETRECORDS), "application/xml")
    site.add(path(site, 147), page147 if page147 is not None else envelope(recorded(MET)), "application/xml")


@pytest.fixture
def make_source(org, as_sysadmin):
    return source_maker("scn_csw", org, as_sysadmin, name="geonorge", title="Geonorge")


harvested = harvested_by_identifier


def test_getrecords_request():
    url = getrecords_url("https://www.geonorge.no/geonetwork/srv/nor/csw?token=abc&REQUEST=GetCapabilities", 101, 50,
                         "OrganisationName like '%Kartverket%'")
    params = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    assert params == {
        "token": "abc", "service": "CSW", "version": "2.0.2", "request": "GetRecords", "typeNames": "gmd:MD_Metadata",
        "namespace": "xmlns(gmd=http://www.isotc211.org/2005/gmd)", "resultType": "results",
        "elementSetName": "full", "outputSchema": "http://www.isotc211.org/2005/gmd", "startPosition": "101",
        "maxRecords": "50", "constraintLanguage": "CQL_TEXT", "constraint_language_version": "1.1.0",
        "constraint": "OrganisationName like '%Kartverket%'",
    }


def test_recorded_records_are_mapped(site, make_source, org, as_sysadmin):
    dsb = call_action("organization_create", context=dict(as_sysadmin), name="dsb",
                      title="Direktoratet for samfunnssikkerhet og beredskap", orgnr="974760673",
                      org_type="state_agency")
    serve(site)
    source = make_source(site.base + CSW_PATH)

    report = run_job(source["id"])

    assert (report["added"], report["errors"], report["gather_errors"]) == (3, 0, []), report
    assert site.hits == [path(site, 1), path(site, 147)]  # paged by nextRecord
    found = harvested(source["id"])

    brann = found[DSB]
    assert brann["title_translated"] == {"nb": "Interkommunale brannvesen"}
    assert brann["notes_translated"]["nb"].startswith("Brannvesen i Norge er enten kommunale eller interkommunale.")
    assert {"brannvesen", "samfunnssikkerhet", "beredskap", "Norge"} <= set(brann["tags_translated"]["nb"])
    assert brann["theme"] == [EU + "data-theme/SOCI"]  # topic category society
    assert json.loads(brann["spatial"]) == {
        "type": "Polygon", "coordinates": [[[4.0, 57.0], [32.0, 57.0], [32.0, 72.0], [4.0, 72.0], [4.0, 57.0]]]}
    assert brann["contact"] == [
        {"name": "Direktoratet for samfunnssikkerhet og beredskap", "email": "karen.lie@dsb.no"}]
    assert brann["owner_org"] == dsb["id"]  # by the contact's organisation name
    assert brann["frequency"] == EU + "frequency/UPDATE_CONT"  # continual
    assert brann["language"] == [EU + "language/NOR"]
    assert [r["url"] for r in brann["resources"]] == ["https://download.geonorge.no/skdl2"]
    # The citation date is an empty gco:DateTime in the record: no issued date.
    assert "issued" not in {e["key"] for e in brann.get("extras", [])}
    # "Ingen begrensninger oppgitt." names no licence.
    assert set(brann["missing_properties"]) == {"license_id", "access_rights"}

    met = found[MET_ID]
    # English main language; the Norwegian PT_FreeText goes to nb.
    assert met["title_translated"] == {
        "en": "Direct Broadcast data processed in satellite swath to L1C. TEST",
        "nb": "Direktesendte satellittdata prosessert i satellittsveip til L1C. Test"}
    assert met["notes_translated"]["nb"].startswith("Direktesendte satellittdata mottatt ved Meteorologisk Institutt")
    assert met["tags_translated"]["nb"] == ["Jordvitenskap > atmosfære > stråling"]
    assert "Weather and climate" in met["tags_translated"]["en"]
    assert met["theme"] == [EU + "data-theme/ENVI"]  # climatology..., environment, oceans
    assert met["license_id"] == "CC-BY-4.0"  # the spdx anchor in otherConstraints
    assert met["access_rights"] == EU + "access-right/PUBLIC"  # INSPIRE noLimitations
    assert met["temporal_coverage"] == [{"start": "2021-01-29T06:33:14.943372Z", "end": "2021-01-29T06:41:44.659971Z"}]
    extras = {e["key"]: e["value"] for e in met["extras"]}
    assert (extras["issued"], extras["modified"]) == ("2021-01-29", "2021-01-29T06:56:24Z")
    assert extras["source_catalog_homepage"] == site.base + CSW_PATH
    assert json.loads(met["spatial"])["coordinates"][0][0] == [-179.99989318847656, 62.939735412597656]
    assert met["contact"] == [{"name": "Norwegian Meteorological Institute", "email": "post@met.no"}]
    assert [(r["format"], r["description"]) for r in met["resources"]] == [
        ("NETCDF", "Open-source Project for a Network Data Access Protocol"),
        ("WMS_SRVC", "OGC Web Mapping Service, URI to GetCapabilities Document."),
        ("NETCDF", "Direct download of file")]
    assert met["owner_org"] == org["id"]  # no organization is called that here: the source's
    assert "missing_properties" not in met


def test_incomplete_record_is_imported_and_flagged(site, make_source):
    serve(site)
    source = make_source(site.base + CSW_PATH)

    report = run_job(source["id"])

    haram = harvested(source["id"])[HARAM]
    assert haram["title_translated"] == {"nb": "Haram og Sandøy"}
    assert json.loads(haram["spatial"])["coordinates"][0][0] == [5.64, 62.50000000000001]
    # planningCadastre has no clear EU theme; the only email is "777"; "Ingen" is no licence.
    assert set(haram["missing_properties"]) == {"theme", "contact", "license_id", "access_rights"}
    assert any(e["guid"] == HARAM and "'777' is not an email address" in e["message"]
               for e in report["object_errors"]), report


def test_second_run_adds_and_writes_nothing(site, make_source):
    serve(site)
    source = make_source(site.base + CSW_PATH)
    run_job(source["id"])
    before = {d["id"]: d["metadata_modified"] for d in harvested(source["id"]).values()}

    report = run_job(source["id"])

    assert (report["added"], report["updated"], report["unchanged"], report["withdrawn"]) == (0, 0, 3, 0), report
    assert {d["id"]: d["metadata_modified"] for d in harvested(source["id"]).values()} == before


def test_changed_record_is_updated(site, make_source):
    serve(site)
    source = make_source(site.base + CSW_PATH)
    run_job(source["id"])
    renamed = recorded(GETRECORDS).replace("Interkommunale brannvesen</gco", "Interkommunale brannvesen 2014</gco")
    serve(site, page1=renamed)

    report = run_job(source["id"])

    assert (report["updated"], report["unchanged"]) == (1, 2), report
    assert harvested(source["id"])[DSB]["title_translated"] == {"nb": "Interkommunale brannvesen 2014"}


def test_record_gone_is_withdrawn_with_force(site, make_source, as_sysadmin):
    serve(site)
    source = make_source(site.base + CSW_PATH)
    run_job(source["id"])
    serve(site, page147=envelope())
    # One of three is more than the default limit of 20 %.
    assert run_job(source["id"])["withdrawn"] == 0
    call_action("harvest_source_patch", context=dict(as_sysadmin), id=source["id"],
                config=json.dumps({"force_withdraw": True}))

    report = run_job(source["id"])

    assert report["withdrawn"] == 1, report
    assert set(harvested(source["id"])) == {HARAM, DSB}


class TestBadInput:
    def test_malformed_page_is_a_gather_error_and_the_others_import(self, site, make_source):
        serve(site, page147=envelope(recorded(MET))[:5000])  # cut off
        source = make_source(site.base + CSW_PATH)

        report = run_job(source["id"])

        assert report["added"] == 2, report
        [error] = report["gather_errors"]
        assert error.startswith(f"Could not read the GetRecords page {site.base}{path(site, 147)}: "
                                f"not well-formed XML: ")
        assert "line" in error and "Nothing was withdrawn" in error

    def test_malformed_page_withdraws_nothing(self, site, make_source):
        serve(site)
        source = make_source(site.base + CSW_PATH, force_withdraw=True)
        run_job(source["id"])
        serve(site, page147="<csw:GetRecordsResponse")

        report = run_job(source["id"])

        assert report["withdrawn"] == 0 and report["gather_errors"], report
        assert len(harvested(source["id"])) == 3

    def test_record_without_identifier_is_skipped_and_named(self, site, make_source):
        page = recorded(GETRECORDS).replace(
            "<gco:CharacterString xmlns:gco=\"http://www.isotc211.org/2005/gco\">5bbce535-f909-44b8-b89f-1c395dc92598"
            "</gco:CharacterString>", "")
        serve(site, page1=page)
        source = make_source(site.base + CSW_PATH)

        report = run_job(source["id"])

        assert report["added"] == 2, report
        assert report["gather_errors"] == [f"Record 2 at {site.base}{path(site, 1)} has no gmd:fileIdentifier; skipped"]

    def test_other_record_schema_is_named(self, site, make_source):
        dublin_core = ('<csw:Record xmlns:csw="http://www.opengis.net/cat/csw/2.0.2" '
                       'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:identifier>x</dc:identifier></csw:Record>')
        serve(site, page147=envelope(dublin_core, recorded(MET)))
        report = run_job(make_source(site.base + CSW_PATH)["id"])
        assert report["added"] == 3, report
        assert any("Record 147 at" in e and "is a Record, not a gmd:MD_Metadata" in e for e in report["gather_errors"])

    def test_exception_report(self, site, make_source):
        exception = ('<ows:ExceptionReport xmlns:ows="http://www.opengis.net/ows" version="1.2.0">'
                     '<ows:Exception exceptionCode="InvalidParameterValue" locator="outputSchema">'
                     '<ows:ExceptionText>Unknown output schema</ows:ExceptionText></ows:Exception>'
                     '</ows:ExceptionReport>')
        serve(site, page1=exception)
        report = run_job(make_source(site.base + CSW_PATH)["id"])
        assert report["added"] == 0
        assert any("the CSW server reported an exception: Unknown output schema" in e for e in report["gather_errors"])

    def test_xml_entity_declarations_are_refused(self, site, make_source):
        bomb = ('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
                + envelope(recorded(MET)).split("?>", 1)[1].replace("TEST</gco", "&b;</gco"))
        serve(site, page1=bomb)
        report = run_job(make_source(site.base + CSW_PATH)["id"])
        assert report["added"] == 0
        assert any("DOCTYPE or ENTITY" in e for e in report["gather_errors"]), report

    def test_not_found(self, site, make_source):
        report = run_job(make_source(site.base + "/nothing")["id"])
        assert any("answered 404" in e for e in report["gather_errors"]), report

    def test_bad_config_is_refused(self, make_source):
        with pytest.raises(Exception, match="max_records"):
            make_source("https://www.geonorge.no/geonetwork/srv/nor/csw", max_records="many")
