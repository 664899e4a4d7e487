"""Validators used by the SCN schemas, through the real create actions."""
from __future__ import annotations

import json

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.scn.logic.validators import is_valid_orgnr


@pytest.mark.parametrize("orgnr, valid", [
    ("958935420", True),    # Oslo kommune
    ("964338531", True),    # Bergen kommune
    ("958935421", False),   # wrong check digit
    ("95893542", False),    # 8 digits
    ("95893542a", False),
    ("000000000", True),
])
def test_orgnr_check_digit(orgnr, valid):
    assert is_valid_orgnr(orgnr) is valid


@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestOrganizationOrgnr:
    def test_orgnr_with_spaces_is_stored_as_nine_digits(self, as_sysadmin):
        org = call_action("organization_create", context=dict(as_sysadmin), name="oslo", title="Oslo kommune", orgnr="958 935 420",
                          org_type="municipality")
        assert org["orgnr"] == "958935420"
        assert call_action("organization_show", id="oslo")["orgnr"] == "958935420"

    def test_orgnr_with_a_wrong_check_digit_is_refused(self, as_sysadmin):
        with pytest.raises(tk.ValidationError) as error:
            call_action("organization_create", context=dict(as_sysadmin), name="oslo", orgnr="958935421")
        assert "orgnr" in error.value.error_dict

    def test_unknown_organization_type_is_refused(self, as_sysadmin):
        with pytest.raises(tk.ValidationError) as error:
            call_action("organization_create", context=dict(as_sysadmin), name="oslo", org_type="club")
        assert "org_type" in error.value.error_dict


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
class TestSpatialExtent:
    @pytest.mark.parametrize("bad", [
        "not json",
        json.dumps({"type": "Feature"}),
        json.dumps({"type": "Polygon", "coordinates": "x"}),
        json.dumps({"type": "Point", "coordinates": [1059000, 6640000]}),  # UTM, not WGS 84
    ])
    def test_invalid_geojson_is_refused_with_a_field_error(self, bad, as_sysadmin):
        org = factories.Organization()
        with pytest.raises(tk.ValidationError) as error:
            call_action("package_create", context=dict(as_sysadmin), name="bad-extent", title="x", notes="x",
                        owner_org=org["id"], spatial=bad)
        assert "spatial" in error.value.error_dict

    def test_geojson_object_is_accepted_and_stored_as_json_text(self, as_sysadmin):
        org = factories.Organization()
        point = {"type": "Point", "coordinates": [10.75, 59.91]}
        dataset = call_action("package_create", context=dict(as_sysadmin), name="point", title="x", notes="x",
                              owner_org=org["id"], spatial=point)
        assert json.loads(dataset["spatial"]) == point
