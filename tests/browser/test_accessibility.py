"""WCAG 2.1 AA (which Norwegian public-sector websites must meet): axe-core finds no serious or
critical violation on the portal's main pages, in Bokmål and English. Screenshots of each page
go to var/browser/ (README's tour uses them)."""
from __future__ import annotations

import pytest

from ckan.tests.helpers import call_action

from tests.browser.conftest import PASSWORD, login, screenshot, serious_accessibility_violations


PAGES = {
    "home": "/",
    "search": "/dataset/",
    "dataset": "/dataset/{dataset}",
    "organization": "/organization/oslo-kommune",
}


@pytest.mark.parametrize("lang", ["", "/en"])
def test_main_pages_have_no_serious_accessibility_violations(page, demo_portal, lang):
    dataset = call_action("package_search", q="organization:oslo-kommune", rows=1)["results"][0]["name"]
    problems = {}
    for name, path in PAGES.items():
        page.goto(demo_portal + lang + path.format(dataset=dataset))
        page.wait_for_load_state("load")
        shot = f"{name}{lang.replace('/', '-')}"
        screenshot(page, shot)
        problems[name] = serious_accessibility_violations(page, shot)
    assert problems == {name: [] for name in PAGES}


def test_dataset_form_has_no_serious_accessibility_violations(page, demo_portal):
    login(page, demo_portal, "redaktor")
    page.goto(f"{demo_portal}/dataset/new")
    page.wait_for_load_state("load")
    screenshot(page, "dataset-form")
    assert serious_accessibility_violations(page, "dataset-form") == []


def test_curation_queue_has_no_serious_accessibility_violations(page, demo_portal):
    """The sysadmin's curation queue, with a demo dataset stripped of its keywords and time period."""
    from ckan.tests import factories

    factories.Sysadmin(name="kurator", password=PASSWORD)
    call_action("package_patch", id="tromso-broytestatus", tags_translated={}, temporal_coverage=[],
                context={"user": "kurator", "ignore_auth": True})
    login(page, demo_portal, "kurator")
    page.goto(f"{demo_portal}/curation")
    assert page.locator("tr.scn-curation-item[data-dataset=tromso-broytestatus]").count() == 1
    screenshot(page, "curation")
    assert serious_accessibility_violations(page, "curation") == []
