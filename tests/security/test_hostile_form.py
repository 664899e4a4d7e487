"""Hostile input through the dataset and organization forms, posted as a logged-in browser does
(session cookie and CSRF token, no API token): each message next to its field, the typed values
given back escaped, nothing stored or changed (tests/data/hostile/README.md)."""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from ckan.tests.helpers import call_action

from tests.schema import factories
from tests.security import hostile
from tests.security.test_settings import (  # noqa: F401 - browser, org and sysadmin are fixtures
    Browser, browser, dataset_form, form_data, org, sysadmin)

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")




@pytest.fixture
def seeded(org, sysadmin):
    """A stored dataset, and the checksum of everything stored."""
    call_action("package_create", context={"user": sysadmin["name"]},
                **factories.dataset(name="lagret", owner_org=org["id"], pricing=[factories.subscription()]))
    return hostile.stored_checksum()


def error_at(page: BeautifulSoup, name: str) -> str:
    """The error text shown in the form group of the input named NAME ('' if none)."""
    element = page.find(attrs={"name": name})
    assert element is not None, name
    group = element.find_parent(class_="form-group") or element.find_parent(class_="control-group")
    block = group.select_one(".error-block, .error-inline, .invalid-feedback") if group else None
    return " ".join(block.text.split()) if block else ""


def no_live_script(page: BeautifulSoup) -> None:
    assert not [s for s in page.find_all("script") if "alert(" in (s.string or "")]
    assert not [t for t in page.find_all(True) if any(a.startswith("on") and "alert" in str(v)
                                                      for a, v in t.attrs.items())]


HOSTILE_FIELDS = {
    # field name -> (posted value, part of the message expected next to it)
    "title_translated-nb": (f"Sykkel\x00data {hostile.SCRIPT}", "NUL"),
    "temporal_coverage-0-start": ("2024-02-30", "2024-02-30"),
    "spatial": ('{"type": "Point", "coordinates": [999, 59.9]}', "WGS 84"),
    "url": ("javascript:alert('xss')", "https://"),
    "pricing-0-amount": ("tusen", "1200"),
    "contact-0-email": ('"><script>alert(1)</script>', "@"),
}


def post_new(browser: Browser, org: dict, **changes: str):
    page = browser.get("/dataset/new")
    data = {**form_data(page, "form#dataset-edit"), **dataset_form(org), "pricing-0-price_model": "one_time",
            "pricing-0-currency": "NOK", **changes}
    return browser.post("/dataset/new", data)


def test_new_dataset_form_shows_each_error_next_to_its_field(browser, org, seeded):
    with hostile.bounded(20):
        response = post_new(browser, org, **{name: value for name, (value, _) in HOSTILE_FIELDS.items()})
    assert response.status_code == 200, response.status_code
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    for name, (_, expected) in HOSTILE_FIELDS.items():
        assert expected in error_at(page, name), (name, error_at(page, name))
    no_live_script(page)
    # The script typed into the title comes back as text in the input, not as markup.
    assert hostile.SCRIPT in page.find(attrs={"name": "title_translated-nb"})["value"]
    assert hostile.stored_checksum() == seeded


def edit_form_data(browser: Browser) -> dict:
    """What the edit form of the stored dataset posts unchanged (token included)."""
    page = browser.get("/dataset/edit/lagret")
    form = page.select_one("form#dataset-edit")
    data = {i["name"]: i.get("value", "") for i in form.select("input[name]") if i.get("type") not in ("checkbox",)}
    data.update({t["name"]: t.text for t in form.select("textarea[name]")})
    for select in form.select("select[name]"):
        chosen = [o["value"] for o in select.select("option[selected]")]
        if chosen:
            data[select["name"]] = chosen if select.has_attr("multiple") else chosen[0]
    data["save"] = ""
    return data


@pytest.mark.parametrize("name, value, expected", [
    # Over the description limit, under the size Werkzeug reads from a form (500 kB).
    ("notes_translated-nb", hostile.long_literal(1)[:150_000], "100000"),
    ("title_translated-nb", hostile.long_literal(1)[:5000], "500"),
    ("tags_translated-nb", ",".join(hostile.many_keywords(10_000)), "10000"),
])
def test_big_input_in_the_edit_form_is_refused_within_bounds(browser, seeded, name, value, expected):
    data = {**edit_form_data(browser), name: value}
    with hostile.bounded():
        response = browser.post("/dataset/edit/lagret", data)
    assert response.status_code == 200, response.status_code
    shown = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert expected in error_at(shown, name).replace("\xa0", "").replace(" ", ""), error_at(shown, name)
    assert hostile.stored_checksum() == seeded


def test_organization_form_refuses_an_invalid_orgnr_and_nul(browser, seeded):
    page = browser.get("/organization/new")
    data = {**form_data(page, "form#group-form, form.dataset-form, form[method=post]"),
            "name": "ny-org", "title": "Ny\x00 org", "orgnr": "958935421", "org_type": "company", "save": ""}
    response = browser.post("/organization/new", data)
    assert response.status_code == 200, response.status_code
    shown = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert "ni sifrene" in error_at(shown, "orgnr"), error_at(shown, "orgnr")
    assert "NUL" in error_at(shown, "title"), error_at(shown, "title")
    assert hostile.stored_checksum() == seeded


def test_a_form_post_of_several_megabytes_is_refused_before_it_is_read(browser, seeded):
    """Werkzeug refuses a form field over 500 kB with 413 before CKAN parses the form."""
    data = {**edit_form_data(browser), "notes_translated-nb": hostile.long_literal(5)}
    with hostile.bounded():
        response = browser.post("/dataset/edit/lagret", data)
    assert response.status_code == 413
    assert "Traceback" not in response.get_data(as_text=True)
    assert hostile.stored_checksum() == seeded
