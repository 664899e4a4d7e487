"""Harvest benchmark: SCN's ``dcat_ap_no`` against stock ckanext-dcat (``dcat_rdf``, profile
``euro_dcat_ap_3``), same generated catalog (bench/catalog.py), same stack, alternating runs.

Run as production runs a harvest: real ``ckan harvester gather-consumer`` and ``fetch-consumer``
processes; the job is created with ``harvest_job_create`` (which queues it, as the web UI's
"Reharvest" does) and marked finished by ``ckan harvester run``. Measured per configuration:

- first harvest into an empty database: datasets per second, from the job's ``gather_started``
  to the last object's ``import_finished`` (both written by ckanext-harvest);
- re-harvest of the unchanged catalog: the same span;
- peak memory: VmHWM of the gather and fetch consumer processes (fresh processes per harvest).

Each configuration has its own database (ckan_hbench_scn / ckan_hbench_stock, copied from a
migrated template before every first harvest), ``ckan.site_id`` (its Solr documents, in the
shared bench cores, are deleted between runs and at the end) and Redis db (7 / 8).

``.venv/bin/python -m bench.harvest``; BENCH_HARVEST_SIZES (default "1000,10000"),
BENCH_HARVEST_ROUNDS (default 2), BENCH_HARVEST_STOCK_MAX (largest size stock also runs,
default 1000: stock at 10k does not fit the 20-minute budget).
"""
from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urlsplit

import psycopg2
import requests

from bench import catalog
from bench.catalog_server import serving
from bench.common import BENCH_VAR, INI, ROOT, VAR, VENV_BIN, Part

CONFIGS = ("scn", "stock")
SITE_ID = {"scn": "scn-hbench", "stock": "stock-hbench"}
REDIS_DB = {"scn": 7, "stock": 8}
SOURCE_TYPE = {"scn": "dcat_ap_no", "stock": "dcat_rdf"}
SOURCE_CONFIG = {"scn": {"create_organizations": True}, "stock": {}}
PG_SOCKET = VAR / "postgres" / "run"
LOGS = BENCH_VAR / "harvest-logs"
HARVEST_TIMEOUT_S = 40 * 60


def database(config: str) -> str:
    return f"ckan_hbench_{config}"


def ini_path(config: str, template: bool = False) -> Path:
    return BENCH_VAR / f"hbench-{config}{'-template' if template else ''}.ini"


def derive_ini(config: str, template: bool = False) -> Path:
    """The bench ini of CONFIG with this part's database, site id and Redis db."""
    text = INI[config].read_text()
    db = database(config) + ("_template" if template else "")
    text = re.sub(r"^(sqlalchemy\.url = .*/)[^/\s]+$", rf"\g<1>{db}", text, flags=re.M)
    text = re.sub(r"^ckan\.site_id = .*$", f"ckan.site_id = {SITE_ID[config]}", text, flags=re.M)
    text = re.sub(r"^(ckan\.redis\.url = .*/)\d+$", rf"\g<1>{REDIS_DB[config]}", text, flags=re.M)
    path = ini_path(config, template)
    path.write_text(text)
    return path


def ini_value(path: Path, key: str) -> str:
    match = re.search(rf"^{re.escape(key)} = (.*)$", path.read_text(), flags=re.M)
    if not match:
        raise KeyError(f"{key} not in {path}")
    return match.group(1).strip()


# ---- databases, index, queues ---------------------------------------------------------------

def psql_admin(sql: str) -> str:
    return subprocess.run(
        ["runuser", "-u", "postgres", "--", "psql", "-v", "ON_ERROR_STOP=1", "-qAt", "-h", str(PG_SOCKET),
         "-d", "postgres", "-c", sql], check=True, capture_output=True, text=True).stdout.strip()


def ckan(config_ini: Path, *args: str, log: str | None = None) -> None:
    target = open(LOGS / log, "a") if log else subprocess.DEVNULL
    try:
        subprocess.run([str(VENV_BIN / "ckan"), "-c", str(config_ini), *args], check=True,
                       stdout=target, stderr=subprocess.STDOUT, cwd=ROOT)
    finally:
        if log:
            target.close()


def ensure_template(config: str) -> None:
    """A migrated, empty database to copy for every first harvest (core and plugin migrations)."""
    template = database(config) + "_template"
    if not psql_admin(f"SELECT 1 FROM pg_database WHERE datname = '{template}'"):
        psql_admin(f"CREATE DATABASE {template} OWNER ckan ENCODING 'UTF8' TEMPLATE template0")
    ckan(derive_ini(config, template=True), "db", "upgrade", log=f"{config}-db-upgrade.log")


def reset(config: str, ini: Path) -> None:
    """Empty database (from the template), no Solr documents of this site, empty queues."""
    db = database(config)
    psql_admin(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
    psql_admin(f"CREATE DATABASE {db} OWNER ckan TEMPLATE {db}_template")
    clear_index(ini)
    import redis

    redis.Redis.from_url(ini_value(ini, "ckan.redis.url")).flushdb()


def clear_index(ini: Path) -> None:
    site_id = ini_value(ini, "ckan.site_id")
    response = requests.post(f"{ini_value(ini, 'solr_url')}/update?commit=true",
                             json={"delete": {"query": f'site_id:"{site_id}"'}}, timeout=120)
    response.raise_for_status()


@contextlib.contextmanager
def connect(ini: Path) -> Iterator[Any]:
    url = urlsplit(ini_value(ini, "sqlalchemy.url"))
    connection = psycopg2.connect(host=url.hostname, port=url.port or 5432, user=url.username,
                                  password=url.password, dbname=url.path.lstrip("/"))
    connection.autocommit = True
    try:
        yield connection
    finally:
        connection.close()


# ---- processes --------------------------------------------------------------------------------

def peak_rss_mb(pid: int) -> float:
    """VmHWM: the process's resident-set high-water mark."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    raise RuntimeError(f"no VmHWM for {pid}")


def _cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


@contextlib.contextmanager
def consumers(config: str, ini: Path, label: str) -> Iterator[dict[str, subprocess.Popen]]:
    """Fresh gather and fetch consumers, started and idle before the job is queued."""
    processes = {}
    for kind in ("gather", "fetch"):
        log = open(LOGS / f"{config}-{label}-{kind}.log", "w")
        processes[kind] = subprocess.Popen([str(VENV_BIN / "ckan"), "-c", str(ini), "harvester", f"{kind}-consumer"],
                                           stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
        log.close()
    try:
        # Started means loaded: CPU use stops growing once CKAN's environment is up.
        deadline = time.monotonic() + 120
        last = None
        while time.monotonic() < deadline:
            time.sleep(1.0)
            for kind, process in processes.items():
                if process.poll() is not None:
                    raise RuntimeError(f"{kind} consumer exited; see {LOGS}")
            ticks = tuple(_cpu_ticks(p.pid) for p in processes.values())
            if ticks == last:
                break
            last = ticks
        yield processes
    finally:
        for process in processes.values():
            process.send_signal(signal.SIGTERM)
        for process in processes.values():
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def in_ckan(ini: Path, command: str, **args: Any) -> dict[str, Any]:
    """Run one of this module's in-CKAN steps (setup, job) in a process with INI loaded."""
    result = subprocess.run([str(VENV_BIN / "python"), "-m", "bench.harvest", "--in-ckan", str(ini), command,
                             json.dumps(args)], capture_output=True, text=True, cwd=ROOT)
    if result.returncode:
        raise RuntimeError(f"in-CKAN step {command} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def wait_for_job(ini: Path, job_id: str) -> dict[str, Any]:
    """Poll until the gather is done and every object is imported or failed; the span and counts."""
    deadline = time.monotonic() + HARVEST_TIMEOUT_S
    with connect(ini) as connection, connection.cursor() as cursor:
        while True:
            cursor.execute(
                "SELECT j.gather_started, j.gather_finished, count(o.id),"
                " count(o.id) FILTER (WHERE o.state IN ('COMPLETE', 'ERROR')), max(o.import_finished),"
                " count(o.id) FILTER (WHERE o.report_status = 'added'),"
                " count(o.id) FILTER (WHERE o.report_status = 'updated'),"
                " count(o.id) FILTER (WHERE o.report_status = 'not modified'),"
                " count(o.id) FILTER (WHERE o.state = 'ERROR'),"
                " (SELECT count(*) FROM harvest_gather_error e WHERE e.harvest_job_id = j.id)"
                " FROM harvest_job j LEFT JOIN harvest_object o ON o.harvest_job_id = j.id"
                " WHERE j.id = %s GROUP BY j.id", (job_id,))
            (started, gathered, total, done, last_import, added, updated, unchanged, errors,
             gather_errors) = cursor.fetchone()
            if gathered is not None and done == total:
                # Unchanged records are settled during the gather, so the job ends at the later of the two.
                end = max(last_import or gathered, gathered)
                return {"objects": total, "added": added, "updated": updated, "unchanged": unchanged,
                        "errors": errors, "gather_errors": gather_errors,
                        "seconds": round((end - started).total_seconds(), 2),
                        "gather_seconds": round((gathered - started).total_seconds(), 2)}
            if time.monotonic() > deadline:
                raise TimeoutError(f"job {job_id} not done after {HARVEST_TIMEOUT_S} s ({done}/{total})")
            time.sleep(1.0)


def harvest(config: str, ini: Path, url: str, label: str) -> dict[str, Any]:
    """One job, run by fresh consumers; its span, counts and the consumers' peak memory."""
    with consumers(config, ini, label) as processes:
        job = in_ckan(ini, "job", url=url, source_type=SOURCE_TYPE[config], source_config=SOURCE_CONFIG[config])
        result = wait_for_job(ini, job["job_id"])
        result["peak_rss_mb"] = {kind: peak_rss_mb(p.pid) for kind, p in processes.items()}
    ckan(ini, "harvester", "run", log=f"{config}-harvester-run.log")  # marks the job finished
    return result


# ---- in CKAN: setup and job creation -----------------------------------------------------------

def _in_ckan_main(ini: str, command: str, args: dict[str, Any]) -> None:
    from ckan.cli import load_config
    from ckan.config.middleware import make_app
    import ckan.plugins.toolkit as tk

    app = make_app(load_config(ini))
    with app._wsgi_app.test_request_context():
        site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
        context = lambda: {"user": site_user["name"], "ignore_auth": True}  # noqa: E731 - fresh each call
        if command not in ("job", "profile"):
            raise SystemExit(f"unknown step {command}")
        try:
            source = tk.get_action("harvest_source_show")(context(), {"id": "bench-catalog"})
        except tk.ObjectNotFound:
            org = {"name": "bench-harvest", "title": "Benchmark"}
            if "scn" in tk.config["ckan.plugins"]:
                org.update(orgnr="958935420", org_type="municipality", municipality_code="0301")
            org = tk.get_action("organization_create")(context(), org)
            source = tk.get_action("harvest_source_create")(context(), {
                "name": "bench-catalog", "title": "Benchmark catalog", "url": args["url"],
                "source_type": args["source_type"], "owner_org": org["id"],
                "config": json.dumps(args["source_config"]) if args["source_config"] else ""})
        if source["url"] != args["url"]:
            source = tk.get_action("harvest_source_patch")(context(), {"id": source["id"], "url": args["url"]})
        if command == "profile":
            _profile(source["id"], args["output"])
            return
        job = tk.get_action("harvest_job_create")(context(), {"source_id": source["id"], "run": True})
        print(json.dumps({"source_id": source["id"], "job_id": job["id"]}))


def _profile(source_id: str, output: str) -> None:
    """The same stages in this process (ckanext.scn.harvesters.run.run_job) under cProfile,
    wall-clock, so waits on Solr and PostgreSQL show; the top of the cumulative listing to OUTPUT."""
    import cProfile
    import io
    import pstats

    from ckanext.scn.harvesters.run import run_job

    profiler = cProfile.Profile()
    started = time.perf_counter()
    summary = profiler.runcall(run_job, source_id)
    elapsed = time.perf_counter() - started
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    stats.sort_stats("cumulative").print_stats(60)
    stats.sort_stats("tottime").print_stats(30)
    counts = {k: summary[k] for k in ("added", "updated", "unchanged", "errors")}
    Path(output).write_text(f"run_job: {elapsed:.1f} s, {counts}\n\n{text.getvalue()}")
    print(json.dumps({"seconds": round(elapsed, 2), **counts}))


# ---- the part -------------------------------------------------------------------------------

def _spread(values: list[float]) -> dict[str, Any]:
    return {"values": values, "min": min(values), "max": max(values),
            "stdev": round(statistics.pstdev(values), 3) if len(values) > 1 else 0.0}


def _label(size: int) -> str:
    return f"{size // 1000}k" if size % 1000 == 0 else str(size)


def main() -> None:
    sizes = [int(s) for s in os.environ.get("BENCH_HARVEST_SIZES", "1000,10000").split(",") if s.strip()]
    rounds = int(os.environ.get("BENCH_HARVEST_ROUNDS", "2"))
    stock_max = int(os.environ.get("BENCH_HARVEST_STOCK_MAX", "1000"))
    part = Part("harvest")
    LOGS.mkdir(parents=True, exist_ok=True)
    inis = {config: derive_ini(config) for config in CONFIGS}
    for config in CONFIGS:
        ensure_template(config)
    part.note(f"Catalog: bench/catalog.py, seed {catalog.SEED}, {catalog.PER_PAGE} datasets per hydra page, "
              f"served over local HTTP. Sizes {sizes}, {rounds} rounds, configurations alternating; "
              f"stock runs sizes up to {stock_max}, SCN all.")
    part.note("Each harvest runs in fresh `ckan harvester gather-consumer` and `fetch-consumer` processes "
              "(one of each, as a small production deployment); the job is queued by harvest_job_create and "
              "marked finished by `ckan harvester run`. Time = job gather_started to the last object's "
              "import_finished (ckanext-harvest's own timestamps); memory = VmHWM of each consumer.")
    part.note("Optimisations in the SCN harvester, found with `python -m bench.harvest --profile 100 LABEL` "
              "(cProfile, wall clock; bench/profiles/harvest-scn-*.txt; bench/ANALYSIS.md): organization by "
              "orgnr in one SQL query instead of the organization list with all fields per record; unchanged "
              "records settled in the gather in one transaction instead of being queued; Solr commits once per "
              "batch instead of once per index write (harvesters/indexing.py, made safe by index_guard and a "
              "reconcile of Solr against PostgreSQL before each job); pages byte for byte what the last job "
              "imported in full are not parsed again (harvesters/unchanged_pages.py).")
    runs: dict[str, dict[int, list[dict[str, Any]]]] = {c: {} for c in CONFIGS}
    part.raw["runs"] = runs
    try:
        for size in sizes:
            directory = catalog.ensure(size)
            with serving(directory) as url:
                for round_ in range(rounds):
                    order = CONFIGS if round_ % 2 == 0 else tuple(reversed(CONFIGS))
                    for config in order:
                        if config == "stock" and size > stock_max:
                            continue
                        if config == "scn" and size > stock_max and round_ > 0:
                            continue  # SCN alone at this size: once is enough for the time target
                        ini = inis[config]
                        reset(config, ini)
                        first = harvest(config, ini, url, f"{size}-r{round_}-first")
                        again = harvest(config, ini, url, f"{size}-r{round_}-again")
                        run = {"round": round_, "first": first, "again": again,
                               "at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}
                        runs[config].setdefault(size, []).append(run)
                        print(config, size, json.dumps(run), flush=True)
                        part.write()
            _figures(part, size, runs)
    finally:
        for config in CONFIGS:
            with contextlib.suppress(Exception):
                clear_index(inis[config])
        part.write()


def _figures(part: Part, size: int, runs: dict[str, dict[int, list[dict[str, Any]]]]) -> None:
    label = _label(size)

    def values(config: str, key: str, stage: str = "first") -> list[float]:
        out = []
        for run in runs[config].get(size, []):
            result = run[stage]
            if key == "rate":
                out.append(round(result["objects"] / result["seconds"], 2) if result["seconds"] else 0.0)
            elif key == "speedup":
                out.append(round(run["first"]["seconds"] / max(run["again"]["seconds"], 0.01), 1))
            elif key == "memory":
                out.append(max(max(run[s]["peak_rss_mb"].values()) for s in ("first", "again")))
            else:
                out.append(result[key])
        return out

    scn_rate, stock_rate = values("scn", "rate"), values("stock", "rate")
    median = lambda v: round(statistics.median(v), 2) if v else None  # noqa: E731
    if scn_rate:
        ratio = median(scn_rate) / median(stock_rate) if stock_rate else None
        part.add(id=f"harvest.first.rate.{label}", label=f"First harvest, {label} datasets", unit="datasets/s",
                 scn=median(scn_rate), stock=median(stock_rate), higher_is_better=True,
                 target=">= 2x stock" if stock_rate else None,
                 met=(ratio >= 2) if ratio is not None else None,
                 spread={"scn": _spread(scn_rate), **({"stock": _spread(stock_rate)} if stock_rate else {})})
        scn_minutes = [round(s / 60, 2) for s in values("scn", "seconds")]
        stock_minutes = [round(s / 60, 2) for s in values("stock", "seconds")]
        part.add(id=f"harvest.first.duration.{label}", label=f"First harvest, {label} datasets", unit="min",
                 scn=median(scn_minutes), stock=median(stock_minutes),
                 target="< 15 min" if size >= 10000 else None,
                 met=(median(scn_minutes) < 15) if size >= 10000 else None,
                 spread={"scn": _spread(scn_minutes), **({"stock": _spread(stock_minutes)} if stock_minutes else {})})
        scn_again, stock_again = values("scn", "seconds", "again"), values("stock", "seconds", "again")
        part.add(id=f"harvest.reharvest.duration.{label}", label=f"Re-harvest of the unchanged catalog, {label}",
                 unit="s", scn=median(scn_again), stock=median(stock_again),
                 spread={"scn": _spread(scn_again), **({"stock": _spread(stock_again)} if stock_again else {})})
        scn_speedup, stock_speedup = values("scn", "speedup"), values("stock", "speedup")
        part.add(id=f"harvest.reharvest.speedup.{label}", label=f"Re-harvest speed-up over the first, {label}",
                 unit="x", scn=median(scn_speedup), stock=median(stock_speedup), higher_is_better=True,
                 target=">= 20x", met=median(scn_speedup) >= 20,
                 spread={"scn": _spread(scn_speedup), **({"stock": _spread(stock_speedup)} if stock_speedup else {})})
        scn_memory, stock_memory = values("scn", "memory"), values("stock", "memory")
        part.add(id=f"harvest.memory.peak.{label}", label=f"Peak RSS of a harvest consumer, {label}", unit="MB",
                 scn=max(scn_memory), stock=max(stock_memory) if stock_memory else None,
                 target="< 1024 MB", met=max(scn_memory) < 1024,
                 spread={"scn": _spread(scn_memory), **({"stock": _spread(stock_memory)} if stock_memory else {})})


def profile(size: int, label: str) -> None:
    """``python -m bench.harvest --profile SIZE LABEL``: an SCN first harvest and re-harvest in
    one process under cProfile, to bench/profiles/harvest-scn-{first,again}-SIZE-LABEL.txt."""
    LOGS.mkdir(parents=True, exist_ok=True)
    ini = derive_ini("scn")
    ensure_template("scn")
    reset("scn", ini)
    out = ROOT / "bench" / "profiles"
    out.mkdir(exist_ok=True)
    with serving(catalog.ensure(size)) as url:
        for stage in ("first", "again"):
            result = in_ckan(ini, "profile", url=url, source_type=SOURCE_TYPE["scn"],
                             source_config=SOURCE_CONFIG["scn"],
                             output=str(out / f"harvest-scn-{stage}-{size}-{label}.txt"))
            print(stage, result, flush=True)
    clear_index(ini)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--profile":
        profile(int(sys.argv[2]), sys.argv[3])
    elif len(sys.argv) > 1 and sys.argv[1] == "--in-ckan":
        _in_ckan_main(sys.argv[2], sys.argv[3], json.loads(sys.argv[4]))
    else:
        main()
