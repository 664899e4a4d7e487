"""The project's own service scripts: clear failures, a real WSGI server."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ROOT / "scripts"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def occupied_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        yield s.getsockname()[1]


def test_a_taken_port_stops_start_with_a_message_naming_the_service(occupied_port):
    env = {**os.environ, "SCN_REDIS_PORT": str(occupied_port)}

    result = subprocess.run([SCRIPTS / "services.sh", "start", "redis"], env=env,
                            capture_output=True, text=True, timeout=60)

    assert result.returncode == 1
    assert f"ERROR [redis]: port 127.0.0.1:{occupied_port} is taken" in result.stderr


def test_solr_launcher_exits_non_zero_when_a_core_fails_to_load(tmp_path):
    home = tmp_path / "solr-home"
    conf = home / "broken" / "conf"
    conf.mkdir(parents=True)
    (home / "solr.xml").write_text((ROOT / "config/solr/solr.xml").read_text())
    (home / "broken" / "core.properties").write_text("name=broken\n")
    (conf / "solrconfig.xml").write_text((ROOT / "config/solr/solrconfig.xml").read_text())
    (conf / "schema.xml").write_text('<schema name="broken" version="1.6"><fields><field name="id" type="nope"/></fields></schema>')

    result = subprocess.run([SCRIPTS / "solr-launcher.sh", str(home), str(free_port()), "broken"],
                            capture_output=True, text=True, timeout=180)

    assert result.returncode == 1
    assert "core broken failed to load" in result.stderr
    assert "Solr cores failed: [broken]" in result.stderr


def test_gunicorn_serves_the_portal(ckan_config):
    port = free_port()
    env = {**os.environ, "CKAN_INI": str(ROOT / "config/test.ini")}
    server = subprocess.Popen(
        [ROOT / ".venv/bin/gunicorn", "--chdir", ROOT / "config", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "wsgi:application"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while True:
            try:
                status = requests.get(f"{base}/api/3/action/status_show", timeout=5)
                break
            except requests.ConnectionError:
                assert server.poll() is None, "gunicorn exited"
                assert time.monotonic() < deadline, "gunicorn did not answer"
                time.sleep(0.5)
        assert status.status_code == 200
        assert "scn" in status.json()["result"]["extensions"]
        assert requests.get(f"{base}/dataset/", timeout=30).status_code == 200
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
