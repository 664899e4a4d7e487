"""The resilience tests' own stack: real PostgreSQL, Redis and Solr of var/resilience (or SCN_VAR),
stopped and started through scripts/services.sh. The services are the real ones.

They refuse to run against the main stack's ports: stopping those would take down the portal and
every other test run.
"""
from __future__ import annotations

import contextlib
import os
import subprocess
import time
from pathlib import Path
from typing import Any, Iterator

import pytest
import requests
import sqlalchemy as sa

from bench.servers import served
from tests.harvest.conftest import site  # noqa: F401 - the local HTTP server fixture

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ROOT / "scripts" / "services.sh"
MAIN_PORTS = {"SCN_PG_PORT": "5432", "SCN_REDIS_PORT": "6379", "SCN_SOLR_PORT": "8983", "SCN_CKAN_PORT": "5000"}


class Stack:
    """The second stack's services, its ini and direct views of its database and Solr core."""

    def __init__(self) -> None:
        self.var = Path(os.environ["SCN_VAR"])
        self.ini = self.var / "test.ini"
        self.ckan_port = int(os.environ["SCN_CKAN_PORT"])
        self.log_dir = self.var / "log"

    def services(self, command: str, *names: str, timeout: float = 240) -> subprocess.CompletedProcess[str]:
        result = subprocess.run([str(SERVICES), command, *names], capture_output=True, text=True,
                                timeout=timeout, env=os.environ.copy())
        assert result.returncode == 0, f"services.sh {command} {names}: {result.stdout}{result.stderr}"
        return result

    def stop(self, *names: str) -> None:
        self.services("stop", *names)

    def start(self, *names: str) -> None:
        self.services("start", *names)

    def engine(self) -> sa.engine.Engine:
        """A fresh engine on the test database, independent of CKAN's session and pool."""
        import ckan.plugins.toolkit as tk

        return sa.create_engine(tk.config["sqlalchemy.url"], pool_pre_ping=True)

    def sql(self, query: str, **params: Any) -> list[sa.Row]:
        engine = self.engine()
        try:
            with engine.connect() as connection:
                return list(connection.execute(sa.text(query), params))
        finally:
            engine.dispose()

    def solr_package_names(self) -> list[str]:
        """Names of the datasets (not harvest sources) this site has in Solr."""
        import ckan.plugins.toolkit as tk

        response = requests.get(f"{tk.config['solr_url']}/select", timeout=30, params={
            "q": "*:*", "fq": [f'+site_id:"{tk.config["ckan.site_id"]}"', "+entity_type:package",
                               "-dataset_type:harvest"],
            "fl": "name", "rows": 100000, "wt": "json"})
        response.raise_for_status()
        return [doc["name"] for doc in response.json()["response"]["docs"]]


@pytest.fixture(scope="session")
def stack() -> Iterator[Stack]:
    for key, main_port in MAIN_PORTS.items():
        if not os.environ.get("SCN_VAR") or os.environ.get(key, main_port) == main_port:
            pytest.exit(f"tests/resilience needs its own stack (SCN_VAR and {key} other than {main_port}): "
                        "run make test-resilience", returncode=2)
    yield Stack()


@pytest.fixture
def services_back(stack: Stack) -> Iterator[Stack]:
    """Whatever a test stopped is running again afterwards, also when it failed midway."""
    yield stack
    stack.start("postgres", "redis", "solr")


@pytest.fixture
def sysadmin_token(as_sysadmin: dict[str, Any]) -> str:
    from ckan.tests.helpers import call_action

    return call_action("api_token_create", context=dict(as_sysadmin), user=as_sysadmin["user"],
                       name="resilience")["token"]


def wait_until(condition, seconds: float, interval: float = 0.5, what: str = "condition") -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {seconds} s waiting for {what}")
        time.sleep(interval)


@contextlib.contextmanager
def serving(stack: Stack, workers: int = 3) -> Iterator[str]:
    """CKAN under gunicorn on the stack's ini and port, as production serves it; yields the base URL."""
    log = stack.log_dir / "resilience-gunicorn.log"
    command = [str(ROOT / ".venv" / "bin" / "gunicorn"), "--chdir", str(ROOT / "config"),
               "--bind", f"127.0.0.1:{stack.ckan_port}", "--workers", str(workers), "--timeout", "60",
               "--error-logfile", str(log), "--capture-output", "wsgi:application"]
    with served(command, stack.ini, stack.ckan_port, log) as base:
        yield base