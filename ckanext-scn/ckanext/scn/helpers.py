"""Template helpers of the SCN portal."""
from __future__ import annotations

from typing import Any, Callable

import ckan.plugins.toolkit as tk

from ckanext.scn import vocabularies
from ckanext.scn.logic import licences, pricing
from ckanext.scn.logic.fluent import pick
from ckanext.scn.search import lang_code
from ckanext.scn.admin_helpers import scn_can_curate, scn_harvest_source_status, scn_quality_issue_label
from ckanext.scn.portal_helpers import (
    scn_custom_site_logo, scn_featured_datasets, scn_home_stats, scn_language_links, scn_municipality_name,
    scn_newest_datasets, scn_organization_type_label,
)

__all__ = [
    "scn_lang", "scn_text", "scn_vocabulary_choices", "scn_dataset_title", "scn_vocabulary_label", "scn_license_choices",
    "scn_price_summary", "scn_offer_label", "scn_is_free", "scn_effective_license", "scn_license_title",
    "scn_offer_fields_by_model", "scn_dataset_access_examples", "scn_dataset_organization",
    "scn_language_links", "scn_custom_site_logo", "scn_home_stats", "scn_newest_datasets", "scn_featured_datasets",
    "scn_organization_type_label", "scn_municipality_name",
    "scn_can_curate", "scn_harvest_source_status", "scn_quality_issue_label",
    "scheming_language_text",
]


def scn_lang() -> str:
    """The user's language as nb, nn or en."""
    return lang_code()


def scn_text(value: Any) -> Any:
    """A multilingual value in the user's language, falling back to nb, nn, en."""
    return pick(value, lang_code()) if isinstance(value, dict) else value


def scn_vocabulary_choices(field: dict[str, Any]) -> list[dict[str, str]]:
    """Choices for a scheming field with ``vocabulary:``, labelled in the user's language; the
    values are URIs, or codes when the field says ``choice_value: code``."""
    vocabulary = vocabularies.get(field["vocabulary"])
    choices = vocabulary.choices(lang_code())
    if field.get("choice_value") == "code":
        return [{"value": vocabulary.by_uri(c["value"]).code, "label": c["label"]} for c in choices]
    return choices


def scn_dataset_title(id_: str) -> str | None:
    """The title of a dataset the user may see, in the user's language; None otherwise."""
    try:
        dataset = tk.get_action("package_show")({}, {"id": id_})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return None
    return scn_text(dataset.get("title_translated")) or dataset.get("title") or dataset["name"]


def scn_vocabulary_label(vocabulary: str, uri: str) -> str:
    return vocabularies.get(vocabulary).label(uri, lang_code())


def scn_license_choices(field: dict[str, Any]) -> list[dict[str, str]]:
    lang = lang_code()
    return [{"value": i, "label": licences.translated_title(lic, lang)} for i, lic in licences.register().items()]


def scn_price_summary(dataset: dict[str, Any]) -> str:
    """The badge text: "Gratis", "Abonnement: 1 200 kr/mnd eks. mva", ..."""
    return pricing.summary_label(dataset, lang_code())


def scn_offer_label(offer: dict[str, Any]) -> str:
    return pricing.offer_label(offer, lang_code())


def scn_is_free(dataset: dict[str, Any]) -> bool:
    return pricing.is_free(pricing.offers_of(dataset))


def scn_effective_license(dataset: dict[str, Any]) -> dict[str, Any] | None:
    licence_id = licences.effective_licence_id(dataset)
    licence = licences.register().get(licence_id) if licence_id else None
    return dict(licence, title=licences.translated_title(licence, lang_code())) if licence else None


def scn_license_title(licence_id: str | None, fallback: str | None = None) -> str | None:
    """A licence's name in the user's language (CKAN's license_title is the register's nb title)."""
    return (licences.title(licence_id, lang_code()) if licence_id else None) or fallback


def scn_offer_fields_by_model() -> dict[str, list[str]]:
    """The offer fields each price model uses (the offers editor shows only these)."""
    return {model: list(fields) for model, fields in pricing.OFFER_FIELDS_BY_MODEL.items()}


def scn_dataset_access_examples(name: str) -> dict[str, str]:
    """Absolute URLs for the "Use this data" panel of dataset NAME: the API call and DCAT files,
    without a language prefix (they are machine endpoints)."""
    api = tk.url_for("api.action", ver=3, logic_function="package_show", id=name,
                     qualified=True, locale="default")
    dcat = {
        fmt: tk.url_for("dcat.read_dataset", _id=name, _format=fmt, qualified=True, locale="default")
        for fmt in ("ttl", "rdf", "jsonld")
    }
    return {"site_url": tk.config["ckan.site_url"].rstrip("/"), "package_show": api, **dcat}


def scn_dataset_organization(org_id: str | None) -> dict[str, Any]:
    """The organization box of the dataset page. Core's ``h.get_organization`` also dictizes the
    organization's members, groups, tags and followers, which the box does not show: about two
    thirds of its cost, paid on every dataset page."""
    if not org_id:
        return {}
    try:
        return tk.get_action("organization_show")({}, {
            "id": org_id, "include_datasets": False, "include_users": False, "include_groups": False,
            "include_tags": False, "include_followers": False, "include_member_count": False})
    except (tk.ObjectNotFound, tk.ValidationError, tk.NotAuthorized):
        return {}


@tk.chained_helper
def scheming_language_text(next_helper: Callable[..., Any], text: Any, prefer_lang: str | None = None) -> Any:
    """Schema labels are keyed nb/nn/en; CKAN's locales are nb_NO and the like."""
    if isinstance(text, dict):
        return next_helper(text, prefer_lang or lang_code())
    return next_helper(text, prefer_lang)
