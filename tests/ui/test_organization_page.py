"""Organization pages: type, organization number, municipality number and the organization's
DCAT-AP-NO catalog, on its datasets page and its about page, in nb, nn and en."""
from __future__ import annotations

import pytest

from ckan.tests.helpers import call_action

from tests.pages import soup, squash

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

CATALOG = "http://test.ckan.net/organization/oslo-kommune/catalog"


def facts(page) -> dict[str, str]:
    dl = page.select_one(".scn-org-facts")
    return {dt.text.strip(): squash(dd.text) for dt, dd in zip(dl.select("dt"), dl.select("dd"))}


class TestDatasetsPage:
    def test_sidebar_shows_type_numbers_and_catalog_link(self, app, org):
        page = soup(app.get("/organization/oslo-kommune"))

        info = page.select_one("#organization-info")
        assert facts(info) == {
            "Organisasjonstype": "Kommune",
            "Organisasjonsnummer": "958935420",
            "Kommunenummer": "0301 (Oslo - Oslove)",
        }
        link = info.select_one(".scn-org-catalog-shortcut a[type='text/turtle']")
        assert link["href"] == CATALOG + ".ttl"
        assert "data.norge.no" in info.select_one(".scn-org-catalog-hint").text
        assert info.select_one("a.scn-org-catalog-more")["href"] == "/organization/about/oslo-kommune"

    def test_the_catalog_link_serves_the_organizations_public_datasets(self, app, create):
        create(name="bikes")
        create(name="hidden", private=True, title_translated={"nb": "Skjult datasett"})

        response = app.get("/organization/oslo-kommune/catalog.ttl")

        assert response.status_code == 200
        assert response.headers["Content-Type"].startswith("text/turtle")
        assert '"Bysykkelstasjoner i Oslo"@nb' in response.body
        assert "Skjult datasett" not in response.body

    def test_company_has_no_municipality_number(self, app, as_sysadmin):
        call_action("organization_create", context=dict(as_sysadmin), name="fjordbyen", title="Fjordbyen Mobilitet AS",
                    orgnr="974760673", org_type="company")

        shown = facts(soup(app.get("/en/organization/fjordbyen")))

        assert shown == {"Organization type": "Company", "Organization number": "974760673"}


class TestAboutPage:
    def test_shows_facts_contact_and_catalog_in_three_formats(self, app, org):
        page = soup(app.get("/organization/about/oslo-kommune"))

        main = page.select_one(".primary")
        assert main.select_one("h1").text.strip() == "Oslo kommune"
        assert facts(main)["Organisasjonsnummer"] == "958935420"
        catalog = main.select_one("section.scn-org-catalog")
        assert catalog.select_one("h2").text == "DCAT-AP-NO-katalog"
        links = {a["data-format"]: a["href"] for a in catalog.select("a.scn-org-catalog-link")}
        assert links == {fmt: f"{CATALOG}.{fmt}" for fmt in ("ttl", "rdf", "jsonld")}
        help_text = squash(catalog.select_one(".scn-org-catalog-help").text)
        assert "data.norge.no" in help_text and "høstingskilde" in help_text

    def test_each_catalog_format_answers(self, app, org):
        for fmt, media_type in (("ttl", "text/turtle"), ("rdf", "application/rdf+xml"), ("jsonld", "application/ld+json")):
            response = app.get(f"/organization/oslo-kommune/catalog.{fmt}")
            assert response.status_code == 200, fmt
            assert response.headers["Content-Type"].startswith(media_type)

    def test_english_and_nynorsk_labels(self, app, org):
        english = soup(app.get("/en/organization/about/oslo-kommune"))
        assert facts(english) == {
            "Organization type": "Municipality", "Organization number": "958935420",
            "Municipality number": "0301 (Oslo - Oslove)",
        }
        assert "harvest source" in english.select_one(".scn-org-catalog-help").text

        nynorsk = soup(app.get("/nn/organization/about/oslo-kommune"))
        assert "haustingskjelde" in nynorsk.select_one(".scn-org-catalog-help").text
        assert nynorsk.select_one(".scn-org-catalog h2").text == "DCAT-AP-NO-katalog"

    def test_organization_without_numbers_shows_no_empty_facts(self, app, as_sysadmin):
        call_action("organization_create", context=dict(as_sysadmin), name="forsk", title="Forskerne",
                    org_type="research")

        page = soup(app.get("/en/organization/about/forsk"))

        assert facts(page) == {"Organization type": "Research institution"}
