#!/usr/bin/env python3
"""Render config/ckan.ini.in for a profile, creating var/secrets.env on first use.

Profiles: dev (the portal), test (make test), bench and stock (make bench: the SCN portal and a
stock CKAN of the same versions, each on its own database and Solr core).

Secrets are generated once and kept, so sessions, API tokens and the database password survive
every later render. Usage: render_config.py PROFILE OUTPUT
"""
from __future__ import annotations

import os
import re
import secrets
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = Path(os.environ.get("SCN_VAR") or ROOT / "var")
SECRETS = VAR / "secrets.env"

PROFILES = {
    "dev": {
        "SITE_ID": "scn",
        "SITE_URL": f"http://127.0.0.1:{os.environ.get('SCN_CKAN_PORT', '5000')}",
        "DB_NAME": "ckan",
        "SOLR_CORE": "ckan",
        "REDIS_DB": "0",
        "STORAGE_PATH": str(VAR / "storage"),
    },
    "test": {
        "SITE_ID": "scn-test",
        "SITE_URL": "http://test.ckan.net",
        "DB_NAME": "ckan_test",
        "SOLR_CORE": "ckan_test",
        "REDIS_DB": "1",
        "STORAGE_PATH": str(VAR / "storage-test"),
    },
    "bench": {
        "SITE_ID": "scn-bench",
        "SITE_URL": f"http://127.0.0.1:{os.environ.get('SCN_BENCH_PORT', '5001')}",
        "DB_NAME": "ckan_bench",
        "SOLR_CORE": "ckan_bench",
        "REDIS_DB": "2",
        "STORAGE_PATH": str(VAR / "storage-bench"),
    },
    "stock": {
        "SITE_ID": "stock-bench",
        "SITE_URL": f"http://127.0.0.1:{os.environ.get('SCN_STOCK_PORT', '5002')}",
        "DB_NAME": "ckan_stock",
        "SOLR_CORE": "ckan_stock",
        "REDIS_DB": "3",
        "STORAGE_PATH": str(VAR / "storage-stock"),
    },
}
# Stock CKAN for comparison: the same CKAN, DCAT, harvest and spatial extensions without
# ckanext-scn and its schemas (DCAT-AP 3 output, ckanext-dcat's own RDF harvester).
STOCK_PLUGINS = "activity dcat harvest dcat_rdf_harvester spatial_metadata spatial_query"
SECRET_NAMES = ("SECRET_KEY", "JWT_SECRET", "DB_PASSWORD")


def load_secrets() -> dict[str, str]:
    values: dict[str, str] = {}
    if SECRETS.exists():
        for line in SECRETS.read_text().splitlines():
            key, sep, value = line.partition("=")
            if sep:
                values[key.strip()] = value.strip()
    missing = [name for name in SECRET_NAMES if not values.get(name)]
    if missing:
        for name in missing:
            values[name] = secrets.token_hex(24)
        SECRETS.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(SECRETS, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.writelines(f"{k}={values[k]}\n" for k in SECRET_NAMES)
    return values


def render(profile: str) -> str:
    values = {
        **PROFILES[profile],
        **load_secrets(),
        "ROOT": str(ROOT),
        "VAR": str(VAR),
        "PG_PORT": os.environ.get("SCN_PG_PORT", "5432"),
        "SOLR_PORT": os.environ.get("SCN_SOLR_PORT", "8983"),
        "REDIS_PORT": os.environ.get("SCN_REDIS_PORT", "6379"),
    }
    template = (ROOT / "config" / "ckan.ini.in").read_text()

    def substitute(match: re.Match[str]) -> str:
        return values[match.group(1)]

    text = re.sub(r"@([A-Z_]+)@", substitute, template)
    return stock(text) if profile == "stock" else text


def stock(text: str) -> str:
    """Drop what belongs to ckanext-scn and ckanext-scheming; keep services, site and logging."""
    lines = []
    for line in text.splitlines():
        if line.startswith("ckan.plugins ="):
            line = f"ckan.plugins = {STOCK_PLUGINS}"
        elif line.startswith("ckanext.dcat.rdf.profiles ="):
            line = "ckanext.dcat.rdf.profiles = euro_dcat_ap_3"
        elif line.startswith(("scheming.", "ckanext.scn.", "licenses_group_url", "ckan.i18n_directory")):
            continue
        lines.append(line)
    return "\n".join(lines) + "\n"


def main() -> None:
    profile, output = sys.argv[1], Path(sys.argv[2])
    text = render(profile)
    if not output.exists() or output.read_text() != text:
        output.write_text(text)


if __name__ == "__main__":
    main()
