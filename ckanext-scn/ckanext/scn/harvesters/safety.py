"""Downloads from harvest sources nobody here controls: address checks, size and time limits,
and XML that could expand entities refused before any parser sees it."""
from __future__ import annotations

import ipaddress
import re
import socket
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import requests

from ckanext.scn import config


def N_(message: str) -> str:
    """Marks a message for the catalogs; it is translated where a user reads it."""
    return message


class UnsafeSource(Exception):
    """The URL or the document may not be harvested; the message says why. ``str()`` is the
    English text (logs, harvest job errors); ``translated()`` is for the person saving a source."""

    def __init__(self, message: str, **params: object):
        self.message, self.params = message, params
        super().__init__(message.format(**params))

    def translated(self) -> str:
        import ckan.plugins.toolkit as tk  # at call time: this module also runs outside a request

        return tk._(self.message).format(**self.params)


_DOCTYPE_OR_ENTITY = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
MAX_REDIRECTS = 5


def check_url(url: str, *, unresolvable_ok: bool = False) -> None:
    """Refuse non-http(s) URLs and hosts resolving to loopback, private, link-local, shared
    (100.64.0.0/10), multicast, reserved or any other non-global addresses (unless
    ckanext.scn.harvest.allow_private_hosts). ``unresolvable_ok``: a name that does not resolve
    now passes (when a source is saved; every download checks again)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeSource(N_("Not an http(s) URL: {url}"), url=url)
    if config.harvest_allow_private_hosts() or parts.netloc.lower() in config.harvest_allowed_hosts():
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80),
                                   proto=socket.IPPROTO_TCP)
    except socket.gaierror as e:
        if unresolvable_ok:
            return
        raise UnsafeSource(N_("Cannot resolve {host}: {error}"), host=parts.hostname, error=e)
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%", 1)[0])
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        if (not address.is_global or address.is_loopback or address.is_private or address.is_link_local
                or address.is_multicast or address.is_reserved or address.is_unspecified):
            raise UnsafeSource(N_("{host} resolves to {address}, a non-public address; harvesting it is not allowed"),
                               host=parts.hostname, address=address)


@dataclass
class Download:
    url: str
    content: bytes
    content_type: str | None


def fetch(url: str, session: requests.Session | None = None) -> Download:
    """GET URL within the size and time limits, checking every redirect target too."""
    session = session or requests.Session()
    max_bytes = config.harvest_max_download_bytes()
    timeout = config.harvest_timeout()
    for _ in range(MAX_REDIRECTS + 1):
        check_url(url)
        response = session.get(url, stream=True, timeout=timeout, allow_redirects=False,
                               headers={"Accept": "text/turtle, application/rdf+xml;q=0.9, "
                                                  "application/ld+json;q=0.8, application/xml;q=0.7, */*;q=0.1"})
        if response.is_redirect:
            url = urljoin(url, response.headers["Location"])
            response.close()
            continue
        response.raise_for_status()
        declared = response.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > max_bytes:
            raise UnsafeSource(N_("{url} is {size} bytes; the limit is {limit}"), url=url, size=int(declared), limit=max_bytes)
        chunks, size = [], 0
        for chunk in response.iter_content(64 * 1024):
            size += len(chunk)
            if size > max_bytes:
                response.close()
                raise UnsafeSource(N_("{url} is larger than the limit of {limit} bytes"), url=url, limit=max_bytes)
            chunks.append(chunk)
        content_type = (response.headers.get("Content-Type") or "").split(";", 1)[0].strip() or None
        return Download(url, b"".join(chunks), content_type)
    raise UnsafeSource(N_("More than {count} redirects from {url}"), count=MAX_REDIRECTS, url=url)


def refuse_xml_declarations(content: bytes, url: str = "") -> None:
    """Entity-expansion bombs and external entities need a DOCTYPE or ENTITY declaration;
    RDF/XML and ISO 19139 never do, so any is refused before parsing."""
    if _DOCTYPE_OR_ENTITY.search(content[:1024 * 1024]) or _DOCTYPE_OR_ENTITY.search(content):
        raise UnsafeSource(N_("XML with a DOCTYPE or ENTITY declaration is refused ({url})") if url
                           else N_("XML with a DOCTYPE or ENTITY declaration is refused"), url=url)
