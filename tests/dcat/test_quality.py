"""logic/quality.py (what the curation queue indexes) agrees with pyshacl and the RDF output:
a mandatory property it flags is a DCAT-AP-NO 3 violation, and a recommended one it flags is
absent from the dataset's DCAT-AP-NO output, and the other way round."""
from __future__ import annotations

import pytest
import rdflib
from rdflib.namespace import DCAT, DCTERMS, RDF

from ckan.tests.helpers import call_action
from ckanext.dcat.processors import RDFSerializer

from ckanext.scn import shacl
from ckanext.scn.harvesters.mode import harvest_mode
from ckanext.scn.logic import quality
from tests.schema import factories

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

NAMESPACES = {"dct": DCTERMS, "dcat": DCAT}
# Portal rules with no dataset-level counterpart in the shapes (a Norwegian title; the licence
# goes on each distribution) and the checks on distributions are compared separately.
PORTAL_ONLY = {"title_translated.nb", "license_id"}
ON_DISTRIBUTIONS = {"resources.url", "resources.format"}
EU_THEMES = "http://publications.europa.eu/resource/authority/data-theme/"


def uri(curie: str) -> rdflib.URIRef:
    prefix, name = curie.split(":")
    return NAMESPACES[prefix][name]


def output(dataset: dict) -> tuple[rdflib.Graph, rdflib.URIRef]:
    ttl = RDFSerializer(profiles=["euro_dcat_ap_3", "dcat_ap_no"]).serialize_dataset(dataset, _format="ttl")
    graph = rdflib.Graph().parse(data=ttl, format="turtle")
    return graph, next(graph.subjects(RDF.type, DCAT.Dataset))


@pytest.fixture
def org(as_sysadmin):
    return call_action("organization_create", context=dict(as_sysadmin), **factories.OSLO_KOMMUNE)


def create(as_sysadmin, org, drop=(), **overrides) -> dict:
    data = factories.dataset(owner_org=org["id"], **overrides)
    for name in drop:
        data.pop(name, None)
    with harvest_mode():  # lets mandatory properties be left out, as a harvested record may
        created = call_action("package_create", context=dict(as_sysadmin), **data)
    return call_action("package_show", id=created["id"])


CASES = {
    "complete": {},
    "no contact point": {"drop": ["contact"]},
    "no theme or keywords": {"drop": ["theme", "tags_translated"]},
    "no coverage in space or time": {"drop": ["spatial_coverage", "spatial", "temporal_coverage"]},
    "no distribution": {"resources": []},
    "distribution without format": {"resources": [{"name": "API", "url": "https://example.no/api"}]},
    "no access rights": {"drop": ["access_rights"]},
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_quality_agrees_with_shacl_and_the_rdf_output(as_sysadmin, org, case):
    dataset = create(as_sysadmin, org, **CASES[case])
    graph, node = output(dataset)
    report = shacl.validate(graph, "3")
    # The checks alone: harvest mode's own flags (missing_properties) follow the portal's rules.
    flagged = {issue.code: issue.level for issue in quality.issues({**dataset, "missing_properties": []})}

    dataset_checks = [c for c in quality.CHECKS if "dataset" in c.levels
                      and c.code not in PORTAL_ONLY | ON_DISTRIBUTIONS]
    violated = {f.path for f in report.violations if f.focus == node.n3(graph.namespace_manager)}
    for check in dataset_checks:
        values = list(graph.objects(node, uri(check.rdf)))
        if check.code == "theme":  # EU data themes; LOS themes are dcat:theme values too
            values = [v for v in values if str(v).startswith(EU_THEMES)]
        present_in_rdf = bool(values)
        assert (check.code in flagged) == (not present_in_rdf), (check.code, case)
        if check.levels["dataset"] == quality.MANDATORY:
            assert (check.code in flagged) == (check.rdf in violated), (check.code, violated, case)

    distributions = list(graph.objects(node, DCAT.distribution))
    for code, prop in (("resources.url", DCAT.accessURL), ("resources.format", DCTERMS.format)):
        lacking = any((d, prop, None) not in graph for d in distributions)
        assert (code in flagged) == lacking, (code, case)


def test_a_missing_contact_point_is_a_violation_for_both(as_sysadmin, org):
    dataset = create(as_sysadmin, org, drop=["contact"])
    graph, node = output(dataset)

    assert {"code": "contact", "level": "mandatory"} == {
        "code": quality.issues(dataset)[0].code, "level": quality.issues(dataset)[0].level}
    assert "dcat:contactPoint" in {f.path for f in shacl.validate(graph, "3").violations}


def test_complete_dataset_has_no_issues(as_sysadmin, org):
    assert quality.issues(create(as_sysadmin, org)) == []


def test_harvest_flags_are_kept(as_sysadmin, org):
    dataset = create(as_sysadmin, org, drop=["contact"])

    assert dataset["missing_properties"] == ["contact"]
    assert quality.index_fields({**dataset, "missing_properties": ["contact", "title_translated.nb"]}) == {
        "scn_quality_issues": ["contact", "title_translated.nb"], "scn_quality_level": ["mandatory"]}
