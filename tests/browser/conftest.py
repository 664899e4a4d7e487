"""Browser tests: Debian's Chromium driven by Playwright against the portal served from the test
process (the test configuration: database ckan_test, Solr core ckan_test, all real).

The portal runs in a thread of the test process (werkzeug's threaded server on a free port), so
factories and actions of a test and the pages the browser loads share the same database and
Solr core. Screenshots and axe reports are kept under var/browser/ as test artifacts.
"""
from __future__ import annotations

import json
import socket
import threading
from pathlib import Path
from typing import Any, Iterator

import pytest
from werkzeug.serving import make_server

ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "browser"
CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium keeps calling Google's hosts, which this
# machine's closed network refuses.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


PORT = _free_port()
BASE_URL = f"http://127.0.0.1:{PORT}"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Links the portal writes with site_url (DCAT, "use this data") point at the live server.
    for item in items:
        if Path(str(item.fspath)).parent == Path(__file__).parent:
            item.add_marker(pytest.mark.ckan_config("ckan.site_url", BASE_URL))


@pytest.fixture
def live_server(make_app, clean_db, clean_index, with_plugins) -> Iterator[str]:
    """The portal on BASE_URL for one test, on a clean database and index."""
    wsgi_app = make_app().app
    server = make_server("127.0.0.1", PORT, wsgi_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield BASE_URL
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: scripts/install.sh installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nb-NO")
    page = context.new_page()
    page.set_default_timeout(15_000)
    # Map tiles and any other outside request fail fast instead of waiting for the closed network.
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(live_server)
               or route.request.url.startswith("data:") else route.abort())
    yield page
    context.close()


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def serious_accessibility_violations(page, name: str) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.1 A/AA checks on the current page; the full report goes to var/browser."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag",
                                                   "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"{name}.axe.json").write_text(json.dumps(results.response["violations"], indent=1))
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "targets": [n["target"] for n in v["nodes"]][:5]}
            for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


PASSWORD = "Riktig-hest-batteri-9"


@pytest.fixture
def demo_portal(live_server) -> str:
    """The demo portal (6 organizations, 24 datasets, 2 data services) with an editor of Oslo
    kommune, "redaktor"."""
    from ckan.tests import factories
    from ckan.tests.helpers import call_action
    from ckanext.scn import demo

    demo.load(demo.read(None))
    editor = factories.User(name="redaktor", fullname="Kari Redaktør", password=PASSWORD)
    call_action("organization_member_create", id="oslo-kommune", username=editor["name"], role="editor")
    return live_server


def login(page, base_url: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{base_url}/user/login")
    page.fill("#field-login", username)
    page.fill("#field-password", password)
    with page.expect_navigation():
        page.press("#field-password", "Enter")
    assert "/user/login" not in page.url, "login failed: " + page.locator(".alert").all_inner_texts().__str__()
