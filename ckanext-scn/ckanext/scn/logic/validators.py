"""Validators named in the SCN scheming schemas.

Messages say what is wrong and how to fix it. Validators that check one sub-field of a repeating
field against another (an offer's amount against its price model) read the sibling from the
flattened data, so the error lands next to the field the user has to change.
"""
from __future__ import annotations

import datetime
import json
import re
from typing import Any, Callable
from urllib.parse import urlsplit

import ckan.plugins.toolkit as tk
from ckan.types import Context, FlattenDataDict, FlattenErrorDict, FlattenKey
from ckanext.scheming.validation import scheming_validator

from ckanext.scn import vocabularies
from ckanext.scn.harvesters.mode import in_harvest_mode
from ckanext.scn.logic import pricing
from ckanext.scn.logic.fluent import (
    fluent_core_translated,
    fluent_tags,
    fluent_tags_output,
    fluent_text,
    fluent_text_output,
)

__all__ = [
    "fluent_text", "fluent_text_output", "fluent_core_translated", "fluent_tags", "fluent_tags_output",
    "scn_orgnr", "scn_geojson_geometry", "scn_url", "scn_url_list", "scn_email",
    "scn_vocabulary_uri", "scn_vocabulary_uris", "scn_file_format", "scn_spatial_coverage_uri",
    "scn_temporal_end", "scn_license_id", "scn_dataset_references", "scn_optional_boolean",
    "scn_offer_amount", "scn_currency", "scn_required_for_models", "scn_municipality_code",
    "scn_publisher_uri", "scn_dataset_checks", "scn_list_output", "scn_required", "scn_missing_properties",
    "scn_storable_text", "scn_calendar_date", "scn_resource_url",
]

_ORGNR_WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)
PUBLISHER_URI = "https://organization-catalog.fellesdatakatalog.digdir.no/organizations/{orgnr}"
MAX_URL_LENGTH = 2000
# Any one text of a dataset or organization (a GeoJSON outline of a county fits; a pasted report
# does not). Titles and descriptions have lower limits of their own (max_length in the schemas).
MAX_TEXT_LENGTH = 1_000_000
_EMAIL = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+$")

Validator = Callable[[FlattenKey, FlattenDataDict, FlattenErrorDict, Context], Any]


def _empty(value: Any) -> bool:
    return value is tk.missing or value is None or value == "" or value == []


def _sibling(key: FlattenKey, data: FlattenDataDict, name: str) -> Any:
    value = data.get(key[:-1] + (name,))
    return value.strip() if isinstance(value, str) else value


def _as_list(value: Any) -> list[Any]:
    """A list from a list, a JSON list, or comma-separated text (forms send the latter)."""
    if _empty(value):
        return []
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                parsed = json.loads(text)
            except ValueError:
                raise tk.Invalid(tk._("Not valid JSON: give a list such as [\"...\"]"))
            return parsed if isinstance(parsed, list) else [parsed]
        return [part.strip() for part in text.split(",") if part.strip()]
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


# ---- any text ----------------------------------------------------------------------------------

def _offending_fields(key: FlattenKey, value: Any, problem: Callable[[str], bool]) -> list[FlattenKey]:
    """The fields under KEY whose text has PROBLEM. Form inputs the schema does not know yet
    (``title_translated-nb``) sit in ``__extras``: they count as their field (``title_translated``)."""
    if isinstance(value, str):
        return [key] if problem(value) else []
    if isinstance(value, dict):
        if key and key[-1] in ("__extras", "__junk"):
            return [found for name, inner in value.items()
                    for found in _offending_fields(key[:-1] + (str(name).split("-", 1)[0],), inner, problem)]
        return [key] if any(_offending_fields(key, v, problem) for v in value.values()) else []
    if isinstance(value, (list, tuple)):
        return [key] if any(_offending_fields(key, v, problem) for v in value) else []
    return []


def _without_nul(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {k: _without_nul(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_nul(v) for v in value]
    return value


def scn_storable_text(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context) -> Any:
    """Before any other validator: no text with a NUL character (PostgreSQL cannot store one in
    text: it would be a server error) and none longer than MAX_TEXT_LENGTH, wherever it is. The
    error is on the field that has it; the NUL is taken out so that the validators after this one
    (some of which query the database) see text they can handle."""
    for field_key, value in list(data.items()):
        for target in _offending_fields(field_key, value, lambda text: "\x00" in text):
            errors.setdefault(target, []).append(
                tk._("Contains a NUL character (U+0000), which cannot be stored: remove it"))
        if _offending_fields(field_key, value, lambda text: "\x00" in text):
            data[field_key] = _without_nul(value)
        for target in _offending_fields(field_key, value, lambda text: len(text) > MAX_TEXT_LENGTH):
            errors.setdefault(target, []).append(
                tk._("Too long: at most {limit} characters").format(limit=MAX_TEXT_LENGTH))


# ---- identifiers --------------------------------------------------------------------------------

def is_valid_orgnr(value: str) -> bool:
    """A Norwegian organization number: 9 digits, the last a mod-11 check digit."""
    if len(value) != 9 or not value.isdigit():
        return False
    remainder = sum(int(d) * w for d, w in zip(value, _ORGNR_WEIGHTS)) % 11
    check = 0 if remainder == 0 else 11 - remainder
    return check != 10 and check == int(value[8])


def scn_orgnr(value: Any) -> Any:
    """Accept an orgnr written with spaces (``958 935 420``) and store the 9 digits."""
    if _empty(value):
        return value
    digits = str(value).replace(" ", "").replace("\u00a0", "")
    if not is_valid_orgnr(digits):
        raise tk.Invalid(
            tk._("Not a valid Norwegian organization number: give the 9 digits from "
                 "Enhetsregisteret (the last one is a check digit)")
        )
    return digits


_GEOMETRY_TYPES = {
    "Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon",
    "GeometryCollection",
}


def scn_geojson_geometry(value: Any) -> Any:
    """A GeoJSON geometry (WGS 84), given as an object or as JSON text; stored as compact JSON."""
    if _empty(value):
        return value
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise tk.Invalid(tk._("Not valid JSON: give a GeoJSON geometry"))
    if not isinstance(value, dict) or value.get("type") not in _GEOMETRY_TYPES:
        raise tk.Invalid(
            tk._("Not a GeoJSON geometry: expected an object whose type is Point, Polygon, ...")
        )
    try:
        from shapely.geometry import shape

        geometry = shape(value)
    except (ValueError, TypeError, KeyError, AttributeError, IndexError):
        raise tk.Invalid(tk._("Invalid GeoJSON geometry coordinates"))
    if geometry.is_empty:
        raise tk.Invalid(tk._("Invalid GeoJSON geometry: it has no coordinates"))
    minx, miny, maxx, maxy = geometry.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise tk.Invalid(tk._("GeoJSON coordinates must be WGS 84 longitude and latitude"))
    return json.dumps(value, separators=(",", ":"))


def scn_url(value: Any) -> Any:
    """An absolute http(s) URL."""
    if _empty(value):
        return value
    if not isinstance(value, str) or not _is_url(value.strip()):
        raise tk.Invalid(tk._("Not a web address: give a full URL starting with https:// or http://"))
    return value.strip()


_RESOURCE_URL_SCHEMES = ("http", "https", "ftp", "ftps", "sftp")


def is_resource_url(text: str) -> bool:
    """A web or FTP URL; anything else (``javascript:``, ``data:``, ``file:``) would become a
    link on the resource page."""
    parts = urlsplit(text)
    return (len(text) <= MAX_URL_LENGTH and not any(c.isspace() for c in text)
            and parts.scheme in _RESOURCE_URL_SCHEMES and bool(parts.netloc))


def scn_resource_url(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context) -> Any:
    """A resource's address: a web or FTP URL, or the file name of an upload."""
    value = data.get(key)
    if _empty(value) or data.get(key[:-1] + ("url_type",)) == "upload":
        return
    if not isinstance(value, str) or not is_resource_url(value.strip()):
        errors[key].append(tk._("Not a web address: give a full URL starting with https:// or http://"))


def _is_url(text: str) -> bool:
    if len(text) > MAX_URL_LENGTH or any(c.isspace() for c in text):
        return False
    parts = urlsplit(text)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def scn_email(value: Any) -> Any:
    if _empty(value):
        return value
    text = str(value).strip().removeprefix("mailto:")
    if len(text) > 254 or not _EMAIL.match(text):
        raise tk.Invalid(tk._("Not an email address: give it as name@example.no"))
    return text


@scheming_validator
def scn_url_list(field: dict[str, Any], schema: dict[str, Any]) -> Validator:
    """One or more URLs, stored as a JSON list; at least one when the field is required."""

    def validator(key, data, errors, context):
        try:
            values = _as_list(data.get(key))
        except tk.Invalid as e:
            errors[key].append(e.error)
            return
        bad = [v for v in values if not isinstance(v, str) or not _is_url(v.strip())]
        if bad:
            errors[key].append(
                tk._("Not a web address: {value}. Give full URLs starting with https://").format(value=str(bad[0])[:80])
            )
            return
        values = list(dict.fromkeys(v.strip() for v in values))
        if not values:
            if field.get("required") and not in_harvest_mode():
                errors[key].append(tk._("Missing value: give at least one URL"))
                return
            data.pop(key, None)
            raise tk.StopOnError
        data[key] = json.dumps(values)

    return validator


def scn_list_output(value: Any) -> Any:
    if isinstance(value, list):
        return value
    try:
        parsed = json.loads(value)
    except (TypeError, ValueError):
        return [value] if value else []
    return parsed if isinstance(parsed, list) else [parsed]


# ---- vocabularies -------------------------------------------------------------------------------

def _unknown(vocabulary: vocabularies.Vocabulary, value: Any) -> str:
    example = vocabulary.concepts[0]
    return tk._("Unknown value {value!r} for {vocabulary}: use a URI or code from {scheme}, e.g. {example}").format(
        value=str(value)[:80], vocabulary=vocabulary.name,
        scheme=vocabulary.scheme_uri or vocabulary.name, example=example.uri,
    )


@scheming_validator
def scn_vocabulary_uri(field: dict[str, Any], schema: dict[str, Any]) -> Validator:
    """One concept of ``field['vocabulary']``, given as URI or code, stored as its URI."""
    vocabulary = vocabularies.get(field["vocabulary"])

    def validator(key, data, errors, context):
        value = data.get(key)
        if _empty(value):
            if field.get("required") and not in_harvest_mode():
                errors[key].append(tk._("Missing value: choose one of the {name} values").format(name=vocabulary.name))
                return
            data.pop(key, None)
            raise tk.StopOnError
        concept = vocabulary.resolve(str(value).strip()) if isinstance(value, str) else None
        if concept is None:
            errors[key].append(_unknown(vocabulary, value))
            return
        data[key] = concept.uri

    return validator


@scheming_validator
def scn_vocabulary_uris(field: dict[str, Any], schema: dict[str, Any]) -> Validator:
    """One or more concepts of ``field['vocabulary']`` (URIs or codes), stored as a JSON list of URIs."""
    vocabulary = vocabularies.get(field["vocabulary"])

    def validator(key, data, errors, context):
        try:
            values = _as_list(data.get(key))
        except tk.Invalid as e:
            errors[key].append(e.error)
            return
        uris = []
        for value in values:
            concept = vocabulary.resolve(value.strip()) if isinstance(value, str) else None
            if concept is None:
                errors[key].append(_unknown(vocabulary, value))
                return
            uris.append(concept.uri)
        if not uris:
            if field.get("required") and not in_harvest_mode():
                errors[key].append(
                    tk._("Missing value: choose at least one of the {name} values").format(name=vocabulary.name))
                return
            data.pop(key, None)
            raise tk.StopOnError
        data[key] = json.dumps(list(dict.fromkeys(uris)))

    return validator


def scn_file_format(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context) -> Any:
    """A resource format from the EU file-type list (code, URI or media type), stored as its code;
    the resource's ``mimetype`` is filled from it when empty."""
    value = data.get(key)
    if _empty(value):
        return
    file_types = vocabularies.get("file-type")
    text = str(value).strip()
    # Services are file types too in the EU table: WMS is WMS_SRVC.
    concept = file_types.resolve(text) or file_types.resolve(f"{text}_SRVC")
    if concept is None and in_harvest_mode():
        # Often a guess from the URL (CKAN's if_empty_guess_format): leave it out, not the record.
        data.pop(key, None)
        return
    if concept is None:
        errors[key].append(
            tk._("Unknown format {value!r}: use an EU file type such as CSV, JSON, GEOJSON or a media type "
                 "such as text/csv").format(value=str(value)[:40])
        )
        return
    data[key] = concept.code
    mimetype_key = key[:-1] + ("mimetype",)
    if _empty(data.get(mimetype_key)) and concept.extra.get("media_type"):
        data[mimetype_key] = concept.extra["media_type"]


def scn_spatial_coverage_uri(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context) -> Any:
    """A Norwegian municipality or county, given as its code (``0301``, ``kommune:0301``,
    ``fylke:03``) or its URI, stored as the URI; the ``text`` beside it gets the name."""
    value = data.get(key)
    if _empty(value):
        errors[key].append(tk._("Missing value: give a municipality or county code, e.g. 0301 or fylke:46"))
        return
    text = str(value).strip()
    kind, _, code = text.partition(":") if text.startswith(("kommune:", "fylke:")) else ("", "", text)
    concept = None
    if kind in ("", "kommune"):
        concept = vocabularies.get("municipality").resolve(code)
    if concept is None and kind in ("", "fylke"):
        concept = vocabularies.get("county").resolve(code)
    if concept is None:
        errors[key].append(
            tk._("Unknown municipality or county {value!r}: use a 4-digit municipality number "
                 "(e.g. 0301 Oslo) or fylke:NN for a county").format(value=text[:40])
        )
        return
    data[key] = concept.uri
    text_key = key[:-1] + ("text",)
    if _empty(data.get(text_key)):
        data[text_key] = concept.label("nb")


def scn_calendar_date(value: Any) -> Any:
    """After dcat_date, whose patterns let 2024-02-30 and 2023-02-29 through: a day that exists
    (and a year datetime can hold)."""
    found = re.match(r"^-?(\d{4,})-(\d{2})-(\d{2})", value.strip()) if isinstance(value, str) else None
    if not found:
        return value
    try:
        datetime.date(*(int(part) for part in found.groups()))
    except ValueError:
        raise tk.Invalid(tk._("{value} is not a date in the calendar").format(value=found.group(0)))
    return value


def scn_temporal_end(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context) -> Any:
    """The end of a period cannot be before its start (both already parsed by dcat_date)."""
    end, start = data.get(key), _sibling(key, data, "start")
    if _empty(end) or _empty(start):
        return
    if str(end)[:10] < str(start)[:10]:
        errors[key].append(tk._("The end date {end} is before the start date {start}").format(
            end=str(end)[:10], start=str(start)[:10]))


def scn_license_id(value: Any, context: Context) -> Any:
    if _empty(value):
        return value
    from ckanext.scn.logic.licences import register

    licences = register()
    if value not in licences:
        raise tk.Invalid(tk._("Unknown licence {value!r}: choose one of {choices}").format(
            value=str(value)[:40], choices=", ".join(sorted(licences))))
    return value


@scheming_validator
def scn_dataset_references(field: dict[str, Any], schema: dict[str, Any]) -> Validator:
    """Datasets of this portal, given by name or id, stored as their ids."""

    def validator(key, data, errors, context):
        try:
            values = _as_list(data.get(key))
        except tk.Invalid as e:
            errors[key].append(e.error)
            return
        ids = []
        for value in values:
            try:
                dataset = tk.get_action("package_show")(
                    {"ignore_auth": True, "for_view": False}, {"id": str(value).strip()})
            except tk.ObjectNotFound:
                errors[key].append(tk._("No dataset {value!r} in this portal").format(value=str(value)[:80]))
                return
            ids.append(dataset["id"])
        if not ids:
            data.pop(key, None)
            raise tk.StopOnError
        data[key] = json.dumps(list(dict.fromkeys(ids)))

    return validator


def scn_optional_boolean(value: Any) -> Any:
    if _empty(value):
        return None
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "yes", "ja", "1", "on"):
        return True
    if text in ("false", "no", "nei", "0", "off"):
        return False
    raise tk.Invalid(tk._("Give true or false"))


# ---- pricing ------------------------------------------------------------------------------------

def _model_name(model: str) -> str:
    """The price model as the message's reader calls it ("abonnement", "subscription")."""
    from ckanext.scn.search import lang_code  # search imports validators' siblings; keep it lazy

    return pricing.model_label(model, lang_code()).lower()


def scn_offer_amount(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context) -> Any:
    """The amount of an offer: none for free offers, required for paid ones except on request."""
    model = _sibling(key, data, "price_model")
    value = data.get(key)
    if _empty(value):
        if model in pricing.PAID_MODELS_NEEDING_AMOUNT:
            errors[key].append(tk._("Missing amount: a {model} offer needs a price (a number ≥ 0)").format(
                model=_model_name(model)))
        data[key] = None
        return
    if model == "free":
        errors[key].append(tk._("A free offer has no amount: remove the amount or choose another price model"))
        return
    try:
        amount = pricing.parse_amount(value)
    except ValueError:
        errors[key].append(tk._("Not a number: give the amount as digits, e.g. 1200 or 0.50"))
        return
    if amount < 0:
        errors[key].append(tk._("The amount cannot be negative"))
        return
    if amount >= 10**12:
        errors[key].append(tk._("The amount is too large"))
        return
    data[key] = pricing.json_number(amount)


def scn_currency(value: Any) -> Any:
    """An ISO 4217 currency code (default NOK)."""
    if _empty(value):
        return pricing.DEFAULT_CURRENCY
    concept = vocabularies.get("currency").resolve(str(value).strip())
    if concept is None:
        raise tk.Invalid(tk._("Unknown currency {value!r}: give an ISO 4217 code such as NOK, EUR or USD").format(
            value=str(value)[:20]))
    return concept.code


def scn_required_for_models(*models: str) -> Validator:
    """Require this offer field when the offer's price model is one of MODELS; drop it otherwise."""

    def validator(key, data, errors, context):
        model = _sibling(key, data, "price_model")
        if model in models:
            if _empty(data.get(key)):
                errors[key].append(tk._("Missing value: a {model} offer needs this field").format(
                    model=_model_name(model)))
        elif _empty(data.get(key)):
            data[key] = None

    return validator


# ---- organizations ------------------------------------------------------------------------------

def scn_municipality_code(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context) -> Any:
    """Required for municipalities; a current (2024-) municipality number from Kartverket's list."""
    value = data.get(key)
    org_type = data.get(key[:-1] + ("org_type",))
    if _empty(value):
        if org_type == "municipality":
            errors[key].append(tk._("Missing value: a municipality needs its 4-digit municipality number"))
        else:
            data.pop(key, None)
            raise tk.StopOnError
        return
    concept = vocabularies.get("municipality").resolve(str(value).strip())
    if concept is None:
        errors[key].append(tk._("Unknown municipality number {value!r}: use the 4-digit number valid from "
                                "2024, e.g. 0301 for Oslo").format(value=str(value)[:20]))
        return
    data[key] = concept.code


def scn_publisher_uri(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context) -> Any:
    """The organization's URI in the national organization catalog, derived from its orgnr on
    every save; whatever a client sends for it is replaced."""
    orgnr = data.get(key[:-1] + ("orgnr",))
    digits = str(orgnr).replace(" ", "").replace("\u00a0", "") if not _empty(orgnr) else ""
    if is_valid_orgnr(digits):
        data[key] = PUBLISHER_URI.format(orgnr=digits)
    else:
        data.pop(key, None)
        raise tk.StopOnError


# ---- whole-dataset rules ------------------------------------------------------------------------

def scn_required(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context) -> Any:
    """not_empty, except for harvested records (see harvesters/mode.py), where an absent value
    is simply left out."""
    if not _empty(data.get(key)):
        return
    if in_harvest_mode():
        data.pop(key, None)
        raise tk.StopOnError
    errors[key].append(tk._("Missing value"))
    raise tk.StopOnError


# DCAT-AP-NO's mandatory and the portal's required dataset properties, checked for presence.
_REQUIRED_PROPERTIES = {
    "title_translated": "dct:title", "notes_translated": "dct:description", "theme": "dcat:theme",
    "contact": "dcat:contactPoint", "access_rights": "dct:accessRights", "license_id": "dct:license",
    "owner_org": "dct:publisher",
}


@scheming_validator
def scn_missing_properties(field: dict[str, Any], schema: dict[str, Any]) -> Validator:
    """For harvested records: which required properties the source did not give (a list, shown
    in the API and the UI). Recomputed on every save; a client cannot set it."""

    def validator(key, data, errors, context):
        if not in_harvest_mode():
            data.pop(key, None)
            raise tk.StopOnError
        present = {k[0] for k, v in data.items() if not _empty(v) and v not in ({}, "{}", "[]")}
        for k, v in data.items():
            if k[0] == "__extras" and isinstance(v, dict):
                present |= {name.split("-")[0] for name, text in v.items() if text}
        missing = [name for name, prop in _REQUIRED_PROPERTIES.items() if name not in present]
        title = data.get(("title_translated",))
        if isinstance(title, str) and title.startswith("{"):
            title = json.loads(title)
        if isinstance(title, dict) and title and not (title.get("nb") or title.get("nn")):
            missing.append("title_translated.nb")  # a title in Norwegian, that is
        if not missing:
            data.pop(key, None)
            raise tk.StopOnError
        data[key] = json.dumps(missing)

    return validator


def scn_dataset_checks(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context) -> Any:
    """Rules across fields: at least one contact point; a commercial licence needs its terms."""
    if in_harvest_mode():
        return
    if not any(k[0] == "contact" and len(k) == 3 and not _empty(v) for k, v in data.items()):
        errors.setdefault(("contact",), []).append(
            tk._("Missing value: give at least one contact point (name and email)"))
    if data.get(("license_id",)) == "other-commercial" and _empty(data.get(("license_terms_url",))):
        errors.setdefault(("license_terms_url",), []).append(
            tk._("A commercial licence needs the URL of its terms"))
