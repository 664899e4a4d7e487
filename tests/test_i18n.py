"""Validation messages in the user's language: Bokmål by default, English under /en."""
from __future__ import annotations

import pytest

from tests.schema import factories

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


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



def _core_table(language: str):
    from pathlib import Path

    import yaml

    path = (Path(__file__).resolve().parent.parent / "ckanext-scn" / "ckanext" / "scn" / "i18n"
            / "translations" / f"ckan-core.{language}.yaml")
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


@pytest.mark.parametrize("prefix, expected", [
    ("", ["Gå til hovedinnholdet", "Søk i datasett …"]),
    ("/nn", ["Hopp til hovudinnhaldet", "Søk i datasett …"]),
])
def test_ckan_strings_without_bokmal_in_ckan_are_translated(app, prefix, expected):
    body = app.get(f"{prefix}/dataset/").body
    for text in expected:
        assert text in body
    assert "Skip to main content" not in body and "Search Datasets..." not in body


@pytest.mark.parametrize("language", ["nb", "nn"])
def test_core_table_keys_exist_in_ckan(language):
    """Every key of ckan-core.<language>.yaml is a msgid of CKAN's ckan.pot (i18n_core.py would
    add an unknown key silently, and it would never be shown); plural keys match CKAN's pair."""
    from pathlib import Path

    import ckan
    from babel.messages.pofile import read_po

    with open(Path(ckan.__file__).parent / "i18n" / "ckan.pot", "rb") as f:
        pot = {m.id if isinstance(m.id, str) else m.id[0]: m.id for m in read_po(f) if m.id}
    unknown = []
    for msgid, text in _core_table(language).items():
        if "|" in msgid:
            singular, plural = msgid.split("|")
            if pot.get(singular) != (singular, plural) or len(text.split("|")) != 2:
                unknown.append(msgid)
        elif pot.get(msgid) != msgid:
            unknown.append(msgid)
    assert unknown == []


@pytest.mark.parametrize("language", ["nb", "nn"])
def test_core_table_keeps_placeholders(language):
    import re

    placeholders = re.compile(r"\{[^}]*\}|%\(\w+\)[sd]|%[srd]")
    wrong = [msgid for msgid, text in _core_table(language).items()
             for source, target in zip(msgid.split("|"), text.split("|"))
             if sorted(placeholders.findall(source)) != sorted(placeholders.findall(target))]
    assert wrong == []
