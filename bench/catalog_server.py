"""Serve a generated catalog hydra-paged over HTTP on 127.0.0.1 (a thread, a free port).

``/catalog?page=N`` answers page N in Turtle; GET and HEAD (ckanext-dcat asks HEAD first).
"""
from __future__ import annotations

import contextlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator
from urllib.parse import parse_qs, urlsplit

from bench.catalog import BASE, page_url


class _Handler(BaseHTTPRequestHandler):
    pages: list[bytes] = []
    protocol_version = "HTTP/1.1"

    def _answer(self, with_body: bool) -> None:
        url = urlsplit(self.path)
        try:
            number = int(parse_qs(url.query).get("page", ["1"])[0])
        except ValueError:
            number = 0
        body = self.pages[number - 1] if url.path == "/catalog" and 1 <= number <= len(self.pages) else None
        self.send_response(200 if body is not None else 404)
        self.send_header("Content-Type", "text/turtle; charset=utf-8" if body is not None else "text/plain")
        body = body if body is not None else b"not found"
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if with_body:
            self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        self._answer(True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._answer(False)

    def log_message(self, *args: object) -> None:
        pass


@contextlib.contextmanager
def serving(directory: Path) -> Iterator[str]:
    """Serve the pages in DIRECTORY (bench.catalog.ensure); yields the first page's URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    documents = [p.read_bytes().replace(BASE.encode(), base.encode()) for p in sorted(directory.glob("page-*.ttl"))]
    server.RequestHandlerClass = type("Handler", (_Handler,), {"pages": documents})
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield page_url(base, 1)
    finally:
        server.shutdown()
        server.server_close()
