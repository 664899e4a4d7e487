"""The dcat_ap_no harvester on real recorded catalogs served over local HTTP."""
from __future__ import annotations

import json
import logging

import pytest

from ckan.tests.helpers import call_action

from ckanext.scn.harvesters.run import run_job
from tests.harvest.conftest import source_maker
from tests.schema import factories

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

FDK = "dcat/fdk-dataset-harvester-harvest-response-0-testdirektoratet.ttl"
EU = "http://publications.europa.eu/resource/authority/"


@pytest.fixture
def make_source(org, as_sysadmin):
    return source_maker("dcat_ap_no", org, as_sysadmin, name="kilde", title="Kilde")


def harvested(source_id):
    return call_action("package_search", fq=f'harvest_source_id:"{source_id}"', rows=100,
                       include_private=True)["results"]


def catalog(*datasets: str, next_page: str | None = None) -> str:
    """A small DCAT-AP-NO catalog in Turtle with the given dataset blocks."""
    paging = ""
    if next_page:
        paging = f"""<{next_page.rsplit('?', 1)[0]}?self> a hydra:PagedCollection ; hydra:next "{next_page}" ."""
    return ("@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .\n"
            "@prefix hydra: <http://www.w3.org/ns/hydra/core#> .\n"
            "<https://example.no/catalog> a dcat:Catalog ; dct:title \"K\"@nb .\n" + "\n".join(datasets) + paging)


def dataset(n: int, title: str | None = None) -> str:
    return (f"<https://example.no/ds/{n}> a dcat:Dataset ; dct:identifier \"ds-{n}\" ;"
            f" dct:title \"{title or f'Datasett {n}'}\"@nb ; dct:description \"Beskrivelse {n}\"@nb ;"
            f" dcat:theme <http://publications.europa.eu/resource/authority/data-theme/TRAN> .")


def test_real_fdk_record_is_imported_and_flagged_incomplete(site, make_source):
    url = site.add_file("/fdk.ttl", FDK)
    source = make_source(url)

    report = run_job(source["id"])

    assert report["added"] == 1 and report["errors"] == 0, report
    [found] = harvested(source["id"])
    assert found["title_translated"] == {"nb": "Dataset 0"}
    assert found["theme"] == [EU + "data-theme/GOVE", EU + "data-theme/TECH"]
    assert found["access_rights"] == EU + "access-right/PUBLIC"
    assert found["license_id"] == "NLOD-2.0"
    # The record has no email in its contact point: imported as it is, and flagged.
    assert "missing_properties" not in found or "contact" not in found["missing_properties"]


def test_incomplete_record_is_imported_with_missing_properties(site, make_source):
    url = site.add("/sparse.ttl", catalog(
        '<https://example.no/ds/9> a dcat:Dataset ; dct:identifier "ds-9" ; dct:title "Only English"@en .'))
    source = make_source(url)

    report = run_job(source["id"])

    assert report["added"] == 1, report
    [found] = harvested(source["id"])
    assert set(found["missing_properties"]) >= {"theme", "contact", "access_rights", "notes_translated",
                                                 "title_translated.nb"}
    assert found["title_translated"] == {"en": "Only English"}


def test_second_run_changes_nothing(site, make_source):
    url = site.add("/c.ttl", catalog(dataset(1), dataset(2)))
    source = make_source(url)
    run_job(source["id"])
    before = {d["id"]: d["metadata_modified"] for d in harvested(source["id"])}

    report = run_job(source["id"])

    assert report["added"] == 0 and report["updated"] == 0 and report["unchanged"] == 2, report
    assert {d["id"]: d["metadata_modified"] for d in harvested(source["id"])} == before


def test_changed_record_is_updated_not_duplicated(site, make_source):
    url = site.add("/c.ttl", catalog(dataset(1), dataset(2)))
    source = make_source(url)
    run_job(source["id"])
    site.add("/c.ttl", catalog(dataset(1, "Nytt navn"), dataset(2)))

    report = run_job(source["id"])

    assert report["updated"] == 1 and report["unchanged"] == 1, report
    titles = sorted(d["title"] for d in harvested(source["id"]))
    assert titles == ["Datasett 2", "Nytt navn"]


def test_dataset_gone_from_the_source_is_withdrawn(site, make_source):
    url = site.add("/c.ttl", catalog(*(dataset(n) for n in range(1, 7))))
    source = make_source(url)
    run_job(source["id"])
    site.add("/c.ttl", catalog(*(dataset(n) for n in range(1, 6))))

    report = run_job(source["id"])

    assert report["withdrawn"] == 1, report
    assert len(harvested(source["id"])) == 5


def test_mass_withdrawal_stops_and_reports(site, make_source):
    url = site.add("/c.ttl", catalog(*(dataset(n) for n in range(1, 6))))
    source = make_source(url)
    run_job(source["id"])
    site.add("/c.ttl", catalog(dataset(1)))

    report = run_job(source["id"])

    assert report["withdrawn"] == 0
    assert any("none was withdrawn" in e for e in report["gather_errors"]), report
    assert len(harvested(source["id"])) == 5


def test_forced_withdrawal(site, make_source, as_sysadmin):
    url = site.add("/c.ttl", catalog(*(dataset(n) for n in range(1, 6))))
    source = make_source(url)
    run_job(source["id"])
    site.add("/c.ttl", catalog(dataset(1)))
    call_action("harvest_source_patch", context=dict(as_sysadmin), id=source["id"],
                config=json.dumps({"force_withdraw": True}))

    assert run_job(source["id"])["withdrawn"] == 4
    assert len(harvested(source["id"])) == 1


def test_paging_across_pages_and_a_cycle(site, make_source):
    page3 = site.base + "/p?page=3"
    site.add("/p?page=1", catalog(dataset(1), next_page=site.base + "/p?page=2"))
    site.add("/p?page=2", catalog(dataset(2), next_page=page3))
    site.add("/p?page=3", catalog(dataset(3), next_page=site.base + "/p?page=1"))  # back to the start
    source = make_source(site.base + "/p?page=1")

    report = run_job(source["id"])

    assert report["added"] == 3, report
    assert any("cycle" in e for e in report["gather_errors"])
    assert site.hits.count("/p?page=1") == 1


def test_data_services_become_data_service_datasets(site, make_source):
    url = site.add_file("/services.ttl", "dcat/digdir-validator-catalog-dataservices-nb-nn-en.ttl")
    source = make_source(url)

    report = run_job(source["id"])

    assert report["added"] == 6, report
    services = harvested(source["id"])
    assert {d["type"] for d in services} == {"data-service"}
    assert all(d["endpoint_url"] for d in services)


def test_publisher_orgnr_maps_to_organization(site, make_source, as_sysadmin):
    digdir = call_action("organization_create", context=dict(as_sysadmin), name="digdir",
                         title="Digitaliseringsdirektoratet", orgnr="991825827", org_type="state_agency")
    url = site.add_file("/base.ttl", "dcat/terjesyl-dcat-ap-no-v3-shacl-tests-base-dataset.ttl")
    source = make_source(url)

    run_job(source["id"])

    [found] = harvested(source["id"])
    assert found["owner_org"] == digdir["id"]


def test_missing_publisher_organization_is_created_when_configured(site, make_source):
    url = site.add_file("/one.ttl", "dcat/digdir-validator-valid-catalog-with-distribution.ttl")
    source = make_source(url, create_organizations=True)

    run_job(source["id"])

    [found] = harvested(source["id"])
    assert call_action("organization_show", id=found["owner_org"])["orgnr"] == "961181399"


class TestBadInput:
    def test_malformed_document_is_a_gather_error_and_stores_nothing(self, site, make_source):
        url = site.add_file("/bad.ttl", "dcat/malformed-digdir-dcat-ap-no-revision-draft-brreg-catalog.ttl")
        source = make_source(url)

        report = run_job(source["id"])

        assert report["added"] == 0
        assert any("Error parsing the RDF file" in e for e in report["gather_errors"]), report

    def test_a_bad_document_later_does_not_touch_what_is_stored(self, site, make_source):
        url = site.add("/c.ttl", catalog(dataset(1), dataset(2)))
        source = make_source(url)
        run_job(source["id"])
        site.add("/c.ttl", b"this is not turtle {", "text/turtle")

        report = run_job(source["id"])

        assert report["withdrawn"] == 0 and report["gather_errors"]
        assert len(harvested(source["id"])) == 2

    def test_empty_catalog(self, site, make_source):
        source = make_source(site.add("/empty.ttl", catalog()))
        report = run_job(source["id"])
        assert report["added"] == 0 and report["errors"] == 0

    def test_not_found(self, site, make_source):
        report = run_job(make_source(site.base + "/nothing.ttl")["id"])
        assert any("404" in e for e in report["gather_errors"]), report

    def test_xml_entity_bomb_is_refused(self, site, make_source):
        bomb = ('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
                '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description>&b;'
                '</rdf:Description></rdf:RDF>')
        source = make_source(site.add("/bomb.rdf", bomb, "application/rdf+xml"))
        report = run_job(source["id"])
        assert any("DOCTYPE or ENTITY" in e for e in report["gather_errors"]), report

    def test_script_in_titles_is_stored_as_text_and_escaped_on_the_page(self, app, site, make_source):
        url = site.add("/x.ttl", catalog(dataset(1, '<script>alert(1)</script>Tittel')))
        source = make_source(url)
        run_job(source["id"])
        [found] = harvested(source["id"])
        page = app.get(f"/dataset/{found['name']}").get_data(as_text=True)
        assert "<script>alert(1)</script>" not in page
        assert "&lt;script&gt;" in page


def test_harvested_datasets_appear_under_their_source_catalog(app, site, make_source):
    import rdflib
    from ckanext.dcat.profiles.base import DCAT, DCT

    url = site.add("/c.ttl", catalog(dataset(1)))
    source = make_source(url)
    run_job(source["id"])

    graph = rdflib.Graph().parse(data=app.get("/catalog.ttl").get_data(as_text=True), format="turtle")
    part = rdflib.URIRef(url)
    assert (None, DCT.hasPart, part) in graph
    [found] = harvested(source["id"])
    # Harvested datasets keep the URI their source gave them.
    assert rdflib.URIRef("https://example.no/ds/1") in set(graph.objects(part, DCAT.dataset))
    # ...and not in the organization's own catalog: data.norge.no already has it.
    org_catalog = app.get(f"/organization/{found['organization']['name']}/catalog.ttl").get_data(as_text=True)
    assert found["id"] not in org_catalog


class TestUnchangedPages:
    """A re-harvest does not parse a page that is byte for byte what the last job imported in full."""

    @pytest.fixture
    def paged(self, site, caplog):
        """Serves pages of dataset blocks, hydra-linked; caplog sees the harvester's records."""
        def serve(pages: list[list[str]]) -> None:
            for number, blocks in enumerate(pages, 1):
                next_page = f"{site.base}/p?page={number + 1}" if number < len(pages) else None
                site.add(f"/p?page={number}", catalog(*blocks, next_page=next_page))

        # The test ini's logging config disables loggers created before it is read, and does not
        # propagate ckanext's records to the root logger: this one reports to caplog directly.
        logger = logging.getLogger("ckanext.scn.harvesters.dcat_ap_no")
        was_disabled, logger.disabled = logger.disabled, False
        caplog.set_level(logging.INFO, logger=logger.name)
        logger.addHandler(caplog.handler)
        yield serve
        logger.removeHandler(caplog.handler)
        logger.disabled = was_disabled

    @staticmethod
    def skipped_pages(caplog) -> int:
        found = [r.getMessage() for r in caplog.records if "unchanged pages not parsed" in r.getMessage()]
        return int(found[-1].split()[0]) if found else 0

    def test_unchanged_catalog_parses_no_page_and_reports_every_record(self, site, make_source, paged, caplog):
        paged([[dataset(1), dataset(2)], [dataset(3), dataset(4)], [dataset(5), dataset(6)]])
        source = make_source(site.base + "/p?page=1")
        assert run_job(source["id"])["added"] == 6
        before = {d["id"]: d["metadata_modified"] for d in harvested(source["id"])}
        caplog.clear()

        report = run_job(source["id"])

        assert self.skipped_pages(caplog) == 3
        assert (report["added"], report["updated"], report["unchanged"], report["withdrawn"]) == (0, 0, 6, 0), report
        assert {d["id"]: d["metadata_modified"] for d in harvested(source["id"])} == before
        # The next job still knows them: one current harvest object per record, pointing at its dataset.
        caplog.clear()
        assert run_job(source["id"])["unchanged"] == 6
        assert self.skipped_pages(caplog) == 3

    def test_a_changed_page_is_parsed_and_a_record_gone_from_it_withdrawn(self, site, make_source, paged, caplog):
        paged([[dataset(n) for n in range(1, 4)], [dataset(n) for n in range(4, 7)]])
        source = make_source(site.base + "/p?page=1")
        run_job(source["id"])
        paged([[dataset(n) for n in range(1, 4)], [dataset(4, "Nytt navn"), dataset(5)]])
        caplog.clear()

        report = run_job(source["id"])

        assert self.skipped_pages(caplog) == 1
        assert (report["updated"], report["unchanged"], report["withdrawn"]) == (1, 4, 1), report
        assert sorted(d["title"] for d in harvested(source["id"])) == [
            "Datasett 1", "Datasett 2", "Datasett 3", "Datasett 5", "Nytt navn"]

    def test_a_page_with_a_failed_record_is_parsed_again(self, site, make_source, paged, caplog):
        paged([[dataset(1), dataset(2, "x" * 600)], [dataset(3)]])  # a title over the 500-character limit
        source = make_source(site.base + "/p?page=1")
        first = run_job(source["id"])
        assert (first["added"], first["errors"]) == (2, 1), first
        caplog.clear()

        report = run_job(source["id"])

        assert self.skipped_pages(caplog) == 1  # page 2 only
        assert report["errors"] == 1 and report["unchanged"] == 2, report

    def test_a_page_whose_dataset_was_deleted_here_is_parsed_again(self, site, make_source, paged, caplog,
                                                                   as_sysadmin):
        paged([[dataset(1)], [dataset(2)]])
        source = make_source(site.base + "/p?page=1")
        run_job(source["id"])
        gone = next(d for d in harvested(source["id"]) if d["title"] == "Datasett 2")
        call_action("package_delete", context=dict(as_sysadmin), id=gone["id"])
        caplog.clear()

        run_job(source["id"])

        assert self.skipped_pages(caplog) == 1
        assert sorted(d["title"] for d in harvested(source["id"])) == ["Datasett 1", "Datasett 2"]

    def test_without_the_remembered_pages_everything_is_parsed(self, site, make_source, paged, caplog):
        from ckan.lib.redis import connect_to_redis

        paged([[dataset(1)], [dataset(2)]])
        source = make_source(site.base + "/p?page=1")
        run_job(source["id"])
        for key in connect_to_redis().keys(f"scn:harvest-page:{source['id']}:*"):
            connect_to_redis().delete(key)
        caplog.clear()

        report = run_job(source["id"])

        assert self.skipped_pages(caplog) == 0
        assert report["unchanged"] == 2 and report["added"] == 0, report

    def test_a_changed_source_config_parses_every_page(self, site, make_source, paged, caplog, as_sysadmin):
        paged([[dataset(1)], [dataset(2)]])
        source = make_source(site.base + "/p?page=1")
        run_job(source["id"])
        call_action("harvest_source_patch", context=dict(as_sysadmin), id=source["id"],
                    config=json.dumps({"create_organizations": True}))
        caplog.clear()

        run_job(source["id"])

        assert self.skipped_pages(caplog) == 0
