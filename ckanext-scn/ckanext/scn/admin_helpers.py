"""Template helpers of the admin pages: the admin menu and the harvest source list."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk


def scn_can_curate() -> bool:
    """Whether the current user may open the curation queue (sysadmin or organization admin)."""
    if not tk.current_user.is_authenticated:
        return False
    return tk.h.check_access("scn_curation_list")


def scn_harvest_source_status(source_id: str) -> dict[str, Any] | None:
    """The source's status as of now, with its last job (status, finish time, stats). Read
    live: the copy in a search result is from when the source was last indexed."""
    try:
        return tk.get_action("harvest_source_show_status")(
            {"user": tk.current_user.name, "return_error_summary": False}, {"id": source_id})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return None


def scn_quality_issue_label(code: str) -> str:
    """The label of a curation issue code (a property a dataset lacks) in the user's language."""
    from ckanext.scn.logic import quality
    from ckanext.scn.search import lang_code

    return quality.issue_label(code, lang_code())
