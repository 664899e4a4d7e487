"""Part "throughput": requests/s and latency at 1, 8 and 32 concurrent clients, SCN and stock.

Both configurations are served the way production serves CKAN (docker/compose.yml's uwsgi
options: --master --enable-threads --lazy-apps --processes N --buffer-size 32768 --harakiri 120
--max-requests 5000), with the same process count (SCN_BENCH_WORKERS, default 3), on the data
the search part loaded last (its largest size). Falls back to gunicorn, with a note, when uwsgi
is not installed in .venv.

The mix (``mix``) of 20 requests a client cycles through: 8 package_search (facets; plain, text,
bbox, text+bbox), 6 package_show, 4 dataset pages, 1 dataset Turtle, 1 /catalog.ttl page; each
client starts at its own offset. Each level runs THROUGHPUT_SECONDS (default 30) after a 3 s
warm-up, SCN then stock at 1 client, stock then SCN at 8, and so on, so drift hits both.

Run alone (after the search part has loaded data): ``python -m bench.throughput``.
"""
from __future__ import annotations

import os

from bench import load, load_data
from bench.common import Part
from bench.search import requests_for
from bench.servers import WORKERS, serving, uwsgi_available

LEVELS = [int(c) for c in os.environ.get("BENCH_CLIENTS", "1,8,32").split(",") if c.strip()]
SECONDS = float(os.environ.get("BENCH_THROUGHPUT_SECONDS", "30"))
WARMUP = 3.0
MIX = (["search.plain", "search.text", "search.bbox", "search.text_bbox"] * 2 + ["show"] * 6 + ["page"] * 4
       + ["dataset_ttl", "catalog"])


def mix(config: str, size: int) -> list[str]:
    """The 20 paths, interleaved so consecutive requests differ in kind."""
    kinds = sorted(MIX, key=lambda k: MIX.index(k) % 7)
    return [requests_for(config, kind, 1000 + n, size) for n, kind in enumerate(kinds)]


def run(part: Part | None = None) -> Part:
    part = part or Part("throughput")
    size = load_data.count("ckan_bench")
    server = "uwsgi" if uwsgi_available() else "gunicorn"
    part.note(f"{size} datasets; {server} with {WORKERS} processes for both; {SECONDS:.0f} s per level after "
              f"{WARMUP:.0f} s warm-up; mix of 20: 8 package_search, 6 package_show, 4 dataset pages, "
              "1 dataset .ttl, 1 catalog.ttl page.")
    if server != "uwsgi":
        part.note("uwsgi is not installed in .venv (pip install -r requirements-dev.txt): gunicorn was used.")
    results: dict[str, dict[int, dict]] = {"scn": {}, "stock": {}}
    configs = ["scn", "stock"]
    for n, clients in enumerate(LEVELS):
        for config in configs if n % 2 == 0 else reversed(configs):
            with serving(config, server=server) as base:
                result = load.run(base, mix(config, size), clients, SECONDS, warmup=WARMUP)
            results[config][clients] = result
            print(f"[throughput] {config} {clients} clients: {result['rps']} req/s, "
                  f"p95 {result['latency'].get('p95')} ms, 5xx {result['server_errors']}, "
                  f"failures {result['failures']}", flush=True)
        part.raw.setdefault("levels", {})[str(clients)] = {c: results[c][clients] for c in configs}
        scn, stock = results["scn"][clients], results["stock"][clients]
        part.add(id=f"throughput.rps.{clients}", label=f"requests/s, mix, {clients} clients", unit="req/s",
                 scn=scn["rps"], stock=stock["rps"], higher_is_better=True,
                 spread={"scn": {"requests": scn["requests"], "status": scn["status"], "failures": scn["failures"]},
                         "stock": {"requests": stock["requests"], "status": stock["status"],
                                   "failures": stock["failures"]}})
        for stat in ("p50", "p95", "p99"):
            part.add(id=f"throughput.latency.{stat}.{clients}", label=f"latency, mix, {clients} clients, {stat}",
                     unit="ms", scn=scn["latency"].get(stat), stock=stock["latency"].get(stat),
                     spread={"scn": scn["latency"], "stock": stock["latency"]} if stat == "p95" else None)
        for config, result in (("scn", scn), ("stock", stock)):
            if result["server_errors"] or result["failures"]:
                part.note(f"{config} at {clients} clients: {result['server_errors']} 5xx, "
                          f"{result['failures']} connection failures/timeouts")
    part.write()
    return part


if __name__ == "__main__":
    run()
