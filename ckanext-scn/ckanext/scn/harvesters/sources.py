"""Harvest sources as code (config/harvest_sources.yaml): create or update them by name."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

import ckan.plugins.toolkit as tk


def read(path: str | Path) -> dict[str, Any]:
    with open(path, encoding="utf-8") as f:
        data = yaml.safe_load(f) or {}
    if not isinstance(data.get("sources", []), list):
        raise ValueError(f"{path}: 'sources' must be a list")
    return data


def sync(data: dict[str, Any]) -> list[tuple[str, str]]:
    """Create or update the organizations and sources; returns (name, what happened) pairs."""
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})

    def context() -> dict[str, Any]:
        return {"user": site_user["name"], "ignore_auth": True}

    done: list[tuple[str, str]] = []
    for org in data.get("organizations", []):
        try:
            tk.get_action("organization_show")(context(), {"id": org["name"]})
            done.append((org["name"], "organization exists"))
        except tk.ObjectNotFound:
            tk.get_action("organization_create")(context(), dict(org))
            done.append((org["name"], "organization created"))

    for source in data.get("sources", []):
        wanted = {
            "name": source["name"], "title": source.get("title") or source["name"], "url": source["url"],
            "source_type": source["source_type"], "frequency": source.get("frequency", "MANUAL"),
            "config": json.dumps(source.get("config") or {}, sort_keys=True),
        }
        try:
            done.append((source["name"], _sync_source(source, wanted, context)))
        except (tk.ValidationError, tk.ObjectNotFound) as e:
            done.append((source["name"], f"error: {getattr(e, 'error_summary', None) or e}"))
    return done


def _sync_source(source: dict[str, Any], wanted: dict[str, Any], context: Any) -> str:
    if source.get("owner_org"):
        wanted["owner_org"] = tk.get_action("organization_show")(context(), {"id": source["owner_org"]})["id"]
    try:
        existing = tk.get_action("harvest_source_show")(context(), {"id": source["name"]})
    except tk.ObjectNotFound:
        tk.get_action("harvest_source_create")(context(), wanted)
        return "source created"
    current = {k: existing.get(k) for k in wanted}
    current["config"] = json.dumps(json.loads(existing.get("config") or "{}"), sort_keys=True)
    if current == wanted:
        return "source unchanged"
    tk.get_action("harvest_source_patch")(context(), {"id": existing["id"], **wanted})
    return "source updated"
