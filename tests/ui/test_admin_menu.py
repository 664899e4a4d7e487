"""The admin menu (account bar and /ckan-admin tabs) and the harvest source list's last jobs."""
from __future__ import annotations

import pytest

from ckan.tests import factories as ckan_factories
from ckan.tests.helpers import call_action

from tests.harvest.conftest import site  # noqa: F401 - a local server for the harvested catalog
from tests.schema import factories
from tests.pages import soup

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


@pytest.fixture
def sysadmin():
    return {"Authorization": ckan_factories.SysadminWithToken()["token"]}


def member_of(org, role):
    user = ckan_factories.UserWithToken()
    call_action("organization_member_create", id=org["id"], username=user["name"], role=role)
    return {"Authorization": user["token"]}


class TestAccountMenu:
    def test_sysadmin_has_harvesting_and_curation(self, app, sysadmin):
        page = soup(app.get("/dataset/", headers=sysadmin))

        assert page.select_one(".scn-admin-menu-harvest a")["href"].rstrip("/").endswith("/harvest")
        assert page.select_one(".scn-admin-menu-curation a")["href"].endswith("/curation")

    def test_anonymous_has_neither(self, app):
        page = soup(app.get("/dataset/"))

        assert not page.select(".scn-admin-menu-harvest, .scn-admin-menu-curation")

    def test_organization_admin_has_curation_only(self, app, org):
        page = soup(app.get("/dataset/", headers=member_of(org, "admin")))

        assert page.select_one(".scn-admin-menu-curation a")
        assert not page.select(".scn-admin-menu-harvest")

    def test_editor_has_neither(self, app, org):
        page = soup(app.get("/dataset/", headers=member_of(org, "editor")))

        assert not page.select(".scn-admin-menu-harvest, .scn-admin-menu-curation")

    @pytest.mark.parametrize("prefix, harvesting, curation", [
        ("", "Høsting", "Kuratering"), ("/nn", "Hausting", "Kuratering"), ("/en", "Harvesting", "Curation")])
    def test_labels_in_nb_nn_en(self, app, sysadmin, prefix, harvesting, curation):
        page = soup(app.get(f"{prefix}/dataset/", headers=sysadmin))

        assert page.select_one(".scn-admin-menu-harvest .text").get_text(strip=True) == harvesting
        assert page.select_one(".scn-admin-menu-curation .text").get_text(strip=True) == curation


def test_ckan_admin_has_harvesting_and_curation_tabs(app, sysadmin):
    page = soup(app.get("/en/ckan-admin", headers=sysadmin))

    tabs = {a.get_text(strip=True): a["href"] for a in page.select(".nav a")}
    assert tabs["Harvesting"].rstrip("/").endswith("/harvest")
    assert tabs["Curation"].endswith("/curation")


class TestHarvestSourceList:
    def test_shows_the_last_job(self, app, site, org, as_sysadmin, sysadmin):
        from ckanext.scn.harvesters.run import run_job
        from tests.harvest.test_dcat_ap_no import catalog, dataset

        source = call_action("harvest_source_create", context=dict(as_sysadmin), name="kilde", title="Kilde",
                             url=site.add("/c.ttl", catalog(dataset(1), dataset(2))), source_type="dcat_ap_no",
                             owner_org=org["id"])
        run_job(source["id"])

        page = soup(app.get("/en/harvest", headers=sysadmin))

        item = page.select_one('.scn-harvest-source[data-source="kilde"] .scn-harvest-last-job')
        assert item.select_one(".scn-harvest-job-status").get_text(strip=True) == "Finished"
        assert item.select_one(".scn-harvest-job-finished")
        assert item.select_one(".scn-harvest-job-added").get_text(strip=True) == "2 added"
        assert item.select_one(".scn-harvest-job-updated").get_text(strip=True) == "0 updated"
        assert item.select_one(".scn-harvest-job-errors").get_text(strip=True) == "0 errors"
        assert item.select_one("a.scn-harvest-job-report")["href"].endswith(
            f"/harvest/kilde/job/{call_action('harvest_source_show', id='kilde')['status']['last_job']['id']}")

    def test_in_bokmal(self, app, site, org, as_sysadmin, sysadmin):
        call_action("harvest_source_create", context=dict(as_sysadmin), name="kilde", title="Kilde",
                    url=site.add("/c.ttl", "x"), source_type="dcat_ap_no", owner_org=org["id"])

        page = soup(app.get("/harvest", headers=sysadmin))

        assert page.select_one(".scn-harvest-job-none").get_text(strip=True) == "Ikke høstet ennå"
