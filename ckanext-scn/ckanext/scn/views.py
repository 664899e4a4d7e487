"""Web endpoints of ckanext-scn: an organization's DCAT-AP-NO catalog; CSRF checks for
anonymous forms."""
from __future__ import annotations

from flask import Blueprint, make_response

import ckan.plugins.toolkit as tk
from ckanext.dcat.utils import CONTENT_TYPES

from ckanext.scn.views_curation import curation  # noqa: F401 - registered with this module's blueprints

scn = Blueprint("scn", __name__)


@scn.before_app_request
def check_csrf_on_anonymous_forms() -> None:
    """CKAN 2.11 lets every request without a logged-in session skip the CSRF check: its API
    token loader marks the request as token-authenticated even when no token was sent. The
    login, registration and password-reset forms were then unchecked (login CSRF: a third-party
    page could log a visitor in as the attacker). Only a request that really carries an API
    token skips the check now, and the API keeps CKAN's behaviour. Runs after CKAN's own
    before-request (which sets the exemption) and before the CSRF check (registered later)."""
    if not tk.g.get("_csrf_exempt_view") or not tk.g.get("login_via_auth_header"):
        return
    if (tk.request.blueprint or "") == "api" or _sends_api_token():
        return
    tk.g._csrf_exempt_view = False


def _sends_api_token() -> bool:
    return bool(tk.request.headers.get(tk.config.get("apitoken_header_name") or "Authorization"))


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
