"""The curation queue (/curation and the scn_curation_list action): datasets lacking DCAT-AP-NO
properties, for sysadmins (every organization) and organization admins (their own)."""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.tests import factories as ckan_factories
from ckan.tests.helpers import call_action, call_auth

from ckanext.scn.harvesters.mode import harvest_mode
from tests.harvest.conftest import site  # noqa: F401 - a local server for the harvested catalog
from tests.schema import factories
from tests.pages import soup

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

ORG_B = {"name": "bedrift-b", "title": "Bedrift B", "orgnr": "926543180", "org_type": "company"}


def listed(page: BeautifulSoup) -> set[str]:
    return {row["data-dataset"] for row in page.select("tr.scn-curation-item")}


def issues_of(page: BeautifulSoup, name: str) -> set[str]:
    row = page.select_one(f'tr.scn-curation-item[data-dataset="{name}"]')
    return {item["data-issue"] for item in row.select(".scn-curation-issue")}


def token_user(org=None, role=None) -> dict:
    user = ckan_factories.UserWithToken()
    if org:
        call_action("organization_member_create", id=org["id"], username=user["name"], role=role)
    return {"name": user["name"], "headers": {"Authorization": user["token"]}}


@pytest.fixture
def orgs(as_sysadmin):
    """Two organizations; in A a complete dataset and one without time period or coverage, in B
    a harvested dataset without contact point (imported in harvest mode, as a harvester does)."""
    org_a = call_action("organization_create", context=dict(as_sysadmin), **factories.OSLO_KOMMUNE)
    org_b = call_action("organization_create", context=dict(as_sysadmin), **ORG_B)
    call_action("package_create", context=dict(as_sysadmin),
                **factories.dataset(name="complete-a", owner_org=org_a["id"]))
    thin = factories.dataset(name="thin-a", owner_org=org_a["id"])
    for name in ("temporal_coverage", "spatial_coverage", "spatial"):
        thin.pop(name)
    call_action("package_create", context=dict(as_sysadmin), **thin)
    no_contact = factories.dataset(name="no-contact-b", owner_org=org_b["id"])
    no_contact.pop("contact")
    with harvest_mode():
        call_action("package_create", context=dict(as_sysadmin), **no_contact)
    return {"a": org_a, "b": org_b}


@pytest.fixture
def sysadmin():
    user = ckan_factories.SysadminWithToken()
    return {"name": user["name"], "headers": {"Authorization": user["token"]}}


class TestQueuePage:
    def test_incomplete_datasets_are_listed_and_complete_ones_are_not(self, app, orgs, sysadmin):
        page = soup(app.get("/curation", headers=sysadmin["headers"]))

        assert listed(page) == {"thin-a", "no-contact-b"}
        assert issues_of(page, "no-contact-b") == {"contact"}
        assert issues_of(page, "thin-a") == {"spatial_coverage", "temporal_coverage"}
        contact = page.select_one('[data-dataset="no-contact-b"] [data-issue="contact"]')
        assert "scn-curation-issue--mandatory" in contact["class"]

    def test_each_dataset_links_to_its_edit_form(self, app, orgs, sysadmin):
        page = soup(app.get("/curation", headers=sysadmin["headers"]))

        edit = page.select_one('tr[data-dataset="thin-a"] a.scn-curation-edit')
        assert edit["href"].endswith("/dataset/edit/thin-a")
        app.get(edit["href"], headers=sysadmin["headers"], status=200)

    def test_filter_by_organization(self, app, orgs, sysadmin):
        page = soup(app.get("/curation", query_string={"organization": "bedrift-b"}, headers=sysadmin["headers"]))

        assert listed(page) == {"no-contact-b"}
        selected = page.select_one("#scn-curation-organization option[selected]")
        assert selected["value"] == "bedrift-b"

    def test_filter_by_missing_property(self, app, orgs, sysadmin):
        page = soup(app.get("/curation", query_string={"issue": "temporal_coverage"}, headers=sysadmin["headers"]))

        assert listed(page) == {"thin-a"}
        # The options narrow with the results, as CKAN's facets do.
        options = {o["value"] for o in page.select("#scn-curation-issue option") if o["value"]}
        assert options == {"spatial_coverage", "temporal_coverage"}
        assert page.select_one("#scn-curation-issue option[selected]")["value"] == "temporal_coverage"

    def test_filter_by_level(self, app, orgs, sysadmin):
        page = soup(app.get("/curation", query_string={"level": "mandatory"}, headers=sysadmin["headers"]))

        assert listed(page) == {"no-contact-b"}

    def test_pages(self, app, orgs, sysadmin, as_sysadmin):
        for number in range(21):
            thin = factories.dataset(name=f"more-{number:02d}", owner_org=orgs["a"]["id"])
            thin.pop("temporal_coverage")
            call_action("package_create", context=dict(as_sysadmin), **thin)

        first = soup(app.get("/curation", headers=sysadmin["headers"]))
        second = soup(app.get("/curation", query_string={"page": 2}, headers=sysadmin["headers"]))

        assert len(listed(first)) == 20 and len(listed(second)) == 3
        assert not listed(first) & listed(second)
        assert first.select_one(".pagination a[href*='page=2']")

    def test_private_datasets_are_included(self, app, orgs, sysadmin, as_sysadmin):
        thin = factories.dataset(name="private-a", owner_org=orgs["a"]["id"], private=True)
        thin.pop("temporal_coverage")
        call_action("package_create", context=dict(as_sysadmin), **thin)
        admin_a = token_user(orgs["a"], "admin")

        assert "private-a" in listed(soup(app.get("/curation", headers=admin_a["headers"])))

    def test_harvested_incomplete_record(self, app, orgs, site, sysadmin, as_sysadmin):
        """A record the real harvester imported with what it lacked in missing_properties."""
        from ckanext.scn.harvesters.run import run_job
        from tests.harvest.test_dcat_ap_no import catalog

        url = site.add("/c.ttl", catalog(
            '<https://example.no/ds/9> a dcat:Dataset ; dct:identifier "9" ; dct:title "Tynn"@nb .'))
        source = call_action("harvest_source_create", context=dict(as_sysadmin), name="kilde", title="Kilde",
                             url=url, source_type="dcat_ap_no", owner_org=orgs["b"]["id"])
        run_job(source["id"])
        [harvested] = call_action("package_search", fq=f'harvest_source_id:"{source["id"]}"')["results"]
        assert harvested["missing_properties"]

        page = soup(app.get("/curation", headers=sysadmin["headers"]))

        assert harvested["name"] in listed(page)
        assert set(harvested["missing_properties"]) <= issues_of(page, harvested["name"])


class TestAccess:
    def test_admin_of_a_sees_only_as_datasets(self, app, orgs):
        admin_a = token_user(orgs["a"], "admin")

        page = soup(app.get("/curation", headers=admin_a["headers"]))

        assert listed(page) == {"thin-a"}
        assert {o["value"] for o in page.select("#scn-curation-organization option") if o["value"]} == {"oslo-kommune"}

    def test_admin_of_b_does_not_see_as_datasets(self, app, orgs):
        admin_b = token_user(orgs["b"], "admin")

        assert listed(soup(app.get("/curation", headers=admin_b["headers"]))) == {"no-contact-b"}
        app.get("/curation", query_string={"organization": "oslo-kommune"}, headers=admin_b["headers"], status=403)

    @pytest.mark.parametrize("role", ["editor", "member"])
    def test_editors_and_members_are_refused(self, app, orgs, role):
        user = token_user(orgs["a"], role)

        response = app.get("/curation", headers=user["headers"], status=403)

        assert "organization admins" in response.get_data(as_text=True) or "organisasjon" in response.get_data(
            as_text=True)

    def test_anonymous_is_refused(self, app, orgs):
        # CKAN answers 403 for a page that needs rights (as /ckan-admin does); no login redirect.
        app.get("/curation", status=403)

    def test_refusal_is_in_the_users_language(self, app, orgs):
        user = token_user(orgs["a"], "editor")

        nb = app.get("/curation", headers=user["headers"], status=403).get_data(as_text=True)
        en = app.get("/en/curation", headers=user["headers"], status=403).get_data(as_text=True)

        assert "Only sysadmins and organization admins can see the curation queue" in en
        assert "Bare systemadministratorer og organisasjonsadministratorer" in nb


class TestLabels:
    @pytest.mark.parametrize("prefix, heading, contact, recommended", [
        ("", "Kurateringskø", "Kontaktpunkt", "Anbefalt"),
        ("/nn", "Kurateringskø", "Kontaktpunkt", "Tilrådd"),
        ("/en", "Curation queue", "Contact point", "Recommended"),
    ])
    def test_labels_in_nb_nn_en(self, app, orgs, sysadmin, prefix, heading, contact, recommended):
        page = soup(app.get(f"{prefix}/curation", headers=sysadmin["headers"]))

        assert page.select_one("h1").get_text(strip=True) == heading
        assert page.select_one('[data-dataset="no-contact-b"] [data-issue="contact"]').get_text(" ", strip=True) \
            .startswith(contact)
        assert recommended in page.select_one(".scn-curation-legend").get_text()

    def test_table_headers_have_scope(self, app, orgs, sysadmin):
        page = soup(app.get("/curation", headers=sysadmin["headers"]))

        assert all(th.get("scope") in ("col", "row") for th in page.select("table.scn-curation-table th"))
        for select in page.select(".scn-curation-filters select"):
            assert page.select_one(f'label[for="{select["id"]}"]')


class TestAction:
    def test_same_data_for_scripts(self, orgs, sysadmin):
        result = call_action("scn_curation_list", context={"user": sysadmin["name"]}, lang="en")

        assert result["count"] == 2
        by_name = {item["name"]: item for item in result["results"]}
        assert by_name["no-contact-b"]["issues"] == [
            {"code": "contact", "level": "mandatory", "label": "Contact point"}]
        assert {f["name"]: f["count"] for f in result["facets"]["organization"]} == {
            "oslo-kommune": 1, "bedrift-b": 1}
        assert {f["name"] for f in result["facets"]["issue"]} == {"contact", "spatial_coverage", "temporal_coverage"}

    def test_filters_and_paging(self, orgs, sysadmin):
        result = call_action("scn_curation_list", context={"user": sysadmin["name"]},
                             issue="contact", rows=1, page=1)

        assert result["count"] == 1 and [i["name"] for i in result["results"]] == ["no-contact-b"]

    def test_org_admin_scope(self, orgs):
        admin_a = token_user(orgs["a"], "admin")

        result = call_action("scn_curation_list", context={"user": admin_a["name"]})

        assert [item["name"] for item in result["results"]] == ["thin-a"]

    @pytest.mark.parametrize("role", ["editor", "member", None])
    def test_auth_refuses_non_admins(self, orgs, role):
        user = token_user(orgs["a"], role) if role else token_user()

        with pytest.raises(tk.NotAuthorized):
            call_auth("scn_curation_list", context={"user": user["name"], "model": model})

    def test_auth_refuses_another_organization(self, orgs):
        admin_b = token_user(orgs["b"], "admin")

        with pytest.raises(tk.NotAuthorized):
            call_auth("scn_curation_list", context={"user": admin_b["name"], "model": model},
                      organization="oslo-kommune")

    def test_over_the_api(self, app, orgs, sysadmin):
        response = app.get("/api/3/action/scn_curation_list", query_string={"level": "mandatory"},
                           headers=sysadmin["headers"])

        assert response.json["result"]["count"] == 1
