#!/usr/bin/env python3
"""CKAN's core message catalogs for the portal's languages, including Nynorsk, which CKAN lacks.

    .venv/bin/python scripts/i18n_core.py OUT_DIR

Writes OUT_DIR/{nb_NO,nn}/LC_MESSAGES/ckan.{po,mo}, the directory `ckan.i18n_directory` points
to. nb_NO is CKAN's own catalog with the Bokmål it lacks for the portal's pages added
(ckanext/scn/i18n/translations/ckan-core.nb.yaml). nn starts from that Bokmål (readable to every Nynorsk user,
and better than falling back to English) and overrides it with the Nynorsk translations in
ckanext/scn/i18n/translations/ckan-core.nn.yaml, which cover the strings of the pages the portal
shows (header, search, dataset, organization, login, errors). init.sh runs this when CKAN or
the table changes.
"""
from __future__ import annotations

import sys
from pathlib import Path

import yaml
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

import ckan

ROOT = Path(__file__).resolve().parent.parent
CKAN_I18N = Path(ckan.__file__).parent / "i18n"
TABLES = ROOT / "ckanext-scn" / "ckanext" / "scn" / "i18n" / "translations"
NB_TABLE = TABLES / "ckan-core.nb.yaml"
NN_TABLE = TABLES / "ckan-core.nn.yaml"


def write(catalog, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "ckan.po", "wb") as f:
        write_po(f, catalog, width=100, no_location=True)
    with open(out / "ckan.mo", "wb") as f:
        write_mo(f, catalog)


def override(catalog, table: Path) -> None:
    """Set (or add) the translations of a table: CKAN msgid -> text, plurals as "one|many"."""
    overrides = yaml.safe_load(table.read_text(encoding="utf-8")) or {}
    for msgid, text in overrides.items():
        key = tuple(msgid.split("|")) if "|" in msgid else msgid
        message = catalog.get(key if isinstance(key, str) else key[0])
        string = tuple(text.split("|")) if isinstance(key, tuple) else text
        if message is None:
            catalog.add(key, string)
        else:
            message.string = string


def main(out_dir: Path) -> None:
    for locale, tables in (("nb_NO", [NB_TABLE]), ("nn", [NB_TABLE, NN_TABLE])):
        with open(CKAN_I18N / "nb_NO" / "LC_MESSAGES" / "ckan.po", "rb") as f:
            catalog = read_po(f, locale=locale)
        for table in tables:
            override(catalog, table)
        write(catalog, out_dir / locale / "LC_MESSAGES")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    main(Path(sys.argv[1]))
