"""Faults: Solr, PostgreSQL and Redis stopped while the portal works. Each ends with a clear
failure, nothing half-written, and a rerun after the service returns that converges with no
duplicates and nothing lost. The services are the real ones of the resilience stack."""
from __future__ import annotations

import json
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import requests

from ckan.tests.helpers import call_action

from tests.resilience import catalog
from tests.resilience.conftest import ROOT, Stack, serving, wait_until
from tests.schema import factories

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

CKAN = str(ROOT / ".venv" / "bin" / "ckan")
CATALOG_SIZE = 100
REQUEST_TIMEOUT = 30.0


@pytest.fixture
def org(as_sysadmin: dict[str, Any]) -> dict[str, Any]:
    return call_action("organization_create", context=dict(as_sysadmin), **factories.OSLO_KOMMUNE)


@pytest.fixture
def paged_source(site, org, as_sysadmin) -> dict[str, Any]:
    """A dcat_ap_no source on a hydra-paged catalog of CATALOG_SIZE datasets."""
    for path, turtle in catalog.pages(site.base, "/katalog", CATALOG_SIZE, page_size=50).items():
        site.add(path, turtle)
    return call_action("harvest_source_create", context=dict(as_sysadmin), name="testkatalog",
                       title="Testkatalog", url=f"{site.base}/katalog?page=1", source_type="dcat_ap_no",
                       owner_org=org["id"])


def harvest_run(stack: Stack, source: str, log: Path) -> subprocess.Popen:
    """`ckan scn harvest run SOURCE` in its own process, as an operator or the scheduler runs it."""
    return subprocess.Popen([CKAN, "-c", str(stack.ini), "scn", "harvest", "run", source],
                            stdout=log.open("w"), stderr=subprocess.STDOUT)


def harvested_count(stack: Stack, source_id: str) -> int:
    return stack.sql("SELECT count(*) FROM harvest_object WHERE harvest_source_id = :s AND current",
                     s=source_id)[0][0]


def assert_no_half_written_datasets(stack: Stack, source_id: str) -> list[str]:
    """Every active dataset of the source is whole: its two resources, its extras, one current
    harvest object pointing at it; every current harvest object points at an active dataset.
    Returns the datasets' names."""
    rows = stack.sql("""
        SELECT p.name,
               (SELECT count(*) FROM resource r WHERE r.package_id = p.id AND r.state = 'active') AS resources,
               (SELECT count(*) FROM package_extra e WHERE e.package_id = p.id AND e.state = 'active') AS extras,
               (SELECT count(*) FROM harvest_object o WHERE o.package_id = p.id AND o.current) AS current
        FROM package p
        WHERE p.type = 'dataset' AND p.state = 'active' AND p.id IN
              (SELECT package_id FROM harvest_object WHERE harvest_source_id = :s)""", s=source_id)
    broken = [row for row in rows if row.resources != 2 or row.extras == 0 or row.current != 1]
    assert not broken, f"half-written datasets (name, resources, extras, current objects): {broken[:5]}"
    orphans = stack.sql("""
        SELECT o.guid FROM harvest_object o LEFT JOIN package p ON p.id = o.package_id
        WHERE o.harvest_source_id = :s AND o.current AND (p.id IS NULL OR p.state <> 'active')""", s=source_id)
    assert not orphans, f"current harvest objects without an active dataset: {orphans[:5]}"
    return [row.name for row in rows]


def assert_converged(stack: Stack, source_id: str, expected: int) -> None:
    """Exactly the catalog: one dataset per guid, no duplicate names, Solr agrees with PostgreSQL."""
    names = assert_no_half_written_datasets(stack, source_id)
    guids = stack.sql("SELECT guid, count(*) FROM harvest_object WHERE harvest_source_id = :s AND current "
                      "GROUP BY guid", s=source_id)
    assert len(names) == expected == len(guids)
    assert all(row[1] == 1 for row in guids), "a guid with two current harvest objects"
    assert len(set(names)) == len(names)
    solr = stack.solr_package_names()
    assert len(solr) == len(set(solr)), "a dataset indexed twice"
    assert sorted(solr) == sorted(names), "Solr and PostgreSQL disagree"


def test_solr_stopped_during_a_harvest_job(stack, services_back, paged_source, tmp_path):
    source_id = paged_source["id"]
    run = harvest_run(stack, paged_source["name"], tmp_path / "harvest-1.log")
    # Stop Solr once the job is well into its imports.
    wait_until(lambda: run.poll() is not None or harvested_count(stack, source_id) >= CATALOG_SIZE // 5,
               seconds=300, what="a fifth of the catalog imported")
    stack.stop("solr")
    stopped_at = harvested_count(stack, source_id)
    try:
        run.wait(timeout=300)
    except subprocess.TimeoutExpired:
        run.kill()
        pytest.fail("the harvest job hung after Solr stopped")
    output = (tmp_path / "harvest-1.log").read_text()

    # A clear failure: the job exits non-zero, its objects record the errors, nothing half-written.
    assert run.returncode != 0, output
    assert 0 < stopped_at < CATALOG_SIZE, "Solr was not stopped midway"
    errors = stack.sql("SELECT e.message FROM harvest_object_error e JOIN harvest_object o ON o.id = e.harvest_object_id "
                       "WHERE o.harvest_source_id = :s", s=source_id)
    assert errors, output
    assert any("solr" in e.message.lower() or "index" in e.message.lower() for e in errors), errors[:3]
    partial = assert_no_half_written_datasets(stack, source_id)
    assert len(partial) < CATALOG_SIZE

    # Solr back: rerunning the job converges on the whole catalog.
    stack.start("solr")
    rerun = harvest_run(stack, paged_source["name"], tmp_path / "harvest-2.log")
    assert rerun.wait(timeout=600) == 0, (tmp_path / "harvest-2.log").read_text()[-3000:]
    assert_converged(stack, source_id, CATALOG_SIZE)


class Traffic:
    """Concurrent API clients; every request is recorded with when it started and how it ended."""

    def __init__(self, base: str, token: str, org_id: str, show_names: list[str]) -> None:
        self.base, self.token, self.org_id, self.show_names = base, token, org_id, show_names
        self.lock = threading.Lock()
        self.records: list[dict[str, Any]] = []
        self.creates: dict[str, str] = {}  # name -> "ok" | "failed"
        self.stop = threading.Event()

    def record(self, kind: str, began: float, status: int | None, body: str, elapsed: float) -> None:
        with self.lock:
            self.records.append({"kind": kind, "began": began, "status": status, "body": body[:2000],
                                 "elapsed": elapsed})

    def reader(self, index: int) -> None:
        session = requests.Session()
        n = index
        while not self.stop.is_set():
            n += 1
            if n % 2:
                kind, url = "search", f"{self.base}/api/3/action/package_search?q=Oslo&rows=5"
            else:
                kind, url = "show", f"{self.base}/api/3/action/package_show?id={self.show_names[n % len(self.show_names)]}"
            self.get(session, kind, url)

    def get(self, session: requests.Session, kind: str, url: str) -> None:
        began = time.monotonic()
        try:
            response = session.get(url, timeout=REQUEST_TIMEOUT)
            self.record(kind, began, response.status_code, response.text, time.monotonic() - began)
        except requests.RequestException as error:
            self.record(kind, began, None, repr(error), time.monotonic() - began)

    def writer(self, index: int) -> None:
        session = requests.Session()
        n = 0
        while not self.stop.is_set():
            n += 1
            name = f"belastning-{index}-{n}"
            payload = factories.dataset(name=name, owner_org=self.org_id)
            began = time.monotonic()
            try:
                response = session.post(f"{self.base}/api/3/action/package_create", json=payload,
                                        headers={"Authorization": self.token}, timeout=REQUEST_TIMEOUT)
                ok = response.status_code == 200 and response.json().get("success") is True
                self.record("create", began, response.status_code, response.text, time.monotonic() - began)
            except (requests.RequestException, ValueError) as error:
                ok = False
                self.record("create", began, None, repr(error), time.monotonic() - began)
            with self.lock:
                self.creates[name] = "ok" if ok else "failed"

    def run(self, readers: int, writers: int) -> list[threading.Thread]:
        threads = [threading.Thread(target=self.reader, args=(i,), daemon=True) for i in range(readers)]
        threads += [threading.Thread(target=self.writer, args=(i,), daemon=True) for i in range(writers)]
        for thread in threads:
            thread.start()
        return threads


def test_postgresql_restarted_during_api_traffic(stack, services_back, org, as_sysadmin, sysadmin_token):
    show_names = [call_action("package_create", context=dict(as_sysadmin),
                              **factories.dataset(name=f"oslo-{n}", owner_org=org["id"]))["name"] for n in range(6)]
    with serving(stack) as base:
        traffic = Traffic(base, sysadmin_token, org["id"], show_names)
        threads = traffic.run(readers=6, writers=2)
        time.sleep(8)
        outage_began = time.monotonic()
        stack.stop("postgres")
        time.sleep(6)
        stack.start("postgres")
        back = time.monotonic()
        time.sleep(20)
        traffic.stop.set()
        for thread in threads:
            thread.join(REQUEST_TIMEOUT + 5)
            assert not thread.is_alive(), "a client hung"

    records = traffic.records
    during = [r for r in records if outage_began <= r["began"] < back]
    failed = [r for r in records if r["status"] != 200]
    # The outage was seen, and answered cleanly: CKAN's error page or JSON error, no traceback,
    # no dropped connection, nothing beyond the client's timeout.
    assert during and failed, "no request met the outage"
    assert all(r["status"] in (500, 503) for r in failed), {(r["kind"], r["status"], r["body"][:200]) for r in failed}
    assert not [r for r in records if "Traceback" in r["body"] or "sqlalchemy" in r["body"].lower()
                or "psycopg2" in r["body"]], "a response leaks the error"
    assert max(r["elapsed"] for r in records) < REQUEST_TIMEOUT
    # CKAN recovers by itself: everything started 5 s after PostgreSQL is back succeeds.
    settled = [r for r in records if r["began"] >= back + 5]
    assert settled and all(r["status"] == 200 for r in settled), {(r["kind"], r["status"]) for r in settled if r["status"] != 200}
    assert {r["kind"] for r in settled} == {"search", "show", "create"}

    # Every create that reported success exists exactly once and whole; one that reported failure
    # either does not exist or exists whole (the commit won before the connection broke).
    rows = {row.name: row for row in stack.sql("""
        SELECT p.name, p.state, (SELECT count(*) FROM resource r WHERE r.package_id = p.id AND r.state = 'active') AS resources
        FROM package p WHERE p.name LIKE 'belastning-%'""")}
    succeeded = [name for name, outcome in traffic.creates.items() if outcome == "ok"]
    assert succeeded and all(name in rows for name in succeeded), "a reported create is missing"
    assert all(row.state == "active" and row.resources == 1 for row in rows.values()), "a half-written dataset"
    assert set(rows) <= set(traffic.creates), "a dataset nobody created"
    solr = set(stack.solr_package_names())
    assert {name for name in solr if name.startswith("belastning-")} == set(rows), "Solr and PostgreSQL disagree"


QUEUED_CATALOG_SIZE = 30


def consumers(stack: Stack, log_dir: Path) -> list[subprocess.Popen]:
    """ckanext-harvest's real gather and fetch consumers, as services.sh runs them."""
    return [subprocess.Popen([CKAN, "-c", str(stack.ini), "harvester", name],
                             stdout=(log_dir / f"{name}.log").open("a"), stderr=subprocess.STDOUT)
            for name in ("gather-consumer", "fetch-consumer")]


def finish_jobs(stack: Stack, source_id: str, job_id: str) -> str:
    """Run `ckan harvester run` (what the scheduler runs) until the job is finished."""
    def finished() -> bool:
        subprocess.run([CKAN, "-c", str(stack.ini), "harvester", "run"], capture_output=True, timeout=120)
        return stack.sql("SELECT status FROM harvest_job WHERE id = :j", j=job_id)[0][0] == "Finished"
    wait_until(finished, 300, interval=2, what=f"job {job_id} finished")
    return job_id


def api(base: str, token: str, action: str, **data: Any) -> requests.Response:
    return requests.post(f"{base}/api/3/action/{action}", json=data, headers={"Authorization": token}, timeout=60)


def test_redis_stopped_while_a_job_is_queued(stack, services_back, site, org, as_sysadmin, sysadmin_token, tmp_path):
    for path, turtle in catalog.pages(site.base, "/liten", QUEUED_CATALOG_SIZE, page_size=10).items():
        site.add(path, turtle)
    source = call_action("harvest_source_create", context=dict(as_sysadmin), name="liten", title="Liten",
                         url=f"{site.base}/liten?page=1", source_type="dcat_ap_no", owner_org=org["id"])
    workers: list[subprocess.Popen] = []
    try:
        with serving(stack) as base:
            # Redis down when a job is asked for: a clear error, and no job left 'Running' with
            # nothing queued (it would block the source until the harvest timeout).
            stack.stop("redis")
            refused = api(base, sysadmin_token, "harvest_job_create", source_id=source["id"])
            assert refused.status_code == 409, refused.text[:500]
            assert refused.json()["error"]["queue"] == ["Høstingskøen er utilgjengelig, så jobben ble ikke startet. Prøv igjen senere."]
            assert "Traceback" not in refused.text
            jobs = stack.sql("SELECT status FROM harvest_job WHERE source_id = :s", s=source["id"])
            assert [row.status for row in jobs] == ["Finished"]
            assert stack.sql("SELECT count(*) FROM harvest_gather_error e JOIN harvest_job j ON j.id = e.harvest_job_id "
                             "WHERE j.source_id = :s AND e.message LIKE 'Not started: the harvest queue%'",
                             s=source["id"])[0][0] == 1
            stack.start("redis")

            # Redis back: the job is queued (no consumer runs yet), then Redis stops and starts
            # again. The queued job survives (Redis saves on shutdown) and is harvested.
            queued = api(base, sysadmin_token, "harvest_job_create", source_id=source["id"])
            assert queued.status_code == 200, queued.text[:500]
            job_id = queued.json()["result"]["id"]
        stack.stop("redis")
        stack.start("redis")
        workers = consumers(stack, tmp_path)
        finish_jobs(stack, source["id"], job_id)
        assert_converged(stack, source["id"], QUEUED_CATALOG_SIZE)

        # A rerun through the queue changes nothing: no duplicates, nothing lost.
        with serving(stack) as base:
            again = api(base, sysadmin_token, "harvest_job_create", source_id=source["id"])
            assert again.status_code == 200, again.text[:500]
        finish_jobs(stack, source["id"], again.json()["result"]["id"])
        assert_converged(stack, source["id"], QUEUED_CATALOG_SIZE)
    finally:
        for worker in workers:
            worker.terminate()
            try:
                worker.wait(20)
            except subprocess.TimeoutExpired:
                worker.kill()


def test_a_commit_that_fails_after_indexing_leaves_nothing_in_solr(stack, org, as_sysadmin):
    """The race the restart above can hit: CKAN has indexed the new dataset (before the commit)
    when PostgreSQL drops the connection, so the COMMIT fails. Here PostgreSQL terminates the
    session's backend at exactly that moment (pg_terminate_backend, a real disconnect)."""
    import sqlalchemy as sa
    from sqlalchemy import event

    from ckan import model
    from ckan.model import meta

    killer = stack.engine()

    def disconnect(session: Any) -> None:  # registered after CKAN's indexing and index_guard's hook
        pid = session.connection().execute(sa.text("SELECT pg_backend_pid()")).scalar()
        with killer.connect() as connection:
            connection.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})

    event.listen(meta.Session, "before_commit", disconnect)
    try:
        with pytest.raises(sa.exc.OperationalError):
            call_action("package_create", context=dict(as_sysadmin),
                        **factories.dataset(name="forsvunnet", owner_org=org["id"]))
    finally:
        event.remove(meta.Session, "before_commit", disconnect)
        model.Session.remove()
        killer.dispose()

    assert not stack.sql("SELECT 1 FROM package WHERE name = 'forsvunnet'")
    assert "forsvunnet" not in stack.solr_package_names()
