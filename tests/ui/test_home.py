"""The home page: site identity, search box, domains to browse, the catalogue in numbers,
featured datasets (a runtime config option) and the newest datasets, in nb, nn and en."""
from __future__ import annotations

from typing import Any, Iterator

import pytest

from ckan.tests import factories as ckan_factories
from ckan.tests.helpers import call_action

from tests.schema.factories import subscription
from tests.pages import soup, squash

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

FEATURED = "ckanext.scn.featured_datasets"
BERGEN = "4601"


@pytest.fixture
def catalogue(create) -> list[dict[str, Any]]:
    """Two mobility datasets (one paid), one energy dataset in Bergen, one private dataset."""
    return [
        create(name="bikes", domain=["mobility"]),
        create(name="parking", domain=["mobility"], pricing=[subscription()]),
        create(name="energy", domain=["energy"], spatial_coverage=[{"uri": BERGEN}]),
        create(name="secret", domain=["energy"], private=True),
    ]


@pytest.fixture
def featured(as_sysadmin) -> Iterator[Any]:
    """Set the featured datasets as a sysadmin does on /ckan-admin/config; cleared afterwards so
    the process's config does not leak into other tests."""
    def _feature(value: str) -> dict[str, Any]:
        return call_action("config_option_update", context=dict(as_sysadmin), **{FEATURED: value})
    yield _feature
    _feature("")


def chart_rows(page, chart_id: str) -> dict[str, int]:
    return {row["data-value"]: int(row.select_one(".scn-chart-count").text)
            for row in page.select(f"#{chart_id} tbody tr")}


class TestIdentity:
    def test_header_has_the_scn_wordmark_not_ckan(self, app):
        page = soup(app.get("/"))

        brand = page.select_one("header .scn-brand")
        assert squash(brand.get_text(" ")) == "Smart Cities Norway dataportal"
        assert brand.select_one("img.scn-brand-mark")["src"].endswith("/scn/logo.svg")
        assert brand.select_one("img.scn-brand-mark")["alt"] == ""  # the text names the link
        assert "Welcome to CKAN" not in page.text
        assert page.title.text.strip().endswith("Smart Cities Norway – dataportal")

    def test_logo_file_is_served(self, app):
        response = app.get("/scn/logo.svg")
        assert response.status_code == 200
        assert "<svg" in response.body

    def test_footer_links_to_api_docs_and_the_dcat_catalog(self, app):
        footer = soup(app.get("/")).select_one("footer.site-footer")

        hrefs = [a["href"] for a in footer.select("a")]
        assert "/catalog.ttl" in hrefs
        assert any(h.startswith("https://docs.ckan.org/en/") and h.endswith("/api/") for h in hrefs)
        assert "Smart Cities Norway samler" in footer.text
        assert footer.select_one("form.lang-select") is not None  # CKAN's selector stays

    def test_footer_in_nynorsk(self, app):
        footer = soup(app.get("/nn/")).select_one("footer.site-footer")
        assert "Smart Cities Norway samlar opne" in footer.text
        assert "For utviklarar" == footer.select_one("nav")["aria-label"]


class TestSearchAndDomains:
    def test_search_box_is_labelled_and_goes_to_the_search_page(self, app):
        form = soup(app.get("/")).select_one("form.scn-home-search")

        field = form.select_one("input[name=q]")
        assert form.select_one(f"label[for={field['id']}]").text.strip() == "Søk i katalogen"
        assert form["action"] == "/dataset/"

    def test_domains_link_to_the_filtered_search_with_counts(self, app, catalogue):
        page = soup(app.get("/"))

        links = {a["data-domain"]: a for a in page.select(".scn-home-domains a.scn-domain-link")}
        assert set(links) == {"mobility", "energy"}  # only domains that have public datasets
        assert squash(links["mobility"].get_text(" ")) == "Mobilitet og transport 2 datasett"
        assert squash(links["energy"].get_text(" ")) == "Energi 1 datasett"

        results = soup(app.get(links["mobility"]["href"]))
        names = {a["href"].rsplit("/", 1)[-1] for a in results.select(".dataset-list .dataset-heading a")}
        assert names == {"bikes", "parking"}

    def test_english_domain_labels(self, app, catalogue):
        page = soup(app.get("/en/"))
        labels = [a.select_one(".scn-domain-name").text for a in page.select(".scn-domain-link")]
        assert labels == ["Energy", "Mobility and transport"]
        assert "2 datasets" in page.select_one("[data-domain=mobility]").text


class TestCharts:
    def test_counts_match_the_public_datasets(self, app, catalogue):
        page = soup(app.get("/"))

        assert chart_rows(page, "scn-chart-domain") == {"mobility": 2, "energy": 1}
        municipalities = chart_rows(page, "scn-chart-municipality")
        assert sorted(municipalities.values()) == [1, 2]  # Oslo 2, Bergen 1; the private one left out
        assert chart_rows(page, "scn-chart-price") == {"true": 2, "false": 1}
        assert "3 datasett totalt" in page.select_one(".scn-stats-total").text

    def test_charts_are_tables_with_visible_numbers_and_decorative_bars(self, app, catalogue):
        page = soup(app.get("/"))

        chart = page.select_one("#scn-chart-price")
        table = chart.select_one("table.scn-chart-table")
        assert table["aria-labelledby"] == chart.select_one("h3")["id"]
        rows = [squash(r.get_text(" ")) for r in table.select("tbody tr")]
        assert rows == ["Gratis 2", "Betalt 1"]
        for cell in table.select(".scn-chart-bar-cell"):
            if cell.name == "td":
                assert cell["aria-hidden"] == "true"
        widths = [bar["style"] for bar in table.select(".scn-chart-bar")]
        assert widths == ["width: 100%", "width: 50%"]

    def test_municipality_rows_are_named_and_link_to_the_search(self, app, catalogue):
        page = soup(app.get("/en/"))

        rows = page.select("#scn-chart-municipality tbody tr")
        names = [squash(r.select_one("th").text) for r in rows]
        assert names[0].startswith("Oslo") and names[1].startswith("Bergen")
        assert "scn_municipality=" in rows[0].select_one("a")["href"]

    def test_nynorsk_chart_headings(self, app, catalogue):
        page = soup(app.get("/nn/"))
        titles = [h.text for h in page.select(".scn-chart-title")]
        assert titles == ["Datasett etter smartbyområde", "Datasett etter kommune (topp 10)", "Gratis og betalte datasett"]
        assert page.select_one("#scn-home-stats-title").text == "Katalogen i tal"


class TestFeatured:
    def test_block_is_hidden_while_nothing_is_featured(self, app, catalogue):
        assert soup(app.get("/")).select_one(".scn-home-featured") is None

    def test_featured_datasets_appear_in_order_without_private_or_missing_ones(self, app, catalogue, featured):
        featured("energy secret bikes")

        page = soup(app.get("/"))

        block = page.select_one(".scn-home-featured")
        assert block.select_one("h2").text == "Utvalgte datasett"
        names = [a["href"].rsplit("/", 1)[-1] for a in block.select(".dataset-heading a")]
        assert names == ["energy", "bikes"]  # "secret" is private to anonymous visitors
        assert len(block.select(".scn-price-badge")) == 2

    def test_deleted_datasets_drop_out(self, app, catalogue, featured, as_sysadmin):
        featured("energy bikes")
        call_action("package_delete", context=dict(as_sysadmin), id="energy")

        names = [a["href"].rsplit("/", 1)[-1] for a in soup(app.get("/")).select(".scn-home-featured .dataset-heading a")]
        assert names == ["bikes"]

    def test_unknown_names_are_refused_and_the_value_is_normalised(self, catalogue, featured):
        from ckan.plugins.toolkit import ValidationError, config

        with pytest.raises(ValidationError) as error:
            featured("bikes no-such-dataset")
        assert "no-such-dataset" in str(error.value.error_dict[FEATURED])

        featured(" parking,  bikes ")
        assert config[FEATURED] == "parking bikes"

    def test_sysadmin_edits_it_on_the_config_page(self, app, catalogue):
        sysadmin = ckan_factories.SysadminWithToken()
        headers = {"Authorization": sysadmin["token"]}

        form = soup(app.get("/ckan-admin/config", headers=headers)).select_one("#admin-config-form")
        field = form.select_one("input[name='ckanext.scn.featured_datasets']")
        assert form.select_one(f"label[for={field['id']}]").text.strip() == "Utvalgte datasett"
        assert field["aria-describedby"] == "field-scn-featured-datasets-help"

        data = {"ckan.site_title": "Smart Cities Norway – dataportal", FEATURED: "parking", "save": ""}
        response = app.post("/ckan-admin/config", data=data, headers=headers, follow_redirects=False)
        assert response.status_code == 302
        try:
            names = [a["href"].rsplit("/", 1)[-1] for a in soup(app.get("/")).select(".scn-home-featured .dataset-heading a")]
            assert names == ["parking"]
        finally:
            call_action("config_option_update", context={"user": sysadmin["name"]}, **{FEATURED: ""})


class TestNewest:
    def test_five_newest_first_with_price_badges(self, app, create):
        for n in range(6):
            create(name=f"set-{n}", pricing=[subscription()] if n == 5 else [])

        block = soup(app.get("/")).select_one(".scn-home-newest")

        names = [a["href"].rsplit("/", 1)[-1] for a in block.select(".dataset-heading a")]
        assert names == ["set-5", "set-4", "set-3", "set-2", "set-1"]
        badges = [b.text for b in block.select(".scn-price-badge")]
        assert len(badges) == 5 and badges[0].startswith("Abonnement") and badges[1] == "Gratis"
        more = block.select_one("a[href*='sort=metadata_created']")
        assert more is not None

    def test_english_headings(self, app, create):
        create(name="bikes")
        page = soup(app.get("/en/"))
        assert page.select_one("#scn-home-newest-title").text == "Newest datasets"
        assert page.select_one("#scn-home-title").text == "Data for smart cities in Norway"
        assert page.select_one(".scn-home-newest .dataset-heading a").text.strip() == "City bike stations in Oslo"

    def test_empty_portal_says_so(self, app):
        page = soup(app.get("/nn/"))
        assert "Ingen datasett er publiserte enno." in page.select_one(".scn-home-newest").text


class TestDemoFeatured:
    def test_demo_load_features_its_datasets_unless_some_are_chosen(self, app, catalogue, featured):
        from ckan.plugins.toolkit import config
        from ckanext.scn import demo

        featured("")  # none chosen yet (an earlier test's choice may linger in the process's config)
        report = demo.load({"organizations": [], "datasets": [], "featured_datasets": ["parking", "bikes"]})
        assert report["featured_set"] == 1
        assert config[FEATURED] == "parking bikes"
        names = [a["href"].rsplit("/", 1)[-1] for a in soup(app.get("/")).select(".scn-home-featured .dataset-heading a")]
        assert names == ["parking", "bikes"]

        featured("energy")
        report = demo.load({"organizations": [], "datasets": [], "featured_datasets": ["parking"]})
        assert report["featured_set"] == 0
        assert config[FEATURED] == "energy"

    def test_the_demo_file_features_three_of_its_datasets(self):
        from ckanext.scn import demo

        data = demo.read()
        names = {d["name"] for d in data["datasets"] if not d.get("private")}
        assert len(data["featured_datasets"]) == 3 and set(data["featured_datasets"]) <= names
