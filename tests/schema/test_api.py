"""The HTTP API answers bad input with 409 and per-field errors, and stores nothing."""
from __future__ import annotations

import pytest

from ckan.tests.helpers import call_action

from tests.schema import factories

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


def test_invalid_dataset_gets_409_with_field_errors(app, user_and_org):
    user, org = user_and_org
    data = factories.dataset(owner_org=org["id"], theme=[], contact=[{"name": "X", "email": "bad"}],
                             pricing=[{"price_model": "free", "amount": 5}, {"price_model": "subscription",
                                                                              "amount": "x", "currency": "ABC"}])

    response = app.post("/api/3/action/package_create", json=data,
                        headers={"Authorization": user["token"]}, status=409)

    error = response.json["error"]
    assert error["__type"] == "Validation Error"
    assert "theme" in error
    assert "email" in error["contact"][0]
    assert "amount" in error["pricing"][0]
    assert set(error["pricing"][1]) >= {"amount", "currency", "billing_period"}
    assert call_action("package_search", include_private=True)["count"] == 0


def test_valid_dataset_over_http(app, user_and_org):
    user, org = user_and_org
    data = factories.dataset(owner_org=org["id"], pricing=[factories.subscription()])

    response = app.post("/api/3/action/package_create", json=data, headers={"Authorization": user["token"]})

    result = response.json["result"]
    assert result["title_translated"]["en"] == "City bike stations in Oslo"
    assert result["pricing"][0]["billing_period"] == "month"
    found = app.get("/api/3/action/package_search", query_string={"fq": "min_price_nok:[1000 TO 2000]"})
    assert found.json["result"]["count"] == 1
