"""Faults: Solr, PostgreSQL and Redis stopped while the portal works. Each ends with a clear
failure, nothing half-written, and a rerun after the service returns that converges with no
duplicates and nothing lost. The services are the real ones of the resilience stack."""
from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from ckan.tests.helpers import call_action

from tests.resilience import catalog
from tests.resilience.conftest import ROOT, Stack, wait_until
from tests.schema import factories

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

CKAN = str(ROOT / ".venv" / "bin" / "ckan")
CATALOG_SIZE = 150


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
