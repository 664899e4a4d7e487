"""Validators named in the SCN scheming schemas."""
from __future__ import annotations

import json
from typing import Any

import ckan.plugins.toolkit as tk

__all__ = ["scn_orgnr", "scn_geojson_geometry"]

_ORGNR_WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)


def is_valid_orgnr(value: str) -> bool:
    """A Norwegian organization number: 9 digits, the last a mod-11 check digit."""
    if len(value) != 9 or not value.isdigit():
        return False
    remainder = sum(int(d) * w for d, w in zip(value, _ORGNR_WEIGHTS)) % 11
    check = 0 if remainder == 0 else 11 - remainder
    return check != 10 and check == int(value[8])


def scn_orgnr(value: Any) -> Any:
    """Accept an orgnr written with spaces (``958 935 420``) and store the 9 digits."""
    if value is None or value == "":
        return value
    digits = str(value).replace(" ", "")
    if not is_valid_orgnr(digits):
        raise tk.Invalid(
            tk._("Not a valid Norwegian organization number (9 digits with a correct check digit)")
        )
    return digits


_GEOMETRY_TYPES = {
    "Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon",
    "GeometryCollection",
}


def scn_geojson_geometry(value: Any) -> Any:
    """A GeoJSON geometry (WGS 84), given as an object or as JSON text; stored as compact JSON."""
    if value is None or value == "":
        return value
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise tk.Invalid(tk._("Not valid JSON: give a GeoJSON geometry"))
    if not isinstance(value, dict) or value.get("type") not in _GEOMETRY_TYPES:
        raise tk.Invalid(
            tk._("Not a GeoJSON geometry: expected an object whose type is Point, Polygon, ...")
        )
    try:
        from shapely.geometry import shape

        geometry = shape(value)
    except (ValueError, TypeError, KeyError, AttributeError, IndexError):
        raise tk.Invalid(tk._("Invalid GeoJSON geometry coordinates"))
    minx, miny, maxx, maxy = geometry.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise tk.Invalid(tk._("GeoJSON coordinates must be WGS 84 longitude and latitude"))
    return json.dumps(value, separators=(",", ":"))
