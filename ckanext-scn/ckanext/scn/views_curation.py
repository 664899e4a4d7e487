"""``/curation``: the curation queue page for sysadmins and organization admins.

Registered through views.py (CKAN's blanket registration reads that module's blueprints).
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint

import ckan.plugins.toolkit as tk
from ckan.lib.pagination import Page

from ckanext.scn.logic import quality

curation = Blueprint("scn_curation", __name__)

FILTERS = ("organization", "issue", "level")


def index():
    filters = {name: tk.request.args.get(name) for name in FILTERS if tk.request.args.get(name)}
    try:
        page_number = max(int(tk.request.args.get("page", 1)), 1)
    except ValueError:
        page_number = 1
    context = {"user": tk.current_user.name if tk.current_user.is_authenticated else ""}
    try:
        tk.check_access("scn_curation_list", context, {})
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only sysadmins and organization admins can see the curation queue"))
    try:
        queue = tk.get_action("scn_curation_list")(context, {**filters, "page": page_number})
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only admins of this organization can see its curation queue"))
    except tk.ValidationError as e:
        return tk.abort(400, "; ".join(str(m) for messages in e.error_dict.values() for m in messages))

    def page_url(**params: Any) -> str:
        return tk.h.url_for("scn_curation.index", **filters, page=params["page"])

    pager = Page(collection=queue["results"], page=page_number, url=page_url, item_count=queue["count"],
                 items_per_page=queue["rows"], presliced_list=True)
    return tk.render("scn/curation/index.html", {
        "queue": queue, "filters": filters, "pager": pager,
        "level_labels": {level: quality.level_label(level, tk.h.scn_lang()) for level in quality.LEVELS},
        "edit_url": _edit_url,
    })


def _edit_url(item: dict[str, Any]) -> str:
    # ckanext-scheming registers one blueprint per dataset type: /dataset/edit, /data-service/edit.
    return tk.h.url_for(f"{item['type']}.edit", id=item["name"])


curation.add_url_rule("/curation", view_func=index, endpoint="index")
