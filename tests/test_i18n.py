"""Validation messages in the user's language: Bokmål by default, English under /en."""
from __future__ import annotations

import pytest

from ckan.tests import factories as ckan_factories
from ckan.tests.helpers import call_action

from tests.schema import factories

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


@pytest.fixture
def user_and_org(clean_db, clean_index):
    user = ckan_factories.SysadminWithToken()
    org = call_action("organization_create", context={"user": user["name"]}, **factories.OSLO_KOMMUNE)
    return user, org


def bad_offer(org):
    return factories.dataset(owner_org=org["id"], pricing=[{"price_model": "free", "amount": 5}],
                             contact=[{"name": "X", "email": "ikke-epost"}])


def test_messages_in_bokmal_by_default(app, user_and_org):
    user, org = user_and_org
    response = app.post("/api/3/action/package_create", json=bad_offer(org),
                        headers={"Authorization": user["token"]}, status=409)
    error = response.json["error"]
    assert error["pricing"][0]["amount"] == [
        "Et gratistilbud har ikke noe beløp: fjern beløpet eller velg en annen prismodell"]
    assert error["contact"][0]["email"] == ["Ikke en e-postadresse: skriv den som navn@eksempel.no"]


def test_messages_in_english(app, user_and_org):
    user, org = user_and_org
    response = app.post("/en/api/3/action/package_create", json=bad_offer(org),
                        headers={"Authorization": user["token"]}, status=409)
    assert response.json["error"]["pricing"][0]["amount"] == [
        "A free offer has no amount: remove the amount or choose another price model"]


def test_every_message_has_bokmal_and_nynorsk_and_catalogs_are_compiled():
    """scripts/i18n.py --check: each message of ckanext-scn has nb and nn translations, and the
    committed .pot/.po/.mo match the code and the translation tables."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    result = subprocess.run([sys.executable, str(root / "scripts" / "i18n.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_nynorsk_is_offered_with_ckan_pages_in_nynorsk(app):
    page = app.get("/nn/dataset/")
    assert '<html lang="nn"' in page.body
    assert "Organisasjonar" in page.body  # CKAN's own string, from the portal's Nynorsk core catalog
    assert "Organisasjoner" not in page.body

