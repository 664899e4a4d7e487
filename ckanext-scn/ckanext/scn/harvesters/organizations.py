"""Which organization a harvested record belongs to: its publisher's, found by orgnr."""
from __future__ import annotations

import logging
import re
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.scn.logic.validators import is_valid_orgnr

log = logging.getLogger(__name__)


def find_by_orgnr(orgnr: str) -> dict[str, Any] | None:
    """The active organization with this orgnr (its id and name), or None.

    orgnr is a scheming field, stored as a group extra: one query on group_extra, not the
    organization list with all fields (that dictized every organization, with a Solr count
    each, for every harvested record: a fifth of a first harvest's time)."""
    row = (
        model.Session.query(model.Group.id, model.Group.name)
        .join(model.GroupExtra, model.GroupExtra.group_id == model.Group.id)
        .filter(model.GroupExtra.key == "orgnr", model.GroupExtra.value == orgnr,
                model.GroupExtra.state == "active", model.Group.state == "active",
                model.Group.is_organization == True)  # noqa: E712 - SQL
        .order_by(model.Group.created)
        .first()
    )
    return {"id": row.id, "name": row.name} if row else None


def for_publisher(publisher: dict[str, Any], source: Any, create: bool = False) -> str | None:
    """The id of the publisher's organization: found by orgnr, created when CREATE and missing,
    otherwise the harvest source's own organization."""
    orgnr = publisher.get("orgnr")
    if orgnr and is_valid_orgnr(orgnr):
        org = find_by_orgnr(orgnr)
        if org:
            return org["id"]
        if create:
            return _create(orgnr, publisher.get("name"))
    source_dataset = model.Package.get(source.id)
    return source_dataset.owner_org if source_dataset else None


def _create(orgnr: str, name: str | None) -> str:
    title = name or f"Organisasjon {orgnr}"
    slug = re.sub(r"[^a-z0-9-]+", "-", title.lower().replace("æ", "ae").replace("ø", "o").replace("å", "a")).strip("-")
    slug = f"{slug[:80]}-{orgnr}" if slug else f"org-{orgnr}"
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    org = tk.get_action("organization_create")(
        {"user": site_user["name"], "ignore_auth": True},
        {"name": slug, "title": title, "orgnr": orgnr, "org_type": "other"},
    )
    log.info("Created organization %s for orgnr %s", org["name"], orgnr)
    return org["id"]
