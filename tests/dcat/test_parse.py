"""DCAT-AP-NO RDF into SCN dataset dicts, on real files (tests/data/dcat, see PROVENANCE.md)."""
from __future__ import annotations

from pathlib import Path

import pytest
import rdflib

from ckan.tests.helpers import call_action
from ckanext.dcat.exceptions import RDFParserException
from ckanext.dcat.processors import RDFSerializer

from ckanext.scn.profiles import DCATAPNOParser
from ckanext.scn.profiles.dcat_ap_no import orgnr_from_uri

DATA = Path(__file__).resolve().parents[1] / "data" / "dcat"
EU = "http://publications.europa.eu/resource/authority/"

pytestmark = pytest.mark.usefixtures("with_plugins")


def parse(text: str, fmt: str = "ttl") -> list[dict]:
    parser = DCATAPNOParser()
    parser.parse(text, _format=fmt)
    return list(parser.datasets())


def parse_file(name: str, fmt: str = "ttl") -> list[dict]:
    return parse((DATA / name).read_text(encoding="utf-8"), fmt)


def test_fdk_harvest_response():
    [dataset] = parse_file("fdk-dataset-harvester-harvest-response-0-testdirektoratet.ttl")
    assert dataset["type"] == "dataset"
    assert dataset["title_translated"] == {"nb": "Dataset 0"}
    assert dataset["notes_translated"] == {"nb": "Description of dataset 0"}
    assert dataset["tags_translated"] == {"nb": ["test", "fest"]}
    assert dataset["theme"] == [EU + "data-theme/GOVE", EU + "data-theme/TECH"]
    assert dataset["access_rights"] == EU + "access-right/PUBLIC"
    assert dataset["license_id"] == "NLOD-2.0"
    assert dataset["language"] == [EU + "language/NOR"]
    assert dataset["resources"][0]["license"] == "NLOD-2.0"
    assert dataset["temporal_coverage"][0]["start"].startswith("2019-04-02")


def test_eu_and_los_themes_and_publisher_orgnr():
    [dataset] = parse_file("digdir-validator-valid-catalog-with-distribution.ttl")
    assert dataset["theme"] == [EU + "data-theme/GOVE"]
    assert dataset["los_theme"] == ["https://psi.norge.no/los/tema/barnehage"]
    assert dataset["scn_publisher"]["orgnr"] == "961181399"
    # An EU licence the portal does not offer is reported, not invented.
    assert any("CNRI_PYTHON" in w for w in dataset["scn_warnings"])
    assert "license_id" not in dataset


def test_multilingual_title_and_contact():
    [dataset] = parse_file("terjesyl-dcat-ap-no-v3-shacl-tests-base-dataset.ttl")
    assert dataset["title_translated"] == {"en": "Base Dataset", "nb": "Datasett-base"}
    assert dataset["scn_publisher"]["orgnr"] == "991825827"
    assert dataset["contact"] == [{"name": "Base contact point name", "email": "example@example.com"}]


def test_data_services_in_three_languages():
    services = parse_file("digdir-validator-catalog-dataservices-nb-nn-en.ttl")
    assert len(services) == 6
    assert {s["type"] for s in services} == {"data-service"}
    assert all(s["endpoint_url"] for s in services)
    petstore = next(s for s in services if s["endpoint_url"] == ["http://petstore.swagger.io/v1"])
    assert petstore["title_translated"]["en"] == "Swagger Petstore"


def test_sparse_multi_catalog_file_does_not_crash():
    datasets = parse_file("fdk-dataset-catalog-getall-multi-catalog-sparse-series.ttl")
    assert len(datasets) >= 7


def test_costs_from_the_dcat_ap_no_3_examples():
    graph = rdflib.Dataset()
    graph.parse(DATA / "terjesyl-dcat-ap-no-v3-shacl-tests-valid-dataset.trig", format="trig")
    flat = rdflib.Graph()
    for s_, p_, o_, _ in graph.quads((None, None, None, None)):
        flat.add((s_, p_, o_))
    parsed = parse(flat.serialize(format="turtle"))
    offers = [o for d in parsed for o in d.get("pricing", [])]
    # The examples are costs without a value: a price on request, one with a page describing it.
    assert offers and {o["price_model"] for o in offers} == {"on_request"}
    assert "http://example.com/cost-description" in {o.get("terms_url") for o in offers}


@pytest.mark.parametrize("uri, orgnr", [
    ("https://organization-catalog.fellesdatakatalog.digdir.no/organizations/991825827", "991825827"),
    ("https://organization-catalogue.fellesdatakatalog.digdir.no/organizations/961181399", "961181399"),
    ("http://data.brreg.no/enhetsregisteret/enhet/974760673", "974760673"),
    ("https://data.brreg.no/enhetsregisteret/api/enheter/991825827", "991825827"),
    ("https://example.org/organizations/12345", None),
])
def test_orgnr_in_publisher_uris(uri, orgnr):
    assert orgnr_from_uri(uri) == orgnr


class TestBadInput:
    def test_malformed_turtle_is_a_clear_error(self):
        with pytest.raises(RDFParserException) as error:
            parse_file("malformed-digdir-dcat-ap-no-revision-draft-brreg-catalog.ttl")
        assert "line" in str(error.value).lower()

    def test_unknown_format(self):
        with pytest.raises(RDFParserException):
            parse("<x> <y> <z> .", fmt="not-a-format")

    def test_two_titles_in_one_language_are_reported(self):
        [dataset] = parse("""
            @prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
            <https://example.no/ds/1> a dcat:Dataset ; dct:title "Første"@nb, "Andre"@nb ;
              dct:description "x"@nb ;
              dcat:theme <http://publications.europa.eu/resource/authority/data-theme/NOPE> .
        """)
        assert any("dct:title has 2 values in language 'nb'" in w for w in dataset["scn_warnings"])
        assert any("NOPE" in w and "dcat:theme" in w for w in dataset["scn_warnings"])
        assert dataset["title_translated"]["nb"] in ("Første", "Andre")
        assert dataset["theme"] == []

    def test_non_numeric_cost_is_reported(self):
        [dataset] = parse("""
            @prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
            @prefix cv: <http://data.europa.eu/m8g/> .
            <https://example.no/ds/1> a dcat:Dataset ; dct:title "Pris"@nb ; dct:description "x"@nb ;
              cv:hasCost [ a cv:Cost ; cv:hasValue "tusen kroner" ;
                           cv:currency <http://publications.europa.eu/resource/authority/currency/NOK> ] .
        """)
        assert any("cv:hasValue" in w and "tusen kroner" in w for w in dataset["scn_warnings"])
        assert "pricing" not in dataset


@pytest.mark.usefixtures("clean_db", "clean_index")
class TestRoundTrip:
    """dataset -> RDF -> parse keeps every mapped field."""

    FIELDS = ["title_translated", "notes_translated", "tags_translated", "theme", "los_theme", "access_rights",
              "frequency", "license_id", "language", "conforms_to", "documentation", "url", "availability"]

    @pytest.mark.parametrize("name", ["fjordbyen-ladepunkter-sanntid", "oslo-bysykkel-stasjoner",
                                      "fjordbyen-reisetider-veg", "trondheim-avfallsbeholdere-fyllingsgrad",
                                      "bergen-vannforbruk"])
    def test_dataset(self, demo_site, name):
        original = call_action("package_show", id=name)
        for fmt in ("ttl", "xml", "jsonld"):
            rdf = RDFSerializer(profiles=["euro_dcat_ap_3", "dcat_ap_no"]).serialize_dataset(original, _format=fmt)
            [parsed] = parse(rdf, fmt)
            for field in self.FIELDS:
                assert self.normal(parsed.get(field)) == self.normal(original.get(field)), (fmt, field)
            assert sorted(a["uri"] for a in parsed.get("spatial_coverage", [])) == \
                sorted(a["uri"] for a in original.get("spatial_coverage", []))
            assert self.offers(parsed) == self.offers(original), fmt
            assert [(c.get("name"), c.get("email")) for c in parsed["contact"]] == \
                [(c.get("name"), c.get("email")) for c in original["contact"]]
            assert parsed["scn_publisher"]["orgnr"] == call_action(
                "organization_show", id=original["owner_org"])["orgnr"]
            resources = {r["url"]: r for r in original["resources"]}
            for resource in parsed["resources"]:
                assert resource["format"] == resources[resource["url"]]["format"]
                assert resource.get("license") == resources[resource["url"]].get("license")

    def test_data_service(self, demo_site):
        original = call_action("package_show", id="fjordbyen-ocpi-api")
        rdf = RDFSerializer(profiles=["euro_dcat_ap_3", "dcat_ap_no"]).serialize_dataset(original, _format="ttl")
        parsed = [d for d in parse(rdf) if d["type"] == "data-service"]
        assert len(parsed) == 1
        service = parsed[0]
        assert service["endpoint_url"] == original["endpoint_url"]
        assert service["endpoint_description"] == original["endpoint_description"]
        assert self.offers(service) == self.offers(original)
        assert service["title_translated"] == original["title_translated"]

    @staticmethod
    def normal(value):
        """RDF has no order: compare lists as sorted lists."""
        if isinstance(value, dict):
            return {k: sorted(v) if isinstance(v, list) else v for k, v in value.items()}
        return sorted(value) if isinstance(value, list) else value

    @staticmethod
    def offers(dataset):
        keys = ("price_model", "amount", "currency", "billing_period", "unit", "free_quota", "vat_included",
                "terms_url")
        offers = [{k: o.get(k) for k in keys if o.get(k) not in (None, "")} for o in dataset.get("pricing", [])]
        return sorted(offers, key=lambda o: sorted((k, str(v)) for k, v in o.items()))
