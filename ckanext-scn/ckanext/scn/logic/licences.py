"""The licence list (config/licenses.json via licenses_group_url) and a dataset's effective terms.

Each licence carries ``scn_openness``: 0 public domain, 1 attribution, 2 share-alike,
3 commercial terms. A dataset's effective licence is the least open of its own and its
resources' licences: what a user must accept to use all of it.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk


def register() -> dict[str, dict[str, Any]]:
    licences = tk.get_action("license_list")({"ignore_auth": True}, {})
    return {lic["id"]: lic for lic in licences}


def title(licence_id: str) -> str | None:
    licence = register().get(licence_id)
    return licence["title"] if licence else None


def effective_licence_id(dataset: dict[str, Any]) -> str | None:
    known = register()
    ids = [dataset.get("license_id")] + [r.get("license") for r in dataset.get("resources") or []]
    ids = [i for i in ids if i in known]
    if not ids:
        return None
    return max(ids, key=lambda i: int(known[i].get("scn_openness", 3)))
