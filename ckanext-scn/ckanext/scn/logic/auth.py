"""Authorization functions of ckanext-scn."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict

from ckanext.scn.logic.curation import organizations_to_curate

__all__ = ["scn_curation_list"]


def scn_curation_list(context: Context, data_dict: DataDict) -> AuthResult:
    """The curation queue is for sysadmins (CKAN lets them through without asking) and organization admins;
    an ``organization`` asked for must be one they administer."""
    if not context.get("user"):
        return {"success": False, "msg": tk._("Only organization admins can see the curation queue")}
    organizations = organizations_to_curate(context)
    wanted = (data_dict or {}).get("organization")
    if wanted and not any(wanted in (org["id"], org["name"]) for org in organizations):
        return {"success": False, "msg": tk._("Only admins of this organization can see its curation queue")}
    if not organizations:
        return {"success": False, "msg": tk._("Only organization admins can see the curation queue")}
    return {"success": True}
