"""A local HTTP server standing in for remote sources, serving real recorded documents; the
organization and harvest sources the harvester tests share."""
from __future__ import annotations

import contextlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from ckan.tests.helpers import call_action

DATA = Path(__file__).resolve().parents[1] / "data"


class Site:
    """Routes: path -> (status, content type, body bytes, extra headers)."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[int, str, bytes, dict[str, str]]] = {}
        self.hits: list[str] = []
        self.base = ""

    def add(self, path: str, body: bytes | str, content_type: str = "text/turtle", status: int = 200,
            headers: dict[str, str] | None = None) -> str:
        if isinstance(body, str):
            body = body.encode("utf-8")
        self.routes[path] = (status, content_type, body, headers or {})
        return self.base + path

    def add_file(self, path: str, relative: str, content_type: str = "text/turtle") -> str:
        return self.add(path, (DATA / relative).read_bytes(), content_type)

    def redirect(self, path: str, target: str) -> str:
        return self.add(path, b"", "text/plain", 302, {"Location": target})


@contextlib.contextmanager
def serving() -> Iterator[Site]:
    """A Site served on a free local port until the block ends (for fixtures of any scope)."""
    state = Site()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            state.hits.append(self.path)
            status, content_type, body, headers = state.routes.get(self.path, (404, "text/plain", b"not found", {}))
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # a client that stopped reading (a harvester's size limit)

        do_HEAD = do_GET  # noqa: N815

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def site():
    with serving() as state:
        yield state


@pytest.fixture
def org(clean_db, clean_index, as_sysadmin):
    """The organization the test sources belong to."""
    from tests.schema import factories

    return call_action("organization_create", context=dict(as_sysadmin), **factories.OSLO_KOMMUNE)


def source_maker(source_type: str, org: dict[str, Any], as_sysadmin: dict[str, Any], name: str,
                 title: str) -> Callable[..., dict[str, Any]]:
    """A function creating a harvest source of SOURCE_TYPE for ORG: make(url, name=..., **config)."""
    def make(url: str, name: str = name, **source_config: Any) -> dict[str, Any]:
        return call_action("harvest_source_create", context=dict(as_sysadmin), name=name, title=title,
                           url=url, source_type=source_type, owner_org=org["id"],
                           config=json.dumps(source_config) if source_config else "")
    return make


def harvested_by_identifier(source_id: str) -> dict[str, dict[str, Any]]:
    """The source's datasets (private ones too) by their identifier."""
    results = call_action("package_search", fq=f'harvest_source_id:"{source_id}"', rows=100,
                          include_private=True)["results"]
    return {d["identifier"]: d for d in results}
