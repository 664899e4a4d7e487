"""Load: 60 s at 32 concurrent clients against search, show and the catalog, served as production
serves it (gunicorn, several workers) with a few hundred datasets: no server error, no dropped
connection. The run is written to bench/results/<date>-load.json and summarised in bench/LOAD.md."""
from __future__ import annotations

import datetime as dt
import json
import os
import platform
from typing import Any

import pytest

from ckan.tests.helpers import call_action

from bench.load import run
from tests.resilience.conftest import ROOT, serving
from tests.schema import factories

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

DATASETS = 120
CLIENTS = 32
SECONDS = 60.0
WORKERS = int(os.environ.get("SCN_LOAD_WORKERS", "4"))
RESULTS = ROOT / "bench" / "results"


def load_datasets(as_sysadmin: dict[str, Any]) -> list[str]:
    org = call_action("organization_create", context=dict(as_sysadmin), **factories.OSLO_KOMMUNE)
    names = []
    for n in range(DATASETS):
        dataset = factories.dataset(name=f"last-{n:03d}", owner_org=org["id"],
                                    title_translated={"nb": f"Bysykkel {n}", "en": f"City bike {n}"})
        names.append(call_action("package_create", context=dict(as_sysadmin), **dataset)["name"])
    return names


def machine() -> dict[str, Any]:
    memory_kb = next((int(line.split()[1]) for line in open("/proc/meminfo") if line.startswith("MemTotal")), 0)
    return {"cpus": os.cpu_count(), "memory_gib": round(memory_kb / 1024 ** 2, 1), "python": platform.python_version(),
            "platform": platform.platform(), "load_average_before": os.getloadavg()}


def write_report(result: dict[str, Any]) -> None:
    today = dt.date.today().isoformat()
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{today}-load.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    latency = result["latency"]
    rows = "\n".join(f"| `{path}` | {v['requests']} | {v['server_errors']} | {v['latency']['p50']} | "
                     f"{v['latency']['p95']} | {v['latency']['p99']} |" for path, v in result["per_path"].items())
    m = result["machine"]
    (ROOT / "bench" / "LOAD.md").write_text(f"""# Load test

Written by `make test-resilience` (tests/resilience/test_load.py); the raw figures are in
[results/{today}-load.json](results/{today}-load.json).

{result['clients']} concurrent clients (bench/load.py, keep-alive sessions) for {result['seconds']} s against
CKAN served by gunicorn with {result['workers']} workers on the resilience stack (PostgreSQL 15, Solr 9,
Redis 7 on the same machine), {result['datasets']} datasets loaded. Machine: {m['cpus']} CPUs,
{m['memory_gib']} GiB, {m['platform']}, load average before the run {m['load_average_before']}.

**Result: {result['requests']} requests, {result['rps']} requests/s, {result['server_errors']} server errors (5xx),
{result['failures']} connection failures or timeouts.** Status counts: {result['status']}.

Latency over all requests (ms): p50 {latency['p50']}, p95 {latency['p95']}, p99 {latency['p99']},
max {latency['max']}.

| Path | Requests | 5xx | p50 ms | p95 ms | p99 ms |
|---|---|---|---|---|---|
{rows}

What it guarantees: under this load the portal answers every request, with no server error and no
dropped connection; the latencies are what 32 clients queueing for {result['workers']} workers on
{m['cpus']} cores see, not the single-request latency (see bench/ for the benchmarks).
""")


def test_32_clients_for_60_seconds_without_a_server_error(stack, as_sysadmin):
    names = load_datasets(as_sysadmin)
    paths = [
        "/api/3/action/package_search?q=bysykkel&rows=20",
        "/api/3/action/package_search?fq=organization:oslo-kommune&rows=10&start=40&sort=metadata_modified+desc",
        "/dataset/?q=Oslo",
        *(f"/api/3/action/package_show?id={name}" for name in names[:3]),
        *(f"/dataset/{name}" for name in names[3:5]),
        "/catalog.ttl",
    ]
    before = machine()
    with serving(stack, workers=WORKERS) as base:
        result = run(base, paths, clients=CLIENTS, seconds=SECONDS, warmup=5.0, timeout=30.0)
    result.update({"date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), "workers": WORKERS,
                   "datasets": len(names), "server": "gunicorn", "machine": before, "paths": paths})
    write_report(result)

    assert result["requests"] > 0
    assert result["server_errors"] == 0, result["status"]
    assert result["failures"] == 0
    assert set(result["status"]) == {"200"}, result["status"]
