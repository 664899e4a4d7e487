"""Web endpoints of ckanext-scn: an organization's DCAT-AP-NO catalog."""
from __future__ import annotations

from flask import Blueprint, make_response

import ckan.plugins.toolkit as tk
from ckanext.dcat.utils import CONTENT_TYPES

from ckanext.scn.views_curation import curation  # noqa: F401 - registered with this module's blueprints

scn = Blueprint("scn", __name__)


def organization_catalog(id: str, _format: str):
    """``/organization/<name>/catalog.<ttl|rdf|xml|jsonld>``: the catalog a municipality
    registers at data.norge.no as its DCAT-AP-NO source (its own public datasets only)."""
    if _format not in CONTENT_TYPES:
        return tk.abort(404, tk._("Unknown format: use ttl, rdf, xml, n3 or jsonld"))
    data_dict = {
        "organization": id, "format": _format, "page": tk.request.args.get("page"),
        "modified_since": tk.request.args.get("modified_since"),
        "q": tk.request.args.get("q"), "fq": tk.request.args.get("fq"),
    }
    try:
        output = tk.get_action("dcat_catalog_show")({}, data_dict)
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Organization not found"))
    except tk.ValidationError as e:
        return tk.abort(409, str(e))
    response = make_response(output)
    response.headers["Content-Type"] = CONTENT_TYPES[_format]
    return response


scn.add_url_rule("/organization/<id>/catalog.<_format>", view_func=organization_catalog,
                 endpoint="organization_catalog")
