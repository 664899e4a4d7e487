"""Merge var/bench/parts/*.json into bench/results/<date>-<name>.json and bench/REPORT.md.

    python -m bench.report [--name NAME]   (BENCH_NAME, default "local")
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

import requests

from bench.common import PARTS_DIR, ROOT

RESULTS = ROOT / "bench" / "results"
REPORT = ROOT / "bench" / "REPORT.md"
PROFILES = ROOT / "bench" / "profiles"


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def machine() -> dict[str, Any]:
    cpu = next((line.split(":", 1)[1].strip() for line in _read("/proc/cpuinfo").splitlines()
                if line.startswith("model name")), platform.processor())
    mem_kib = next((int(line.split()[1]) for line in _read("/proc/meminfo").splitlines()
                    if line.startswith("MemTotal")), 0)
    os_name = next((line.split("=", 1)[1].strip('"') for line in _read("/etc/os-release").splitlines()
                    if line.startswith("PRETTY_NAME=")), platform.platform())
    return {"cpu": cpu, "cores": os.cpu_count(), "ram_gib": round(mem_kib / 1024 / 1024, 1), "os": os_name,
            "kernel": platform.release(), "load_average_at_report": os.getloadavg()}


def _command(args: list[str]) -> str | None:
    try:
        return subprocess.run(args, capture_output=True, text=True, timeout=20, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None


def versions() -> dict[str, Any]:
    found: dict[str, Any] = {"python": sys.version.split()[0]}
    for dist in sorted(metadata.distributions(), key=lambda d: (d.metadata["Name"] or "").lower()):
        name = (dist.metadata["Name"] or "").lower()
        if name == "ckan" or name.startswith("ckanext") or name in ("uwsgi", "gunicorn", "pysolr", "sqlalchemy"):
            found[name] = dist.version
    try:
        info = requests.get("http://127.0.0.1:8983/solr/admin/info/system", params={"wt": "json"}, timeout=10).json()
        found["solr"] = info["lucene"]["solr-spec-version"]
    except (requests.RequestException, KeyError, ValueError):
        found["solr"] = None
    socket = os.environ.get("SCN_PG_SOCKET", str(ROOT / "var" / "postgres" / "run"))
    found["postgresql"] = _command(["runuser", "-u", "postgres", "--", "psql", "-h", socket, "-tAc", "SHOW server_version"])
    redis_info = _command(["redis-cli", "INFO", "server"]) or ""
    found["redis"] = next((line.split(":", 1)[1].strip() for line in redis_info.splitlines()
                           if line.startswith("redis_version")), None)
    found["git_commit"] = _command(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"])
    return found


def merge(name: str) -> dict[str, Any]:
    parts = [json.loads(p.read_text()) for p in sorted(PARTS_DIR.glob("*.json"))]
    return {"name": name, "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "machine": machine(), "versions": versions(), "parts": parts}


def _fmt(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.3f}".rstrip("0").rstrip(".") if abs(value) < 10 else f"{value:,.1f}"
    return str(value)


def _met(figure: dict[str, Any]) -> str:
    return {True: "met", False: "**missed**", None: ""}[figure.get("met")]


def _spread(figure: dict[str, Any]) -> str:
    spread = figure.get("spread") or {}
    cells = []
    for config in ("scn", "stock"):
        s = spread.get(config)
        if isinstance(s, dict) and "p50" in s:
            cells.append(f"{config}: p50 {_fmt(s['p50'])} / p95 {_fmt(s['p95'])} / p99 {_fmt(s['p99'])}, "
                         f"min {_fmt(s['min'])}, max {_fmt(s['max'])}, sd {_fmt(s['stdev'])}, n {s['n']}")
        elif isinstance(s, dict) and "requests" in s:
            cells.append(f"{config}: {s['requests']} requests, status {s.get('status')}, failures {s.get('failures')}")
    return "<br>".join(cells)


def markdown(document: dict[str, Any]) -> str:
    m, v = document["machine"], document["versions"]
    lines = [
        f"# Benchmark: SCN portal against stock CKAN — {document['name']}",
        "",
        f"Run {document['date']} (commit {v.get('git_commit')}). Produced by `make bench` "
        "(bench/run.sh); how to read it: bench/README.md. Raw numbers: "
        f"bench/results/{document['date'][:10]}-{document['name']}.json.",
        "",
        "## Machine and versions",
        "",
        f"- CPU: {m['cpu']}, {m['cores']} cores; RAM {m['ram_gib']} GiB; {m['os']} (kernel {m['kernel']}); "
        f"load average when the report was written: {', '.join(f'{x:.2f}' for x in m['load_average_at_report'])}",
        "- " + ", ".join(f"{k} {val}" for k, val in v.items() if k != "git_commit"),
        "",
        "Ratio = SCN / stock (for latency lower is better; for requests/s higher is better). "
        "Latency in milliseconds, client side, whole body read.",
        "",
    ]
    for part in document["parts"]:
        lines += [f"## {part['part']}", "", f"Started {part['started']}, took {part['duration_s']} s.", ""]
        if part["figures"]:
            lines += ["| figure | SCN | stock | ratio | target | | spread |", "|---|---:|---:|---:|---|---|---|"]
            for f in part["figures"]:
                lines.append(f"| {f['label']} ({f['unit']}) | {_fmt(f['scn'])} | {_fmt(f['stock'])} | "
                             f"{_fmt(f['ratio'])} | {f.get('target') or ''} | {_met(f)} | {_spread(f)} |")
            lines.append("")
        if part["notes"]:
            lines += ["Notes:", ""] + [f"- {note}" for note in part["notes"]] + [""]
    missed = [f for p in document["parts"] for f in p["figures"] if f.get("met") is False]
    lines += ["## Targets", ""]
    lines += ([f"- missed: {f['label']}: SCN {_fmt(f['scn'])} {f['unit']} (stock {_fmt(f['stock'])}), "
               f"target {f['target']}" for f in missed] or ["- every figure with a target met it"])
    if (ROOT / "bench" / "ANALYSIS.md").exists():
        lines += ["", "Why each missed target is missed, what was profiled and changed, before and after: "
                  "[bench/ANALYSIS.md](ANALYSIS.md)."]
    if PROFILES.exists():
        profiles = sorted(p.name for p in PROFILES.iterdir() if p.is_file())
        if profiles:
            lines += ["", "## Profiles", ""] + [f"- [bench/profiles/{p}](profiles/{p})" for p in profiles]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--name", default=os.environ.get("BENCH_NAME", "local"))
    args = parser.parse_args(argv)
    document = merge(args.name)
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{document['date'][:10]}-{args.name}.json"
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    REPORT.write_text(markdown(document))
    print(f"{path.relative_to(ROOT)} and {REPORT.relative_to(ROOT)} written")


if __name__ == "__main__":
    main()
