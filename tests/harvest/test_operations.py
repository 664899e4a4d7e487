"""Operating harvests: ckanext-harvest's own run-test command, the admin pages, job reports."""
from __future__ import annotations

import pytest

from ckan.cli.cli import ckan
from ckan.tests import factories as ckan_factories
from ckan.tests.helpers import call_action

from tests.harvest.test_dcat_ap_no import catalog, dataset

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

FIXTURES = [
    # (recorded file, content type, datasets and services expected)
    ("dcat/fdk-dataset-harvester-harvest-response-0-testdirektoratet.ttl", "text/turtle", 1),
    ("dcat/digdir-validator-catalog-dataservices-nb-nn-en.ttl", "text/turtle", 6),
    ("dcat/terjesyl-dcat-ap-no-v3-shacl-tests-base-dataset.ttl", "text/turtle", 1),
    ("dcat/digdir-dcat-ap-no-examples-test-concept-relations.ttl", "text/turtle", 1),
    ("dcat/fdk-dataservice-harvester-harvest-response-testdirektoratet.ttl", "text/turtle", 1),
]


@pytest.fixture
def org(clean_db, clean_index, as_sysadmin):
    return call_action("organization_create", context=dict(as_sysadmin), name="org", title="Org",
                       orgnr="926543180", org_type="company")


@pytest.mark.parametrize("relative, content_type, expected", FIXTURES)
def test_every_fixture_catalog_through_harvester_run_test(cli, site, org, as_sysadmin, relative, content_type,
                                                          expected):
    url = site.add_file("/catalog", relative, content_type)
    source = call_action("harvest_source_create", context=dict(as_sysadmin), name="kilde", title="Kilde",
                         url=url, source_type="dcat_ap_no", owner_org=org["id"])

    result = cli.invoke(ckan, ["harvester", "run-test", "kilde"])

    assert result.exit_code == 0, result.output
    found = call_action("package_search", fq=f'harvest_source_id:"{source["id"]}"', rows=50)["results"]
    assert len(found) == expected
    for record in found:
        assert record["title_translated"], record["name"]
        assert record["type"] in ("dataset", "data-service")


def test_harvest_admin_pages(app, site, org, as_sysadmin):
    sysadmin = ckan_factories.SysadminWithToken()
    source = call_action("harvest_source_create", context=dict(as_sysadmin), name="kilde", title="Kilde",
                         url=site.add("/c.ttl", catalog(dataset(1))), source_type="dcat_ap_no",
                         owner_org=org["id"])
    from ckanext.scn.harvesters.run import run_job

    run_job(source["id"])
    headers = {"Authorization": sysadmin["token"]}

    assert "Kilde" in app.get("/harvest", headers=headers).get_data(as_text=True)
    job_page = app.get("/harvest/kilde/job/last", headers=headers).get_data(as_text=True)
    assert "1" in job_page and "added" in job_page.lower()
    app.get("/harvest/new", headers=headers, status=200)


def test_missing_properties_show_on_the_dataset_page(app, site, org, as_sysadmin):
    from ckanext.scn.harvesters.run import run_job

    source = call_action("harvest_source_create", context=dict(as_sysadmin), name="kilde", title="Kilde",
                         url=site.add("/c.ttl", catalog(
                             '<https://example.no/ds/9> a dcat:Dataset ; dct:identifier "9" ; dct:title "Tynn"@nb .')),
                         source_type="dcat_ap_no", owner_org=org["id"])
    run_job(source["id"])
    [found] = call_action("package_search", fq=f'harvest_source_id:"{source["id"]}"')["results"]

    page = app.get(f"/dataset/{found['name']}").get_data(as_text=True)

    assert "scn-missing-properties" in page and "contact" in page
