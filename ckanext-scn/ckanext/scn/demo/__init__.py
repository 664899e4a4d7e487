"""Demo organizations and datasets: what a few Norwegian municipalities and a company publish."""
from __future__ import annotations

import json
from importlib import resources
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.scn import config, featured


def read(path: str | None = None) -> dict[str, Any]:
    """Read demo JSON from a file path or a ``package:relative/path`` reference."""
    path = path or config.demo_file()
    module, sep, relative = path.partition(":")
    if sep and not path.startswith("/"):
        text = resources.files(module).joinpath(relative).read_text(encoding="utf-8")
    else:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    return json.loads(text)


def load(data: dict[str, Any]) -> dict[str, int]:
    """Create what is missing; never touch what exists, so edits made on the portal survive."""
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    report = dict.fromkeys(
        ("orgs_created", "orgs_existing", "datasets_created", "datasets_existing"), 0
    )

    def context() -> dict[str, Any]:
        return {"user": site_user["name"], "ignore_auth": True}

    for org in data["organizations"]:
        if _exists("organization_show", org["name"]):
            report["orgs_existing"] += 1
        else:
            tk.get_action("organization_create")(context(), dict(org))
            report["orgs_created"] += 1

    # Data services come last: they point at the datasets they serve.
    for dataset in [*data["datasets"], *data.get("data_services", [])]:
        if _exists("package_show", dataset["name"]):
            report["datasets_existing"] += 1
        else:
            tk.get_action("package_create")(context(), json.loads(json.dumps(dataset)))
            report["datasets_created"] += 1

    report["featured_set"] = int(_feature(data.get("featured_datasets") or [], context()))
    return report


def _feature(names: list[str], context: dict[str, Any]) -> bool:
    """Pick the home page's featured datasets, unless some are already chosen (on
    /ckan-admin/config or in the ini file)."""
    if not names or config.featured_datasets():
        return False
    tk.get_action("config_option_update")(context, {featured.OPTION: " ".join(names)})
    return True


def _exists(action: str, name: str) -> bool:
    try:
        tk.get_action(action)({"ignore_auth": True}, {"id": name})
    except tk.ObjectNotFound:
        return False
    return True
