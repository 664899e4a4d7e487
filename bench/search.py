"""Part "search": what a developer waits for, SCN against stock CKAN, at each size.

For every size in BENCH_SIZES (default 10000,50000; incremental: the loader adds what is
missing) both configurations are served at once (bench/servers.py) and every request kind is
sent SAMPLES times per configuration, one request at a time, SCN and stock alternating (so drift
on the machine hits both), after a warm-up. The requests (``requests_for``):

- ``package_search`` with rows=20 and the facets the portal's search page asks for: SCN the
  portal's facet fields (organization, the scn_* fields, price_models, is_free, res_format,
  tags), stock CKAN's default facets (organization, groups, tags, res_format, license_id; stock
  CKAN does not index the scn_* fields); without and with a text query (``q=luftkvalitet``),
  without and with a bbox (``ext_bbox`` around Oslo, ckanext-spatial);
- ``package_show`` of a dataset (a different one per sample);
- the dataset page ``/dataset/<name>`` and its Turtle ``/dataset/<name>.ttl``;
- a ``/catalog.ttl`` page (100 datasets per page, a different page per sample), and the same page
  again (SCN serves anonymous readers from its page cache while the index is unchanged).

Run alone: ``python -m bench.search`` (writes var/bench/parts/search.json).
"""
from __future__ import annotations

import contextlib
import json
import os
import random
import time
from typing import Any

import requests

from bench import load_data
from bench.common import Part, latency_summary
from bench.servers import serving

SIZES = [int(s) for s in os.environ.get("BENCH_SIZES", "10000,50000").split(",") if s.strip()]
SAMPLES = int(os.environ.get("BENCH_SAMPLES", "200"))
CATALOG_SAMPLES = int(os.environ.get("BENCH_CATALOG_SAMPLES", "40"))
WARMUP = int(os.environ.get("BENCH_WARMUP", "10"))

SCN_FACETS = ["organization", "scn_theme", "scn_los_theme", "scn_municipality", "scn_domain", "price_models",
              "is_free", "scn_license", "scn_access_rights", "res_format", "scn_org_type", "scn_update_method",
              "tags"]
STOCK_FACETS = ["organization", "groups", "tags", "res_format", "license_id"]
TEXT = "luftkvalitet"
OSLO_BBOX = "10.4,59.8,11.0,60.2"
SEARCH_KINDS = {
    "search.plain": {},
    "search.text": {"q": TEXT},
    "search.bbox": {"ext_bbox": OSLO_BBOX},
    "search.text_bbox": {"q": TEXT, "ext_bbox": OSLO_BBOX},
}
KIND_LABELS = {
    "search.plain": "package_search, rows 20, facets, no query",
    "search.text": f"package_search, rows 20, facets, q={TEXT}",
    "search.bbox": "package_search, rows 20, facets, ext_bbox (Oslo)",
    "search.text_bbox": f"package_search, rows 20, facets, q={TEXT} + ext_bbox",
    "show": "package_show",
    "page": "dataset page /dataset/<name>",
    "dataset_ttl": "/dataset/<name>.ttl",
    "catalog": "/catalog.ttl page (100 datasets), first request",
    "catalog_repeat": "/catalog.ttl page (100 datasets), same page again",
}
# A catalog page costs ~100 dataset serialisations: fewer samples keep the part within budget.
CATALOG_KINDS = ("catalog", "catalog_repeat")


def requests_for(config: str, kind: str, sample: int, size: int) -> str:
    """The path (with query string) of sample ``sample`` of ``kind`` for ``config``."""
    rng = random.Random(f"{kind}-{sample}")
    name = f"{load_data.PREFIX}{rng.randrange(size):06d}"
    if kind.startswith("search."):
        params = {"rows": "20", "facet.field": json.dumps(SCN_FACETS if config == "scn" else STOCK_FACETS),
                  **SEARCH_KINDS[kind]}
        return "/api/3/action/package_search?" + requests.compat.urlencode(params)
    if kind == "show":
        return f"/api/3/action/package_show?id={name}"
    if kind == "page":
        return f"/dataset/{name}"
    if kind == "dataset_ttl":
        return f"/dataset/{name}.ttl"
    if kind == "catalog":
        return f"/catalog.ttl?page={rng.randrange(1, max(2, size // 100))}"
    if kind == "catalog_repeat":
        # The page "catalog" asked for with the same sample number: SCN serves anonymous readers
        # from its page cache while the index is unchanged; stock CKAN builds it again.
        return requests_for(config, "catalog", sample, size)
    raise ValueError(kind)


def _timed(session: requests.Session, url: str) -> tuple[float, int, int]:
    began = time.perf_counter()
    response = session.get(url, timeout=120)
    body = response.content
    return time.perf_counter() - began, response.status_code, len(body)


def measure(bases: dict[str, str], size: int) -> dict[str, Any]:
    """Latency samples of every kind for both configurations (alternating)."""
    sessions = {config: requests.Session() for config in bases}
    results: dict[str, Any] = {}
    for kind in KIND_LABELS:
        samples = CATALOG_SAMPLES if kind in CATALOG_KINDS else SAMPLES
        times: dict[str, list[float]] = {c: [] for c in bases}
        codes: dict[str, dict[str, int]] = {c: {} for c in bases}
        sizes: dict[str, list[int]] = {c: [] for c in bases}
        for sample in range(-WARMUP, samples):
            order = list(bases) if sample % 2 == 0 else list(reversed(bases))
            for config in order:
                elapsed, status, length = _timed(sessions[config],
                                                 bases[config] + requests_for(config, kind, sample, size))
                if sample < 0:
                    continue
                times[config].append(elapsed)
                codes[config][str(status)] = codes[config].get(str(status), 0) + 1
                sizes[config].append(length)
        results[kind] = {config: {"latency": latency_summary(times[config]), "status": codes[config],
                                  "mean_bytes": round(sum(sizes[config]) / len(sizes[config]))}
                         for config in bases}
        print(f"[search] {size} {kind}: " + ", ".join(
            f"{c} p95 {results[kind][c]['latency']['p95']} ms {codes[c]}" for c in bases), flush=True)
    return results


def _targets(kind: str, scn: dict[str, float], stock: dict[str, float], size: int) -> tuple[str | None, bool | None]:
    if kind.startswith("search."):
        return ("<= 1.1x stock and < 100 ms" + (" (target at 50k)" if size < 50000 else ""),
                scn["p95"] <= 1.1 * stock["p95"] and scn["p95"] < 100)
    if kind == "page":
        return "< 300 ms", scn["p95"] < 300
    if kind in CATALOG_KINDS:
        return "< 1000 ms", scn["p95"] < 1000
    return None, None


def add_figures(part: Part, size: int, results: dict[str, Any]) -> None:
    label_size = f"{size // 1000}k" if size % 1000 == 0 else str(size)
    for kind, by_config in results.items():
        scn, stock = by_config["scn"]["latency"], by_config["stock"]["latency"]
        target, met = _targets(kind, scn, stock, size)
        for stat in ("p50", "p95", "p99"):
            part.add(id=f"search.{kind.removeprefix('search.')}.{stat}.{label_size}" if kind.startswith("search.")
                     else f"read.{kind}.{stat}.{label_size}",
                     label=f"{KIND_LABELS[kind]}, {stat}, {label_size} datasets", unit="ms",
                     scn=scn[stat], stock=stock[stat],
                     target=target if stat == "p95" else None, met=met if stat == "p95" else None,
                     spread={"scn": scn, "stock": stock,
                             "status": {c: by_config[c]["status"] for c in by_config}} if stat == "p95" else None)
        bad = {c: s for c, v in by_config.items() for s in v["status"] if not s.startswith("2")}
        if bad:
            part.note(f"{label_size} {kind}: non-2xx answers {bad} (see raw)")


def run(part: Part | None = None, sizes: list[int] | None = None) -> Part:
    """Load each size (incrementally), then measure it."""
    part = part or Part("search")
    part.note(f"Requests: SCN facets {SCN_FACETS}; stock facets {STOCK_FACETS}; text q={TEXT!r}; "
              f"bbox ext_bbox={OSLO_BBOX}; {SAMPLES} samples per kind and configuration "
              f"({CATALOG_SAMPLES} for the catalog page) after {WARMUP} warm-up requests, one at a time, "
              "SCN and stock alternating; gunicorn, same worker count for both.")
    for size in sizes or SIZES:
        t0 = time.monotonic()
        timings = load_data.load(size)
        timings["wall_s"] = round(time.monotonic() - t0, 1)
        part.raw.setdefault("load", {})[str(size)] = timings
        part.note(f"Loaded {size} datasets in {timings['wall_s']} s: {timings}")
        with contextlib.ExitStack() as stack:
            bases = {config: stack.enter_context(serving(config)) for config in ("scn", "stock")}
            results = measure(bases, size)
            part.raw.setdefault("latency", {})[str(size)] = results
            add_figures(part, size, results)
    part.write()
    return part


if __name__ == "__main__":
    run()
