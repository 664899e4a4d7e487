"""Hostile input through each harvester (tests/data/hostile/README.md).

One portal for the module: three sources (dcat_ap_no, scn_csw, scn_ckan) seeded from real recorded
documents, then each source's document is replaced by a hostile one and harvested again. Every
job must finish within bounds with a gather or object error that says what was wrong, fetch
nothing it was pointed at, and leave the stored datasets and their harvest objects byte for byte
as they were (hostile.stored_checksum). Records of the corpus that are only odd, not hostile
(markup, invalid values in new records) come last: what they import is checked for what it holds.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import pytest
from bs4 import BeautifulSoup

from ckan.tests import factories as ckan_factories
from ckan.tests.helpers import call_action

from ckanext.scn.harvesters.run import run_job
from tests.harvest import conftest as harvest_conftest
from tests.harvest import test_ckan, test_csw
from tests.harvest.test_dcat_ap_no import catalog, dataset
from tests.schema import factories
from tests.security import hostile

DCAT_PATH = "/dcat/catalog"


@dataclass
class Portal:
    app: Any
    site: harvest_conftest.Site
    sources: dict[str, str] = field(default_factory=dict)  # source type -> id
    seeded: dict[str, str] = field(default_factory=dict)  # source type -> first dataset's name
    checksum: str = ""
    state: dict[str, str] = field(default_factory=dict)
    count: int = 0

    @property
    def internal(self) -> str:
        """A URL of the local server standing for a service inside the network."""
        return self.site.base + "/internal"

    def internal_hits(self) -> list[str]:
        return [hit for hit in self.site.hits if hit.startswith("/internal")]


def dcat_seed() -> str:
    return catalog(dataset(1), dataset(2))


def ckan_page(results: list[dict[str, Any]] | None = None) -> str:
    first = test_ckan.page()
    if results is not None:
        first["result"]["results"] = results
    return json.dumps(first)


def serve(portal: Portal, source_type: str, body: bytes | str, content_type: str) -> None:
    """Put BODY where SOURCE_TYPE's source reads its (first) page."""
    site = portal.site
    if source_type == "dcat_ap_no":
        site.add(DCAT_PATH, body, content_type)
    elif source_type == "scn_csw":
        site.add(test_csw.path(site, 1), body, content_type)
    else:
        site.add(test_ckan.SEARCH.format(start=0), body, content_type)


def restore(portal: Portal) -> None:
    serve(portal, "dcat_ap_no", dcat_seed(), "text/turtle")
    test_csw.serve(portal.site)
    test_ckan.serve(portal.site)


@pytest.fixture(scope="module")
def portal(fresh_portal):
    from ckan.tests.helpers import _get_test_app

    with harvest_conftest.serving() as site:
        site.add("/internal/secret", "INTERNAL-SECRET-7f3a", "text/plain")
        site.add("/internal/context.jsonld", '{"@context": {"title": "http://purl.org/dc/terms/title"}}',
                 "application/ld+json")

        sysadmin = ckan_factories.Sysadmin()
        context = {"user": sysadmin["name"]}
        org = call_action("organization_create", context=dict(context), **factories.OSLO_KOMMUNE)
        call_action("package_create", context=dict(context), **factories.dataset(owner_org=org["id"]))
        portal = Portal(_get_test_app(), site)
        restore(portal)
        urls = {"dcat_ap_no": site.base + DCAT_PATH, "scn_csw": site.base + test_csw.CSW_PATH, "scn_ckan": site.base}
        for source_type, url in urls.items():
            source = call_action("harvest_source_create", context=dict(context), name=source_type.replace("_", "-"),
                                 title=source_type, url=url, source_type=source_type, owner_org=org["id"])
            portal.sources[source_type] = source["id"]
            report = run_job(source["id"])
            assert report["added"] >= 2 and not report["gather_errors"], report
        portal.state = hostile.stored_state()
        portal.checksum = hostile.stored_checksum()
        portal.count = _count()
        yield portal


def _count() -> int:
    from ckan import model

    model.Session.remove()
    return model.Session.query(model.Package).count()


def harvest(portal: Portal, source_type: str, body: bytes | str, content_type: str) -> dict[str, Any]:
    """Harvest SOURCE_TYPE's source from BODY within bounds; the seed is served again afterwards."""
    serve(portal, source_type, body, content_type)
    portal.site.hits.clear()
    try:
        with hostile.bounded():
            report = run_job(portal.sources[source_type])
    finally:
        restore(portal)
    assert report["status"] == "Finished", report
    return report


def errors(report: dict[str, Any]) -> str:
    return " | ".join(report["gather_errors"] + [e["message"] for e in report["object_errors"]])


def nothing_changed(portal: Portal, report: dict[str, Any]) -> None:
    assert report["added"] == report["updated"] == report["withdrawn"] == 0, report
    if hostile.stored_checksum() != portal.checksum:
        after = hostile.stored_state()
        diff = {key: (portal.state.get(key, "")[:3000], after.get(key, "")[:3000])
                for key in hostile.changes(portal.state, after)}
        pytest.fail(f"a hostile harvest changed what is stored: {diff}")
    assert _count() == portal.count
    assert portal.internal_hits() == [], portal.internal_hits()
    stored = hostile.all_stored_text()
    assert "root:x:0:0" not in stored and "INTERNAL-SECRET" not in stored and "\\u0000" not in stored


# ---- dcat_ap_no -------------------------------------------------------------------------------

def _dcat_with_first(**record: Any) -> str:
    """The seed catalog with its first dataset (ds-1, stored) replaced by a hostile version."""
    return catalog(hostile.dcat_record("ds-1", **record), dataset(2))


DCAT_CASES = {
    "malformed-turtle": (lambda p: hostile.text("dcat-malformed.ttl"), "text/turtle", "Error parsing the RDF file"),
    "malformed-rdf-xml": (lambda p: hostile.text("dcat-malformed.rdf"), "application/rdf+xml",
                          "Error parsing the RDF file"),
    "malformed-json-ld": (lambda p: hostile.text("dcat-malformed.jsonld"), "application/ld+json", "not valid JSON"),
    "billion-laughs": (lambda p: hostile.text("dcat-billion-laughs.rdf"), "application/rdf+xml", "DOCTYPE or ENTITY"),
    "billion-laughs-utf16": (lambda p: hostile.utf16(hostile.text("dcat-billion-laughs.rdf")),
                             "application/rdf+xml", "not UTF-8"),
    "xxe-file": (lambda p: hostile.text("dcat-xxe-file.rdf"), "application/rdf+xml", "DOCTYPE or ENTITY"),
    "xxe-http": (lambda p: hostile.text("dcat-xxe-http.rdf", INTERNAL=p.internal), "application/rdf+xml",
                 "DOCTYPE or ENTITY"),
    "json-ld-remote-context": (lambda p: hostile.text("dcat-jsonld-remote-context.jsonld", INTERNAL=p.internal),
                               "application/ld+json", "@context"),
    "json-ld-file-context": (lambda p: hostile.text("dcat-jsonld-file-context.jsonld"), "application/ld+json",
                             "@context"),
    "50-mb-document": (lambda p: hostile.big_turtle(52), "text/turtle", "the limit is"),
    "several-mb-literal": (lambda p: _dcat_with_first(description=hostile.long_literal(5)), "text/turtle",
                           "100000"),
    "ten-thousand-keywords": (lambda p: _dcat_with_first(keywords=hostile.many_keywords(10_000)), "text/turtle",
                              "10000"),
    "nul-in-title": (lambda p: _dcat_with_first(title="Datasett\x001"), "text/turtle", "NUL"),
}


@pytest.mark.parametrize("case", DCAT_CASES)
def test_dcat_ap_no(portal, case):
    make, content_type, expected = DCAT_CASES[case]
    body = make(portal)
    report = harvest(portal, "dcat_ap_no", body, content_type)
    assert expected in errors(report), report
    nothing_changed(portal, report)


# ---- scn_csw ----------------------------------------------------------------------------------

def _csw_page(**changes: str) -> str:
    """The real recorded GetRecords page with the first record (Haram, stored) changed."""
    page = test_csw.recorded(test_csw.GETRECORDS)
    first, rest = page.split("</gmd:MD_Metadata>", 1)
    if "abstract" in changes:
        first = re.sub(r"(<gmd:abstract[^>]*>\s*<gco:CharacterString>).*?(</gco:CharacterString>)",
                       lambda m: m.group(1) + changes["abstract"] + m.group(2), first, count=1, flags=re.S)
        assert changes["abstract"] in first
    if "keywords" in changes:
        assert "<gmd:keyword>" in first
        first = first.replace("<gmd:keyword>", changes["keywords"] + "<gmd:keyword>", 1)
    if "title" in changes:
        first = re.sub(r"(<gmd:title[^>]*>\s*<gco:CharacterString>).*?(</gco:CharacterString>)",
                       lambda m: m.group(1) + changes["title"] + m.group(2), first, count=1, flags=re.S)
        assert changes["title"] in first
    return first + "</gmd:MD_Metadata>" + rest


def _keywords(count: int) -> str:
    return "".join(f"<gmd:keyword><gco:CharacterString>emneord-{n}</gco:CharacterString></gmd:keyword>"
                   for n in range(count))


def _big_csw(size_mb: int) -> bytes:
    page = _csw_page().encode()
    return page.replace(b"<csw:SearchStatus", b"<!--" + b"x" * (size_mb * hostile.MB) + b"--><csw:SearchStatus", 1)


CSW_CASES = {
    "malformed-xml": (lambda p: _csw_page()[:5000], "not well-formed XML"),
    "billion-laughs": (lambda p: hostile.text("csw-billion-laughs.xml"), "DOCTYPE or ENTITY"),
    "billion-laughs-utf16": (lambda p: hostile.utf16(hostile.text("csw-billion-laughs.xml")), "DOCTYPE"),
    "xxe-file": (lambda p: hostile.text("csw-xxe-file.xml"), "DOCTYPE or ENTITY"),
    "xxe-file-utf16": (lambda p: hostile.utf16(hostile.text("csw-xxe-file.xml")), "DOCTYPE"),
    "xxe-http": (lambda p: hostile.text("csw-xxe-http.xml", INTERNAL=p.internal), "DOCTYPE or ENTITY"),
    "nul-character-reference": (lambda p: _csw_page(title="Haram&#0;"), "not well-formed XML"),
    "50-mb-document": (lambda p: _big_csw(52), "the limit is"),
    "several-mb-literal": (lambda p: _csw_page(abstract=hostile.long_literal(5)), "100000"),
    "ten-thousand-keywords": (lambda p: _csw_page(keywords=_keywords(10_000)), "keywords in nb; at most 500"),
}


@pytest.mark.parametrize("case", CSW_CASES)
def test_scn_csw(portal, case):
    make, expected = CSW_CASES[case]
    report = harvest(portal, "scn_csw", make(portal), "application/xml")
    assert expected in errors(report), report
    nothing_changed(portal, report)


# ---- scn_ckan ---------------------------------------------------------------------------------

def _ckan_with_first(**changes: Any) -> str:
    """The recorded package_search page with its first dataset (stored) changed."""
    results = test_ckan.page()["result"]["results"]
    results[0].update(changes)
    return ckan_page(results)


def _big_ckan(size_mb: int) -> str:
    page = test_ckan.page()
    page["result"]["padding"] = "x" * (size_mb * hostile.MB)
    return json.dumps(page)


CKAN_CASES = {
    "malformed-json": (lambda p: hostile.text("ckan-malformed.json"), "Could not list the datasets"),
    "not-package-search": (lambda p: hostile.text("ckan-not-package-search.json"), "not a CKAN package_search"),
    "html-instead-of-json": (lambda p: "<html><body><script>alert(1)</script></body></html>",
                             "Could not list the datasets"),
    "50-mb-response": (lambda p: _big_ckan(52), "the limit is"),
    "several-mb-literal": (lambda p: _ckan_with_first(notes=hostile.long_literal(5)), "100000"),
    "ten-thousand-keywords": (lambda p: _ckan_with_first(tags=[{"name": w} for w in hostile.many_keywords(10_000)]),
                              "10000"),
    "nul-in-title": (lambda p: _ckan_with_first(title="Parkering\x00"), "NUL"),
}


@pytest.mark.parametrize("case", CKAN_CASES)
def test_scn_ckan(portal, case):
    make, expected = CKAN_CASES[case]
    report = harvest(portal, "scn_ckan", make(portal), "application/json")
    assert expected in errors(report), report
    nothing_changed(portal, report)


# ---- odd but not hostile: new records with markup or invalid values (last: they add datasets) -

def live_scripts(html: str) -> list[str]:
    page = BeautifulSoup(html, "html.parser")
    return ([str(s)[:200] for s in page.find_all("script") if "alert(" in (s.string or "")]
            + [str(t)[:200] for t in page.find_all(True) if any(a.startswith("on") for a in t.attrs)])


def test_dcat_markup_and_unicode_are_stored_as_text_and_shown_escaped(portal):
    body = catalog(dataset(1), dataset(2)) + "\n" + hostile.text("dcat-markup-and-unicode.ttl").split(
        "dcat:dataset <https://example.no/ds/hostile-markup> .", 1)[1]
    report = harvest(portal, "dcat_ap_no", body, "text/turtle")
    assert report["added"] == 1 and report["errors"] == 0, report
    [found] = call_action("package_search", fq='identifier:"hostile-markup"')["results"]
    assert found["title_translated"]["nb"].startswith("<script>alert('tittel')</script><img src=x onerror=")
    assert "e\u0301" in found["notes_translated"]["nb"]
    for path in (f"/dataset/{found['name']}", "/dataset/?q=hostile", f"/dataset/{found['name']}.rdf"):
        response = portal.app.get(path)
        assert response.status_code == 200
        if not path.endswith(".rdf"):
            html = response.get_data(as_text=True)
            assert live_scripts(html) == [], path
            links = [a.get("href", "") for a in BeautifulSoup(html, "html.parser").find_all("a")]
            assert not [href for href in links if href.strip().lower().startswith("javascript:")], path


def test_dcat_invalid_values_are_left_out_or_refused_with_a_reason(portal):
    report = harvest(portal, "dcat_ap_no", hostile.text("dcat-invalid-values.ttl"), "text/turtle")
    messages = errors(report)
    # The record with a NUL is refused; the seeded datasets gone from this document are not withdrawn.
    assert "NUL" in messages and "none was withdrawn" in messages, report
    _only_clean_values_stored("hostile-values")


def test_csw_invalid_values_and_xinclude(portal):
    body = hostile.text("csw-invalid-values.xml").replace(
        "</csw:SearchResults>", re.search(r"<gmd:MD_Metadata.*</gmd:MD_Metadata>",
                                          hostile.text("csw-xinclude.xml", INTERNAL=portal.internal),
                                          re.S).group(0) + "</csw:SearchResults>")
    report = harvest(portal, "scn_csw", body, "application/xml")
    assert portal.internal_hits() == []
    assert "none was withdrawn" in errors(report), report
    _only_clean_values_stored("hostile-values")
    stored = hostile.all_stored_text()
    assert "root:x:0:0" not in stored and "INTERNAL-SECRET" not in stored


def test_ckan_invalid_values(portal):
    report = harvest(portal, "scn_ckan", hostile.text("ckan-invalid-values.json"), "application/json")
    messages = errors(report)
    assert "NUL" in messages, report
    assert "tags is not a list of objects" in messages, report
    assert "none was withdrawn" in messages, report
    _only_clean_values_stored("b1a5c0de-0000-4000-8000-000000000002")


def _only_clean_values_stored(identifier: str) -> None:  # noqa: C901
    """A record with invalid values is either not imported or imported without them."""
    found = call_action("package_search", fq=f'identifier:"{identifier}"', include_private=True)["results"]
    assert "\\u0000" not in hostile.all_stored_text()
    # No address that is not a web address, in any dataset (the markup dataset has one as text).
    everything = call_action("package_search", rows=1000, include_private=True)["results"]
    urls = [d.get("url") for d in everything] + [r.get(k) for d in everything for r in d["resources"]
                                                  for k in ("url", "download_url")]
    urls += [c.get("url") for d in everything for c in d.get("contact") or []]
    assert not [u for u in urls if u and not u.startswith(("http://", "https://", "ftp://"))], urls
    for dataset_dict in found:
        for period in dataset_dict.get("temporal_coverage") or []:
            assert re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?.*", period.get("start") or "2000"), period
        assert "999" not in (dataset_dict.get("spatial") or "")
        for contact in dataset_dict.get("contact") or []:
            assert "@" in contact["email"] and " " not in contact["email"]
