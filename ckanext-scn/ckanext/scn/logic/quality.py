"""Which DCAT-AP-NO properties a dataset or data service lacks: what puts it in the curation queue.

The checks mirror the DCAT-AP-NO 3 shapes in ``shacl/dcatapno3-core-shapes.ttl`` (its
"mandatory" and "recommended" groups for dcat:Dataset, dcat:DataService and dcat:Distribution),
read from the validated dataset dict instead of its RDF so that indexing stays cheap. A test runs
both on the same datasets to keep them in agreement. Two portal rules complete them: a licence
(the form requires one) and a title in Norwegian (flagged by harvesters).

Issue codes are the schema's field names, the same names harvesters put in
``missing_properties``, so the two lists merge.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping

MANDATORY = "mandatory"
RECOMMENDED = "recommended"
LEVELS = (MANDATORY, RECOMMENDED)

LEVEL_LABELS: dict[str, dict[str, str]] = {
    MANDATORY: {"en": "Mandatory", "nb": "Obligatorisk", "nn": "Obligatorisk"},
    RECOMMENDED: {"en": "Recommended", "nb": "Anbefalt", "nn": "Tilrådd"},
}

DATASET = "dataset"
DATA_SERVICE = "data-service"


def _has_text(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_has_text(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(_has_text(v) for v in value)
    return value not in (None, "", False)


def _field(name: str) -> Callable[[dict[str, Any]], bool]:
    return lambda dataset: _has_text(dataset.get(name))


def _norwegian_title(dataset: dict[str, Any]) -> bool:
    title = dataset.get("title_translated")
    if not isinstance(title, dict):
        return _has_text(dataset.get("title"))
    return _has_text(title.get("nb")) or _has_text(title.get("nn"))


def _contact(dataset: dict[str, Any]) -> bool:
    return any(isinstance(c, dict) and _has_text(c) for c in dataset.get("contact") or [])


def _keyword(dataset: dict[str, Any]) -> bool:
    return _has_text(dataset.get("tags_translated")) or any(
        isinstance(t, dict) and t.get("name") for t in dataset.get("tags") or [])


def _spatial(dataset: dict[str, Any]) -> bool:
    return _has_text(dataset.get("spatial_coverage")) or _has_text(dataset.get("spatial"))


def _temporal(dataset: dict[str, Any]) -> bool:
    return any(isinstance(p, dict) and (p.get("start") or p.get("end"))
               for p in dataset.get("temporal_coverage") or [])


def _resources(dataset: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for r in dataset.get("resources") or [] if isinstance(r, dict)]


def _every_resource(name: str) -> Callable[[dict[str, Any]], bool]:
    # Vacuously true without distributions: that is reported once, as "resources".
    return lambda dataset: all(_has_text(r.get(name)) for r in _resources(dataset))


@dataclass(frozen=True)
class Check:
    code: str
    rdf: str
    labels: Mapping[str, str]
    present: Callable[[dict[str, Any]], bool]
    # Level per dataset type; a type not listed is not checked for this property.
    levels: Mapping[str, str]

    def label(self, lang: str) -> str:
        return self.labels.get(lang) or self.labels["en"]


BOTH_MANDATORY = {DATASET: MANDATORY, DATA_SERVICE: MANDATORY}

CHECKS: tuple[Check, ...] = (
    Check("title_translated", "dct:title", {"en": "Title", "nb": "Tittel", "nn": "Tittel"},
          _field("title_translated"), BOTH_MANDATORY),
    Check("title_translated.nb", "dct:title",
          {"en": "Title in Norwegian", "nb": "Tittel på norsk", "nn": "Tittel på norsk"},
          _norwegian_title, BOTH_MANDATORY),
    Check("notes_translated", "dct:description", {"en": "Description", "nb": "Beskrivelse", "nn": "Skildring"},
          _field("notes_translated"), {DATASET: MANDATORY}),
    Check("owner_org", "dct:publisher", {"en": "Publisher", "nb": "Utgiver", "nn": "Utgjevar"},
          _field("owner_org"), BOTH_MANDATORY),
    Check("contact", "dcat:contactPoint", {"en": "Contact point", "nb": "Kontaktpunkt", "nn": "Kontaktpunkt"},
          _contact, BOTH_MANDATORY),
    # An EU data theme: the shapes' controlled-vocabulary rule does not count LOS themes.
    Check("theme", "dcat:theme", {"en": "Theme (EU)", "nb": "Tema (EU)", "nn": "Tema (EU)"},
          _field("theme"), {DATASET: MANDATORY, DATA_SERVICE: RECOMMENDED}),
    Check("endpoint_url", "dcat:endpointURL", {"en": "Endpoint URL", "nb": "Endepunkt-URL", "nn": "Endepunkt-URL"},
          _field("endpoint_url"), {DATA_SERVICE: MANDATORY}),
    Check("resources.url", "dcat:accessURL",
          {"en": "Distribution access URL", "nb": "Tilgangs-URL for distribusjon",
           "nn": "Tilgangs-URL for distribusjon"},
          _every_resource("url"), {DATASET: MANDATORY}),
    Check("access_rights", "dct:accessRights", {"en": "Access rights", "nb": "Tilgangsnivå", "nn": "Tilgangsnivå"},
          _field("access_rights"), {DATASET: RECOMMENDED}),
    Check("license_id", "dct:license", {"en": "Licence", "nb": "Lisens", "nn": "Lisens"},
          _field("license_id"), {DATASET: RECOMMENDED, DATA_SERVICE: RECOMMENDED}),
    Check("tags_translated", "dcat:keyword", {"en": "Keywords", "nb": "Emneord", "nn": "Emneord"},
          _keyword, {DATASET: RECOMMENDED, DATA_SERVICE: RECOMMENDED}),
    Check("spatial_coverage", "dct:spatial",
          {"en": "Geographic coverage", "nb": "Geografisk dekning", "nn": "Geografisk dekning"},
          _spatial, {DATASET: RECOMMENDED}),
    Check("temporal_coverage", "dct:temporal", {"en": "Time period", "nb": "Tidsperiode", "nn": "Tidsperiode"},
          _temporal, {DATASET: RECOMMENDED}),
    Check("resources", "dcat:distribution", {"en": "Distribution", "nb": "Distribusjon", "nn": "Distribusjon"},
          lambda dataset: bool(_resources(dataset)), {DATASET: RECOMMENDED}),
    Check("resources.format", "dct:format",
          {"en": "Distribution format", "nb": "Format for distribusjon", "nn": "Format for distribusjon"},
          _every_resource("format"), {DATASET: RECOMMENDED}),
    Check("endpoint_description", "dcat:endpointDescription",
          {"en": "Endpoint description", "nb": "Beskrivelse av endepunkt", "nn": "Skildring av endepunkt"},
          _field("endpoint_description"), {DATA_SERVICE: RECOMMENDED}),
)
CHECKS_BY_CODE: dict[str, Check] = {check.code: check for check in CHECKS}


@dataclass(frozen=True)
class Issue:
    code: str
    level: str

    def label(self, lang: str) -> str:
        return issue_label(self.code, lang)


def issues(dataset: dict[str, Any]) -> list[Issue]:
    """What DATASET (a validated dataset dict) lacks, mandatory first, in the order of CHECKS;
    then what a harvester flagged that no check covers."""
    dataset_type = dataset.get("type") or DATASET
    found: dict[str, Issue] = {}
    for check in CHECKS:
        level = check.levels.get(dataset_type)
        if level and not check.present(dataset):
            found[check.code] = Issue(check.code, level)
    for code in _harvest_flagged(dataset):
        if code not in found:
            check = CHECKS_BY_CODE.get(code)
            # A harvester flags what the portal requires: mandatory unless a check says otherwise.
            level = (check.levels.get(dataset_type) if check else None) or MANDATORY
            found[code] = Issue(code, level)
    return sorted(found.values(), key=lambda issue: LEVELS.index(issue.level))


def _harvest_flagged(dataset: dict[str, Any]) -> Iterable[str]:
    flagged = dataset.get("missing_properties") or []
    return [code for code in flagged if isinstance(code, str) and code] if isinstance(flagged, list) else []


def index_fields(dataset: dict[str, Any]) -> dict[str, list[str]]:
    """The Solr fields of the curation queue: ``scn_quality_issues`` (issue codes) and
    ``scn_quality_level`` (the levels that occur)."""
    found = issues(dataset)
    return {
        "scn_quality_issues": [issue.code for issue in found],
        "scn_quality_level": sorted({issue.level for issue in found}, key=LEVELS.index),
    }


def issue_label(code: str, lang: str) -> str:
    check = CHECKS_BY_CODE.get(code)
    return check.label(lang) if check else code


def level_label(level: str, lang: str) -> str:
    labels = LEVEL_LABELS.get(level)
    return (labels.get(lang) or labels["en"]) if labels else level
