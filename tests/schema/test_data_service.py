"""The `data-service` type: APIs and real-time feeds."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests.helpers import call_action

from tests.schema import factories

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


@pytest.fixture
def org(clean_db, clean_index, as_sysadmin):
    return call_action("organization_create", context=dict(as_sysadmin), **factories.OSLO_KOMMUNE)


@pytest.fixture
def create(org, as_sysadmin):
    def _create(**overrides):
        return call_action("package_create", context=dict(as_sysadmin),
                           **factories.data_service(owner_org=org["id"], **overrides))
    return _create


def test_create_show_and_search(create, org, as_sysadmin):
    served = call_action("package_create", context=dict(as_sysadmin),
                         **factories.dataset(owner_org=org["id"], name="ladepunkter"))
    created = create(serves_dataset=["ladepunkter"])

    shown = call_action("package_show", id=created["name"])

    assert shown["type"] == "data-service"
    assert shown["title"] == "Ladepunkt-API"
    assert shown["endpoint_url"] == ["https://api.example.no/ocpi/2.2"]
    assert shown["endpoint_description"] == ["https://api.example.no/openapi.json"]
    assert shown["serves_dataset"] == [served["id"]]
    assert sorted(shown["protocols"]) == ["OCPI", "REST"]
    assert shown["pricing"][0]["price_model"] == "subscription"
    assert shown["license_terms_url"] == "https://example.no/lisens"
    result = call_action("package_search", fq="dataset_type:data-service")
    assert [d["name"] for d in result["results"]] == ["ladepunkt-api"]


def test_update(create, as_sysadmin):
    created = create()
    call_action("package_patch", context=dict(as_sysadmin), id=created["id"],
                endpoint_url=["https://api.example.no/v3", "https://api.example.no/v2"])
    assert call_action("package_show", id=created["id"])["endpoint_url"] == [
        "https://api.example.no/v3", "https://api.example.no/v2"]


@pytest.mark.parametrize("overrides, field", [
    ({"endpoint_url": []}, "endpoint_url"),
    ({"endpoint_url": ["not a url"]}, "endpoint_url"),
    ({"serves_dataset": ["no-such-dataset"]}, "serves_dataset"),
    ({"theme": []}, "theme"),
    ({"access_rights": ""}, "access_rights"),
    ({"contact": [{"name": "X", "email": "x@"}]}, "contact"),
    ({"pricing": [{"price_model": "subscription", "amount": 10}]}, "pricing"),
])
def test_validation(create, overrides, field):
    with pytest.raises(tk.ValidationError) as error:
        create(**overrides)
    assert field in error.value.error_dict
