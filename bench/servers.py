"""The SCN and stock CKAN served side by side for the HTTP benchmarks.

Both run under the same WSGI server with the same settings, on the bench and stock databases and
Solr cores (scripts/init.sh bench|stock), so only the plugins differ.
"""
from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Iterator

import requests

from bench.common import BENCH_VAR, INI, PORT, ROOT, VENV_BIN

WORKERS = int(os.environ.get("SCN_BENCH_WORKERS", "3"))


def uwsgi_available() -> bool:
    return (VENV_BIN / "uwsgi").exists()


def _command(server: str, port: int, workers: int, log: str) -> list[str]:
    if server == "uwsgi":
        # docker/compose.yml's UWSGI_OPTS (production), on this port and process count.
        return [str(VENV_BIN / "uwsgi"), "--http", f"127.0.0.1:{port}", "--wsgi-file", str(ROOT / "config" / "wsgi.py"),
                "--master", "--enable-threads", "--lazy-apps", "--processes", str(workers), "--disable-logging",
                # Keep-alive for the benchmark's sessions (production has nginx in front): without it
                # the router closes each connection and a session's next request on it fails.
                "--http-keepalive", "--http-auto-chunked",
                "--buffer-size", "32768", "--vacuum", "--harakiri", "120", "--max-requests", "5000",
                "--die-on-term", "--logto", log]
    return [str(VENV_BIN / "gunicorn"), "--chdir", str(ROOT / "config"), "--bind", f"127.0.0.1:{port}",
            "--workers", str(workers), "--timeout", "120", "--error-logfile", log, "wsgi:application"]


@contextlib.contextmanager
def serving(config: str, workers: int = WORKERS, server: str = "gunicorn") -> Iterator[str]:
    """Serve one configuration ("scn" or "stock") with gunicorn or uwsgi; yields its base URL and
    stops it afterwards."""
    port = PORT[config]
    log = BENCH_VAR / f"server-{config}-{server}.log"
    with served(_command(server, port, workers, str(log)), INI[config], port, log) as base:
        yield base


@contextlib.contextmanager
def served(command: list[str], ini: Path, port: int, log: Path, timeout: float = 120) -> Iterator[str]:
    """Run the WSGI server COMMAND for the CKAN config INI until it answers status_show on PORT;
    yields its base URL and stops it (SIGTERM, then kill) when the block ends."""
    process = subprocess.Popen(command, env={**os.environ, "CKAN_INI": str(ini)},
                               stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the server for {ini} exited while starting; see {log}")
            with contextlib.suppress(requests.RequestException):
                if requests.get(f"{base}/api/3/action/status_show", timeout=5).ok:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"the server for {ini} did not answer within {timeout:.0f} s; see {log}")
            time.sleep(0.5)
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
