"""The dataset page: licence and price box with access rights, map of the extent, contact points,
resource formats, the "Use this data" panel; 404 and 403 pages in the user's language.
Pages are rendered by the real app with the real database and Solr."""
from __future__ import annotations

import pytest


from tests.schema import factories
from tests.schema.factories import RESTRICTED, subscription
from tests.pages import soup, squash

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

SITE = "http://test.ckan.net"  # ckan.site_url of the test configuration


class TestDatasetPage:
    def test_box_shows_access_rights_licence_and_price(self, app, create):
        create(name="bikes", access_rights=RESTRICTED, pricing=[subscription()])

        box = soup(app.get("/dataset/bikes")).select_one("section.scn-price-box")

        details = {squash(dt.text): squash(dt.find_next_sibling("dd").text) for dt in box.select("dt")}
        assert details["Tilgangsnivå"] == "Begrenset"
        assert "NLOD" in details["Lisens"]
        assert "Abonnement" in details["Pristilbud"]

    def test_map_of_the_extent_for_a_dataset_with_a_geometry(self, app, create):
        create(name="bikes")

        page = soup(app.get("/dataset/bikes"))

        widget = page.select_one('aside .dataset-map [data-module="dataset-map"]') or \
            page.select_one('[data-module="dataset-map"]')
        assert widget is not None
        assert '"Point"' in widget["data-extent"] and "10.75" in widget["data-extent"]
        assert page.select_one("#dataset-map-container") is not None

    def test_no_map_without_a_geometry(self, app, create):
        create(name="bikes", spatial=None)

        assert soup(app.get("/dataset/bikes")).select_one('[data-module="dataset-map"]') is None

    def test_contact_points_with_mailto_links(self, app, create):
        create(name="bikes", contact=[
            {"name": "Bymiljøetaten", "email": "postmottak@bym.oslo.kommune.no"},
            {"name": "Datateamet", "email": "data@example.no", "url": "https://example.no/kontakt"},
        ])

        section = soup(app.get("/dataset/bikes")).select_one("#scn-contact")

        assert squash(section.select_one("h2").text) == "Kontakt"
        points = section.select("li.scn-contact-point")
        assert [squash(p.select_one(".scn-contact-name").text) for p in points] == ["Bymiljøetaten", "Datateamet"]
        assert [p.select_one("a.scn-contact-email")["href"] for p in points] == [
            "mailto:postmottak@bym.oslo.kommune.no", "mailto:data@example.no"]
        assert points[1].select_one("a.scn-contact-url")["href"] == "https://example.no/kontakt"

    def test_resources_are_listed_with_their_formats(self, app, create):
        create(name="bikes", resources=[
            {"name": "GBFS", "url": "https://example.no/gbfs.json", "format": "JSON"},
            {"name": "Stasjoner", "url": "https://example.no/stasjoner.csv", "format": "CSV"},
        ])

        page = soup(app.get("/dataset/bikes"))

        items = page.select("#dataset-resources li.resource-item")
        formats = [item.select_one(".format-label")["data-format"] for item in items]
        assert formats == ["json", "csv"]
        assert [squash(item.select_one(".format-label").text) for item in items] == ["JSON", "CSV"]

    @pytest.mark.parametrize("prefix", ["", "/en"])
    def test_use_this_data_panel_has_the_api_and_dcat_urls(self, app, create, prefix):
        create(name="bikes")

        panel = soup(app.get(f"{prefix}/dataset/bikes")).select_one("section#scn-use-data")

        curl = panel.select_one("#scn-use-data-curl").text
        assert curl == f"curl '{SITE}/api/3/action/package_show?id=bikes'"
        python = panel.select_one("#scn-use-data-python").text
        assert "from ckanapi import RemoteCKAN" in python
        assert f"RemoteCKAN('{SITE}')" in python
        assert "portal.action.package_show(id='bikes')" in python
        links = {a["data-format"]: a["href"] for a in panel.select("a.scn-dcat-link")}
        assert links == {fmt: f"{SITE}/dataset/bikes.{fmt}" for fmt in ("ttl", "rdf", "jsonld")}
        # Every example has its copy button, labelled and pointing at the text it copies.
        for target in ("scn-use-data-curl", "scn-use-data-python", "scn-use-data-ttl",
                       "scn-use-data-rdf", "scn-use-data-jsonld"):
            button = panel.select_one(f'button[data-module="scn-copy"][data-module-target="{target}"]')
            assert button is not None and button["type"] == "button"
            assert all(panel.select_one(f"#{ref}") for ref in button["aria-labelledby"].split())
        status = panel.select_one(".scn-use-data-status")
        assert status["aria-live"] == "polite" and status["role"] == "status"

    def test_use_this_data_panel_in_english(self, app, create):
        create(name="bikes")

        panel = soup(app.get("/en/dataset/bikes")).select_one("section#scn-use-data")

        assert squash(panel.select_one("h2").text) == "Use this data"
        assert panel.select_one("button.scn-copy-button")["data-module-copied"] == "Copied"

    def test_dcat_links_answer(self, app, create):
        create(name="bikes")

        response = app.get("/dataset/bikes.ttl")

        assert response.status_code == 200
        assert "dcat:Dataset" in response.body


class TestErrorPages:
    """CKAN's error page, in the user's language, for missing and private datasets."""

    NOT_FOUND = {
        "": ("404 Fant ikke siden", "Datasettet finnes ikke, eller du har ikke tilgang til det"),
        "/en": ("404 Page not found", "Dataset not found or you have no permission to view it"),
    }

    @pytest.mark.parametrize("prefix", ["", "/en"])
    def test_missing_dataset_gives_the_404_page(self, app, prefix):
        page = soup(app.get(f"{prefix}/dataset/does-not-exist"), status=404)

        heading, message = self.NOT_FOUND[prefix]
        assert squash(page.select_one("article.module h1").text) == heading
        assert squash(page.select_one(".scn-error-message").text) == message
        assert "Traceback" not in page.text

    @pytest.mark.parametrize("prefix", ["", "/en"])
    def test_private_dataset_gives_anonymous_users_the_404_page(self, app, create, prefix):
        # CKAN does not reveal that a private dataset exists: the same page as a missing one.
        create(name="hemmelig", private=True)

        page = soup(app.get(f"{prefix}/dataset/hemmelig"), status=404)

        heading, message = self.NOT_FOUND[prefix]
        assert squash(page.select_one("article.module h1").text) == heading
        assert squash(page.select_one(".scn-error-message").text) == message
        assert "Bysykkelstasjoner" not in page.text and "City bike" not in page.text

    @pytest.mark.parametrize("prefix, heading, message, login", [
        ("", "403 Ingen tilgang", "har ikke tillatelse til å redigere hemmelig",
         "Du må kanskje logge inn for å se denne siden."),
        ("/en", "403 Access denied", "not authorized to edit hemmelig", "You might need to login to access this page."),
    ])
    def test_editing_a_dataset_as_anonymous_gives_the_403_page(self, app, create, prefix, heading, message,
                                                               login):
        create(name="hemmelig")

        page = soup(app.get(f"{prefix}/dataset/edit/hemmelig"), status=403)

        assert squash(page.select_one("article.module h1").text) == heading
        assert message in squash(page.select_one(".scn-error-message").text)
        assert login in squash(page.select_one("article.module").text)
        assert "Bysykkelstasjoner" not in page.text
