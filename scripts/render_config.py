#!/usr/bin/env python3
"""Render config/ckan.ini.in for a profile (dev or test), creating var/secrets.env on first use.

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
SECRETS = ROOT / "var" / "secrets.env"

PROFILES = {
    "dev": {
        "SITE_ID": "scn",
        "SITE_URL": f"http://127.0.0.1:{os.environ.get('SCN_CKAN_PORT', '5000')}",
        "DB_NAME": "ckan",
        "SOLR_CORE": "ckan",
        "REDIS_DB": "0",
        "STORAGE_PATH": str(ROOT / "var" / "storage"),
    },
    "test": {
        "SITE_ID": "scn-test",
        "SITE_URL": "http://test.ckan.net",
        "DB_NAME": "ckan_test",
        "SOLR_CORE": "ckan_test",
        "REDIS_DB": "1",
        "STORAGE_PATH": str(ROOT / "var" / "storage-test"),
    },
}
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
        "PG_PORT": os.environ.get("SCN_PG_PORT", "5432"),
        "SOLR_PORT": os.environ.get("SCN_SOLR_PORT", "8983"),
        "REDIS_PORT": os.environ.get("SCN_REDIS_PORT", "6379"),
    }
    template = (ROOT / "config" / "ckan.ini.in").read_text()

    def substitute(match: re.Match[str]) -> str:
        return values[match.group(1)]

    return re.sub(r"@([A-Z_]+)@", substitute, template)


def main() -> None:
    profile, output = sys.argv[1], Path(sys.argv[2])
    text = render(profile)
    if not output.exists() or output.read_text() != text:
        output.write_text(text)


if __name__ == "__main__":
    main()
