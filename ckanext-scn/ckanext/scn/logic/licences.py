"""The licence list (config/licenses.json via licenses_group_url) and a dataset's effective terms.

Each licence carries ``title_translated`` ({nb, nn, en}; CKAN itself shows ``title``) and
``scn_openness``: 0 public domain, 1 attribution, 2 share-alike,
3 commercial terms. A dataset's effective licence is the least open of its own and its
resources' licences: what a user must accept to use all of it.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk


def register() -> dict[str, dict[str, Any]]:
    licences = tk.get_action("license_list")({"ignore_auth": True}, {})
    return {lic["id"]: lic for lic in licences}


def title(licence_id: str, lang: str | None = None) -> str | None:
    """The licence's name in LANG (nb, nn, en) from its ``title_translated``, else its title."""
    licence = register().get(licence_id)
    return translated_title(licence, lang) if licence else None


def translated_title(licence: dict[str, Any], lang: str | None) -> str:
    names = licence.get("title_translated") or {}
    return (names.get(lang) if lang else None) or licence["title"]


def effective_licence_id(dataset: dict[str, Any]) -> str | None:
    known = register()
    ids = [dataset.get("license_id")] + [r.get("license") for r in dataset.get("resources") or []]
    ids = [i for i in ids if i in known]
    if not ids:
        return None
    return max(ids, key=lambda i: int(known[i].get("scn_openness", 3)))
