"""Validators on their own (the schema tests run them through the actions)."""
from __future__ import annotations

import json

import pytest

import ckan.plugins.toolkit as tk

from ckanext.scn.logic.validators import is_valid_orgnr, scn_email, scn_geojson_geometry, scn_orgnr, scn_url


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


def test_orgnr_spaces_are_removed():
    assert scn_orgnr("958 935 420") == "958935420"


@pytest.mark.parametrize("bad", [
    "not json",
    json.dumps({"type": "Feature"}),
    json.dumps({"type": "Polygon", "coordinates": "x"}),
    json.dumps({"type": "Point", "coordinates": [1059000, 6640000]}),  # UTM, not WGS 84
    json.dumps({"type": "Polygon", "coordinates": []}),
])
def test_invalid_geojson_is_refused(bad):
    with pytest.raises(tk.Invalid):
        scn_geojson_geometry(bad)


def test_geojson_object_is_stored_as_compact_json():
    point = {"type": "Point", "coordinates": [10.75, 59.91]}
    assert json.loads(scn_geojson_geometry(point)) == point


@pytest.mark.parametrize("url, valid", [
    ("https://data.norge.no/nlod/no/2.0", True),
    ("http://example.no", True),
    ("javascript:alert(1)", False),
    ("ftp://example.no/file", False),
    ("https://", False),
    ("https://exa mple.no", False),
])
def test_url(url, valid):
    if valid:
        assert scn_url(url) == url
    else:
        with pytest.raises(tk.Invalid):
            scn_url(url)


@pytest.mark.parametrize("email, valid", [
    ("postmottak@oslo.kommune.no", True),
    ("mailto:data@example.no", True),
    ("not-an-email", False),
    ("a@b", False),
    ("<script>@x.no", False),
])
def test_email(email, valid):
    if valid:
        assert "@" in scn_email(email)
    else:
        with pytest.raises(tk.Invalid):
            scn_email(email)
