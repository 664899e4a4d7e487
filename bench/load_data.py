"""Bulk loader: N realistic SCN datasets into the bench portal, the same data into stock CKAN.

Datasets are variations of the demo datasets (ckanext/scn/demo/demo.json), deterministic per index
(``random.Random(SEED + i)``): multilingual title/notes naming a real municipality, EU and LOS
themes, the municipality as spatial coverage and a bbox polygon around its centre as spatial
extent, offers (free, on request, freemium, subscription, pay per use, one-time; NOK, VAT,
billing period), a licence and 1-3 resources, spread over the six demo organizations.

Path: the first 240 (``TEMPLATES``: ten variations of each demo dataset) go through in-process
``package_create`` with the SCN plugins, so the schema's validators and converters store exactly
what the portal stores (indexed by CKAN as they are created, with ``ckan.search.solr_commit`` off
in the loader's processes and one commit at the end). ``package_create`` runs at ~10-20 datasets/s
on 2 cores, so 50k that way would take over an hour: the rest are copies of the templates
(dataset ``i`` copies template ``i % 240``) made in PostgreSQL (package, extras, resources, views,
organization membership; new ids, names, titles with `` #i``) and indexed by CKAN's own indexer
(``index_for(Package).update_dict``: the loaded plugins' ``before_dataset_index``, permission labels
from the copy's row) from the template's ``package_show`` dict with the same ids, names and titles
replaced, into the real Solr core, one commit at the end. Copies have no activity rows.

Stock CKAN gets the same rows: ``ckan_stock`` is re-created from ``ckan_bench`` as a template (the
SCN fields are package extras there, which stock CKAN shows as extras and ckanext-spatial indexes
from the ``spatial`` extra), and the stock core indexes what it does not have yet through stock
CKAN's own ``package_show`` (``rebuild`` of the templates with the stock ini: no ckanext-scn
loaded), then the copies as above, with stock CKAN's plugins.

Incremental: ``load(10000)`` then ``load(50000)`` adds 40k.

    python -m bench.load_data 10000 [--workers 2]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from bench.common import INI, ROOT, VENV_BIN

SEED = 20261128
PREFIX = "bench-"
DEMO = ROOT / "ckanext-scn" / "ckanext" / "scn" / "demo" / "demo.json"
# Datasets made through package_create (10 variations of each demo dataset); the rest are copies
# of them with their own ids, names and titles (see the module docstring).
TEMPLATES = 240
WORKERS = int(os.environ.get("SCN_BENCH_LOAD_WORKERS", "2"))
PSQL_SOCKET = Path(os.environ.get("SCN_PG_SOCKET", ROOT / "var" / "postgres" / "run"))

EU_THEMES = ["TRAN", "ENVI", "ENER", "GOVE", "REGI", "HEAL", "TECH", "SOCI", "ECON", "EDUC"]
LOS_THEMES = ["trafikk-og-transport", "natur-klima-og-miljo", "bygg-og-eiendom", "energi",
              "helse-og-omsorg", "kultur-idrett-og-fritid", "naring", "samfunnssikkerhet-og-beredskap"]
FORMATS = ["CSV", "JSON", "GeoJSON", "XML", "WMS", "WFS", "XLSX"]
LICENCES = ["NLOD-2.0", "NLOD-2.0", "NLOD-2.0", "CC-BY-4.0", "CC0-1.0", "other-commercial"]
SUBJECTS_NB = ["målinger", "sanntidsdata", "statistikk", "kartlag", "historikk", "prognoser"]
SUBJECTS_EN = ["measurements", "real-time data", "statistics", "map layer", "history", "forecasts"]


def offers(rng: random.Random) -> list[dict[str, Any]]:
    """A dataset's price models: most are free, some paid the ways the schema knows."""
    roll = rng.random()
    if roll < 0.55:
        return [{"price_model": "free"}]
    if roll < 0.65:
        return [{"price_model": "on_request", "description": "Tilgang etter avtale."}]
    amount = rng.choice([490, 990, 2500, 9900, 25000])
    vat = rng.random() < 0.5
    if roll < 0.78:
        return [{"price_model": "freemium", "amount": amount, "currency": "NOK", "vat_included": vat,
                 "billing_period": "month", "free_quota": "10 000 kall/mnd"},
                {"price_model": "subscription", "amount": amount * 10, "currency": "NOK",
                 "vat_included": vat, "billing_period": "year"}]
    if roll < 0.88:
        return [{"price_model": "subscription", "amount": amount, "currency": "NOK", "vat_included": vat,
                 "billing_period": rng.choice(["month", "year"])}]
    if roll < 0.95:
        return [{"price_model": "pay_per_use", "amount": rng.choice([0.5, 1, 2.5]), "currency": "NOK",
                 "vat_included": vat, "unit": "1000_calls"}]
    return [{"price_model": "one_time", "amount": amount, "currency": "NOK", "vat_included": vat}]


def dataset(index: int, demo: list[dict[str, Any]], municipalities: list[dict[str, Any]]) -> dict[str, Any]:
    """Dataset number ``index``, the same on every run."""
    rng = random.Random(SEED + index)
    base = json.loads(json.dumps(demo[index % len(demo)]))
    place = municipalities[rng.randrange(len(municipalities))]
    lon, lat = place["point"]
    half_w, half_h = rng.uniform(0.05, 0.4), rng.uniform(0.03, 0.2)
    ring = [[round(lon - half_w, 4), round(lat - half_h, 4)], [round(lon + half_w, 4), round(lat - half_h, 4)],
            [round(lon + half_w, 4), round(lat + half_h, 4)], [round(lon - half_w, 4), round(lat + half_h, 4)],
            [round(lon - half_w, 4), round(lat - half_h, 4)]]
    town = place["labels"]["nb"].split(" - ")[0]
    subject = rng.randrange(len(SUBJECTS_NB))
    year = rng.randint(2015, 2026)
    english = {"en"}
    base.update({
        "name": f"{PREFIX}{index:06d}",
        # The template's languages (some demo datasets are Nynorsk only, some have English too).
        "title_translated": {lang: f"{text} – {town} {year} "
                                   f"({(SUBJECTS_EN if lang in english else SUBJECTS_NB)[subject]})"
                             for lang, text in base["title_translated"].items()},
        "notes_translated": {lang: f"{text} {'Municipality' if lang in english else 'Kommune'}: {town}. "
                                   f"{'Dataset' if lang in english else 'Datasett'} {index}."
                             for lang, text in base["notes_translated"].items()},
        "theme": [f"http://publications.europa.eu/resource/authority/data-theme/{code}"
                  for code in sorted(set(rng.sample(EU_THEMES, rng.randint(1, 2))))],
        "los_theme": [f"https://psi.norge.no/los/tema/{rng.choice(LOS_THEMES)}"],
        "spatial_coverage": [{"uri": place["code"]}],
        "spatial": {"type": "Polygon", "coordinates": [ring]},
        "license_id": rng.choice(LICENCES),
        "pricing": offers(rng),
    })
    if base["license_id"] == "other-commercial":
        base["license_terms_url"] = "https://data.example.no/vilkar"
    for offer in base["pricing"]:
        if offer["price_model"] != "free":
            offer.setdefault("terms_url", "https://data.example.no/vilkar")
    base.pop("hvd_category", None) if rng.random() < 0.7 else None
    formats = rng.sample(FORMATS, rng.randint(1, 3))
    base["resources"] = [{"name": f"{SUBJECTS_NB[subject].capitalize()} ({fmt})", "format": fmt,
                          "url": f"https://data.example.no/{base['name']}/{n}.{fmt.lower()}",
                          "license": base["license_id"]} for n, fmt in enumerate(formats)]
    return base


# ----------------------------------------------------------------------------- in-process worker

def _worker(ini: str, indexes: range, mode: str) -> None:
    """``create``: package_create each index (indexed as created, one commit); ``index``: index the given
    bench datasets not yet in this config's Solr core; ``clone``: index the copies (_clone_documents)."""
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    app = make_app(load_config(ini))
    with app._wsgi_app.test_request_context():
        import ckan.lib.search as search
        import ckan.model as model
        import ckan.plugins.toolkit as tk

        if mode == "create":
            # CKAN indexes each create; one Solr commit at the end instead of one per create.
            tk.config["ckan.search.solr_commit"] = False
            demo = json.loads(DEMO.read_text())["datasets"]
            places = _municipalities()
            user = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
            # Only what is missing: a load that stopped midway continues.
            existing = {name for (name,) in model.Session.query(model.Package.name)
                        .filter(model.Package.name.like(f"{PREFIX}%"))}
            todo = [i for i in indexes if f"{PREFIX}{i:06d}" not in existing]
            for n, index in enumerate(todo, 1):
                tk.get_action("package_create")({"user": user, "ignore_auth": True}, dataset(index, demo, places))
                if n % 500 == 0:
                    print(f"[{os.getpid()}] created {n}/{len(todo)}", flush=True)
                    model.Session.remove()
            search.commit()
            return
        if mode == "clone":
            _clone_documents(indexes, model, search)
            return
        # index: the bench datasets of this worker's share that this config's core does not hold yet
        names = {f"{PREFIX}{i:06d}" for i in indexes}
        rows = model.Session.query(model.Package.id, model.Package.name).filter(
            model.Package.name.like(f"{PREFIX}%"), model.Package.state == "active")
        indexed = set(search.query_for(model.Package).get_all_entity_ids(max_results=10_000_000))
        ids = sorted(pid for pid, name in rows if name in names and pid not in indexed)
        for start in range(0, len(ids), 500):
            search.rebuild(package_ids=ids[start:start + 500], defer_commit=True, quiet=True)
            print(f"[{os.getpid()}] indexed {min(start + 500, len(ids))}/{len(ids)}", flush=True)
            model.Session.remove()
        search.commit()


def _municipalities() -> list[dict[str, Any]]:
    """Municipalities with their centre points, from the SCN vocabulary file."""
    data = json.loads((ROOT / "ckanext-scn/ckanext/scn/vocabularies/data/municipality.json").read_text())
    return [{"code": c["code"], "point": c["point"], "labels": c["labels"]}
            for c in data["concepts"] if c.get("point")]


# ----------------------------------------------------------------------------- orchestration

def _run_workers(config: str, indexes: range, mode: str, workers: int) -> None:
    """``workers`` processes, each taking every ``workers``-th index (passed as a range)."""
    chunks = [indexes[k::workers] for k in range(workers)]
    processes = [subprocess.Popen([str(VENV_BIN / "python"), "-m", "bench.load_data", "_worker", str(INI[config]),
                                   mode, str(chunk.start), str(chunk.stop), str(chunk.step)], cwd=ROOT)
                 for chunk in chunks if len(chunk)]
    codes = [p.wait() for p in processes]
    if any(codes):
        raise RuntimeError(f"{mode} workers for {config} failed: exit codes {codes}")


def _sql(database: str, statement: str) -> str:
    return subprocess.run(["runuser", "-u", "postgres", "--", "psql", "-h", str(PSQL_SOCKET), "-d", database,
                           "-tAc", statement], check=True, capture_output=True, text=True).stdout.strip()


def _database_exists(database: str) -> bool:
    return _sql("postgres", f"SELECT count(*) FROM pg_database WHERE datname = '{database}'") == "1"


def count(database: str) -> int:
    return int(_sql(database, f"SELECT count(*) FROM package WHERE name LIKE '{PREFIX}%' AND state = 'active'"))


def _ensure_organizations() -> None:
    """The demo organizations own the bench datasets (created once, through CKAN)."""
    code = ("import json,sys\nfrom ckanext.scn import demo\n"
            "data=json.loads(open(sys.argv[1]).read()); data['datasets']=[]; data['data_services']=[];"
            " data['featured_datasets']=[]\nprint(demo.load(data))\n")
    from ckan.cli import load_config  # noqa: F401 - fail early when CKAN is missing
    subprocess.run([str(VENV_BIN / "python"), "-c",
                    "import sys\nfrom ckan.cli import load_config\nfrom ckan.config.middleware import make_app\n"
                    f"app=make_app(load_config({str(INI['scn'])!r}))\n"
                    "with app._wsgi_app.test_request_context():\n"
                    + "".join(f"    {line}\n" for line in code.splitlines()),
                    str(DEMO)], check=True, cwd=ROOT)


def copy_to_stock(attempts: int = 5) -> float:
    """Re-create ckan_stock from ckan_bench. PostgreSQL refuses while anyone is connected to
    ckan_bench, so connections are ended and the copy retried (a server or script may reconnect)."""
    t0 = time.monotonic()
    _sql("postgres", "DROP DATABASE IF EXISTS ckan_stock WITH (FORCE)")
    for attempt in range(1, attempts + 1):
        _sql("postgres", "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'ckan_bench'")
        try:
            _sql("postgres", "CREATE DATABASE ckan_stock TEMPLATE ckan_bench OWNER ckan")
            break
        except subprocess.CalledProcessError as error:
            if attempt == attempts:
                raise RuntimeError(f"copying ckan_bench to ckan_stock failed: {error.stderr}") from error
            time.sleep(2)
    return time.monotonic() - t0


# ----------------------------------------------------------------------------- cloning

def _clone_sql(have: int, total: int) -> str:
    """Copies of the templates' rows (package, extras, resources, views, organization membership)
    for datasets ``have``..``total-1``: new ids (md5 of the index, as :func:`clone_ids`), names and
    titles with `` #<index>`` appended; everything else as CKAN stored it for the template."""
    return f"""
BEGIN;
CREATE TEMP TABLE clone ON COMMIT DROP AS
  SELECT i, t.id AS tid, t.name AS tname, md5('bench' || i)::uuid::text AS nid,
         '{PREFIX}' || lpad(i::text, 6, '0') AS nname
  FROM generate_series({have}, {total - 1}) AS i
  JOIN package t ON t.name = '{PREFIX}' || lpad((i % {TEMPLATES})::text, 6, '0');
INSERT INTO package SELECT (jsonb_populate_record(NULL::package, to_jsonb(p) || jsonb_build_object(
    'id', c.nid, 'name', c.nname, 'title', p.title || ' #' || c.i))).*
  FROM clone c JOIN package p ON p.id = c.tid;
INSERT INTO package_extra SELECT (jsonb_populate_record(NULL::package_extra, to_jsonb(e) || jsonb_build_object(
    'id', md5(c.nid || e.key)::uuid::text, 'package_id', c.nid,
    'value', CASE WHEN e.key = 'title_translated' THEN
        (SELECT jsonb_object_agg(k, v || ' #' || c.i) FROM jsonb_each_text(e.value::jsonb) AS x(k, v))::text
      ELSE e.value END))).*
  FROM clone c JOIN package_extra e ON e.package_id = c.tid;
INSERT INTO resource SELECT (jsonb_populate_record(NULL::resource, to_jsonb(r) || jsonb_build_object(
    'id', md5(c.nid || r.id)::uuid::text, 'package_id', c.nid, 'url', replace(r.url, c.tname, c.nname)))).*
  FROM clone c JOIN resource r ON r.package_id = c.tid;
INSERT INTO resource_view SELECT (jsonb_populate_record(NULL::resource_view, to_jsonb(v) || jsonb_build_object(
    'id', md5(c.nid || v.id)::uuid::text, 'resource_id', md5(c.nid || r.id)::uuid::text))).*
  FROM clone c JOIN resource r ON r.package_id = c.tid JOIN resource_view v ON v.resource_id = r.id;
INSERT INTO package_tag SELECT (jsonb_populate_record(NULL::package_tag, to_jsonb(g) || jsonb_build_object(
    'id', md5(c.nid || g.id)::uuid::text, 'package_id', c.nid))).*
  FROM clone c JOIN package_tag g ON g.package_id = c.tid;
INSERT INTO member SELECT (jsonb_populate_record(NULL::member, to_jsonb(m) || jsonb_build_object(
    'id', md5(c.nid || m.id)::uuid::text, 'table_id', c.nid))).*
  FROM clone c JOIN member m ON m.table_id = c.tid AND m.table_name = 'package';
COMMIT;
ANALYZE;
"""


def _new_id(index: int) -> str:
    return str(uuid.UUID(hashlib.md5(f"bench{index}".encode()).hexdigest()))


def _derived_id(new_package_id: str, old_id: str) -> str:
    return str(uuid.UUID(hashlib.md5(f"{new_package_id}{old_id}".encode()).hexdigest()))


def _replace_all(value: Any, pairs: list[tuple[str, str]]) -> Any:
    if isinstance(value, str):
        for old, new in pairs:
            if old in value:
                value = value.replace(old, new)
        return value
    if isinstance(value, list):
        return [_replace_all(v, pairs) for v in value]
    if isinstance(value, dict):
        return {k: _replace_all(v, pairs) for k, v in value.items()}
    return value


def _clone_dict(template: dict[str, Any], index: int) -> dict[str, Any]:
    """The package_show dict of copy ``index`` of ``template``: its ids, name and titles replaced
    (the same replacements _clone_sql makes in PostgreSQL)."""
    nid = _new_id(index)
    pairs = [(template["id"], nid), (template["name"], f"{PREFIX}{index:06d}")]
    pairs += [(r["id"], _derived_id(nid, r["id"])) for r in template.get("resources", [])]
    titles = {template["title"], *(template.get("title_translated") or {}).values()}
    pairs += [(t, f"{t} #{index}") for t in sorted(titles, key=len, reverse=True) if t]
    return _replace_all(template, pairs)


def _clone_documents(indexes: range, model: Any, search: Any) -> None:
    """In a worker: index the copies of ``indexes`` the core does not hold yet with CKAN's own
    indexer, one commit at the end. Each copy's dict is its template's package_show (read once)
    with the copy's ids, names and titles: package_show per copy would read the same content from
    PostgreSQL again for every one of them."""
    import ckan.plugins.toolkit as tk

    show = tk.get_action("package_show")
    templates = {}
    for i in range(TEMPLATES):
        templates[i] = show({"ignore_auth": True, "validate": False, "use_cache": False}, {"id": f"{PREFIX}{i:06d}"})
    site_id = tk.config.get("ckan.site_id")
    indexed = {d["name"] for d in search.make_connection().search(
        "*:*", fq=[f'+site_id:"{site_id}"', f"+name:{PREFIX}*"], fl="name", rows=10_000_000).docs}
    missing = [i for i in indexes if i >= TEMPLATES and f"{PREFIX}{i:06d}" not in indexed]
    package_index = search.index_for(model.Package)
    for n, i in enumerate(missing, 1):
        package_index.update_dict(_clone_dict(templates[i % TEMPLATES], i), defer_commit=True)
        if n % 1000 == 0:
            print(f"[{os.getpid()}] indexed {n}/{len(missing)} copies", flush=True)
            model.Session.remove()
    search.commit()


def clone_index(config: str, total: int, workers: int = WORKERS) -> None:
    """Copies of the templates' Solr documents for every dataset the config's core lacks."""
    _run_workers(config, range(total), "clone", workers)


def load(total: int, workers: int = WORKERS) -> dict[str, Any]:
    """Bring both configs to ``total`` bench datasets; returns the timings."""
    if total < TEMPLATES:
        raise ValueError(f"at least {TEMPLATES} datasets (the templates)")
    timings: dict[str, Any] = {"target": total, "templates": TEMPLATES}
    _ensure_organizations()
    templates = range(TEMPLATES)  # the workers skip what exists / is indexed already
    t0 = time.monotonic()
    _run_workers("scn", templates, "create", workers)
    _run_workers("scn", templates, "index", workers)
    timings["templates_scn_s"] = round(time.monotonic() - t0, 1)
    have = count("ckan_bench")
    t0 = time.monotonic()
    if have < total:
        _sql("ckan_bench", _clone_sql(have, total))
    timings["clone_rows_s"] = round(time.monotonic() - t0, 1)
    t0 = time.monotonic()
    clone_index("scn", total, workers)
    timings["clone_index_scn_s"] = round(time.monotonic() - t0, 1)
    if not _database_exists("ckan_stock") or count("ckan_stock") != count("ckan_bench"):
        timings["copy_stock_s"] = round(copy_to_stock(), 1)
    t0 = time.monotonic()
    _run_workers("stock", templates, "index", workers)
    clone_index("stock", total, workers)
    timings["index_stock_s"] = round(time.monotonic() - t0, 1)
    timings["datasets"] = {"scn": count("ckan_bench"), "stock": count("ckan_stock")}
    return timings


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "_worker":
        _worker(argv[1], range(int(argv[3]), int(argv[4]), int(argv[5])), argv[2])
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("total", type=int)
    parser.add_argument("--workers", type=int, default=WORKERS)
    args = parser.parse_args(argv)
    print(json.dumps(load(args.total, args.workers)))


if __name__ == "__main__":
    main()
