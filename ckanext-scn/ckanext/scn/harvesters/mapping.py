"""Shared by the ``scn_ckan`` and ``scn_csw`` harvesters: value mapping into the SCN schema and the
import machinery.

Import rules (the same as ``dcat_ap_no``): a record is imported as it is, in harvest mode, so what it
lacks ends up in ``missing_properties``; a value the schema would refuse and that the record can do
without (a broken bounding box, an address that is not an email) is left out with a warning; a
record whose mapped dataset equals the one imported last time is skipped without a write; records
gone from the source are withdrawn, but never more than ``ckanext.scn.harvest.withdraw_limit`` of a
source at once unless the source config says ``"force_withdraw": true``.
"""
from __future__ import annotations

import datetime
import hashlib
import json
import logging
import mimetypes
import re
import uuid
from typing import Any, Iterable

import sqlalchemy as sa

import ckan.plugins.toolkit as tk
from ckan import model
from ckanext.harvest.model import HarvestObject, HarvestObjectExtra

from ckanext.scn import config, vocabularies
from ckanext.scn.harvesters.mode import harvest_mode
from ckanext.scn.logic import validators

log = logging.getLogger(__name__)

DIGEST_KEY = "scn_digest"
# Keys of a mapped dataset that are not compared between runs: chosen when the dataset is saved.
_NOT_COMPARED = ("name",)


class MappingError(Exception):
    """The record cannot be read as a dataset; the message says what is wrong."""


# ---- source config --------------------------------------------------------------------------------

def source_config(harvest_object_or_job: Any) -> dict[str, Any]:
    try:
        value = json.loads(harvest_object_or_job.source.config or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def check_booleans(parsed: dict[str, Any], *keys: str) -> None:
    for key in keys:
        if key in parsed and not isinstance(parsed[key], bool):
            raise ValueError(f"{key} must be true or false")


# ---- values -----------------------------------------------------------------------------------------

def text(value: Any) -> str | None:
    """Stripped text, or None for anything empty or not a string."""
    return value.strip() or None if isinstance(value, str) else None


def email(value: Any) -> str | None:
    """The address if the schema would accept it."""
    if not text(value):
        return None
    try:
        return validators.scn_email(value.strip())
    except tk.Invalid:
        return None


def geometry(value: Any) -> str | None:
    """Compact GeoJSON if the schema would accept it."""
    if value in (None, "", {}):
        return None
    try:
        return validators.scn_geojson_geometry(value)
    except tk.Invalid:
        return None


def web_url(value: Any) -> str | None:
    value = text(value)
    return value if value and validators._is_url(value) else None


def resource_url(value: Any) -> str | None:
    """The address if the schema would accept it for a resource (web or FTP)."""
    value = text(value)
    return value if value and validators.is_resource_url(value) else None


_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?)?)?$")


def date(value: Any) -> str | None:
    """An ISO 8601 year, month, day or date-time that exists in the calendar (not 2024-02-30,
    not 25:61), else None."""
    value = text(value)
    if not value or not _DATE.match(value):
        return None
    try:
        validators.scn_calendar_date(value)
        if len(value) > 10:
            datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except (tk.Invalid, ValueError):
        return None
    return value


def bbox_geometry(west: Any, south: Any, east: Any, north: Any) -> str | None:
    """A bounding box as a GeoJSON Polygon (a Point when it has no area), or None if it is not one."""
    try:
        w, s, e, n = (float(str(v).strip()) for v in (west, south, east, north))
    except (TypeError, ValueError):
        return None
    if w == e or s == n:
        return geometry({"type": "Point", "coordinates": [w, s]})
    ring = [[w, s], [e, s], [e, n], [w, n], [w, s]]
    return geometry({"type": "Polygon", "coordinates": [ring]})


def file_format(*candidates: Any) -> str | None:
    """The first candidate the EU file-type table knows (as code, media type or service), else None:
    the schema refuses unknown formats, and a resource is better kept without one."""
    file_types = vocabularies.get("file-type")
    for candidate in candidates:
        value = text(candidate)
        if not value:
            continue
        for option in (value, f"{value}_SRVC", re.split(r"[-\s/;]", value, maxsplit=1)[0]):
            concept = file_types.resolve(option)
            if concept:
                return concept.code
    return None


def vocabulary_uri(vocabulary: str, value: Any) -> str | None:
    value = text(value)
    concept = vocabularies.get(vocabulary).resolve(value) if value else None
    return concept.uri if concept else None


def _squash(value: str) -> str:
    return re.sub(r"[^a-z0-9]", "", value.casefold())


# Licence ids and names seen on Norwegian CKAN portals, squashed (see _squash).
_LICENCE_IDS = {
    "nlod": "NLOD-2.0", "nlod2": "NLOD-2.0", "nlod20": "NLOD-2.0", "nlodno20": "NLOD-2.0",
    "ccby": "CC-BY-4.0", "ccby40": "CC-BY-4.0",
    "cczero": "CC0-1.0", "cc0": "CC0-1.0", "cc010": "CC0-1.0",
    "odcodbl": "ODbL-1.0", "odbl": "ODbL-1.0", "odbl10": "ODbL-1.0",
}
_NLOD_1 = re.compile(r"nlod[\s/_-]*(no[\s/_-]*)?1(\.0)?(?![\d.])", re.IGNORECASE)


def licence_id(*texts: Any) -> str | None:
    """The SCN licence named by any of TEXTS (licence ids, titles, URLs, constraint text).

    Only clear names count: NLOD (not 1.0, which the portal does not offer), CC BY 4.0 (not
    BY-SA, BY-NC or other versions), CC0 and ODbL. Anything else is left out for a person to set.
    """
    values = [t for t in (text(v) for v in texts) if t]
    for value in values:
        if _squash(value) in _LICENCE_IDS:
            return _LICENCE_IDS[_squash(value)]
    for value in values:
        squashed = _squash(value)
        if "nlod" in squashed or "norsklisensforoffentligedata" in squashed:
            if not _NLOD_1.search(value):
                return "NLOD-2.0"
        elif any(k in squashed for k in ("cc0", "cczero", "creativecommonszero", "publicdomainzero")):
            return "CC0-1.0"
        elif "odbl" in squashed or "opendatabaselicense" in squashed:
            return "ODbL-1.0"
        elif any(k in squashed for k in ("ccby40", "creativecommonsby40", "creativecommonsattribution40",
                                         "creativecommonsnavngivelse40", "licensesby40")):
            return "CC-BY-4.0"
    return None


# ---- organizations ------------------------------------------------------------------------------

def organization_by_title(*names: str | None) -> str | None:
    """The id of the organization whose title is the first of NAMES that one has (case and
    spacing aside)."""
    wanted = [" ".join(name.split()).casefold() for name in names if name and name.strip()]
    if not wanted:
        return None
    # organization_list returns at most 25 organizations with their titles: read the table.
    orgs = model.Session.query(model.Group.id, model.Group.title).filter(
        model.Group.is_organization == True, model.Group.state == "active")  # noqa: E712 - SQL
    titles = {" ".join((title or "").split()).casefold(): org_id for org_id, title in orgs}
    return next((titles[name] for name in wanted if name in titles), None)


def source_catalog_extras(dataset: dict[str, Any], source: Any) -> None:
    """Where the record came from: the catalog serializer (logic/catalog.py) lists the dataset
    under this source catalog."""
    extras = [e for e in dataset.get("extras", []) if not e["key"].startswith("source_catalog_")]
    extras.append({"key": "source_catalog_homepage", "value": source.url})
    extras.append({"key": "source_catalog_title", "value": source.title or source.url})
    dataset["extras"] = extras


# ---- gather: withdrawals ------------------------------------------------------------------------

def mark_withdrawals(harvester: Any, harvest_job: Any, guids_in_source: Iterable[str]) -> list[str]:
    """Harvest objects that withdraw the source's datasets missing from GUIDS_IN_SOURCE, unless
    that is more than the withdraw limit (a broken source looks like an empty one)."""
    current = dict(model.Session.query(HarvestObject.guid, HarvestObject.package_id).filter(
        HarvestObject.current == True,  # noqa: E712 - SQL
        HarvestObject.harvest_source_id == harvest_job.source.id,
    ).all())
    gone = sorted(set(current) - set(guids_in_source))
    if not gone:
        return []
    limit = config.harvest_withdraw_limit()
    if len(gone) / len(current) > limit and source_config(harvest_job).get("force_withdraw") is not True:
        harvester._save_gather_error(
            f"{len(gone)} of {len(current)} datasets ({len(gone) / len(current):.0%}) are gone from the source, "
            f"more than the limit of {limit:.0%}: none was withdrawn. Check the source; to withdraw them "
            f'anyway, run once with "force_withdraw": true in the source config.', harvest_job)
        return []
    ids = []
    for guid in gone:
        model.Session.query(HarvestObject).filter(
            HarvestObject.guid == guid, HarvestObject.harvest_source_id == harvest_job.source.id,
        ).update({"current": False}, synchronize_session=False)
        obj = HarvestObject(guid=guid, job=harvest_job, package_id=current[guid],
                            extras=[HarvestObjectExtra(key="status", value="delete")])
        obj.save()
        ids.append(obj.id)
    return ids


# ---- import -------------------------------------------------------------------------------------

def status(harvest_object: Any) -> str | None:
    return next((e.value for e in harvest_object.extras if e.key == "status"), None)


def withdraw(harvester: Any, harvest_object: Any) -> bool:
    """Delete (state "deleted", not purged) a dataset gone from the source; it comes back if the
    record does."""
    context = {"user": harvester._get_user_name(), "ignore_auth": True}
    try:
        tk.get_action("package_delete")(context, {"id": harvest_object.package_id})
    except tk.ObjectNotFound:
        log.info("Dataset %s of %s already gone", harvest_object.package_id, harvest_object.guid)
    return True


def import_dataset(harvester: Any, harvest_object: Any, dataset: dict[str, Any], label: str,
                   warnings: Iterable[str] = ()) -> bool | str:
    """Create or update the dataset of HARVEST_OBJECT's record, or skip it if unchanged.

    LABEL names the record in error messages. ``dataset["name"]`` is only a hint for a new dataset.
    """
    _formats_from_urls(dataset, f"{harvest_object.harvest_source_id}#{harvest_object.guid}")
    digest = _digest(dataset)
    _set_extra(harvest_object, DIGEST_KEY, digest)
    previous = _current_object(harvest_object)
    existing = _existing_package(harvest_object)
    if (previous is not None and existing is not None and existing.state == "active"
            and previous.package_id == existing.id and _extra(previous, DIGEST_KEY) == digest):
        _make_current(harvest_object, existing.id)
        model.Session.commit()
        return "unchanged"

    context = {"user": harvester._get_user_name(), "ignore_auth": True}
    try:
        with harvest_mode():
            if existing is not None:
                # Keep the id and URL; a withdrawn dataset that is back becomes active again.
                dataset = dict(dataset, id=existing.id, name=existing.name, state="active")
                _keep_resource_ids(dataset, existing)
                _make_current(harvest_object, existing.id)
                tk.get_action("package_update")(context, dataset)
            else:
                dataset = dict(dataset, id=str(uuid.uuid4()),
                               name=harvester._gen_new_name(dataset.get("name") or harvest_object.guid))
                _make_current(harvest_object, dataset["id"])
                # The harvest plugin indexes the dataset with its harvest object: link them first.
                model.Session.execute(sa.text("SET CONSTRAINTS harvest_object_package_id_fkey DEFERRED"))
                model.Session.flush()
                tk.get_action("package_create")(context, dataset)
    except tk.ValidationError as e:
        model.Session.rollback()
        harvester._save_object_error(f"{label}: not imported: {_summary(e)}", harvest_object, "Import")
        return False
    except Exception as e:  # noqa: BLE001 - one broken record must not stop the job
        model.Session.rollback()
        log.exception("Importing %s", label)
        harvester._save_object_error(f"{label}: not imported: {e.__class__.__name__}: {e}", harvest_object,
                                     "Import")
        return False
    model.Session.commit()
    for warning in warnings:
        harvester._save_object_error(f"{label}: {warning}", harvest_object, "Import")
    return True


def _formats_from_urls(dataset: dict[str, Any], key: str) -> None:
    """A resource without a format gets the one its URL suggests, if the EU table has it.

    CKAN guesses a missing format from the URL (if_empty_guess_format) and the schema refuses a
    guess it does not know (``.sos`` is text/vnd.sosi), which would refuse the whole dataset. A
    resource with an id is not guessed for, so such a resource gets a stable id of its own.
    """
    for index, resource in enumerate(dataset.get("resources") or []):
        if resource.get("format") or resource.get("id"):
            continue
        guess = mimetypes.guess_type(resource.get("url") or "")[0]
        if guess and file_format(guess):
            resource["format"] = file_format(guess)
        elif guess:
            resource["id"] = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{key}#{index}#{resource.get('url')}"))


def _keep_resource_ids(dataset: dict[str, Any], existing: Any) -> None:
    """Resources keep their ids (and pages) across updates, matched by URL."""
    ids: dict[str, list[str]] = {}
    for resource in existing.resources:
        ids.setdefault(resource.url, []).append(resource.id)
    for resource in dataset.get("resources") or []:
        if not resource.get("id") and ids.get(resource.get("url")):
            resource["id"] = ids[resource["url"]].pop(0)


def _digest(dataset: dict[str, Any]) -> str:
    compared = {k: v for k, v in dataset.items() if k not in _NOT_COMPARED}
    return hashlib.sha256(json.dumps(compared, sort_keys=True, default=str).encode()).hexdigest()


def _extra(harvest_object: Any, key: str) -> str | None:
    return next((e.value for e in harvest_object.extras if e.key == key), None)


def _set_extra(harvest_object: Any, key: str, value: str) -> None:
    # Saved at once, so that it is stored even when the import fails and is rolled back.
    HarvestObjectExtra(object=harvest_object, key=key, value=value).save()


def _current_object(harvest_object: Any) -> Any:
    return model.Session.query(HarvestObject).filter(
        HarvestObject.guid == harvest_object.guid,
        HarvestObject.harvest_source_id == harvest_object.harvest_source_id,
        HarvestObject.current == True,  # noqa: E712 - SQL
        HarvestObject.id != harvest_object.id,
    ).first()


def _existing_package(harvest_object: Any) -> Any:
    """The dataset an earlier record with this guid from this source was imported into, if it
    still exists (a withdrawn one included)."""
    return model.Session.query(model.Package).join(
        HarvestObject, HarvestObject.package_id == model.Package.id,
    ).filter(
        HarvestObject.guid == harvest_object.guid,
        HarvestObject.harvest_source_id == harvest_object.harvest_source_id,
        model.Package.state.in_(("active", "deleted")),
    ).order_by(HarvestObject.gathered.desc()).first()


def _make_current(harvest_object: Any, package_id: str) -> None:
    model.Session.query(HarvestObject).filter(
        HarvestObject.guid == harvest_object.guid,
        HarvestObject.harvest_source_id == harvest_object.harvest_source_id,
        HarvestObject.id != harvest_object.id,
    ).update({"current": False}, synchronize_session=False)
    harvest_object.current = True
    harvest_object.package_id = package_id
    harvest_object.add()


def _summary(error: tk.ValidationError) -> str:
    """Field: message; ... from a validation error (repeating fields flattened to their path)."""
    parts: list[str] = []

    def walk(path: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{path}.{key}" if path else str(key), inner)
        elif isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            parts.append(f"{path}: {' '.join(value)}")
        elif isinstance(value, list):
            for index, inner in enumerate(value):
                if inner:
                    walk(f"{path}[{index}]", inner)
        elif value:
            parts.append(f"{path}: {value}")

    walk("", error.error_dict)
    return "; ".join(parts) or str(error)
