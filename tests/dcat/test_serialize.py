"""DCAT-AP-NO output: valid against the official shapes, with prices, publishers and services."""
from __future__ import annotations

import datetime
import json

import pytest
import rdflib
from rdflib.namespace import RDF

from ckan.tests.helpers import call_action
from ckanext.dcat.processors import RDFSerializer

from ckanext.scn import shacl
from ckanext.scn.profiles.dcat_ap_no import CV, ODRL, SCNP
from ckanext.dcat.profiles.base import DCAT, DCT, FOAF, SCHEMA

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

TTL = "text/turtle"


def graph_of(text: str, fmt: str = "turtle") -> rdflib.Graph:
    return rdflib.Graph().parse(data=text, format=fmt)


def assert_valid(graph: rdflib.Graph, what: str) -> None:
    report = shacl.validate(graph, "2")
    assert not report.violations, f"{what}: " + "\n".join(map(str, report.violations))


def test_every_demo_dataset_and_service_is_valid(demo_site):
    names = [d["name"] for d in demo_site["datasets"] + demo_site["data_services"]]
    v3_violations = 0
    for name in names:
        dataset = call_action("package_show", id=name)
        ttl = RDFSerializer(profiles=["euro_dcat_ap_3", "dcat_ap_no"]).serialize_dataset(dataset, _format="ttl")
        graph = graph_of(ttl)
        assert_valid(graph, name)
        v3_violations += len(shacl.validate(graph, "3").violations)
    # The DCAT-AP-NO 3 draft is run for information; its count is in the README.
    print(f"DCAT-AP-NO 3 draft: {v3_violations} violations over {len(names)} entries")


def test_full_catalog_is_valid(app, demo_site):
    response = app.get("/catalog.ttl")
    graph = graph_of(response.get_data(as_text=True))
    assert_valid(graph, "/catalog.ttl")
    catalog = next(graph.subjects(RDF.type, DCAT.Catalog))
    assert len(list(graph.objects(catalog, DCAT.dataset))) == len(demo_site["datasets"])
    assert len(list(graph.objects(catalog, DCAT.service))) == len(demo_site["data_services"])


@pytest.mark.parametrize("org", ["oslo-kommune", "bergen-kommune", "trondheim-kommune", "stavanger-kommune",
                                 "tromso-kommune", "fjordbyen-mobilitet"])
def test_every_organization_catalog_is_valid(app, demo_site, org):
    response = app.get(f"/organization/{org}/catalog.ttl")
    assert response.headers["Content-Type"].startswith(TTL)
    graph = graph_of(response.get_data(as_text=True))
    assert_valid(graph, org)
    catalog = next(graph.subjects(RDF.type, DCAT.Catalog))
    assert str(catalog).endswith(f"/organization/{org}/catalog")
    orgnr = next(o["orgnr"] for o in demo_site["organizations"] if o["name"] == org)
    publisher = graph.value(catalog, DCT.publisher)
    assert str(publisher) == f"https://organization-catalog.fellesdatakatalog.digdir.no/organizations/{orgnr}"
    entries = set(graph.objects(catalog, DCAT.dataset)) | set(graph.objects(catalog, DCAT.service))
    expected = [d for d in demo_site["datasets"] + demo_site["data_services"] if d["owner_org"] == org]
    assert len(entries) == len(expected)
    for entry in entries:
        assert graph.value(entry, DCT.publisher) == publisher


def test_organization_catalog_formats(app, demo_site):
    for fmt, parser in (("rdf", "xml"), ("jsonld", "json-ld"), ("xml", "xml")):
        response = app.get(f"/organization/oslo-kommune/catalog.{fmt}")
        assert len(graph_of(response.get_data(as_text=True), parser)) > 50
    assert app.get("/organization/oslo-kommune/catalog.pdf", status=404)
    assert app.get("/organization/no-such-org/catalog.ttl", status=404)


def test_dataset_output(app, demo_site):
    graph = graph_of(app.get("/dataset/fjordbyen-ladepunkter-sanntid.ttl").get_data(as_text=True))
    dataset = next(graph.subjects(RDF.type, DCAT.Dataset))

    titles = {t.language: str(t) for t in graph.objects(dataset, DCT.title)}
    assert titles == {"nb": "Ladepunkter for elbil – sanntid, hele Norge",
                      "en": "EV charging points – real-time, all of Norway"}
    assert str(graph.value(dataset, DCT.publisher)).endswith("/organizations/926543180")
    assert str(graph.value(dataset, DCT.accessRights)).endswith("/access-right/RESTRICTED")
    themes = {str(t) for t in graph.objects(dataset, DCAT.theme)}
    assert "http://publications.europa.eu/resource/authority/data-theme/TRAN" in themes
    costs = list(graph.objects(dataset, CV.hasCost))
    assert len(costs) == 2
    values = sorted(float(graph.value(c, CV.hasValue)) for c in costs)
    assert values == [990.0, 9900.0]
    assert {str(graph.value(c, CV.currency)) for c in costs} == {
        "http://publications.europa.eu/resource/authority/currency/NOK"}
    distribution = graph.value(dataset, DCAT.distribution)
    policy = graph.value(distribution, ODRL.hasPolicy)
    duty = graph.value(graph.value(policy, ODRL.permission), ODRL.duty)
    assert graph.value(duty, ODRL.action) == ODRL.compensate
    constraint = graph.value(duty, ODRL.constraint)
    assert graph.value(constraint, ODRL.leftOperand) == ODRL.payAmount
    # The commercial licence is a rights statement pointing at the terms, not an EU licence.
    assert graph.value(distribution, DCT.license) is None
    assert str(graph.value(distribution, DCT.rights)) == "https://fjordbyen-mobilitet.example.no/vilkar"


def test_free_dataset_has_free_cost_and_no_policy(app, demo_site):
    graph = graph_of(app.get("/dataset/oslo-bysykkel-stasjoner.ttl").get_data(as_text=True))
    dataset = next(graph.subjects(RDF.type, DCAT.Dataset))
    cost = graph.value(dataset, CV.hasCost)
    assert float(graph.value(cost, CV.hasValue)) == 0.0
    assert graph.value(cost, SCNP.priceModel) == SCNP.free
    distribution = graph.value(dataset, DCAT.distribution)
    assert graph.value(distribution, ODRL.hasPolicy) is None
    assert str(graph.value(distribution, DCT.license)) == \
        "http://publications.europa.eu/resource/authority/licence/NLOD_2_0"
    areas = {str(a) for a in graph.objects(dataset, DCT.spatial) if isinstance(a, rdflib.URIRef)}
    assert any(a.startswith("https://data.geonorge.no/administrativeEnheter/kommune/id/") for a in areas)


def test_json_ld_has_schema_org_offers(app, demo_site):
    text = app.get("/dataset/fjordbyen-reisetider-veg.jsonld").get_data(as_text=True)
    graph = graph_of(text, "json-ld")
    dataset = next(graph.subjects(RDF.type, DCAT.Dataset))
    offer = graph.value(dataset, SCHEMA.offers)
    assert float(graph.value(offer, SCHEMA.price)) == 0.5
    assert str(graph.value(offer, SCHEMA.priceCurrency)) == "NOK"
    assert "schema.org" in text


def test_data_service_output(app, demo_site):
    graph = graph_of(app.get("/dataset/fjordbyen-ocpi-api.ttl").get_data(as_text=True))
    service = next(graph.subjects(RDF.type, DCAT.DataService))
    assert (service, RDF.type, DCAT.Dataset) not in graph
    assert str(graph.value(service, DCAT.endpointURL)) == "https://api.fjordbyen-mobilitet.example.no/ocpi/2.2"
    assert str(graph.value(service, DCAT.endpointDescription)).endswith("openapi.json")
    served = call_action("package_show", id="fjordbyen-ladepunkter-sanntid")
    assert str(graph.value(service, DCAT.servesDataset)).endswith(served["id"])


def test_content_negotiation(app, demo_site):
    response = app.get("/dataset/oslo-bysykkel-stasjoner", headers={"Accept": TTL})
    assert response.headers["Content-Type"].startswith(TTL)
    assert "dcat:Dataset" in response.get_data(as_text=True)


class TestPrivateDatasets:
    @pytest.fixture
    def private(self, demo_site, as_sysadmin):
        from tests.schema import factories

        oslo = call_action("organization_show", id="oslo-kommune")
        return call_action("package_create", context=dict(as_sysadmin), private=True,
                           **factories.dataset(owner_org=oslo["id"], name="hemmelig-datasett",
                                               title_translated={"nb": "Hemmelig datasett"}))

    def test_never_in_the_catalogs(self, app, private):
        for url in ("/catalog.ttl", "/organization/oslo-kommune/catalog.ttl", "/catalog.jsonld"):
            text = app.get(url).get_data(as_text=True)
            assert "Hemmelig" not in text and private["id"] not in text, url

    def test_dataset_endpoint_does_not_show_it(self, app, private):
        response = app.get("/dataset/hemmelig-datasett.ttl")
        assert response.status_code in (403, 404)
        assert "Hemmelig" not in response.get_data(as_text=True)


class TestHarvestedDatasets:
    """Harvested datasets show up in /catalog.* but not in their organization's catalog,
    unless their harvest source says so."""

    @pytest.fixture
    def harvested(self, demo_site, as_sysadmin):
        from ckanext.harvest.model import HarvestJob, HarvestObject, HarvestSource
        from ckan.lib import search

        oslo = call_action("organization_show", id="oslo-kommune")
        source = call_action("harvest_source_create", context=dict(as_sysadmin), name="datanorge",
                             title="data.norge.no", url="https://data.norge.no/api/dcat/catalog.ttl",
                             source_type="dcat_rdf", owner_org=oslo["id"])
        dataset = call_action("package_show", id="oslo-luftkvalitet-malestasjoner")
        job = HarvestJob(source=HarvestSource.get(source["id"]), status="Finished")
        job.save()
        HarvestObject(guid=dataset["id"], package_id=dataset["id"], harvest_source_id=source["id"], current=True,
                      job=job, import_finished=datetime.datetime.utcnow()).save()
        search.rebuild(dataset["id"])
        return source, dataset

    def test_left_out_of_the_organization_catalog(self, app, harvested):
        _, dataset = harvested
        assert dataset["id"] not in app.get("/organization/oslo-kommune/catalog.ttl").get_data(as_text=True)
        assert dataset["id"] in app.get("/catalog.ttl").get_data(as_text=True)

    def test_republished_when_the_source_says_so(self, app, harvested, as_sysadmin):
        source, dataset = harvested
        call_action("harvest_source_patch", context=dict(as_sysadmin), id=source["id"],
                    config=json.dumps({"republish_in_organization_catalog": True}))
        assert dataset["id"] in app.get("/organization/oslo-kommune/catalog.ttl").get_data(as_text=True)


class TestValidateCommand:
    def test_whole_catalog_passes(self, cli, demo_site):
        from ckan.cli.cli import ckan

        result = cli.invoke(ckan, ["scn", "dcat", "validate"])
        assert result.exit_code == 0, result.output
        assert "DCAT-AP-NO 2 shapes: 0 violations" in result.output
        assert "DCAT-AP-NO 3 shapes:" in result.output

    def test_one_organization(self, cli, demo_site):
        from ckan.cli.cli import ckan

        result = cli.invoke(ckan, ["scn", "dcat", "validate", "--org", "bergen-kommune"])
        assert result.exit_code == 0, result.output
        assert "of bergen-kommune" in result.output

    def test_unknown_organization(self, cli, demo_site):
        from ckan.cli.cli import ckan

        result = cli.invoke(ckan, ["scn", "dcat", "validate", "--org", "nowhere"])
        assert result.exit_code != 0


@pytest.mark.ckan_config("ckanext.dcat.datasets_per_page", "10")
def test_catalog_is_hydra_paged(app, demo_site):
    from ckanext.dcat.processors import HYDRA

    first = graph_of(app.get("/catalog.ttl").get_data(as_text=True))
    collection = next(first.subjects(RDF.type, HYDRA.PagedCollection))
    assert int(first.value(collection, HYDRA.totalItems)) == 26
    next_page = str(first.value(collection, HYDRA.next))
    assert next_page.endswith("page=2")
    second = graph_of(app.get("/catalog.ttl?page=2").get_data(as_text=True))
    entries = lambda g: set(g.objects(None, DCAT.dataset)) | set(g.objects(None, DCAT.service))  # noqa: E731
    assert entries(first) and entries(second) and not entries(first) & entries(second)


def test_byte_sizes_are_decimal_for_every_dataset_of_a_catalog(app, demo_site, as_sysadmin):
    """ckanext-dcat's DCAT-AP 3 profile retypes every byte size in the graph for each dataset it
    adds; in a catalog the earlier datasets' sizes must still be DCAT-AP-NO's xsd:decimal."""
    from rdflib.namespace import XSD
    from tests.schema import factories

    oslo = call_action("organization_show", id="oslo-kommune")
    for n in range(3):
        call_action("package_create", context=dict(as_sysadmin),
                    **factories.dataset(owner_org=oslo["id"], name=f"med-storrelse-{n}"))
    graph = graph_of(app.get("/catalog.ttl").get_data(as_text=True))
    sizes = list(graph.objects(None, DCAT.byteSize))
    assert len(sizes) >= 3 and {s.datatype for s in sizes} == {XSD.decimal}
    assert_valid(graph, "/catalog.ttl with sized distributions")


class TestCatalogPageCache:
    """Anonymous catalog pages come from Redis while the search index is unchanged."""

    @staticmethod
    def cached_keys() -> list[bytes]:
        from ckan.lib.redis import connect_to_redis

        return connect_to_redis().keys("scn:catalog-page:*")

    @pytest.fixture
    def no_cached_pages(self):
        from ckan.lib.redis import connect_to_redis

        for key in self.cached_keys():
            connect_to_redis().delete(key)

    @staticmethod
    def replace_cached(text: str) -> None:
        from ckan.lib.redis import connect_to_redis

        (key,) = TestCatalogPageCache.cached_keys()
        connect_to_redis().set(key, text.encode())

    def test_served_from_the_cache_until_a_dataset_changes(self, app, demo_site, no_cached_pages, as_sysadmin):
        from tests.schema import factories

        first = app.get("/catalog.ttl").get_data(as_text=True)
        assert len(self.cached_keys()) == 1
        # What the cache holds is what is served: the second request does not build the page.
        self.replace_cached(first.replace("Smart Cities Norway", "Fra hurtigbufferen"))
        assert "Fra hurtigbufferen" in app.get("/catalog.ttl").get_data(as_text=True)

        oslo = call_action("organization_show", id="oslo-kommune")
        call_action("package_create", context=dict(as_sysadmin),
                    **factories.dataset(owner_org=oslo["id"], name="nytt-datasett",
                                        title_translated={"nb": "Helt nytt datasett"}))
        after = app.get("/catalog.ttl").get_data(as_text=True)
        assert "Helt nytt datasett" in after and "Fra hurtigbufferen" not in after
        assert_valid(graph_of(after), "/catalog.ttl after a change")

    def test_each_page_format_and_language_has_its_own_entry(self, app, demo_site, no_cached_pages):
        for url in ("/catalog.ttl", "/catalog.ttl?page=1", "/catalog.jsonld", "/en/catalog.ttl",
                    "/organization/oslo-kommune/catalog.ttl"):
            app.get(url)
        assert len(self.cached_keys()) == 5
        jsonld = app.get("/catalog.jsonld")
        assert jsonld.headers["Content-Type"].startswith("application/ld+json")
        json.loads(jsonld.get_data(as_text=True))

    def test_api_callers_with_a_token_are_never_served_the_cache(self, app, demo_site, no_cached_pages):
        from ckan.tests import factories as ckan_factories

        app.get("/catalog.ttl")
        self.replace_cached("# from the cache\n")
        sysadmin = ckan_factories.SysadminWithToken()
        text = app.get("/catalog.ttl", headers={"Authorization": sysadmin["token"]}).get_data(as_text=True)
        assert "# from the cache" not in text and "dcat:Catalog" in text
        assert len(self.cached_keys()) == 1

    @pytest.mark.ckan_config("ckanext.scn.catalog.cache_seconds", "0")
    def test_off_when_cache_seconds_is_0(self, app, demo_site, no_cached_pages):
        app.get("/catalog.ttl")
        assert self.cached_keys() == []
