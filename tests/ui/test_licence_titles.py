"""Licence names in the user's language: the register (config/licenses.json) gives each licence
a title per language; pages, facets and the form show it, the API keeps CKAN's license_title."""
from __future__ import annotations

import pytest

from tests.pages import soup, squash

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

NLOD = {"nb": "Norsk lisens for offentlige data (NLOD) 2.0", "nn": "Norsk lisens for offentlege data (NLOD) 2.0",
        "en": "Norwegian Licence for Open Government Data (NLOD) 2.0"}


@pytest.mark.parametrize("prefix, lang", [("", "nb"), ("/nn", "nn"), ("/en", "en")])
def test_dataset_page_and_search_facet_name_the_licence_in_the_users_language(app, create, prefix, lang):
    dataset = create(license_id="NLOD-2.0")

    page = soup(app.get(f"{prefix}/dataset/{dataset['name']}"))
    assert NLOD[lang] in squash(page.select_one(".scn-price-box").text)
    assert NLOD[lang] in squash(page.select_one("section.license").text)

    facet = soup(app.get(f"{prefix}/dataset/")).select_one("a[href*='scn_license=NLOD-2.0']")
    assert NLOD[lang] in facet.get("title", "") + squash(facet.text)


def test_form_offers_licences_in_the_users_language(app, org, as_sysadmin):
    from ckan.tests import factories

    user = factories.SysadminWithToken()
    form = soup(app.get("/en/dataset/new", headers={"Authorization": user["token"]}))
    option = form.select_one("#field-license_id option[value='NLOD-2.0']")
    assert squash(option.text) == NLOD["en"]


def test_the_api_keeps_ckans_licence_title(app, create):
    dataset = create(license_id="NLOD-2.0")

    shown = app.get(f"/en/api/3/action/package_show?id={dataset['name']}").json["result"]
    assert shown["license_title"] == NLOD["nb"]
