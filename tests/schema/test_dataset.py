"""The `dataset` type through the action API: every field stored, shown and validated."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories as ckan_factories
from ckan.tests.helpers import call_action

from tests.schema import factories
from tests.schema.factories import DAILY, PUBLIC, TRAN

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


@pytest.fixture
def org(clean_db, clean_index, as_sysadmin):
    return call_action("organization_create", context=dict(as_sysadmin), **factories.OSLO_KOMMUNE)


@pytest.fixture
def create(as_sysadmin, org):
    def _create(**overrides):
        data = factories.dataset(owner_org=org["id"], **overrides)
        return call_action("package_create", context=dict(as_sysadmin), **data)
    return _create


def errors_of(create, **overrides) -> dict:
    with pytest.raises(tk.ValidationError) as error:
        create(**overrides)
    return error.value.error_dict


class TestCreateAndShow:
    def test_every_field_round_trips(self, create):
        created = create()
        shown = call_action("package_show", id=created["id"])

        assert shown["title_translated"] == {"nb": "Bysykkelstasjoner i Oslo", "en": "City bike stations in Oslo"}
        assert shown["title"] == "Bysykkelstasjoner i Oslo"
        assert shown["notes"] == "Sanntidsstatus for bysykkelstasjoner."
        assert shown["tags_translated"] == {"nb": ["bysykkel", "mobilitet"], "en": ["bike share"]}
        assert shown["theme"] == [TRAN]
        assert shown["los_theme"] == ["https://psi.norge.no/los/tema/trafikk-og-transport"]
        assert shown["domain"] == ["mobility"]
        assert shown["spatial_coverage"][0]["uri"].startswith("https://data.geonorge.no/administrativeEnheter/kommune/id/")
        assert shown["spatial_coverage"][0]["text"] == "Oslo - Oslove" or shown["spatial_coverage"][0]["text"].startswith("Oslo")
        assert '"Point"' in shown["spatial"]
        assert shown["temporal_coverage"] == [{"start": "2024-01-01", "end": "2025-12-31"}]
        assert shown["frequency"] == DAILY
        assert shown["access_rights"] == PUBLIC
        assert shown["license_id"] == "NLOD-2.0"
        assert shown["contact"][0]["email"] == "postmottak@bym.oslo.kommune.no"
        assert shown["update_method"] == "real-time"
        assert sorted(shown["protocols"]) == ["GBFS", "REST"]
        assert shown["observed_properties"] == ["ledige sykler", "ledige låser"]
        assert shown["language"] == [
            "http://publications.europa.eu/resource/authority/language/NOB",
            "http://publications.europa.eu/resource/authority/language/ENG",
        ]
        assert shown["conforms_to"] == ["https://gbfs.org/specification/"]
        assert shown["documentation"] == ["https://oslobysykkel.no/apne-data"]
        assert shown["url"] == "https://oslobysykkel.no"
        assert shown["hvd_category"] == "http://data.europa.eu/bna/c_b79e35eb"
        resource = shown["resources"][0]
        assert resource["format"] == "JSON"
        assert resource["mimetype"] == "application/json"
        assert resource["license"] == "NLOD-2.0"
        assert resource["size"] == 2048
        assert resource["hash_algorithm"].endswith("sha256")
        assert resource["access_services"][0]["endpoint_url"] == ["https://gbfs.urbansharing.com/"]

    def test_codes_are_stored_as_uris(self, create):
        shown = create(theme=["TRAN", "envi"], frequency="DAILY", access_rights="PUBLIC",
                       language=["NOB"], spatial_coverage=[{"uri": "kommune:4601"}, {"uri": "fylke:46"}])

        assert shown["theme"] == [TRAN, "http://publications.europa.eu/resource/authority/data-theme/ENVI"]
        assert shown["frequency"] == DAILY
        assert shown["access_rights"] == PUBLIC
        assert shown["spatial_coverage"][0]["text"] == "Bergen"
        assert shown["spatial_coverage"][1]["text"] == "Vestland"

    def test_title_in_nynorsk_only_becomes_the_core_title(self, create):
        shown = create(title_translated={"nn": "Sykkelstasjonar"})
        assert shown["title"] == "Sykkelstasjonar"

    def test_update_changes_fields_and_keeps_the_rest(self, create, as_sysadmin):
        created = create()
        call_action("package_patch", context=dict(as_sysadmin), id=created["id"],
                    title_translated={"nb": "Nytt navn"}, pricing=[factories.subscription()])

        shown = call_action("package_show", id=created["id"])

        assert shown["title"] == "Nytt navn"
        assert shown["pricing"][0]["amount"] == 1200
        assert shown["theme"] == [TRAN]

    def test_a_rejected_update_stores_nothing(self, create, as_sysadmin):
        created = create()
        with pytest.raises(tk.ValidationError):
            call_action("package_patch", context=dict(as_sysadmin), id=created["id"],
                        title_translated={"nb": "Skal ikke lagres"}, theme=["NOT_A_THEME"])
        assert call_action("package_show", id=created["id"])["title"] == "Bysykkelstasjoner i Oslo"


class TestValidation:
    def test_missing_theme(self, create):
        assert "theme" in errors_of(create, theme=[])

    def test_unknown_theme_uri(self, create):
        errors = errors_of(create, theme=["http://publications.europa.eu/resource/authority/data-theme/NOPE"])
        assert "Unknown value" in errors["theme"][0]

    def test_title_required_in_one_language(self, create):
        assert "title_translated" in errors_of(create, title_translated={"nb": " ", "en": ""})

    def test_unsupported_title_language(self, create):
        assert "title_translated" in errors_of(create, title_translated={"de": "Fahrradstationen"})

    def test_missing_access_rights(self, create):
        assert "access_rights" in errors_of(create, access_rights="")

    def test_unknown_access_rights(self, create):
        assert "access_rights" in errors_of(create, access_rights="OPEN")

    def test_malformed_contact_email(self, create):
        errors = errors_of(create, contact=[{"name": "X", "email": "not-an-email"}])
        assert "email" in errors["contact"][0]

    def test_missing_contact(self, create):
        assert "contact" in errors_of(create, contact=[])

    def test_end_before_start(self, create):
        errors = errors_of(create, temporal_coverage=[{"start": "2025-01-01", "end": "2024-01-01"}])
        assert "before the start" in errors["temporal_coverage"][0]["end"][0]

    def test_start_equal_to_end_is_fine(self, create):
        shown = create(temporal_coverage=[{"start": "2025-01-01", "end": "2025-01-01"}])
        assert shown["temporal_coverage"][0]["end"] == "2025-01-01"

    def test_unknown_municipality_code(self, create):
        errors = errors_of(create, spatial_coverage=[{"uri": "9998"}])
        assert "Unknown municipality" in errors["spatial_coverage"][0]["uri"][0]

    def test_invalid_geojson(self, create):
        assert "spatial" in errors_of(create, spatial='{"type": "Polygon", "coordinates": 5}')

    def test_unknown_licence(self, create):
        assert "license_id" in errors_of(create, license_id="WTFPL")

    def test_commercial_licence_needs_terms(self, create):
        assert "license_terms_url" in errors_of(create, license_id="other-commercial")

    def test_unknown_frequency(self, create):
        assert "frequency" in errors_of(create, frequency="sometimes")

    def test_invalid_landing_page(self, create):
        assert "url" in errors_of(create, url="javascript:alert(1)")

    def test_unknown_resource_format(self, create):
        resource = dict(factories.dataset()["resources"][0], format="NOT-A-FORMAT")
        errors = errors_of(create, resources=[resource])
        assert "format" in errors["resources"][0]

    def test_resource_format_from_media_type(self, create):
        resource = dict(factories.dataset()["resources"][0], format="text/csv")
        shown = create(resources=[resource])
        assert shown["resources"][0]["format"] == "CSV"


class TestSearch:
    def test_found_by_title_in_any_language(self, create):
        create()
        assert call_action("package_search", q="bike")["count"] == 1
        assert call_action("package_search", q="Bysykkelstasjoner")["count"] == 1

    def test_found_by_theme_label(self, create):
        create()
        assert call_action("package_search", q="Transport")["count"] == 1

    def test_found_by_keyword(self, create):
        create()
        assert call_action("package_search", fq='tags:"bike share"')["count"] == 1
