"""The dataset form: sections, searchable pickers, the offers editor, help texts, and what a
rejected submit gives back (errors next to their fields, every typed value kept).
Pages are rendered and forms posted through the real app, database and Solr."""
from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup

from ckan.tests import factories as ckan_factories
from ckan.tests.helpers import call_action

from ckanext.scn import vocabularies
from ckanext.scn.logic import pricing
from ckanext.scn.schemas import __name__ as _schemas  # noqa: F401  (the package ships the YAML)
from tests.schema import factories
from tests.schema.factories import PUBLIC, TRAN
from tests.pages import soup, squash

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

OSLO_URI = vocabularies.get("municipality").by_code("0301").uri
SECTIONS = {
    "nb": ["Beskrivelse", "Tema og emneord", "Dekning i rom og tid", "Lisens og pris", "Kontakt", "Tekniske detaljer"],
    "en": ["Description", "Themes and keywords", "Coverage in space and time", "Licence and price", "Contact",
           "Technical details"],
}
SECTION_IDS = ["description", "themes", "coverage", "licence", "contact", "technical"]


@pytest.fixture
def sysadmin():
    user = ckan_factories.SysadminWithToken()
    return {"Authorization": user["token"]}


def new_form(app, sysadmin, prefix: str = "") -> BeautifulSoup:
    return soup(app.get(f"{prefix}/dataset/new", headers=sysadmin)).select_one("form#dataset-edit")


def section_of(element) -> str:
    return element.find_parent("fieldset", class_="scn-form-section")["id"].removeprefix("scn-form-section-")


# A new form has no blank area (an untouched empty group would be posted and rejected): the
# picker is in the template the "Add" button copies.
AREA_PICKER = "spatial_coverage-REPEATING-INDEX0-uri"

class TestSections:
    @pytest.mark.parametrize("prefix, lang", [("", "nb"), ("/en", "en")])
    def test_headings_in_order(self, app, org, sysadmin, prefix, lang):
        form = new_form(app, sysadmin, prefix)

        sections = form.select("fieldset.scn-form-section")
        assert [s["id"] for s in sections] == [f"scn-form-section-{i}" for i in SECTION_IDS]
        # Each section is a fieldset named by its legend, which holds the h2 heading.
        headings = [squash(s.select_one(":scope > legend > h2.scn-form-section-heading").text) for s in sections]
        assert headings == SECTIONS[lang]
        # No heading level is skipped inside the form: sections h2 (offers, when there are, h3).
        levels = {int(h.name[1]) for h in form.select("h1, h2, h3, h4, h5, h6")}
        assert levels <= {2, 3} and 2 in levels

    def test_fields_are_in_their_sections(self, app, org, sysadmin):
        form = new_form(app, sysadmin)

        where = {name: section_of(form.find(attrs={"name": name})) for name in (
            "title_translated-nb", "name", "notes_translated-en", "owner_org", "theme", "los_theme",
            "tags_translated-nb", AREA_PICKER, "spatial", "frequency", "access_rights", "license_id",
            "license_terms_url", "contact-0-email", "update_method", "version")}
        assert where == {
            "title_translated-nb": "description", "name": "description", "notes_translated-en": "description",
            "owner_org": "description", "theme": "themes", "los_theme": "themes", "tags_translated-nb": "themes",
            AREA_PICKER: "coverage", "spatial": "coverage", "frequency": "coverage",
            "access_rights": "licence", "license_id": "licence", "license_terms_url": "licence",
            "contact-0-email": "contact", "update_method": "technical", "version": "technical",
        }
        assert section_of(form.select_one("#field-pricing")) == "licence"

    def test_save_button(self, app, org, sysadmin):
        form = new_form(app, sysadmin)

        button = form.select_one("button#scn-dataset-save")
        assert button["type"] == "submit" and button["name"] == "save"


class TestPickers:
    def test_a_new_form_starts_without_a_blank_area_period_or_api(self, app, org, sysadmin):
        form = new_form(app, sysadmin)

        assert form.find(attrs={"name": "spatial_coverage-0-uri"}) is None
        assert form.find(attrs={"name": "temporal_coverage-0-start"}) is None
        assert form.find(attrs={"name": AREA_PICKER}) is not None

    @pytest.mark.parametrize("name", ["theme", "los_theme", AREA_PICKER])
    def test_long_vocabularies_are_searchable_selects_with_labels(self, app, org, sysadmin, name):
        form = new_form(app, sysadmin)

        select = form.find("select", attrs={"name": name})
        assert select["data-module"] == "autocomplete"
        label = form.find("label", attrs={"for": select["id"]})
        assert label is not None and squash(label.text)

    def test_the_area_picker_lists_municipalities_and_counties(self, app, org, sysadmin):
        select = new_form(app, sysadmin).find("select", attrs={"name": AREA_PICKER})

        assert [g["label"] for g in select.find_all("optgroup")] == ["Kommuner", "Fylker"]
        assert len(select.find_all("option")) > 350


class TestHelpTexts:
    @pytest.mark.parametrize("schema_file", ["dataset.yaml", "data-service.yaml"])
    def test_every_form_field_explains_itself_in_three_languages(self, schema_file):
        import importlib.resources

        import yaml

        from ckanext.scn import schemas

        root = importlib.resources.files(schemas)
        schema = yaml.safe_load((root / schema_file).read_text(encoding="utf-8"))
        presets = {p["preset_name"]: p["values"] for p in
                   yaml.safe_load((root / "presets.yaml").read_text(encoding="utf-8"))["presets"]}

        def resolved(field):
            return {**presets.get(field.get("preset"), {}), **field}

        missing = []
        for field in map(resolved, schema["dataset_fields"]):
            if field.get("form_snippet", "") is None:
                continue
            groups = [(field["field_name"], field)] + [
                (f"{field['field_name']}.{sub['field_name']}", resolved(sub))
                for sub in field.get("repeating_subfields", []) if sub.get("form_snippet", "") is not None]
            for name, f in groups:
                text = f.get("help_text")
                if not isinstance(text, dict) or not all(text.get(lang) for lang in ("en", "nb", "nn")):
                    missing.append(name)
                elif text["nb"] == text["nn"] and len(text["nb"]) > 40:
                    missing.append(f"{name} (Nynorsk copied from Bokmål)")
        assert missing == []

    def test_help_texts_are_shown_in_the_users_language(self, app, org, sysadmin):
        form = new_form(app, sysadmin, "/en")

        frequency = form.find("select", attrs={"name": "frequency"}).find_parent(class_="form-group")
        assert "How often the data is updated" in frequency.select_one(".info-block").text


class TestOffersEditor:
    def test_markup_of_the_editor(self, app, org, sysadmin):
        form = new_form(app, sysadmin)

        editor = form.select_one("fieldset#field-pricing")
        assert editor["data-module"] == "scn-offers"
        assert json.loads(editor["data-module-fields"]) == {
            model: list(fields) for model, fields in pricing.OFFER_FIELDS_BY_MODEL.items()}
        assert squash(editor.select_one(":scope > legend").text) == "Pristilbud"
        add = editor.select_one("button#field-pricing-add")
        assert add["type"] == "button" and squash(add.text) == "Legg til tilbud"
        assert editor.select_one(".scn-offers-status")["aria-live"] == "polite"
        # No offer to start with (= free); new panels come from an inert <template>.
        assert editor.select(".scn-offers-list > [data-scn-offer]") == []
        panel = editor.select_one("template.scn-offer-template").find(attrs={"data-scn-offer": True})
        assert [w["data-scn-offer-field"] for w in panel.find_all(attrs={"data-scn-offer-field": True})] == [
            "price_model", "amount", "currency", "vat_included", "billing_period", "unit", "free_quota",
            "description", "terms_url"]
        remove = panel.find("button", class_="scn-offer-remove")
        assert remove["type"] == "button"
        assert remove["aria-labelledby"] == (
            "field-pricing-REPEATING-INDEX0-remove field-pricing-REPEATING-INDEX0-heading")

    def test_each_model_uses_the_fields_its_validators_need(self):
        fields = pricing.OFFER_FIELDS_BY_MODEL
        assert set(fields) == set(pricing.PRICE_MODELS)
        assert "amount" not in fields["free"]
        for model in pricing.PAID_MODELS_NEEDING_AMOUNT:
            assert "amount" in fields[model]
        assert [m for m in fields if "billing_period" in fields[m]] == ["subscription"]
        assert [m for m in fields if "unit" in fields[m]] == ["pay_per_use"]
        assert [m for m in fields if "free_quota" in fields[m]] == ["freemium"]

    def test_edit_form_has_a_panel_per_offer_with_the_stored_values(self, app, org, sysadmin, as_sysadmin):
        call_action("package_create", context=dict(as_sysadmin), **factories.dataset(
            owner_org=org["id"], name="bikes", pricing=[
                factories.subscription(),
                {"price_model": "pay_per_use", "amount": "0,50", "unit": "call", "vat_included": True},
            ]))

        page = soup(app.get("/dataset/edit/bikes", headers=sysadmin))

        panels = page.select("#field-pricing .scn-offers-list > [data-scn-offer]")
        assert [p["data-group-index"] for p in panels] == ["0", "1"]
        assert [squash(p.select_one("h3").text) for p in panels] == ["Tilbud 1", "Tilbud 2"]
        assert page.find("input", attrs={"name": "pricing-1-amount"})["value"] == "0.5"
        unit = page.find("select", attrs={"name": "pricing-1-unit"})
        assert unit.find("option", selected=True)["value"] == "call"
        # A stored boolean selects its option, so saving unchanged keeps it.
        vat = page.find("select", attrs={"name": "pricing-1-vat_included"})
        assert vat.find("option", selected=True)["value"] == "true"
        vat0 = page.find("select", attrs={"name": "pricing-0-vat_included"})
        assert vat0.find("option", selected=True)["value"] == "false"


def rejected_form(org) -> dict[str, object]:
    """A new dataset with everything right except a subscription offer without amount."""
    return factories.dataset_form(org["id"], **{
        "name": "sykkeldata",
        "title_translated-nb": "Sykkeldata",
        "title_translated-nn": "Sykkeldata på nynorsk",
        "title_translated-en": "Bike data",
        "notes_translated-nb": "Tellinger fra sykkelpunkter.",
        "notes_translated-en": "Counts from bike counters.",
        "tags_translated-nb": "sykkel, telling",
        "tags_translated-en": "bikes",
        "pricing-0-price_model": "one_time",
        "pricing-0-amount": "5000",
        "pricing-0-currency": "NOK",
        "pricing-1-price_model": "subscription",
        "pricing-1-amount": "",
        "pricing-1-currency": "EUR",
        "pricing-1-vat_included": "true",
        "pricing-1-billing_period": "year",
        "pricing-1-description": "Full tilgang",
        "pricing-1-terms_url": "https://example.no/vilkar",
    })


class TestRejectedSubmit:
    @pytest.fixture
    def page(self, app, org, sysadmin):
        return soup(app.post("/dataset/new", headers=sysadmin, data=rejected_form(org)))

    def test_the_missing_amount_is_reported_at_the_amount_input(self, page):
        amount = page.select_one("input#field-pricing-1-amount")
        group = amount.find_parent(class_="form-group")
        assert "error" in group["class"]
        assert "Mangler beløp" in group.select_one(".error-block").text
        # Only that field: the other offer and the other fields of this one have no error.
        assert "error" not in page.select_one("#field-pricing-0-amount").find_parent(class_="form-group")["class"]
        assert "error" not in page.select_one("#field-pricing-1-currency").find_parent(class_="form-group")["class"]

    def test_the_summary_lists_the_offer_error(self, page):
        summary = page.select_one(".error-explanation")
        item = summary.select_one('[data-field-label="pricing-2-amount"]')
        assert item is not None and "Beløp" in item.text and "Mangler beløp" in item.text
        assert "Tilbud 2" in squash(summary.text)

    def test_every_typed_value_is_kept(self, page):
        def value(name):
            return page.find("input", attrs={"name": name})["value"]

        def selected(name):
            return [o["value"] for o in page.find("select", attrs={"name": name}).find_all("option", selected=True)]

        assert value("name") == "sykkeldata"
        assert value("title_translated-nb") == "Sykkeldata"
        assert value("title_translated-nn") == "Sykkeldata på nynorsk"
        assert value("title_translated-en") == "Bike data"
        assert page.find("textarea", attrs={"name": "notes_translated-nb"}).text.strip() == "Tellinger fra sykkelpunkter."
        assert page.find("textarea", attrs={"name": "notes_translated-en"}).text.strip() == "Counts from bike counters."
        assert value("tags_translated-nb") == "sykkel, telling"
        assert value("tags_translated-en") == "bikes"
        assert sorted(selected("theme")) == sorted([TRAN, factories.ENVI])
        assert selected("access_rights") == [PUBLIC]
        assert selected("spatial_coverage-0-uri") == [OSLO_URI]
        assert value("contact-0-name") == "Datateamet"
        assert value("contact-0-email") == "data@example.no"
        # Both offers, with everything typed in them.
        panels = page.select("#field-pricing .scn-offers-list > [data-scn-offer]")
        assert len(panels) == 2
        assert selected("pricing-0-price_model") == ["one_time"]
        assert value("pricing-0-amount") == "5000"
        assert selected("pricing-1-price_model") == ["subscription"]
        assert value("pricing-1-amount") == ""
        assert value("pricing-1-currency") == "EUR"
        assert selected("pricing-1-vat_included") == ["true"]
        assert selected("pricing-1-billing_period") == ["year"]
        assert value("pricing-1-description") == "Full tilgang"
        assert value("pricing-1-terms_url") == "https://example.no/vilkar"

    def test_nothing_is_created(self, page):
        import ckan.model as model

        assert model.Package.by_name("sykkeldata") is None

    def test_fixed_form_is_saved(self, app, org, sysadmin):
        data = rejected_form(org)
        data["pricing-1-amount"] = "1 000"

        response = app.post("/dataset/new", headers=sysadmin, data=data, follow_redirects=False)

        assert response.status_code == 302, response.body[:2000]
        offers = call_action("package_show", id="sykkeldata")["pricing"]
        assert [(o["price_model"], o["amount"], o["currency"]) for o in offers] == [
            ("one_time", 5000, "NOK"), ("subscription", 1000, "EUR")]
        assert offers[1]["billing_period"] == "year" and offers[1]["vat_included"] is True
