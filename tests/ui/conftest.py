"""Fixtures of the page tests: an organization, datasets made from the schema factories, and
the pages parsed with BeautifulSoup. Pages are rendered by the real app (Jinja errors fail)."""
from __future__ import annotations

from typing import Any, Callable

import pytest
from bs4 import BeautifulSoup

from ckan.tests.helpers import call_action

from tests.schema import factories


def soup(response: Any) -> BeautifulSoup:
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.body, "html.parser")


def squash(value: str) -> str:
    return " ".join(value.split())


@pytest.fixture
def org(as_sysadmin: dict[str, Any]) -> dict[str, Any]:
    return call_action("organization_create", context=dict(as_sysadmin), **factories.OSLO_KOMMUNE)


@pytest.fixture
def create(org: dict[str, Any], as_sysadmin: dict[str, Any]) -> Callable[..., dict[str, Any]]:
    """Create a dataset of ORG from the schema factory, with OVERRIDES."""
    def _create(maker: Callable[..., dict[str, Any]] = factories.dataset, **overrides: Any) -> dict[str, Any]:
        return call_action("package_create", context=dict(as_sysadmin), **maker(owner_org=org["id"], **overrides))
    return _create
