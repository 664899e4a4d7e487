"""SSRF: in the production configuration (allow_private_hosts false) no harvester reaches a
private, loopback, link-local or otherwise non-public address, however it is written.

tests/harvest/test_safety.py checks the guard itself (safety.check_url and safety.fetch); these
tests go through the portal's own actions for each of the three SCN harvesters:

- an admin creating a source with such a URL is told at once (harvest_source_create and the form
  refuse it, with the reason on the url field);
- a source that is already there (created before the guard was on, or a name that resolved to a
  public address then) fails its job with a clear gather error, creates nothing and sends no
  request: most URLs point at a local server that serves a real catalog and records every hit;
- a trusted first host (ckanext.scn.harvest.allowed_hosts) that redirects to a private address is
  not followed.
"""
from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests.helpers import call_action

from ckanext.scn.harvesters.run import run_job
from tests.harvest.test_dcat_ap_no import catalog, dataset
from tests.schema import factories

pytestmark = [
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
    pytest.mark.ckan_config("ckanext.scn.harvest.allow_private_hosts", "false"),
    pytest.mark.ckan_config("ckanext.scn.harvest.allowed_hosts", ""),
    # Were the guard to fail on an address that does not answer, the job would wait this long.
    pytest.mark.ckan_config("ckanext.scn.harvest.timeout", "3"),
]

HARVESTERS = ["dcat_ap_no", "scn_csw", "scn_ckan"]

# {port} is the port of a local server serving a real DCAT catalog to any path: were one of these
# followed, it would be hit (and, for dcat_ap_no, a dataset created).
PRIVATE_URLS = [
    "http://127.0.0.1:{port}/catalog",               # loopback
    "http://127.1:{port}/catalog",                   # loopback, short form
    "http://2130706433:{port}/catalog",              # loopback as one decimal number
    "http://0177.0.0.1:{port}/catalog",              # loopback in octal
    "http://0x7f.0.0.1:{port}/catalog",              # loopback in hex
    "http://[::1]:{port}/catalog",                   # IPv6 loopback
    "http://[::ffff:127.0.0.1]:{port}/catalog",      # IPv4-mapped IPv6
    "http://[::ffff:7f00:1]:{port}/catalog",         # the same, in hex
    "http://localhost:{port}/catalog",               # a name resolving to loopback
    "http://{hostname}:{port}/catalog",              # this machine's own name
    "http://0.0.0.0:{port}/catalog",                 # unspecified (Linux connects it to loopback)
    "http://169.254.169.254/latest/meta-data/",      # cloud metadata (AWS, GCP, Azure, OpenStack)
    "http://[fd00:ec2::254]/latest/meta-data/",      # AWS metadata over IPv6 (unique local)
    "http://100.100.100.200/latest/meta-data/",      # Alibaba Cloud metadata (shared address space)
    "http://10.1.2.3:{port}/catalog",                # 10.0.0.0/8
    "http://10.255.255.254/catalog",
    "http://192.168.0.1/catalog",                    # 192.168.0.0/16
    "http://192.168.255.254/catalog",
    "http://172.16.0.1/catalog",                     # 172.16.0.0/12, both ends
    "http://172.31.255.254/catalog",
    "http://[fe80::1]/catalog",                      # IPv6 link-local
]


class Server:
    """A local HTTP server answering every path (query included) with one handler."""

    def __init__(self, answer) -> None:
        self.hits: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's name
                server.hits.append(self.path)
                answer(self)

            do_POST = do_GET  # noqa: N815

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.netloc = f"127.0.0.1:{self.port}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _serve_catalog(handler) -> None:
    body = catalog(dataset(1)).encode()
    handler.send_response(200)
    handler.send_header("Content-Type", "text/turtle")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


@pytest.fixture
def target():
    server = Server(_serve_catalog)
    yield server
    server.close()


@pytest.fixture
def org(as_sysadmin):
    return call_action("organization_create", context=dict(as_sysadmin), **factories.OSLO_KOMMUNE)


def create_source(as_sysadmin, org, url, source_type):
    return call_action("harvest_source_create", context=dict(as_sysadmin), name="kilde", title="Kilde",
                       url=url, source_type=source_type, owner_org=org["id"])


def harvested(source_id):
    return call_action("package_search", fq=f'harvest_source_id:"{source_id}"', rows=10,
                       include_private=True)["results"]


def concrete(url: str, port: int) -> str:
    return url.format(port=port, hostname=socket.gethostname())


@pytest.mark.parametrize("source_type", HARVESTERS)
@pytest.mark.parametrize("url", PRIVATE_URLS)
def test_a_source_on_a_private_address_is_refused_when_created(as_sysadmin, org, target, url, source_type):
    with pytest.raises(tk.ValidationError) as error:
        create_source(as_sysadmin, org, concrete(url, target.port), source_type)

    # English outside a web request; the form shows it in the user's language (below).
    assert "non-public address" in " ".join(error.value.error_dict["url"])
    assert target.hits == []


@pytest.mark.parametrize("source_type", HARVESTERS)
@pytest.mark.parametrize("url", PRIVATE_URLS)
def test_an_existing_source_on_a_private_address_fails_its_job(monkeypatch, as_sysadmin, org, target, url,
                                                               source_type):
    # A source from before the guard was on (or whose name resolved to a public address then).
    monkeypatch.setitem(tk.config, "ckanext.scn.harvest.allow_private_hosts", True)
    source = create_source(as_sysadmin, org, concrete(url, target.port), source_type)
    monkeypatch.setitem(tk.config, "ckanext.scn.harvest.allow_private_hosts", False)

    report = run_job(source["id"])

    assert report["status"] == "Finished"
    assert (report["added"], report["updated"], report["errors"]) == (0, 0, 0)
    [message] = report["gather_errors"]
    assert "non-public address" in message and "refused" in message.lower(), message
    assert harvested(source["id"]) == []
    assert target.hits == []


@pytest.mark.parametrize("source_type", HARVESTERS)
@pytest.mark.parametrize("private", ["http://localhost:{port}", "http://{netloc}", "http://169.254.169.254"])
def test_a_trusted_host_redirecting_to_a_private_address_is_not_followed(monkeypatch, as_sysadmin, org, target,
                                                                          private, source_type):
    # The first host stands for a public source: trusted by name, as an admin would list an
    # internal one. Every path it is asked for redirects to the same path on a private address.
    location = private.format(port=target.port, netloc=target.netloc)

    def redirect(handler):
        handler.send_response(302)
        handler.send_header("Location", location + handler.path)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    first = Server(redirect)
    try:
        monkeypatch.setitem(tk.config, "ckanext.scn.harvest.allowed_hosts", [first.netloc])
        source = create_source(as_sysadmin, org, f"http://{first.netloc}/catalog", source_type)

        report = run_job(source["id"])
    finally:
        first.close()

    assert first.hits, "the trusted first host is asked"
    assert target.hits == [], "the private address it redirects to is not"
    [message] = report["gather_errors"]
    assert "non-public address" in message, message
    assert report["added"] == 0 and harvested(source["id"]) == []


def test_the_same_catalog_is_harvested_from_a_trusted_host(monkeypatch, as_sysadmin, org, target):
    """The control: the local server is reachable and its catalog harvestable, so the refusals
    above are the guard's (the CSW and CKAN harvesters' own sources are tested in tests/harvest)."""
    monkeypatch.setitem(tk.config, "ckanext.scn.harvest.allowed_hosts", [target.netloc])
    source = create_source(as_sysadmin, org, f"http://{target.netloc}/catalog", "dcat_ap_no")

    report = run_job(source["id"])

    assert report["added"] == 1, report
    assert target.hits and len(harvested(source["id"])) == 1


@pytest.mark.parametrize("prefix, refusal", [
    ("", "en ikke-offentlig adresse"),
    ("/nn", "ei ikkje-offentleg adresse"),
    ("/en", "a non-public address"),
])
def test_the_source_form_shows_the_refusal_on_the_url_field(app, org, target, prefix, refusal):
    from bs4 import BeautifulSoup
    from ckan.tests import factories as ckan_factories

    sysadmin = ckan_factories.SysadminWithToken()
    data = {"url": f"http://localhost:{target.port}/catalog", "title": "Kilde", "name": "kilde",
            "source_type": "dcat_ap_no", "frequency": "MANUAL", "config": "", "owner_org": org["id"], "save": ""}

    response = app.post(f"{prefix}/harvest/new", data=data, headers={"Authorization": sysadmin["token"]})

    assert response.status_code == 200  # the form again, not a redirect to the new source
    group = BeautifulSoup(response.body, "html.parser").select_one("#field-url").find_parent(class_="form-group")
    assert "error" in group["class"] and refusal in group.text
    with pytest.raises(tk.ObjectNotFound):
        call_action("harvest_source_show", id="kilde")
    assert target.hits == []
