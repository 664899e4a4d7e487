"""The dataset search page: ckanext-spatial's map filter, sorting, price badges, the header's
language switcher and facet headings in nb, nn and en."""
from __future__ import annotations

import json

import pytest

from tests.conftest import bbox_polygon
from tests.schema.factories import subscription
from tests.pages import soup, squash

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

NORWAY = [[57.9, 4.5], [71.2, 31.2]]


class TestMapFilter:
    def test_spatial_widget_is_in_the_sidebar_with_a_norway_extent(self, app):
        page = soup(app.get("/dataset/"))

        widget = page.select_one(".secondary #dataset-map.scn-spatial-filter")
        assert widget["data-module"] == "scn-spatial-filter"
        assert widget.select_one("h2").get_text(strip=True) == "Avgrens med område i kartet"
        assert widget.select_one("i.fa-globe")["aria-hidden"] == "true"
        map_module = widget.select_one("[data-module=spatial-query]")
        assert json.loads(map_module["data-default_extent"]) == NORWAY
        assert widget.select_one("#dataset-map-container")["aria-label"] == "Kart for å tegne et søkeområde"
        # The widget comes before the facets.
        assert page.select_one(".secondary").find(["section", "div"], class_=["scn-spatial-filter", "filters"]) is widget

    def test_leaflet_and_the_widget_scripts_are_loaded(self, app):
        body = app.get("/dataset/").body
        assert "spatial_query.js" in body  # Leaflet, leaflet.draw and the module (one bundle)
        assert "spatial_query.css" in body
        assert "scn-spatial.js" in body

    def test_bbox_search_filters_and_offers_to_clear(self, app, create):
        create(name="oslo-bikes", spatial=bbox_polygon(10.7, 59.9, 10.8, 59.95))
        create(name="tromso-snow", spatial=bbox_polygon(18.9, 69.6, 19.0, 69.7))

        page = soup(app.get("/dataset/", query_string={"ext_bbox": "10.5,59.8,11.0,60.1"}))

        names = [a["href"].rsplit("/", 1)[-1] for a in page.select(".dataset-list .dataset-heading a")]
        assert names == ["oslo-bikes"]
        clear = page.select_one("#dataset-map .action")
        assert clear.text == "Fjern kartavgrensning" and "ext_bbox" not in clear["href"]

    def test_without_a_bbox_there_is_nothing_to_clear(self, app):
        assert soup(app.get("/dataset/")).select_one("#dataset-map .action") is None


class TestSorting:
    def test_sort_offers_relevance_newest_modified_and_name(self, app):
        options = soup(app.get("/dataset/")).select("#field-order-by option")
        assert [o["value"] for o in options] == [
            "score desc, metadata_modified desc", "metadata_created desc", "metadata_modified desc",
            "title_string asc", "title_string desc",
        ]
        assert [o.text for o in options] == ["Relevans", "Nyeste først", "Sist endret", "Navn (A–Å)", "Navn (Å–A)"]

    def test_newest_first_sorts_by_creation(self, app, create):
        for name in ("first", "second", "third"):
            create(name=name)

        page = soup(app.get("/dataset/", query_string={"sort": "metadata_created desc"}))

        names = [a["href"].rsplit("/", 1)[-1] for a in page.select(".dataset-list .dataset-heading a")]
        assert names == ["third", "second", "first"]
        assert page.select_one("#field-order-by option[selected]")["value"] == "metadata_created desc"

    def test_nynorsk_sort_labels(self, app):
        options = soup(app.get("/nn/dataset/")).select("#field-order-by option")
        assert [o.text for o in options][1:4] == ["Nyaste først", "Sist endra", "Namn (A–Å)"]


class TestResults:
    def test_results_show_free_and_paid_badges(self, app, create):
        create(name="free")
        create(name="paid", pricing=[subscription()])

        items = soup(app.get("/dataset/")).select(".dataset-list .dataset-item")

        badges = {i.select_one(".dataset-heading a")["href"].rsplit("/", 1)[-1]: i.select_one(".scn-price-badge") for i in items}
        assert badges["free"].text == "Gratis" and "scn-price-free" in badges["free"]["class"]
        assert badges["paid"].text.startswith("Abonnement") and "scn-price-paid" in badges["paid"]["class"]

    def test_facet_headings_in_each_language(self, app, create):
        create(name="bikes")
        expected = {
            "/dataset/": {"Kommune", "Område", "Gratis eller betalt", "Type utgiver"},
            "/nn/dataset/": {"Kommune", "Område", "Gratis eller betalt", "Type utgjevar"},
            "/en/dataset/": {"Municipality", "Domain", "Free or paid", "Publisher type"},
        }
        for url, headings in expected.items():
            shown = {squash(h.get_text(" ")) for h in soup(app.get(url)).select(".filters h2")}
            assert headings <= shown, (url, shown)


class TestLanguageSwitcher:
    def test_links_to_the_same_page_in_each_language(self, app):
        page = soup(app.get("/dataset/", query_string={"q": "sykkel"}))

        nav = page.select_one(".account-masthead nav.scn-lang-switcher")
        assert nav["aria-label"] == "Velg språk"
        links = {a["lang"]: a for a in nav.select("a")}
        assert {lang: a.text for lang, a in links.items()} == {"nb": "Bokmål", "nn": "Nynorsk", "en": "English"}
        assert links["nb"]["href"] == "/dataset/?q=sykkel"
        assert links["nn"]["href"] == "/nn/dataset/?q=sykkel"
        assert links["en"]["href"] == "/en/dataset/?q=sykkel"
        assert [lang for lang, a in links.items() if a.get("aria-current")] == ["nb"]

    def test_current_language_is_marked_on_english_pages(self, app):
        nav = soup(app.get("/en/dataset/")).select_one("nav.scn-lang-switcher")
        assert nav["aria-label"] == "Choose language"
        assert [a["lang"] for a in nav.select("a[aria-current=true]")] == ["en"]
        assert nav.select_one("a[lang=nb]")["href"] == "/dataset/"

    def test_switcher_is_on_every_page(self, app, org):
        for url in ("/", "/organization/oslo-kommune", "/nn/organization/about/oslo-kommune"):
            assert len(soup(app.get(url)).select(".account-masthead nav.scn-lang-switcher a[hreflang]")) == 3, url
