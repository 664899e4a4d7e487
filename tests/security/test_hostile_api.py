"""Hostile input through the action API (tests/data/hostile/README.md): every value of the wrong
kind is refused with a ValidationError (HTTP 409) that names the field in words, never a 500 or a
traceback; big inputs are refused within bounds; markup and odd Unicode are stored as text and
shown escaped. After each refusal the stored datasets are byte for byte what they were."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest
import rdflib
from bs4 import BeautifulSoup

from ckan.tests import factories as ckan_factories
from ckan.tests.helpers import call_action

from tests.schema import factories
from tests.security import hostile

CASES = hostile.cases("api-invalid-values.json", "cases")
ORG_CASES = hostile.cases("api-invalid-values.json", "organization_cases")
SEED = "sykkeltellinger"


@dataclass
class Portal:
    app: Any
    token: str
    org: dict[str, Any]
    checksum: str = ""
    created: list[str] = field(default_factory=list)

    def post(self, action: str, data: dict[str, Any], keep: bool = False) -> Any:
        response = self.app.post(f"/api/3/action/{action}", json=data,
                                 headers={"Authorization": self.token}, expect_errors=True)
        if response.status_code == 200 and action.endswith("_create") and not keep:
            # Accepted where it should not be: purged, so the next case starts from the seed.
            purge = "dataset_purge" if action == "package_create" else "organization_purge"
            call_action(purge, id=response.json["result"]["id"])
        return response


@pytest.fixture(scope="module")
def portal(fresh_portal):
    """An organization with two datasets (one private, with an offer); nothing else."""
    from ckan.tests.helpers import _get_test_app

    sysadmin = ckan_factories.SysadminWithToken()
    context = {"user": sysadmin["name"]}
    org = call_action("organization_create", context=dict(context), **factories.OSLO_KOMMUNE)
    call_action("package_create", context=dict(context), **factories.dataset(name=SEED, owner_org=org["id"]))
    call_action("package_create", context=dict(context), **factories.dataset(
        name="betalt-privat", owner_org=org["id"], private=True, pricing=[factories.subscription()]))
    portal = Portal(_get_test_app(), sysadmin["token"], org)
    portal.checksum = hostile.stored_checksum()
    return portal


def refused(response: Any, field_name: str) -> dict[str, Any]:
    """The error of a refused call: 409, a ValidationError with FIELD_NAME, readable messages."""
    assert response.status_code == 409, (response.status_code, response.body[:500])
    error = response.json["error"]
    assert error["__type"] == "Validation Error", error
    assert field_name in error, error
    body = response.body
    assert "Traceback" not in body and "Internal Server Error" not in body
    return error


def messages(error: Any) -> str:
    """Every message under an error entry (repeating fields nest dicts and lists)."""
    if isinstance(error, dict):
        return " ".join(messages(v) for v in error.values())
    if isinstance(error, list):
        return " ".join(messages(v) for v in error)
    return str(error)


def unchanged(portal: Portal) -> None:
    assert hostile.stored_checksum() == portal.checksum, "a refused input changed what is stored"


# ---- values of the wrong kind ---------------------------------------------------------------

@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_invalid_value_is_refused_on_create_and_update(portal, case):
    data = factories.dataset(name=f"ny-{case['id']}", owner_org=portal.org["id"], **case["set"])
    with hostile.bounded(10):
        error = refused(portal.post("package_create", data), case["field"])
    assert case["message"].lower() in messages(error[case["field"]]).lower(), error

    existing = call_action("package_show", id=SEED)
    error = refused(portal.post("package_update", {**existing, **case["set"]}), case["field"])
    assert case["message"].lower() in messages(error[case["field"]]).lower(), error
    unchanged(portal)


@pytest.mark.parametrize("case", ORG_CASES, ids=[c["id"] for c in ORG_CASES])
def test_invalid_organization_value_is_refused(portal, case):
    data = {**factories.OSLO_KOMMUNE, "name": "ny-organisasjon", **case["set"]}
    error = refused(portal.post("organization_create", data), case["field"])
    assert case["message"].lower() in messages(error[case["field"]]).lower(), error

    existing = call_action("organization_show", id=portal.org["id"])
    error = refused(portal.post("organization_update", {**existing, **case["set"]}), case["field"])
    assert case["message"].lower() in messages(error[case["field"]]).lower(), error
    assert call_action("organization_show", id=portal.org["id"])["orgnr"] == factories.OSLO_KOMMUNE["orgnr"]
    unchanged(portal)


# ---- NUL: PostgreSQL cannot store it in text --------------------------------------------------

NUL = "Sykkel\x00data"
NUL_PLACES = {
    "title_translated": {"title_translated": {"nb": NUL}},
    "notes_translated": {"notes_translated": {"nb": NUL, "en": "Fine"}},
    "tags_translated": {"tags_translated": {"nb": [NUL]}},
    "contact": {"contact": [{"name": NUL, "email": "data@example.no"}]},
    "resources": {"resources": [{"url": "https://example.no/d.csv", "format": "CSV", "name": NUL}]},
    "version": {"version": NUL},
    "identifier": {"identifier": NUL},
    "observed_properties": {"observed_properties": [NUL]},
    "pricing": {"pricing": [{"price_model": "freemium", "free_quota": NUL}]},
    "name": {"name": "sykkel\x00data"},
}


@pytest.mark.parametrize("where", NUL_PLACES)
def test_nul_character_is_a_validation_error(portal, where):
    data = factories.dataset(name="nul-tegn", owner_org=portal.org["id"])
    data.update(NUL_PLACES[where])
    error = refused(portal.post("package_create", data), where)
    assert "NUL" in messages(error[where]), error

    existing = call_action("package_show", id=SEED)
    refused(portal.post("package_update", {**existing, **NUL_PLACES[where]}), where)
    unchanged(portal)


def test_nul_in_an_organization_is_a_validation_error(portal):
    data = {**factories.OSLO_KOMMUNE, "name": "nul-org", "title": "Oslo\x00 kommune"}
    error = refused(portal.post("organization_create", data), "title")
    assert "NUL" in messages(error["title"])
    unchanged(portal)


# ---- big inputs ---------------------------------------------------------------------------------

def test_ten_thousand_keywords_are_refused_within_bounds(portal):
    data = factories.dataset(name="mange-emneord", owner_org=portal.org["id"],
                             tags_translated={"nb": hostile.many_keywords(10_000)})
    with hostile.bounded():
        error = refused(portal.post("package_create", data), "tags_translated")
    assert "10000" in messages(error["tags_translated"]).replace(" ", "").replace("\xa0", ""), error
    unchanged(portal)


@pytest.mark.parametrize("where", ["notes_translated", "title_translated"])
def test_a_literal_of_several_megabytes_is_refused_within_bounds(portal, where):
    literal = hostile.long_literal(5)
    data = factories.dataset(name="lang-tekst", owner_org=portal.org["id"], **{where: {"nb": literal}})
    with hostile.bounded():
        error = refused(portal.post("package_create", data), where)
    assert str(len(literal)) in messages(error[where]), error
    existing = call_action("package_show", id=SEED)
    with hostile.bounded():
        refused(portal.post("package_update", {**existing, where: {"nb": literal}}), where)
    unchanged(portal)


def test_a_long_description_within_the_limit_is_stored(portal):
    """The limit leaves room for real descriptions: a 50,000-character one is stored whole."""
    literal = hostile.long_literal(1)[:50_000]
    data = factories.dataset(name="lang-men-lovlig", owner_org=portal.org["id"], notes_translated={"nb": literal})
    response = portal.post("package_create", data, keep=True)
    assert response.status_code == 200, response.body[:500]
    assert call_action("package_show", id="lang-men-lovlig")["notes_translated"]["nb"] == literal.strip()
    call_action("dataset_purge", id="lang-men-lovlig")
    unchanged(portal)


# ---- markup and Unicode: stored as text, shown escaped ----------------------------------------

def live_scripts(html: str, marker: str) -> list[str]:
    """Script elements or event-handler attributes in HTML that carry MARKER (from the input)."""
    page = BeautifulSoup(html, "html.parser")
    found = [str(s) for s in page.find_all("script") if marker in (s.string or "")]
    found += [str(tag)[:200] for tag in page.find_all(True)
              for name, value in tag.attrs.items() if name.startswith("on") and marker in str(value)]
    found += [str(tag)[:200] for tag in page.find_all(["iframe", "img"]) if "evil.example" in str(tag)
              or tag.get("src") == "x"]
    return found


@pytest.fixture(scope="module")
def markup_dataset(portal):
    title = f"{hostile.SCRIPT}<img src=x onerror=alert('xss')> {hostile.UNICODE_EDGES}"
    notes = (f"{hostile.SCRIPT} [lenke](javascript:alert('xss')) <iframe src=\"https://evil.example\"></iframe> "
             f"{hostile.UNICODE_EDGES}")
    data = factories.dataset(
        name="markup-og-unicode", owner_org=portal.org["id"],
        title_translated={"nb": title, "en": hostile.UNICODE_EDGES},
        notes_translated={"nb": notes},
        tags_translated={"nb": ["<b onmouseover=alert('xss')>fet</b>", "עברית", "e\u0301"]},
        contact=[{"name": hostile.SCRIPT, "email": "data@example.no"}])
    response = portal.post("package_create", data, keep=True)
    assert response.status_code == 200, response.body[:500]
    yield {"title": title, "notes": notes, "name": "markup-og-unicode"}
    call_action("dataset_purge", id="markup-og-unicode")


def test_markup_and_unicode_are_stored_exactly(markup_dataset):
    shown = call_action("package_show", id=markup_dataset["name"])
    assert shown["title_translated"]["nb"] == markup_dataset["title"]
    assert shown["title_translated"]["en"] == hostile.UNICODE_EDGES
    assert shown["notes_translated"]["nb"] == markup_dataset["notes"]
    assert shown["tags_translated"]["nb"] == ["<b onmouseover=alert('xss')>fet</b>", "עברית", "e\u0301"]
    assert shown["contact"][0]["name"] == hostile.SCRIPT


@pytest.mark.parametrize("path", ["/dataset/markup-og-unicode", "/en/dataset/markup-og-unicode",
                                  "/dataset/?q=markup", "/dataset/?q=%D8%A8%D9%8A%D8%A7%D9%86%D8%A7%D8%AA",
                                  "/organization/oslo-kommune", "/"])
def test_markup_is_shown_escaped_on_pages(portal, markup_dataset, path):
    response = portal.app.get(path)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert live_scripts(html, "xss") == []
    links = [a.get("href", "") for a in BeautifulSoup(html, "html.parser").find_all("a")]
    assert not [href for href in links if href.strip().lower().startswith("javascript:")]
    if "q=" not in path and path != "/":
        assert "&lt;script&gt;alert(" in html


@pytest.mark.parametrize("fmt, media", [("ttl", "turtle"), ("rdf", "xml"), ("jsonld", "json-ld")])
def test_markup_is_a_literal_in_the_dcat_output(portal, markup_dataset, fmt, media):
    response = portal.app.get(f"/dataset/{markup_dataset['name']}.{fmt}")
    assert response.status_code == 200
    graph = rdflib.Graph().parse(data=response.get_data(as_text=True), format=media)
    titles = {str(o) for o in graph.objects(None, rdflib.URIRef("http://purl.org/dc/terms/title"))}
    assert markup_dataset["title"] in titles
    if fmt == "rdf":
        # Text (escaped or in CDATA), never an element of the document.
        from lxml import etree

        root = etree.fromstring(response.get_data())
        assert not [e for e in root.iter() if isinstance(e.tag, str) and etree.QName(e).localname in ("script", "img")]
