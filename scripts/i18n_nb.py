#!/usr/bin/env python3
"""Write the Norwegian Bokmål catalog of ckanext-scn from its template, then compile it.

Usage (from the repo root, with the venv): .venv/bin/python scripts/i18n_nb.py
Extract first: .venv/bin/python setup.py extract_messages is not wired; use pybabel extract
  -o ckanext-scn/ckanext/scn/i18n/ckanext-scn.pot ckanext-scn/ckanext/scn
Translations live here, keyed by message, so a re-extract keeps them.
"""
from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
I18N = ROOT / "ckanext-scn" / "ckanext" / "scn" / "i18n"

NB = {
    "Organizations": "Organisasjoner",
    "Tags": "Emneord",
    "Unknown format: use ttl, rdf, xml, n3 or jsonld": "Ukjent format: bruk ttl, rdf, xml, n3 eller jsonld",
    "Organization not found": "Fant ikke organisasjonen",
    "Datakatalog for {name}": "Datakatalog for {name}",
    "Datasett og datatjenester fra {name} på {site}": "Datasett og datatjenester fra {name} på {site}",
    'Not valid JSON: give an object such as {"nb": "..."}': 'Ikke gyldig JSON: oppgi et objekt som {"nb": "..."}',
    "Unsupported language {lang!r}: use {allowed}": "Språket {lang!r} støttes ikke: bruk {allowed}",
    'Expected an object with a text per language, e.g. {"nb": "..."}':
        'Forventet et objekt med én tekst per språk, f.eks. {"nb": "..."}',
    "The {lang} text must be a string": "Teksten for {lang} må være en tekststreng",
    "Missing value: give the text in at least one language (Bokmål, Nynorsk or English)":
        "Mangler verdi: skriv teksten på minst ett språk (bokmål, nynorsk eller engelsk)",
    "Expected an object with a list of keywords per language": "Forventet et objekt med en liste emneord per språk",
    "The {lang} keywords must be a list of strings": "Emneordene for {lang} må være en liste med tekster",
    "Keyword longer than {n} characters: {tag}": "Emneord lengre enn {n} tegn: {tag}",
    'Not valid JSON: give a list such as ["..."]': 'Ikke gyldig JSON: oppgi en liste som ["..."]',
    "Not a valid Norwegian organization number: give the 9 digits from Enhetsregisteret (the last one is a check digit)":
        "Ikke et gyldig organisasjonsnummer: oppgi de ni sifrene fra Enhetsregisteret (det siste er et kontrollsiffer)",
    "Not valid JSON: give a GeoJSON geometry": "Ikke gyldig JSON: oppgi en GeoJSON-geometri",
    "Not a GeoJSON geometry: expected an object whose type is Point, Polygon, ...":
        "Ikke en GeoJSON-geometri: forventet et objekt med type Point, Polygon, ...",
    "Invalid GeoJSON geometry coordinates": "Ugyldige koordinater i GeoJSON-geometrien",
    "Invalid GeoJSON geometry: it has no coordinates": "Ugyldig GeoJSON-geometri: den har ingen koordinater",
    "GeoJSON coordinates must be WGS 84 longitude and latitude":
        "GeoJSON-koordinater må være lengde- og breddegrad i WGS 84",
    "Not a web address: give a full URL starting with https:// or http://":
        "Ikke en nettadresse: oppgi en full URL som begynner med https:// eller http://",
    "Not an email address: give it as name@example.no": "Ikke en e-postadresse: skriv den som navn@eksempel.no",
    "Not a web address: {value}. Give full URLs starting with https://":
        "Ikke en nettadresse: {value}. Oppgi fulle URL-er som begynner med https://",
    "Missing value: give at least one URL": "Mangler verdi: oppgi minst én URL",
    "Unknown value {value!r} for {vocabulary}: use a URI or code from {scheme}, e.g. {example}":
        "Ukjent verdi {value!r} for {vocabulary}: bruk en URI eller kode fra {scheme}, f.eks. {example}",
    "Missing value: choose one of the {name} values": "Mangler verdi: velg én av verdiene i {name}",
    "Missing value: choose at least one of the {name} values": "Mangler verdi: velg minst én av verdiene i {name}",
    "Unknown format {value!r}: use an EU file type such as CSV, JSON, GEOJSON or a media type such as text/csv":
        "Ukjent format {value!r}: bruk en EU-filtype som CSV, JSON, GEOJSON eller en medietype som text/csv",
    "Missing value: give a municipality or county code, e.g. 0301 or fylke:46":
        "Mangler verdi: oppgi et kommune- eller fylkesnummer, f.eks. 0301 eller fylke:46",
    "Unknown municipality or county {value!r}: use a 4-digit municipality number (e.g. 0301 Oslo) or fylke:NN for a county":
        "Ukjent kommune eller fylke {value!r}: bruk et firesifret kommunenummer (f.eks. 0301 Oslo) eller fylke:NN for et fylke",
    "The end date {end} is before the start date {start}": "Sluttdatoen {end} er før startdatoen {start}",
    "Unknown licence {value!r}: choose one of {choices}": "Ukjent lisens {value!r}: velg en av {choices}",
    "No dataset {value!r} in this portal": "Ingen datasett {value!r} i denne portalen",
    "Give true or false": "Oppgi true eller false",
    "Missing amount: a {model} offer needs a price (a number ≥ 0)":
        "Mangler beløp: et tilbud av typen «{model}» må ha en pris (et tall ≥ 0)",
    "A free offer has no amount: remove the amount or choose another price model":
        "Et gratistilbud har ikke noe beløp: fjern beløpet eller velg en annen prismodell",
    "Not a number: give the amount as digits, e.g. 1200 or 0.50": "Ikke et tall: skriv beløpet med sifre, f.eks. 1200 eller 0,50",
    "The amount cannot be negative": "Beløpet kan ikke være negativt",
    "The amount is too large": "Beløpet er for stort",
    "Unknown currency {value!r}: give an ISO 4217 code such as NOK, EUR or USD":
        "Ukjent valuta {value!r}: oppgi en ISO 4217-kode som NOK, EUR eller USD",
    "Missing value: a {model} offer needs this field": "Mangler verdi: et tilbud av typen «{model}» må ha dette feltet",
    "Missing value: a municipality needs its 4-digit municipality number":
        "Mangler verdi: en kommune må ha sitt firesifrede kommunenummer",
    "Unknown municipality number {value!r}: use the 4-digit number valid from 2024, e.g. 0301 for Oslo":
        "Ukjent kommunenummer {value!r}: bruk det firesifrede nummeret som gjelder fra 2024, f.eks. 0301 for Oslo",
    "Missing value": "Mangler verdi",
    "Missing value: give at least one contact point (name and email)":
        "Mangler verdi: oppgi minst ett kontaktpunkt (navn og e-post)",
    "A commercial licence needs the URL of its terms": "En kommersiell lisens må ha URL-en til vilkårene",
}


def main() -> None:
    with open(I18N / "ckanext-scn.pot", "rb") as f:
        catalog = read_po(f, locale="nb_NO", domain="ckanext-scn")
    missing = [m.id for m in catalog if m.id and m.id not in NB]
    if missing:
        raise SystemExit("No Bokmål translation for: " + "; ".join(missing))
    for message in catalog:
        if message.id:
            message.string = NB[message.id]
    out = I18N / "nb_NO" / "LC_MESSAGES"
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "ckanext-scn.po", "wb") as f:
        write_po(f, catalog, width=100, omit_header=False)
    with open(out / "ckanext-scn.mo", "wb") as f:
        write_mo(f, catalog)


if __name__ == "__main__":
    main()
