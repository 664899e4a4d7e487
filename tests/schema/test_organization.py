"""Publishers: organization number, type, municipality number, derived publisher URI."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests.helpers import call_action

from tests.schema import factories

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")


def create(context, **overrides):
    return call_action("organization_create", context=dict(context), **{**factories.OSLO_KOMMUNE, **overrides})


def test_municipality_with_every_field(as_sysadmin):
    org = create(as_sysadmin, email="postmottak@oslo.kommune.no", url="https://www.oslo.kommune.no")

    shown = call_action("organization_show", id=org["id"])

    assert shown["orgnr"] == "958935420"
    assert shown["org_type"] == "municipality"
    assert shown["municipality_code"] == "0301"
    assert shown["publisher_uri"] == (
        "https://organization-catalog.fellesdatakatalog.digdir.no/organizations/958935420")
    assert shown["email"] == "postmottak@oslo.kommune.no"


def test_publisher_uri_cannot_be_typed(as_sysadmin):
    org = create(as_sysadmin, publisher_uri="https://evil.example/org")
    assert call_action("organization_show", id=org["id"])["publisher_uri"].endswith("/958935420")


def test_municipality_code_accepts_three_digits_for_oslo(as_sysadmin):
    assert create(as_sysadmin, municipality_code="301")["municipality_code"] == "0301"


def test_company_needs_no_municipality_code(as_sysadmin):
    org = create(as_sysadmin, name="selskap", org_type="company", orgnr="926543180", municipality_code="")
    assert "municipality_code" not in org or not org["municipality_code"]


def test_update(as_sysadmin):
    org = create(as_sysadmin)
    call_action("organization_patch", context=dict(as_sysadmin), id=org["id"], orgnr="964 338 531")
    assert call_action("organization_show", id=org["id"])["orgnr"] == "964338531"


@pytest.mark.parametrize("overrides, field", [
    ({"orgnr": "958935421"}, "orgnr"),
    ({"orgnr": "12345"}, "orgnr"),
    ({"org_type": "club"}, "org_type"),
    ({"org_type": ""}, "org_type"),
    ({"municipality_code": ""}, "municipality_code"),
    ({"municipality_code": "9998"}, "municipality_code"),
    ({"municipality_code": "1601"}, "municipality_code"),  # Trondheim's number before 2018
    ({"email": "not-an-email"}, "email"),
])
def test_validation(as_sysadmin, overrides, field):
    with pytest.raises(tk.ValidationError) as error:
        create(as_sysadmin, **overrides)
    assert field in error.value.error_dict
