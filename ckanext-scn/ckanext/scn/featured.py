"""Featured datasets: the home page's editorial pick, a runtime-editable config option.

Sysadmins set ``ckanext.scn.featured_datasets`` (dataset names separated by spaces) on
/ckan-admin/config; ``config_option_update`` stores it in the database and CKAN refreshes it on
every worker, so no restart is needed.
"""
from __future__ import annotations

import re
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context, Validator

from ckanext.scn import config

OPTION = "ckanext.scn.featured_datasets"
MAX_FEATURED = 12
_SEPARATORS = re.compile(r"[\s,]+")


def config_schema_validators() -> list[Validator]:
    """The validators of the option in CKAN's update_configuration_schema."""
    return [tk.get_validator("ignore_missing"), tk.get_validator("unicode_safe"), featured_dataset_names]


def featured_dataset_names(value: Any, context: Context) -> str:
    """Normalise to names separated by single spaces, refusing names of datasets that do not
    exist, so a typo shows up when the admin saves rather than as a silently shorter block."""
    names = list(dict.fromkeys(n for n in _SEPARATORS.split(str(value or "")) if n))
    if len(names) > MAX_FEATURED:
        raise tk.Invalid(tk._("Feature at most {max} datasets").format(max=MAX_FEATURED))
    unknown = [n for n in names if not _dataset_exists(n)]
    if unknown:
        raise tk.Invalid(tk._("No such dataset: {names}").format(names=", ".join(unknown)))
    return " ".join(names)


def _dataset_exists(name: str) -> bool:
    try:
        dataset = tk.get_action("package_show")({"ignore_auth": True}, {"id": name})
    except tk.ObjectNotFound:
        return False
    return dataset.get("state") == "active"


def featured_datasets() -> list[dict[str, Any]]:
    """The configured datasets the current user may see, in the configured order; deleted,
    missing and (for this user) private ones are left out."""
    found = []
    for name in config.featured_datasets()[:MAX_FEATURED]:
        try:
            dataset = tk.get_action("package_show")({}, {"id": name})
        except (tk.ObjectNotFound, tk.NotAuthorized):
            continue
        if dataset.get("state") == "active":
            found.append(dataset)
    return found
