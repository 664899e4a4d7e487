"""What the SCN schemas put into the search index, and the facets built on it.

Solr fields (config/solr/scn-fields.xml): ``is_free`` (boolean), ``min_price_nok`` (float),
``price_models`` and the ``scn_*`` facets (multi-valued strings). ``scn_quality_issues`` and
``scn_quality_level`` hold what a dataset lacks (logic/quality.py).
"""
from __future__ import annotations

import functools
import json
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.scn import vocabularies
from ckanext.scn.logic import licences, pricing, quality
from ckanext.scn.logic.fluent import LANGUAGES

# Facet field -> (label, the vocabulary or schema field that labels its values)
FACETS: dict[str, dict[str, str]] = {
    "scn_theme": {"en": "EU theme", "nb": "EU-tema", "nn": "EU-tema"},
    "scn_los_theme": {"en": "LOS theme", "nb": "LOS-tema", "nn": "LOS-tema"},
    "scn_municipality": {"en": "Municipality", "nb": "Kommune", "nn": "Kommune"},
    "scn_domain": {"en": "Domain", "nb": "Område", "nn": "Område"},
    "price_models": {"en": "Price model", "nb": "Prismodell", "nn": "Prismodell"},
    "is_free": {"en": "Free or paid", "nb": "Gratis eller betalt", "nn": "Gratis eller betalt"},
    "scn_license": {"en": "Licence", "nb": "Lisens", "nn": "Lisens"},
    "scn_access_rights": {"en": "Access rights", "nb": "Tilgangsnivå", "nn": "Tilgangsnivå"},
    "res_format": {"en": "Format", "nb": "Format", "nn": "Format"},
    "scn_org_type": {"en": "Publisher type", "nb": "Type utgiver", "nn": "Type utgjevar"},
    "scn_update_method": {"en": "Update method", "nb": "Oppdateringsmåte", "nn": "Oppdateringsmåte"},
}
_FACET_VOCABULARIES = {
    "scn_theme": "data-theme",
    "scn_los_theme": "los",
    "scn_municipality": "municipality",
    "scn_access_rights": "access-right",
}
# Facets labelled by the choices of a schema field: facet -> (dataset type, field name).
_FACET_CHOICES = {
    "scn_domain": ("dataset", "domain"),
    "scn_update_method": ("dataset", "update_method"),
}
_FREE_LABELS = {
    "true": {"en": "Free", "nb": "Gratis", "nn": "Gratis"},
    "false": {"en": "Paid", "nb": "Betalt", "nn": "Betalt"},
}
_ORG_TYPE_LABELS = {
    "municipality": {"en": "Municipality", "nb": "Kommune", "nn": "Kommune"},
    "county": {"en": "County", "nb": "Fylkeskommune", "nn": "Fylkeskommune"},
    "state_agency": {"en": "State agency", "nb": "Statlig virksomhet", "nn": "Statleg verksemd"},
    "company": {"en": "Company", "nb": "Selskap", "nn": "Selskap"},
    "research": {"en": "Research institution", "nb": "Forskningsinstitusjon", "nn": "Forskingsinstitusjon"},
    "other": {"en": "Other", "nb": "Annet", "nn": "Anna"},
}
# Our JSON-valued fields: CKAN copies every extra to a same-named catch-all string field, which
# cannot hold long values; the text copy (extras_*) is what search needs.
_RAW_FIELDS_TO_DROP = (
    "title_translated", "notes_translated", "tags_translated", "pricing", "contact",
    "spatial_coverage", "temporal_coverage", "theme", "los_theme", "domain", "protocols",
    "observed_properties", "language", "conforms_to", "documentation", "endpoint_url",
    "endpoint_description", "serves_dataset",
)  # not `spatial`: ckanext-spatial reads it after us and drops it itself


def lang_code(lang: str | None = None) -> str:
    if lang is None:
        try:
            lang = tk.h.lang()
        except (RuntimeError, AttributeError, TypeError):
            lang = tk.config.get("ckan.locale_default")
    base = (lang or "nb").split("_")[0]
    return {"no": "nb"}.get(base, base if base in LANGUAGES else "en")


def index_fields(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """Facet, price and text fields for one dataset, from its validated dict."""
    dataset = json.loads(pkg_dict.get("validated_data_dict") or "{}")
    fields: dict[str, Any] = {}

    def uris(name: str) -> list[str]:
        value = dataset.get(name)
        return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []

    fields["scn_theme"] = uris("theme")
    fields["scn_los_theme"] = uris("los_theme")
    fields["scn_domain"] = uris("domain")
    municipalities = vocabularies.get("municipality")
    fields["scn_municipality"] = [
        area["uri"] for area in dataset.get("spatial_coverage") or []
        if isinstance(area, dict) and municipalities.by_uri(area.get("uri") or "")
    ]
    if dataset.get("access_rights"):
        fields["scn_access_rights"] = [dataset["access_rights"]]
    if dataset.get("update_method"):
        fields["scn_update_method"] = [dataset["update_method"]]
    effective = licences.effective_licence_id(dataset)
    if effective:
        fields["scn_license"] = [effective]
    fields.update(pricing.index_fields(dataset))
    fields.update(quality.index_fields(dataset))  # the curation queue (views_curation.py)
    org_type = _organization_type(dataset.get("owner_org"))
    if org_type:
        fields["scn_org_type"] = [org_type]

    # Free text in every language: titles, descriptions, keywords and vocabulary labels.
    texts: list[str] = []
    for name in ("title_translated", "notes_translated"):
        value = dataset.get(name)
        if isinstance(value, dict):
            texts.extend(v for v in value.values() if isinstance(v, str))
    keywords = dataset.get("tags_translated")
    tags = sorted({t for ts in keywords.values() for t in ts}) if isinstance(keywords, dict) else []
    texts.extend(tags)
    for facet, vocabulary_name in (("scn_theme", "data-theme"), ("scn_los_theme", "los")):
        vocabulary = vocabularies.get(vocabulary_name)
        for uri in fields[facet]:
            concept = vocabulary.by_uri(uri)
            if concept:
                texts.extend(concept.labels.values())
    fields["text"] = texts
    if tags:
        fields["tags"] = list(dict.fromkeys([*pkg_dict.get("tags", []), *tags]))
    return {k: v for k, v in fields.items() if v not in ([], None, "")}


def before_dataset_index(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    for name in _RAW_FIELDS_TO_DROP:
        pkg_dict.pop(name, None)
    extra = index_fields(pkg_dict)
    text = extra.pop("text", [])
    pkg_dict.update(extra)
    if text:
        existing = pkg_dict.get("text")
        pkg_dict["text"] = ([existing] if isinstance(existing, str) else list(existing or [])) + text
    return pkg_dict


def _organization_type(owner_org: str | None) -> str | None:
    """From the short-lived organization cache the DCAT output uses too: indexing a page of
    datasets asks for the same few organizations again and again."""
    if not owner_org:
        return None
    from ckanext.scn.logic.catalog import organization_publisher

    return organization_publisher(owner_org).get("org_type")


@functools.lru_cache(maxsize=8192)
def facet_label(facet: str, value: str, lang: str) -> str:
    """The label of one facet value in LANG. Cached: a search page labels ~100 facet values and
    every source (vocabularies, schema choices, the licence file) is fixed while CKAN runs."""
    if facet in _FACET_VOCABULARIES:
        return vocabularies.get(_FACET_VOCABULARIES[facet]).label(value, lang)
    if facet == "is_free":
        return _FREE_LABELS.get(value, {}).get(lang, value)
    if facet == "price_models":
        return pricing.model_label(value, lang)
    if facet == "scn_org_type":
        return _ORG_TYPE_LABELS.get(value, {}).get(lang, value)
    if facet == "scn_license":
        return licences.title(value, lang) or value
    if facet in _FACET_CHOICES:
        return _choice_label(*_FACET_CHOICES[facet], value, lang)
    return value


def _choice_label(dataset_type: str, field_name: str, value: str, lang: str) -> str:
    schema = tk.h.scheming_get_dataset_schema(dataset_type) or {}
    for field in schema.get("dataset_fields", []):
        if field["field_name"] == field_name:
            for choice in field.get("choices", []):
                if choice["value"] == value:
                    label = choice.get("label", value)
                    return label.get(lang) or label.get("en", value) if isinstance(label, dict) else label
    return value


def label_search_facets(search_results: dict[str, Any], lang: str) -> dict[str, Any]:
    for facet, content in (search_results.get("search_facets") or {}).items():
        if facet not in FACETS:
            continue
        content["title"] = FACETS[facet].get(lang, FACETS[facet]["en"])
        for item in content.get("items", []):
            item["display_name"] = facet_label(facet, item["name"], lang)
    return search_results
