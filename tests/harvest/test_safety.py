"""Harvest downloads: SSRF refusals (also after redirects), size and time limits, XML entities."""
from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ckanext.scn.harvesters import safety

pytestmark = [pytest.mark.usefixtures("with_plugins"),
              pytest.mark.ckan_config("ckanext.scn.harvest.allow_private_hosts", "false")]


@pytest.mark.parametrize("url", [
    "http://127.0.0.1/catalog.ttl",
    "http://[::1]/catalog.ttl",
    "http://169.254.169.254/latest/meta-data/",
    "http://10.0.0.8/catalog.ttl",
    "http://10.255.1.1:8080/catalog.ttl",
    "http://192.168.1.20/catalog.ttl",
    "http://172.16.0.1/catalog.ttl",
    "http://localhost:5000/catalog.ttl",       # a name resolving to loopback
    "http://[::ffff:127.0.0.1]/catalog.ttl",   # loopback written as IPv6
    "http://224.0.0.1/catalog.ttl",            # multicast
    "http://0.0.0.0/catalog.ttl",
])
def test_private_addresses_are_refused(url):
    with pytest.raises(safety.UnsafeSource, match="non-public address"):
        safety.check_url(url)


@pytest.mark.parametrize("url", ["ftp://example.no/x", "file:///etc/passwd", "gopher://example.no", "//x"])
def test_other_schemes_are_refused(url):
    with pytest.raises(safety.UnsafeSource, match="Not an http"):
        safety.check_url(url)


def test_unresolvable_host_is_refused():
    with pytest.raises(safety.UnsafeSource, match="Cannot resolve"):
        safety.check_url("http://no-such-host.invalid/catalog.ttl")


@pytest.fixture
def server():
    routes = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            action = routes.get(self.path)
            if action is None:
                self.send_response(404)
                self.end_headers()
                return
            action(self)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield routes, f"127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_redirect_to_a_private_address_is_refused(server):
    routes, host = server

    def redirect(handler):
        handler.send_response(302)
        handler.send_header("Location", "http://169.254.169.254/latest/meta-data/")
        handler.end_headers()

    routes["/catalog.ttl"] = redirect
    # The first host is trusted explicitly; the address it redirects to is not.
    with pytest.MonkeyPatch.context() as mp:
        mp.setitem(safety.config.tk.config, "ckanext.scn.harvest.allowed_hosts", host)
        with pytest.raises(safety.UnsafeSource, match="169.254.169.254"):
            safety.fetch(f"http://{host}/catalog.ttl")


@pytest.mark.ckan_config("ckanext.scn.harvest.max_download_mb", "1")
def test_too_large_document_is_refused(server, monkeypatch):
    routes, host = server
    monkeypatch.setitem(safety.config.tk.config, "ckanext.scn.harvest.allowed_hosts", host)

    def big(handler):
        handler.send_response(200)
        handler.send_header("Content-Type", "text/turtle")
        handler.end_headers()  # no Content-Length: the limit must hold while reading
        handler.wfile.write(b"#" * (1536 * 1024))

    routes["/big.ttl"] = big
    with pytest.raises(safety.UnsafeSource, match="larger than the limit"):
        safety.fetch(f"http://{host}/big.ttl")


@pytest.mark.ckan_config("ckanext.scn.harvest.timeout", "1")
def test_slow_source_times_out(server, monkeypatch):
    import requests

    routes, host = server
    monkeypatch.setitem(safety.config.tk.config, "ckanext.scn.harvest.allowed_hosts", host)

    def slow(handler):
        time.sleep(3)
        handler.send_response(200)
        handler.end_headers()

    routes["/slow.ttl"] = slow
    started = time.monotonic()
    with pytest.raises(requests.Timeout):
        safety.fetch(f"http://{host}/slow.ttl")
    assert time.monotonic() - started < 2.5


@pytest.mark.parametrize("document", [
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><r>&lol2;</r>',
    b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>',
    b'<!doctype html><html></html>',
])
def test_xml_with_declarations_is_refused(document):
    with pytest.raises(safety.UnsafeSource, match="DOCTYPE or ENTITY"):
        safety.refuse_xml_declarations(document)


def test_plain_rdf_xml_passes():
    safety.refuse_xml_declarations(b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>')
