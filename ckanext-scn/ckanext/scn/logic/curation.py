"""The curation queue: datasets that lack DCAT-AP-NO properties, for the admins who can fix them.

Sysadmins see every organization's datasets, organization admins their own organizations'. The
queue is one package_search on the fields logic/quality.py puts in the index, faceted by
organization, issue and level; the web page (views_curation.py) and the API action
``scn_curation_list`` both read it from here.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan import authz
from ckan.logic.schema import validator_args
from ckan.types import Context, DataDict, Schema

from ckanext.scn.logic import quality

__all__ = ["scn_curation_list"]

DEFAULT_ROWS = 20
MAX_ROWS = 100
DATASET_TYPES = (quality.DATASET, quality.DATA_SERVICE)


@validator_args
def curation_list_schema(ignore_missing, unicode_safe, natural_number_validator, int_validator,
                         one_of, default) -> Schema:
    return {
        "organization": [ignore_missing, unicode_safe],
        "issue": [ignore_missing, unicode_safe],
        "level": [ignore_missing, one_of(list(quality.LEVELS))],
        "page": [default(1), int_validator, natural_number_validator],
        "rows": [default(DEFAULT_ROWS), int_validator, natural_number_validator],
        "lang": [ignore_missing, one_of(["nb", "nn", "en"])],
    }


def organizations_to_curate(context: Context) -> list[dict[str, Any]]:
    """The organizations whose datasets the context's user may curate: every one for a
    sysadmin, those where they are an admin otherwise (only the admin role has the ``admin``
    permission; ``manage_group`` is also an editor's and a member's)."""
    return tk.get_action("organization_list_for_user")(
        {"user": context.get("user"), "ignore_auth": True},
        {"id": context.get("user"), "permission": "admin", "include_dataset_count": False},
    )


@tk.side_effect_free
def scn_curation_list(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Datasets and data services lacking mandatory or recommended DCAT-AP-NO properties
    (or flagged incomplete by a harvest), private ones and drafts included.

    :param organization: only this organization's datasets (name or id)
    :param issue: only datasets lacking this property (an issue code, e.g. ``contact``)
    :param level: ``mandatory`` or ``recommended``: only datasets with an issue of that level
    :param page: page number, from 1 (default 1)
    :param rows: datasets per page (default 20, at most 100)
    :param lang: language of the labels: nb, nn or en (default: the request's language)
    :returns: ``count``, ``page``, ``rows``, ``results`` (name, title, type, organization,
        private, state, metadata_modified, issues with code, level and label) and ``facets``
        (organization, issue and level: name, label, count)
    """
    tk.check_access("scn_curation_list", context, data_dict)
    data, errors = tk.navl_validate(data_dict, curation_list_schema(), context)
    if errors:
        raise tk.ValidationError(errors)
    lang = data.get("lang") or _request_lang()
    rows = min(data["rows"] or DEFAULT_ROWS, MAX_ROWS)
    page = max(data["page"], 1)

    organizations = {org["id"]: org for org in organizations_to_curate(context)}
    filters = ["scn_quality_issues:[* TO *]", "dataset_type:({})".format(" OR ".join(DATASET_TYPES))]
    if not authz.is_sysadmin(context.get("user")):
        filters.append(_any_of("owner_org", organizations) if organizations else "-*:*")
    if data.get("organization"):
        org = _find_organization(data["organization"], organizations)
        filters.append(_any_of("owner_org", [org["id"]]))
    if data.get("issue"):
        filters.append(_any_of("scn_quality_issues", [data["issue"]]))
    if data.get("level"):
        filters.append(_any_of("scn_quality_level", [data["level"]]))

    found = tk.get_action("package_search")({"user": context.get("user")}, {
        "fq": " AND ".join(filters),
        "include_private": True, "include_drafts": True,
        "facet": "true", "facet.field": ["owner_org", "scn_quality_issues", "scn_quality_level"],
        "facet.limit": -1, "facet.mincount": 1,
        "rows": rows, "start": (page - 1) * rows,
        "sort": "metadata_modified desc",
    })
    facets = found.get("facets") or {}
    return {
        "count": found["count"],
        "page": page,
        "rows": rows,
        "results": [_queue_item(dataset, organizations, lang) for dataset in found["results"]],
        "facets": {
            "organization": sorted(
                ({"name": organizations[org_id]["name"], "label": organizations[org_id]["display_name"],
                  "count": count}
                 for org_id, count in facets.get("owner_org", {}).items() if org_id in organizations),
                key=lambda item: item["label"].lower()),
            "issue": sorted(
                ({"name": code, "label": quality.issue_label(code, lang), "count": count}
                 for code, count in facets.get("scn_quality_issues", {}).items()),
                key=lambda item: (-item["count"], item["label"])),
            "level": [
                {"name": level, "label": quality.level_label(level, lang),
                 "count": facets.get("scn_quality_level", {}).get(level, 0)}
                for level in quality.LEVELS if facets.get("scn_quality_level", {}).get(level)],
        },
    }


def _queue_item(dataset: dict[str, Any], organizations: dict[str, dict[str, Any]], lang: str) -> dict[str, Any]:
    org = organizations.get(dataset.get("owner_org") or "") or dataset.get("organization") or {}
    return {
        "id": dataset["id"],
        "name": dataset["name"],
        "type": dataset.get("type") or quality.DATASET,
        "title": _title(dataset, lang),
        "organization": {"name": org.get("name"), "title": org.get("display_name") or org.get("title")} if org else None,
        "private": dataset.get("private", False),
        "state": dataset.get("state"),
        "metadata_modified": dataset.get("metadata_modified"),
        "issues": [{"code": issue.code, "level": issue.level, "label": issue.label(lang)}
                   for issue in quality.issues(dataset)],
    }


def _title(dataset: dict[str, Any], lang: str) -> str:
    from ckanext.scn.logic.fluent import pick

    return pick(dataset.get("title_translated"), lang) or dataset.get("title") or dataset["name"]


def _find_organization(name_or_id: str, organizations: dict[str, dict[str, Any]]) -> dict[str, Any]:
    for org in organizations.values():
        if name_or_id in (org["id"], org["name"]):
            return org
    # Not one the user may curate, or no such organization: the same answer for both.
    raise tk.ValidationError({"organization": [tk._("Not an organization you can curate")]})


def _any_of(field: str, values: Any) -> str:
    quoted = " OR ".join('"{}"'.format(str(v).replace("\\", "\\\\").replace('"', '\\"')) for v in values)
    return f"{field}:({quoted})"


def _request_lang() -> str:
    from ckanext.scn.search import lang_code

    return lang_code()
