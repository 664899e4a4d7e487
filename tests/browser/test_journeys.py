"""The portal's main journeys in a real browser (Debian's Chromium via Playwright).

An editor of Oslo kommune logs in and publishes a paid dataset through the form: the server
rejects a subscription offer without an amount, the error shows next to the amount and nothing
typed is lost; once fixed, the dataset page shows the paid badge. An anonymous visitor then
switches to English and finds the dataset with the price facet and with the map filter.
Screenshots of each step are kept under var/browser/.
"""
from __future__ import annotations

import json
import re

from ckan.tests.helpers import call_action

from tests.browser.conftest import ARTIFACTS, login, screenshot

STAVANGER_SENTRUM = {"type": "Polygon", "coordinates": [[[5.70, 58.95], [5.76, 58.95], [5.76, 58.99],
                                                          [5.70, 58.99], [5.70, 58.95]]]}


def find_with_map_filter(page, south_west: tuple[float, float], north_east: tuple[float, float]) -> None:
    """Draw a box with ckanext-spatial's search widget and apply it, as a user does with the mouse."""
    page.locator("#dataset-map .leaflet-container").wait_for()
    page.locator("#dataset-map .leaflet-control-custom-button").first.click()
    modal_map = page.locator(".modal.show #draw-map-container.leaflet-container")
    modal_map.wait_for()
    page.wait_for_timeout(500)  # the modal's fade-in and the map's fitBounds
    corners = page.evaluate(
        """([sw, ne]) => {
            const box = map.getContainer().getBoundingClientRect();
            const a = map.latLngToContainerPoint(sw), b = map.latLngToContainerPoint(ne);
            return [[box.left + a.x, box.top + a.y], [box.left + b.x, box.top + b.y]];
        }""", [list(south_west), list(north_east)])
    (x0, y0), (x1, y1) = corners
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move((x0 + x1) / 2, (y0 + y1) / 2, steps=5)
    page.mouse.move(x1, y1, steps=5)
    page.mouse.up()
    with page.expect_navigation():
        page.locator(".modal.show button.apply").click()


def result_names(page) -> set[str]:
    hrefs = page.locator(".dataset-list .dataset-heading a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    return {href.rstrip("/").split("/")[-1] for href in hrefs}


def anonymous_finds_paid_dataset_in_english(page, base_url: str, name: str) -> None:
    page.goto(f"{base_url}/")
    page.get_by_role("link", name="English").first.click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    page.goto(f"{base_url}/en/dataset/")
    facet = page.locator("section", has=page.get_by_role("heading", name="Free or paid"))
    with page.expect_navigation():
        facet.get_by_role("link", name=re.compile(r"^Paid")).click()
    assert "is_free" in page.url
    screenshot(page, "journey-4-search-paid-en")
    paid = result_names(page)
    assert name in paid
    assert "oslo-bysykkel-stasjoner" not in paid  # free
    assert "trondheim-avfallsbeholdere-fyllingsgrad" in paid  # paid, in Trondheim

    find_with_map_filter(page, south_west=(58.85, 5.55), north_east=(59.05, 5.90))
    assert "ext_bbox=" in page.url and "is_free" in page.url
    screenshot(page, "journey-5-search-paid-map-en")
    near_stavanger = result_names(page)
    assert name in near_stavanger
    assert "trondheim-avfallsbeholdere-fyllingsgrad" not in near_stavanger
    with page.expect_navigation():
        page.locator(f".dataset-list .dataset-heading a[href$='/dataset/{name}']").click()
    assert page.locator("h1").first.inner_text().startswith("Parking sensors in Stavanger city centre")
    price_box = page.locator(".scn-price-box").inner_text()
    assert "Subscription" in price_box and "Public" in price_box
    screenshot(page, "journey-6-dataset-page-en")


def editor_publishes_paid_dataset(page, base_url: str) -> str:
    login(page, base_url, "redaktor")
    page.goto(f"{base_url}/dataset/new")
    choose_in_picker(page, "#field-organizations", "Stavanger kommune")
    page.select_option("#field-private", value="False")  # CKAN starts new datasets as private
    page.fill("#field-title_translated-nb", "Parkeringssensorer i Stavanger sentrum")
    page.fill("#field-title_translated-en", "Parking sensors in Stavanger city centre")
    page.fill("#field-notes_translated-nb", "Belegg per parkeringsplass fra sensorer i gatene, hvert minutt.")
    choose_in_picker(page, "#field-theme", "Transport")
    page.locator(".form-group:has(> label[for=field-spatial_coverage]) a[name=repeating-add]").click()
    choose_in_picker(page, "#field-spatial_coverage-0-uri", "Stavanger")
    page.fill("#field-spatial", json.dumps(STAVANGER_SENTRUM))
    choose(page, "#field-access_rights", "Offentlig")
    choose(page, "#field-license_id", "Norsk lisens for offentlige data (NLOD) 2.0")
    page.fill("#field-contact-0-name", "Mobilitetsseksjonen")
    page.fill("#field-contact-0-email", "mobilitet@stavanger.kommune.no")
    page.click("#field-pricing-add")
    choose(page, "#field-pricing-0-price_model", "Abonnement")
    choose(page, "#field-pricing-0-billing_period", "Måned")
    screenshot(page, "journey-1-form-filled")
    with page.expect_navigation():
        page.click("#scn-dataset-save")

    # Rejected: the error stands next to the amount, and nothing typed is lost.
    amount = page.locator("#field-pricing-0-amount")
    error = page.locator("[id='field-pricing-0-amount'] ~ .error-block, #field-pricing-0-amount-error")
    assert error.first.is_visible()
    assert page.locator("#field-title_translated-en").input_value() == "Parking sensors in Stavanger city centre"
    assert page.locator("#field-contact-0-email").input_value() == "mobilitet@stavanger.kommune.no"
    assert page.locator("#field-pricing-0-price_model").input_value() == "subscription"
    assert json.loads(page.locator("#field-spatial").input_value()) == STAVANGER_SENTRUM
    screenshot(page, "journey-2-form-error")
    page.locator("#field-pricing").screenshot(path=str(ARTIFACTS / "journey-2-offer-error.png"))

    amount.fill("1500")
    with page.expect_navigation():
        page.click("#scn-dataset-save")
    if "/resource/new" in page.url:  # CKAN's second stage: add the data itself
        page.click("#resource-link-button")
        page.fill("#field-resource-url", "https://data.stavanger.kommune.no/parkering/sensorer.json")
        page.fill("#field-name", "Sensorer (JSON)")
        with page.expect_navigation():
            page.locator("button[name=save][value=go-metadata]").click()
    assert re.search(r"/dataset/[a-z0-9-]+$", page.url), page.locator(".error-explanation, .alert").all_inner_texts()
    name = page.url.rstrip("/").split("/")[-1]
    dataset = call_action("package_show", id=name)
    assert dataset["pricing"][0]["amount"] == 1500
    badge = page.locator(".scn-price-badge").first
    assert "scn-price-paid" in badge.get_attribute("class")
    assert "1 500" in badge.inner_text().replace("\xa0", " ")
    screenshot(page, "journey-3-dataset-page")
    page.context.clear_cookies()
    return name


def choose(page, select: str, label: str) -> None:
    """Choose an option by its label, in a plain <select> or a searchable picker."""
    if page.locator(select).get_attribute("data-module") == "autocomplete":
        choose_in_picker(page, select, label)
    else:
        page.select_option(select, label=label)


def choose_in_picker(page, select: str, text: str) -> None:
    """Pick a value in a searchable picker (select2 over a <select>) by typing, as a user does."""
    container = page.locator(f"{select} + .select2-container, #s2id_{select.lstrip('#')}").first
    container.click()
    page.keyboard.type(text)
    page.locator(".select2-results .select2-result-selectable, .select2-results__option").filter(
        has_text=re.compile(rf"^\s*{re.escape(text)}\s*$")).first.click()


def test_editor_publishes_a_paid_dataset_and_a_visitor_finds_it(page, demo_portal):
    call_action("organization_member_create", id="stavanger-kommune", username="redaktor", role="editor")
    name = editor_publishes_paid_dataset(page, demo_portal)
    anonymous_finds_paid_dataset_in_english(page, demo_portal, name)
