"""Security settings: CSRF on every form, the production configuration (cookies, debug, headers,
no SQL search, the SSRF guard) and error pages without internals.

Static checks of docker/ that are already in tests/test_docker.py are not repeated here:
debug off, the cookie flags and the SSRF guard in docker/ckan/production.ini
(test_production_settings_mirror_the_dev_template) and in compose (test_the_ssrf_guard_is_on_everywhere).
This module checks that the same cookie keys take effect in CKAN, and what test_docker.py lacks.
"""
from __future__ import annotations

import configparser
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

import ckan.plugins.toolkit as tk
from ckan.tests import factories as ckan_factories
from ckan.tests.helpers import call_action

from tests.schema import factories

ROOT = Path(__file__).resolve().parents[2]
DEV_TEMPLATE = ROOT / "config" / "ckan.ini.in"
PRODUCTION_INI = ROOT / "docker" / "ckan" / "production.ini"
NGINX = ROOT / "docker" / "nginx"
SCN_TEMPLATES = ROOT / "ckanext-scn" / "ckanext" / "scn" / "templates"
FIELD = "_csrf_token"
PASSWORD = "correct123"  # ckan.tests.factories' default

pytestmark = pytest.mark.usefixtures("with_plugins")


def ini(path: Path) -> configparser.RawConfigParser:
    parser = configparser.RawConfigParser(strict=False)
    parser.optionxform = str  # keys as written (SESSION_COOKIE_SECURE)
    parser.read(path, encoding="utf-8")
    return parser


def html(response) -> BeautifulSoup:
    return BeautifulSoup(response.body, "html.parser")


def form_data(page: BeautifulSoup, selector: str) -> dict[str, str]:
    """The hidden fields of a form as a browser would post them; the token must be one."""
    form = page.select_one(selector)
    assert form is not None, selector
    assert form.get("method", "get").lower() == "post", selector
    hidden = {i["name"]: i.get("value", "") for i in form.select("input[type=hidden][name]")}
    assert hidden.get(FIELD), f"{selector} carries no {FIELD}"
    return hidden


class Browser:
    """A test client keeping its cookies, logged in through the login form as a browser is:
    requests carry the session cookie, never an API token (which lifts the CSRF check)."""

    def __init__(self, app) -> None:
        self.client = app.test_client()

    def get(self, url: str, status: int = 200) -> BeautifulSoup:
        response = self.client.get(url)
        assert response.status_code == status, (url, response.status_code)
        return html(response)

    def post(self, url: str, data: dict, **kwargs):
        return self.client.post(url, data=data, follow_redirects=False, **kwargs)

    def login(self, user: dict) -> None:
        data = form_data(self.get("/user/login"), "form:has(input[name=password])")
        response = self.post("/user/login", {**data, "login": user["name"], "password": PASSWORD})
        assert response.status_code == 302, response.status_code
        assert "/user/login" not in response.headers["Location"]


def dataset_form(org: dict) -> dict[str, str]:
    """What the dataset form posts for a small, valid dataset."""
    return {
        "name": "sykkeldata", "title_translated-nb": "Sykkeldata", "title_translated-nn": "",
        "title_translated-en": "Bike data", "notes_translated-nb": "Tellinger fra sykkelpunkter.",
        "notes_translated-nn": "", "notes_translated-en": "", "tags_translated-nb": "sykkel",
        "tags_translated-nn": "", "tags_translated-en": "", "owner_org": org["id"],
        "theme": factories.TRAN, "access_rights": factories.PUBLIC, "license_id": "NLOD-2.0",
        "spatial_coverage-0-uri": "https://data.geonorge.no/administrativeEnheter/kommune/id/173018",
        "contact-0-name": "Datateamet", "contact-0-email": "data@example.no", "save": "",
    }


def without_token(data: dict) -> dict:
    return {k: v for k, v in data.items() if k != FIELD}


def refused(response) -> bool:
    return response.status_code == 400 and "CSRF" in response.body


# ---- CSRF -------------------------------------------------------------------------------------

def test_csrf_protection_covers_extensions_in_every_configuration():
    """Without this CKAN exempts every plugin's blueprint (ckanext-harvest's refresh and clear,
    and any POST route ckanext-scn would add) and logs "Extensions are excluded from CSRF protection"."""
    for path in (DEV_TEMPLATE, PRODUCTION_INI):
        assert ini(path).get("app:main", "ckan.csrf_protection.ignore_extensions") == "false", path
    assert tk.asbool(tk.config["ckan.csrf_protection.ignore_extensions"]) is False
    assert tk.asbool(tk.config.get("WTF_CSRF_ENABLED", True))


def test_no_post_route_is_exempt(app):
    flask_app = app.flask_app
    csrf = flask_app.extensions["csrf"]
    exempt_blueprints = {bp.name for bp in csrf._exempt_blueprints}
    posts = [rule for rule in flask_app.url_map.iter_rules() if "POST" in rule.methods]
    assert any(r.endpoint.startswith("harvester.") for r in posts)  # extension routes are in the list
    for rule in posts:
        view = flask_app.view_functions[rule.endpoint]
        blueprint = rule.endpoint.rsplit(".", 1)[0] if "." in rule.endpoint else None
        assert blueprint not in exempt_blueprints, rule.rule
        assert f"{view.__module__}.{view.__name__}" not in csrf._exempt_views, rule.rule


def test_ckanext_scn_has_no_post_route_of_its_own(app):
    """Its pages (the organization catalogs, /curation) only read; any POST route added later is
    covered by test_no_post_route_is_exempt, and any form by the template check below."""
    for rule in app.flask_app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] in ("scn", "scn_curation"):
            assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, rule.rule


def test_every_post_form_in_the_scn_templates_carries_the_token():
    for path in SCN_TEMPLATES.rglob("*.html"):
        for form in re.findall(r"<form\b.*?</form>", path.read_text(encoding="utf-8"), re.S | re.I):
            if re.search(r"method=[\"']post", form, re.I):
                assert "csrf_input" in form, path


@pytest.fixture
def sysadmin(clean_db):
    return ckan_factories.Sysadmin(password=PASSWORD)


@pytest.fixture
def browser(app, sysadmin):
    browser = Browser(app)
    browser.login(sysadmin)
    return browser


@pytest.fixture
def org(sysadmin):
    return call_action("organization_create", context={"user": sysadmin["name"]}, **factories.OSLO_KOMMUNE)


def test_login_form_carries_the_token(app, clean_db):
    user = ckan_factories.User(password=PASSWORD)
    Browser(app).login(user)


@pytest.mark.parametrize("path, fields", [
    ("/user/login", {"login": "someone", "password": PASSWORD}),
    ("/user/register", {"name": "newcomer", "fullname": "N", "email": "n@example.org",
                        "password1": PASSWORD, "password2": PASSWORD}),
    ("/user/reset", {"user": "someone"}),
])
def test_anonymous_forms_are_refused_without_the_token(app, clean_db, path, fields):
    """CKAN 2.11 alone lets requests without a logged-in session skip the check (login CSRF);
    views.check_csrf_on_anonymous_forms closes that. The API stays open to anonymous POSTs."""
    client = app.test_client()
    data = form_data(html(client.get(path)), "form:has(input[name=_csrf_token])")

    assert refused(client.post(path, data=without_token({**data, **fields})))
    assert not refused(client.post(path, data={**data, **fields}))
    assert app.post("/api/3/action/package_search", json={"rows": 1}).status_code == 200


def test_language_switch_form(browser):
    page = browser.get("/dataset/")
    hidden = form_data(page, "form.lang-select")
    data = {**hidden, "url": "/en/dataset/"}

    assert refused(browser.post("/util/redirect", without_token(data)))
    response = browser.post("/util/redirect", data)
    assert response.status_code == 302 and response.headers["Location"].endswith("/en/dataset/")


@pytest.mark.usefixtures("clean_index")
def test_dataset_form(browser, org):
    hidden = form_data(browser.get("/dataset/new"), "form#dataset-edit")
    data = {**dataset_form(org), **hidden}

    assert refused(browser.post("/dataset/new", without_token(data)))
    assert tk.get_action("package_search")({}, {"q": "name:sykkeldata", "include_drafts": True})["count"] == 0

    response = browser.post("/dataset/new", data)
    assert response.status_code == 302, response.status_code
    assert call_action("package_show", id="sykkeldata")["name"] == "sykkeldata"


@pytest.mark.usefixtures("clean_index")
def test_resource_form(browser, org, sysadmin):
    dataset = call_action("package_create", context={"user": sysadmin["name"]},
                          **factories.dataset(owner_org=org["id"]))
    url = f"/dataset/{dataset['name']}/resource/new"
    hidden = form_data(browser.get(url), "form#resource-edit")
    data = {**hidden, "url": "https://example.no/data.csv", "name": "Data", "format": "CSV", "save": "again"}

    assert refused(browser.post(url, without_token(data)))
    assert call_action("package_show", id=dataset["id"])["resources"] == dataset["resources"]

    assert browser.post(url, data).status_code == 302
    assert [r["name"] for r in call_action("package_show", id=dataset["id"])["resources"]][-1] == "Data"


def test_organization_form(browser):
    hidden = form_data(browser.get("/organization/new"), "form.dataset-form")
    data = {**hidden, **{k: v for k, v in factories.OSLO_KOMMUNE.items()}, "save": ""}

    assert refused(browser.post("/organization/new", without_token(data)))
    with pytest.raises(tk.ObjectNotFound):
        call_action("organization_show", id="oslo-kommune")

    assert browser.post("/organization/new", data).status_code == 302
    assert call_action("organization_show", id="oslo-kommune")["orgnr"] == "958935420"


@pytest.mark.usefixtures("clean_index")
def test_admin_config_form_with_the_featured_datasets_field(browser, org, sysadmin):
    dataset = call_action("package_create", context={"user": sysadmin["name"]},
                          **factories.dataset(owner_org=org["id"]))
    page = browser.get("/ckan-admin/config")
    hidden = form_data(page, "#admin-config-form")
    assert page.select_one("#admin-config-form input[name='ckanext.scn.featured_datasets']") is not None
    data = {**hidden, "ckan.site_title": "Smart Cities Norway – dataportal",
            "ckanext.scn.featured_datasets": dataset["name"], "save": ""}

    try:
        assert refused(browser.post("/ckan-admin/config", without_token(data)))
        assert tk.config.get("ckanext.scn.featured_datasets", "") == ""

        assert browser.post("/ckan-admin/config", data).status_code == 302
        assert tk.config["ckanext.scn.featured_datasets"] == dataset["name"]
    finally:
        call_action("config_option_update", context={"user": sysadmin["name"]}, **{"ckanext.scn.featured_datasets": ""})


def test_harvest_source_form(browser, org):
    hidden = form_data(browser.get("/harvest/new"), "form#source-new")
    data = {**hidden, "url": "https://data.norge.no/api/catalog.ttl", "title": "Kilde", "name": "kilde",
            "source_type": "dcat_ap_no", "frequency": "MANUAL", "config": "", "owner_org": org["id"], "save": ""}

    assert refused(browser.post("/harvest/new", without_token(data)))
    with pytest.raises(tk.ObjectNotFound):
        call_action("harvest_source_show", id="kilde")

    assert browser.post("/harvest/new", data).status_code == 302
    assert call_action("harvest_source_show", id="kilde")["url"] == data["url"]


def test_harvest_refresh_and_clear_are_protected(browser, org, sysadmin):
    """ckanext-harvest's own blueprint: exempt while ignore_extensions was true. Its buttons post
    through CKAN's confirm-action module, which takes the token from the page's meta tag."""
    source = call_action("harvest_source_create", context={"user": sysadmin["name"]}, name="kilde", title="Kilde",
                         url="https://data.norge.no/api/catalog.ttl", source_type="dcat_ap_no", owner_org=org["id"])
    page = browser.get(f"/harvest/admin/{source['name']}")
    token = page.select_one(f"meta[name={FIELD}]")["content"]
    assert page.select_one(f"a[href$='/harvest/refresh/{source['id']}'][data-module~=confirm-action]") is not None

    for action in ("refresh", "clear"):
        assert refused(browser.post(f"/harvest/{action}/{source['id']}", {})), action
    assert call_action("harvest_job_list", source_id=source["id"]) == []

    assert browser.post(f"/harvest/refresh/{source['id']}", {FIELD: token}).status_code == 302
    assert len(call_action("harvest_job_list", source_id=source["id"])) == 1


def test_api_with_a_token_needs_no_csrf_token_but_a_browser_session_does(app, browser, org):
    user = ckan_factories.SysadminWithToken()
    response = app.post("/api/3/action/package_create", headers={"Authorization": user["token"]},
                        json=factories.dataset(owner_org=org["id"], name="via-api"))
    assert response.status_code == 200, response.body
    assert response.json["result"]["name"] == "via-api"

    # The same call from a logged-in browser without the token: a forged cross-site request.
    response = browser.post("/api/3/action/package_create", None,
                            json=factories.dataset(owner_org=org["id"], name="forged"))
    assert response.status_code == 400
    with pytest.raises(tk.ObjectNotFound):
        call_action("package_show", id="forged")


# ---- production configuration -----------------------------------------------------------------

PRODUCTION_COOKIES = {key: value for key, value in ini(PRODUCTION_INI).items("app:main")
                      if key.startswith(("SESSION_COOKIE_", "REMEMBER_COOKIE_"))}


def _with_production_cookies(func):
    for key, value in PRODUCTION_COOKIES.items():
        func = pytest.mark.ckan_config(key, value)(func)
    return func


@_with_production_cookies
def test_production_cookie_settings_take_effect(app, clean_db):
    """test_docker.py checks the keys are in production.ini; here CKAN honours them."""
    assert {"SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE"} <= set(PRODUCTION_COOKIES)
    user = ckan_factories.User(password=PASSWORD)
    client = app.test_client()
    page = html(client.get("/user/login"))
    data = form_data(page, "form:has(input[name=password])")
    response = client.post("/user/login", data={**data, "login": user["name"], "password": PASSWORD,
                                                "remember": "63072000"}, follow_redirects=False)

    cookies = response.headers.getlist("Set-Cookie")
    assert cookies
    for cookie in cookies:
        attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}
        assert {"secure", "httponly", "samesite"} <= attributes, cookie
        assert re.search(r"SameSite=(Lax|Strict)", cookie), cookie


def test_no_sql_search_and_no_datastore():
    """ckan.datastore.sqlsearch.enabled opens datastore_search_sql to everyone; the datastore
    plugin is not used, and the key is set true nowhere."""
    files = [DEV_TEMPLATE, PRODUCTION_INI, ROOT / "docker" / "compose.yml", ROOT / "docker" / "Dockerfile",
             ROOT / "docker" / ".env.example"]
    for path in (DEV_TEMPLATE, PRODUCTION_INI):
        assert "datastore" not in ini(path).get("app:main", "ckan.plugins").split(), path
    assert "datastore" not in tk.config["ckan.plugins"]
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"datastore[._]+sqlsearch[._]+enabled\W+(true|1|yes|on)", text, re.I), path
        assert not re.search(r"CKAN__PLUGINS\W.*\bdatastore\b", text), path
    assert not tk.asbool(tk.config.get("ckan.datastore.sqlsearch.enabled", False))


def test_security_headers_on_every_nginx_location():
    headers = dict(re.findall(r'^add_header\s+(\S+)\s+"([^"]*)"\s+always;',
                              (NGINX / "snippets" / "security-headers.conf").read_text(), re.M))
    max_age = re.search(r"max-age=(\d+)", headers["Strict-Transport-Security"])
    assert max_age and int(max_age.group(1)) >= 31536000
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers.get("X-Frame-Options") in ("DENY", "SAMEORIGIN") or \
        "frame-ancestors" in headers.get("Content-Security-Policy", "")
    assert headers["Referrer-Policy"] in ("no-referrer", "same-origin", "strict-origin",
                                          "strict-origin-when-cross-origin")

    # nginx drops the server's add_header lines in a location with any of its own: each such
    # location must include the snippet again.
    conf = (NGINX / "conf.d" / "default.conf").read_text()
    https = conf[conf.index("listen 443"):]
    assert "include /etc/nginx/snippets/security-headers.conf;" in https.split("location", 1)[0]
    for block in re.findall(r"location[^{]*\{(.*?)\n    \}", https, re.S):
        if "add_header" in block:
            assert "security-headers.conf" in block, block[:200]


# ---- error pages ------------------------------------------------------------------------------

INTERNALS = ("Traceback", 'File "/', ".py", "pysolr", "SolrError", "sqlalchemy", "boom", "Werkzeug")


def assert_no_internals(body: str) -> None:
    for marker in INTERNALS:
        assert marker not in body, marker


@pytest.fixture
def failing_view(app):
    """A view that raises an unexpected exception, added to this test's own app: what a bug in
    any view would do. (What users see when Solr or PostgreSQL really stop is tested by
    tests/resilience, which stops them.)"""
    def explode():
        raise RuntimeError("boom in /scn-test/fails (sqlalchemy, pysolr)")

    app.flask_app.add_url_rule("/scn-test/fails", "scn_test_fails", explode)
    return "/scn-test/fails"


@pytest.mark.ckan_config("debug", "false")
@pytest.mark.ckan_config("testing", "false")  # as in production: CKAN's page instead of the exception
@pytest.mark.parametrize("prefix, title, heading, advice", [
    ("", "Feil 500", "500 Noe gikk galt hos oss", "Portalen kunne ikke svare akkurat nå."),
    ("/nn", "Feil 500", "500 Noko gjekk gale hos oss", "Portalen kunne ikkje svare akkurat no."),
    ("/en", "Error 500", "500 Something went wrong on our side", "The portal could not answer just now."),
])
def test_an_internal_error_shows_the_error_page_in_the_users_language(app, failing_view, prefix, title, heading,
                                                                       advice):
    response = app.get(f"{prefix}{failing_view}")

    assert response.status_code == 500
    page = html(response)
    assert page.title.text.strip().startswith(title)
    assert " ".join(page.select_one("article.module h1").text.split()) == heading
    assert page.select_one(".scn-error-message").text.startswith(advice)
    assert "Internal server error" not in page.select_one("article.module").text or prefix == "/en"
    assert_no_internals(response.body)


@pytest.mark.ckan_config("debug", "false")
@pytest.mark.parametrize("url, status, heading", [
    ("/dataset/no-such-dataset", 404, "404 Fant ikke siden"),
    ("/en/dataset/no-such-dataset", 404, "404 Page not found"),
    ("/no/such/page", 404, "404 Fant ikke siden"),
    ("/curation", 403, "403 Ingen tilgang"),
    ("/en/ckan-admin", 403, "403 Access denied"),
])
def test_not_found_and_forbidden_pages(app, clean_db, url, status, heading):
    response = app.get(url)

    assert response.status_code == status
    assert " ".join(html(response).select_one("article.module h1").text.split()) == heading
    assert_no_internals(response.body)
