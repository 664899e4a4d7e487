"""Valid SCN datasets, data services and organizations to start tests from."""
from __future__ import annotations

import copy
from typing import Any

TRAN = "http://publications.europa.eu/resource/authority/data-theme/TRAN"
ENVI = "http://publications.europa.eu/resource/authority/data-theme/ENVI"
PUBLIC = "http://publications.europa.eu/resource/authority/access-right/PUBLIC"
RESTRICTED = "http://publications.europa.eu/resource/authority/access-right/RESTRICTED"
DAILY = "http://publications.europa.eu/resource/authority/frequency/DAILY"
OSLO = "0301"

OSLO_KOMMUNE = {
    "name": "oslo-kommune", "title": "Oslo kommune", "orgnr": "958935420",
    "org_type": "municipality", "municipality_code": "0301",
}


def dataset(**overrides: Any) -> dict[str, Any]:
    data = {
        "name": "oslo-bysykkel",
        "title_translated": {"nb": "Bysykkelstasjoner i Oslo", "en": "City bike stations in Oslo"},
        "notes_translated": {"nb": "Sanntidsstatus for bysykkelstasjoner.", "en": "Real-time status of bike stations."},
        "tags_translated": {"nb": ["bysykkel", "mobilitet"], "en": ["bike share"]},
        "theme": [TRAN],
        "los_theme": ["https://psi.norge.no/los/tema/trafikk-og-transport"],
        "domain": ["mobility"],
        "spatial_coverage": [{"uri": OSLO}],
        "spatial": {"type": "Point", "coordinates": [10.75, 59.91]},
        "temporal_coverage": [{"start": "2024-01-01", "end": "2025-12-31"}],
        "frequency": DAILY,
        "access_rights": PUBLIC,
        "license_id": "NLOD-2.0",
        "contact": [{"name": "Bymiljøetaten", "email": "postmottak@bym.oslo.kommune.no",
                     "url": "https://www.oslo.kommune.no"}],
        "update_method": "real-time",
        "protocols": ["GBFS", "REST"],
        "observed_properties": ["ledige sykler", "ledige låser"],
        "availability": "http://publications.europa.eu/resource/authority/planned-availability/STABLE",
        "language": ["NOB", "ENG"],
        "conforms_to": ["https://gbfs.org/specification/"],
        "documentation": ["https://oslobysykkel.no/apne-data"],
        "url": "https://oslobysykkel.no",
        "hvd_category": "http://data.europa.eu/bna/c_b79e35eb",
        "resources": [{
            "name": "GBFS", "url": "https://gbfs.urbansharing.com/oslobysykkel.no/gbfs.json",
            "format": "JSON", "download_url": "https://gbfs.urbansharing.com/oslobysykkel.no/gbfs.json",
            "license": "NLOD-2.0", "status": "http://purl.org/adms/status/Completed", "size": 2048,
            "hash": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            "hash_algorithm": "http://spdx.org/rdf/terms#checksumAlgorithm_sha256",
            "access_services": [{"title": "GBFS API", "endpoint_url": ["https://gbfs.urbansharing.com/"],
                                 "endpoint_description": "https://gbfs.org/specification/reference/"}],
        }],
    }
    data.update(copy.deepcopy(overrides))
    return data


def subscription(**overrides: Any) -> dict[str, Any]:
    offer = {"price_model": "subscription", "amount": 1200, "currency": "NOK", "vat_included": False,
             "billing_period": "month", "terms_url": "https://example.no/vilkar"}
    offer.update(overrides)
    return offer


def data_service(**overrides: Any) -> dict[str, Any]:
    data = {
        "type": "data-service",
        "name": "ladepunkt-api",
        "title_translated": {"nb": "Ladepunkt-API", "en": "Charging point API"},
        "notes_translated": {"nb": "OCPI-API for ladepunkter i sanntid."},
        "endpoint_url": ["https://api.example.no/ocpi/2.2"],
        "endpoint_description": ["https://api.example.no/openapi.json"],
        "protocols": ["OCPI", "REST"],
        "theme": [TRAN],
        "access_rights": RESTRICTED,
        "license_id": "other-commercial",
        "license_terms_url": "https://example.no/lisens",
        "pricing": [subscription()],
        "contact": [{"name": "Datateamet", "email": "data@example.no"}],
    }
    data.update(copy.deepcopy(overrides))
    return data


def _oslo_uri() -> str:
    from ckanext.scn import vocabularies

    return vocabularies.get("municipality").by_code(OSLO).uri


def dataset_form(owner_org: str, **fields: Any) -> dict[str, Any]:
    """The fields of the new-dataset web form as a browser posts them (first stage), filled in
    for Oslo kommune; FIELDS add offers (``pricing-0-amount``…) or replace any value."""
    form: dict[str, Any] = {
        "name": "fra-skjema",
        "title_translated-nb": "Fra skjemaet", "title_translated-nn": "", "title_translated-en": "",
        "notes_translated-nb": "Laget i nettskjemaet.", "notes_translated-nn": "", "notes_translated-en": "",
        "tags_translated-nb": "parkering, sanntid", "tags_translated-nn": "", "tags_translated-en": "",
        "owner_org": owner_org,
        "theme": [TRAN, ENVI],
        "access_rights": PUBLIC,
        "license_id": "NLOD-2.0",
        "spatial_coverage-0-uri": _oslo_uri(),
        "contact-0-name": "Datateamet",
        "contact-0-email": "data@example.no",
        "_ckan_phase": "1",
        "save": "",
    }
    form.update(fields)
    return form
