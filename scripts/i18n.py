#!/usr/bin/env python3
"""Message catalogs of ckanext-scn: extract, translate, compile, check.

    .venv/bin/python scripts/i18n.py          # extract the .pot, write and compile nb_NO and nn
    .venv/bin/python scripts/i18n.py --check  # exit 1 if a message lacks a translation or a
                                              # compiled catalog is out of date (tests run this)

Messages are English in the code and templates (``_("...")``). Their Bokmål and Nynorsk
translations live in ``ckanext/scn/i18n/translations/*.yaml`` as ``"English": {nb: ..., nn: ...}``,
one file per area of the UI, so a re-extract never loses a translation and two people adding
strings to different areas never touch the same file. The .po/.mo files are generated.

CKAN itself ships no Nynorsk: ``scripts/i18n_core.py`` builds the core catalog for ``nn``.
"""
from __future__ import annotations

import io
import sys
from datetime import datetime, timezone
from pathlib import Path

import yaml
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "ckanext-scn" / "ckanext" / "scn"
I18N = PACKAGE / "i18n"
DOMAIN = "ckanext-scn"
LOCALES = {"nb_NO": "nb", "nn": "nn"}  # CKAN locale -> key in the translation tables

METHOD_MAP = [("**/templates/**.html", "ckan"), ("**.py", "python")]
OPTIONS_MAP = {"**/templates/**.html": {}}
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "ungettext": (1, 2), "N_": None}


# Fixed header dates keep the generated files identical from run to run (git shows real changes
# only, and --check can compare the compiled .mo byte for byte).
FIXED_DATE = datetime(2026, 1, 1, tzinfo=timezone.utc)


def extract() -> Catalog:
    catalog = Catalog(project="ckanext-scn", domain=DOMAIN, charset="utf-8", fuzzy=False,
                      creation_date=FIXED_DATE, revision_date=FIXED_DATE)
    for filename, lineno, message, comments, context in extract_from_dir(
            str(PACKAGE), METHOD_MAP, OPTIONS_MAP, keywords=KEYWORDS,
            callback=lambda *a: None, strip_comment_tags=True):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def translations() -> dict[str, dict[str, str]]:
    table: dict[str, dict[str, str]] = {}
    for path in sorted((I18N / "translations").glob("*.yaml")):
        if path.name.startswith("ckan-core."):  # CKAN's own strings: scripts/i18n_core.py
            continue
        for msgid, langs in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).items():
            if msgid in table and table[msgid] != langs:
                raise SystemExit(f"{path.name}: {msgid!r} is translated differently in another file")
            table[msgid] = langs
    return table


def ckan_messages() -> set[str]:
    """CKAN's own msgids: templates copied from CKAN keep them, and CKAN's catalogs (with the
    Nynorsk core table, scripts/i18n_core.py) translate them, so the tables need not."""
    import ckan

    with open(Path(ckan.__file__).parent / "i18n" / "ckan.pot", "rb") as f:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}


def render(catalog: Catalog, locale: str, table: dict[str, dict[str, str]],
           core: set[str]) -> tuple[bytes, bytes, list[str]]:
    key = LOCALES[locale]
    translated = Catalog(locale=locale, project="ckanext-scn", domain=DOMAIN, charset="utf-8", fuzzy=False,
                         creation_date=FIXED_DATE, revision_date=FIXED_DATE)
    missing = []
    # Strings of other extensions' templates the portal shows (e.g. ckanext-spatial's "Dataset
    # extent") are translated in the tables too; they are not in the extracted catalog.
    messages = list(catalog) + [Message(msgid, locations=[("third-party", 0)])
                                for msgid in table if msgid not in catalog]
    for message in messages:
        if not message.id:
            continue
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        text = (table.get(msgid) or {}).get(key)
        if not text and msgid in core and msgid not in table:
            continue
        if not text:
            missing.append(msgid)
        if isinstance(message.id, tuple):  # plural: the table gives "singular|plural"
            forms = tuple((text or "").split("|")) if text else ()
            translated.add(message.id, forms or None, message.locations)
        else:
            translated.add(message.id, text, message.locations)
    po, mo = io.BytesIO(), io.BytesIO()
    write_po(po, translated, width=100, omit_header=False, no_location=True)
    write_mo(mo, translated)
    return po.getvalue(), mo.getvalue(), missing


def main(check: bool) -> int:
    catalog = extract()
    table = translations()
    pot = io.BytesIO()
    write_po(pot, catalog, width=100, no_location=True, omit_header=False)
    outputs = {I18N / f"{DOMAIN}.pot": pot.getvalue()}
    problems = []
    core = ckan_messages()
    for locale in LOCALES:
        po, mo, missing = render(catalog, locale, table, core)
        problems += [f"{locale}: no translation for {m!r}" for m in missing]
        outputs[I18N / locale / "LC_MESSAGES" / f"{DOMAIN}.po"] = po
        outputs[I18N / locale / "LC_MESSAGES" / f"{DOMAIN}.mo"] = mo
    for path, content in outputs.items():
        current = path.read_bytes() if path.exists() else b""
        # POT-Creation-Date changes on every run; compare without the header's dates
        if _strip_dates(current) == _strip_dates(content):
            continue
        if check:
            problems.append(f"{path.relative_to(ROOT)} is out of date: run scripts/i18n.py")
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems and check else 0


def _strip_dates(content: bytes) -> bytes:
    return b"\n".join(line for line in content.split(b"\n")
                      if not line.startswith((b'"POT-Creation-Date', b'"PO-Revision-Date')))


if __name__ == "__main__":
    sys.exit(main(check="--check" in sys.argv[1:]))
