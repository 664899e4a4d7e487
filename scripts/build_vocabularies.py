#!/usr/bin/env python3
"""Build the controlled vocabularies shipped in ckanext/scn/vocabularies/data/ from the fixtures.

Usage: build_vocabularies.py [FIXTURE_DIR] [--out DIR]

FIXTURE_DIR defaults to ../shared/fixtures relative to the repository root (it holds the
third-party copies listed in its PROVENANCE.md files). The output is deterministic: concepts are
sorted by code, keys are sorted and the JSON layout is fixed, so a rerun gives identical bytes.
Only the standard library and rdflib are used.
"""
from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any, Iterable

import rdflib
from rdflib.namespace import DCTERMS, OWL, RDF, SKOS

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FIXTURES = REPO_ROOT.parent / "shared" / "fixtures"
DEFAULT_OUT = REPO_ROOT / "ckanext-scn" / "ckanext" / "scn" / "vocabularies" / "data"

EU = "http://publications.europa.eu/resource/authority/"
EUVOC = rdflib.Namespace("http://publications.europa.eu/ontology/euvoc#")
FDK_THEME_PATH = rdflib.URIRef("https://fellesdatakatalog.digdir.no/ontology/internal/themePath")
LOS_BASE = "https://psi.norge.no/los/"
GEONORGE_BASE = "https://data.geonorge.no/administrativeEnheter/"
LANGS = ("nb", "nn", "en")

FDK_REF = "Informasjonsforvaltning/fdk-reference-data"
# (repo, path, commit) of each fixture, copied from the PROVENANCE.md files next to them.
SOURCES: dict[str, tuple[str, str, str]] = {
    "vocab-eu-data-theme-fdk.ttl": (
        FDK_REF, "src/test/resources/data-theme-sparql-result.ttl",
        "0560b4ac631823246dff65ade33803f81502e91d"),
    "vocab-eu-frequency-fdk.ttl": (
        FDK_REF, "src/test/resources/frequencies-sparql-result.ttl",
        "3b9a6de3d46175afcbe9625fd7e5406b81f134d5"),
    "vocab-geonorge-administrative-enheter-fdk.ttl": (
        FDK_REF, "src/main/resources/rdf/administrative-enheter.ttl",
        "61c9190f3eebfe456851aad2ca898f2a0590f2d1"),
    "vocab/los-with-fdk-triples.ttl": (
        FDK_REF, "src/test/resources/los-with-fdk-triples.ttl",
        "f929e94aa042a468195e9ba41deb7b0091f16856"),
    "vocab/eu-access-right-nb-nn-fdk-legacy.rdf": (
        "Informasjonsforvaltning/fdk",
        "applications/reference-data/src/main/resources/rdf/access-right-skos.rdf",
        "fb2ae76ed014a1e7909b25bf3df8545a8e95ea20"),
    "vocab/eu-file-type-fdk-with-iana-mediatypes.ttl": (
        FDK_REF, "src/test/resources/filetypes-sparql-result.ttl",
        "b5c3735ccfd8601a77e076a27fc6b00e16d7bdfb"),
    "vocab/eu-language-fdk-main-nob-nno-nor-eng-smi.ttl": (
        FDK_REF, "src/main/resources/rdf/languages.ttl",
        "85f79c022db96444cd83d7f579f5b00f96fab3c4"),
    "vocab/eu-language-subset-fdk-translated.ttl": (
        FDK_REF, "src/test/resources/languages-translated.ttl",
        "811df0f9efbce0bc307d778b70cf298b55ffc8f6"),
    "vocab/eu-planned-availability-fdk.ttl": (
        FDK_REF, "src/test/resources/planned-availability-sparql-result.ttl",
        "02c1169a473b86ca1cc7449bfa871b6fc26fe78e"),
    "vocab/eu-currency-subset-fdk-translated.ttl": (
        FDK_REF, "src/test/resources/currencies-translated.ttl",
        "00fd53ae7bdcf053b6717b164d1ab6256ce2583e"),
    "vocab/kommuner-2026-ssb-klass131-hogne67.ts": (
        "hogne67/321skole-translate", "lib/geo/noMunicipalities.ts",
        "1ceba5bde1d79e663b88dfd483cf17f3d0598b56"),
    "vocab/kommuner-koordinater-2024-haaveb.csv": (
        "haaveb/norweather-twoday", "kommuners_koordinater.csv",
        "a097a1a131a5cf37a6f18406f444487c8ad56f4a"),
    "vocab/fylker-2024-aprestmo.json": (
        "aprestmo/norway-geodata", "data/fylker-2025.json",
        "d7f24a31ee2632bf0b8dbd35ace962e5c30af075"),
}

# ISO 4217 List One, legal-tender currencies in use (state of the 2026-01-01 list). Left out on
# purpose: fund codes (BOV, CHE, CHW, CLF, COU, MXV, USN, UYI, UYW), precious metals (XAU, XAG,
# XPD, XPT), bond-market units (XBA-XBD), XDR, XSU, XUA, the testing code XTS and XXX, and codes
# withdrawn by recent amendments (ANG -> XCG, ZWL -> ZWG, SLL -> SLE, HRK -> EUR, CUC).
ISO_4217_CODES: tuple[str, ...] = (
    "AED", "AFN", "ALL", "AMD", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BHD",
    "BIF", "BMD", "BND", "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF", "CHF",
    "CLP", "CNY", "COP", "CRC", "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD", "EGP", "ERN",
    "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ", "GYD", "HKD",
    "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IQD", "IRR", "ISK", "JMD", "JOD", "JPY", "KES",
    "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL",
    "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK", "MXN",
    "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN", "PGK", "PHP",
    "PKR", "PLN", "PYG", "QAR", "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR", "SDG", "SEK",
    "SGD", "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB", "TJS", "TMT",
    "TND", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "UYU", "UZS", "VED", "VES",
    "VND", "VUV", "WST", "XAF", "XCD", "XCG", "XOF", "XPF", "YER", "ZAR", "ZMW", "ZWG",
)
# Codes in the currency fixture that are not currencies in use; anything else unknown is an error.
CURRENCY_FIXTURE_SKIP = frozenset({"XXX", "XTS", "XBT", "NLG"})

# The coordinate CSV lists these names twice without a county; PROVENANCE.md resolves them by
# latitude. Codes are given south to north.
DUPLICATE_POINT_NAMES: dict[str, tuple[str, str]] = {
    "Herøy": ("1515", "1818"),  # Møre og Romsdal (62.44 N), Nordland (66.11 N)
    "Våler": ("3114", "3419"),  # Østfold (59.46 N), Innlandet (60.78 N)
}


# --- helpers -------------------------------------------------------------------------------------

def source_line(*files: str) -> str:
    return "; ".join(f"{repo} {path} @{commit}" for repo, path, commit in
                     (SOURCES[f] for f in files))


def parse(fixtures: Path, name: str, fmt: str | None = None) -> rdflib.Graph:
    return rdflib.Graph().parse(fixtures / name, format=fmt)


def labels_of(g: rdflib.Graph, subject: rdflib.term.Node) -> dict[str, str]:
    """nb/nn/en prefLabels; the legacy `no` tag only fills a missing nb."""
    by_lang: dict[str, list[str]] = defaultdict(list)
    for lit in g.objects(subject, SKOS.prefLabel):
        if isinstance(lit, rdflib.Literal) and lit.language:
            by_lang[lit.language.lower()].append(str(lit).strip())
    out = {lang: sorted(by_lang[lang])[0] for lang in LANGS if by_lang.get(lang)}
    if "nb" not in out and by_lang.get("no"):
        out["nb"] = sorted(by_lang["no"])[0]
    return out


def version_of(g: rdflib.Graph, scheme: str) -> str | None:
    values = sorted(str(v) for v in g.objects(rdflib.URIRef(scheme), OWL.versionInfo))
    return values[0] if values else None


def eu_concepts(g: rdflib.Graph, table: str) -> dict[str, dict[str, Any]]:
    """Concepts of one EU authority table, keyed by URI (every subject under the table's base)."""
    base = f"{EU}{table}/"
    out: dict[str, dict[str, Any]] = {}
    for s in set(g.subjects()):
        uri = str(s)
        if isinstance(s, rdflib.URIRef) and uri.startswith(base):
            out[uri] = {"uri": uri, "code": uri[len(base):], "labels": labels_of(g, s)}
    return out


def vocabulary(name: str, title: tuple[str, str, str], scheme_uri: str | None, source: str,
               version: str | None, concepts: Iterable[dict[str, Any]]) -> dict[str, Any]:
    return {
        "name": name,
        "title": dict(zip(LANGS, title)),
        "scheme_uri": scheme_uri,
        "source": source,
        "version": version,
        "concepts": sorted(concepts, key=lambda c: (c["code"], c["uri"])),
    }


# --- EU authority tables -------------------------------------------------------------------------

def build_data_theme(fx: Path) -> dict[str, Any]:
    f = "vocab-eu-data-theme-fdk.ttl"
    g = parse(fx, f)
    # OP_DATPRO is only included if this source has it (it does not at this commit).
    return vocabulary("data-theme", ("Data theme", "Datatema", "Datatema"), f"{EU}data-theme",
                      source_line(f), version_of(g, f"{EU}data-theme"),
                      eu_concepts(g, "data-theme").values())


def build_frequency(fx: Path) -> dict[str, Any]:
    f = "vocab-eu-frequency-fdk.ttl"
    g = parse(fx, f)
    return vocabulary("frequency", ("Frequency", "Frekvens", "Frekvens"), f"{EU}frequency",
                      source_line(f), version_of(g, f"{EU}frequency"),
                      eu_concepts(g, "frequency").values())


def build_access_right(fx: Path) -> dict[str, Any]:
    f = "vocab/eu-access-right-nb-nn-fdk-legacy.rdf"
    g = parse(fx, f, "xml")
    concepts = eu_concepts(g, "access-right")
    wanted = {"PUBLIC", "RESTRICTED", "NON_PUBLIC"}
    return vocabulary("access-right", ("Access right", "Tilgangsnivå", "Tilgangsnivå"),
                      f"{EU}access-right", source_line(f), version_of(g, f"{EU}access-right"),
                      (c for c in concepts.values() if c["code"] in wanted))


def build_planned_availability(fx: Path) -> dict[str, Any]:
    f = "vocab/eu-planned-availability-fdk.ttl"
    g = parse(fx, f)
    return vocabulary("planned-availability",
                      ("Planned availability", "Planlagt tilgjengelighet",
                       "Planlagd tilgjenge"),
                      f"{EU}planned-availability", source_line(f),
                      version_of(g, f"{EU}planned-availability"),
                      eu_concepts(g, "planned-availability").values())


def primary_media_type(code: str, types: list[str]) -> str | None:
    """One IANA type for a file type that lists several: prefer a type whose subtype names the
    code (audio/wav for WAV), then non-experimental (no x- / x. prefix), then alphabetical."""
    if not types:
        return None
    code_tokens = set(code.lower().split("_"))

    def rank(mt: str) -> tuple[bool, bool, str]:
        subtype = mt.split("/", 1)[-1].lower()
        names_code = bool(code_tokens & set(re.split(r"[^a-z0-9]+", subtype)))
        experimental = subtype.startswith(("x-", "x."))
        return (not names_code, experimental, mt.lower())

    return min(types, key=rank)


def build_file_type(fx: Path) -> dict[str, Any]:
    f = "vocab/eu-file-type-fdk-with-iana-mediatypes.ttl"
    g = parse(fx, f)
    base = f"{EU}file-type/"
    concepts = []
    for s in sorted(set(g.subjects(RDF.type, EUVOC.FileType)), key=str):
        code = str(s)[len(base):]
        types = sorted({str(v) for n in g.objects(s, EUVOC.xlNotation)
                        for v in g.objects(n, EUVOC.xlCodification)})
        concepts.append({
            "uri": str(s), "code": code,
            # The source has no prefLabels; the code is what users know anyway ("CSV").
            "labels": {lang: code for lang in LANGS},
            "media_type": primary_media_type(code, types),
            # All listed IANA types, so resolve() also finds e.g. application/x-gzip.
            "media_types": types,
        })
    return vocabulary("file-type", ("File type", "Filtype", "Filtype"), f"{EU}file-type",
                      source_line(f), version_of(g, f"{EU}file-type"), concepts)


def build_language(fx: Path) -> dict[str, Any]:
    main_f = "vocab/eu-language-fdk-main-nob-nno-nor-eng-smi.ttl"
    extra_f = "vocab/eu-language-subset-fdk-translated.ttl"
    main, extra = parse(fx, main_f), parse(fx, extra_f)
    merged = eu_concepts(main, "language")
    for uri, c in eu_concepts(extra, "language").items():
        # The main file wins per language; the subset only adds what is missing.
        if uri in merged:
            merged[uri]["labels"] = {**c["labels"], **merged[uri]["labels"]}
        else:
            merged[uri] = c
    sme = f"{EU}language/SME"
    if sme in merged:
        raise SystemExit("SME is now in the source; drop the hand-added entry")
    # Northern Sami is the most used Sami language; no copy with Norwegian labels exists.
    merged[sme] = {"uri": sme, "code": "SME", "added_by": "ckanext-scn",
                   "labels": {"en": "Northern Sami", "nb": "nordsamisk", "nn": "nordsamisk"}}
    return vocabulary("language", ("Language", "Språk", "Språk"), f"{EU}language",
                      source_line(main_f, extra_f), version_of(main, f"{EU}language"),
                      merged.values())


def build_currency(fx: Path) -> dict[str, Any]:
    f = "vocab/eu-currency-subset-fdk-translated.ttl"
    g = parse(fx, f)
    translated = {c["code"]: c for c in eu_concepts(g, "currency").values()}
    unknown = set(translated) - set(ISO_4217_CODES) - CURRENCY_FIXTURE_SKIP
    if unknown:
        raise SystemExit(f"currency fixture has codes missing from ISO_4217_CODES: {unknown}")
    concepts = []
    for code in ISO_4217_CODES:
        source = translated[code]["labels"] if code in translated else {}
        # nb/nn only where translated (label() falls back); en falls back to the code itself.
        labels = {lang: source[lang] for lang in ("nb", "nn") if lang in source}
        labels["en"] = source.get("en", code)
        concepts.append({"uri": f"{EU}currency/{code}", "code": code, "labels": labels})
    return vocabulary("currency", ("Currency", "Valuta", "Valuta"), f"{EU}currency",
                      f"ISO 4217 codes listed in scripts/build_vocabularies.py; labels: "
                      f"{source_line(f)}", version_of(g, f"{EU}currency"), concepts)


# --- LOS -----------------------------------------------------------------------------------------

def build_los(fx: Path) -> dict[str, Any]:
    f = "vocab/los-with-fdk-triples.ttl"
    g = parse(fx, f)
    concepts = []
    for s in set(g.subjects(RDF.type, SKOS.Concept)):
        uri = str(s)
        # The only repair allowed: skip IRIs outside LOS (the source has a broken EU IRI elsewhere).
        if not uri.startswith(LOS_BASE):
            continue
        kind, _, slug = uri[len(LOS_BASE):].partition("/")
        if kind not in ("tema", "ord", "hendelse") or not slug:
            continue
        paths = sorted(str(p) for p in g.objects(s, FDK_THEME_PATH))
        concepts.append({
            # Slugs repeat across kinds (tema/grunnskole and ord/grunnskole), so the code keeps
            # the kind.
            "uri": uri, "code": f"{kind}/{slug}", "kind": kind,
            "labels": labels_of(g, s),
            "broader": sorted(str(b) for b in g.objects(s, SKOS.broader)
                              if str(b).startswith(LOS_BASE)),
            "path": paths[0] if paths else None,
        })
    return vocabulary("los", ("Public sector themes (LOS)", "Los (tema for offentlig sektor)",
                              "Los (tema for offentleg sektor)"),
                      f"{LOS_BASE}struktur", source_line(f), None, concepts)


# --- Norwegian administrative units --------------------------------------------------------------

def geonorge_units(fx: Path) -> dict[str, dict[str, list[str]]]:
    """{"kommune"|"fylke": {title: [uri, ...]}} from the (pre-2024) Geonorge list."""
    g = parse(fx, "vocab-geonorge-administrative-enheter-fdk.ttl")
    out: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for s in g.subjects(RDF.type, DCTERMS.Location):
        uri = str(s)
        kind = uri[len(GEONORGE_BASE):].split("/", 1)[0]
        out[kind][str(g.value(s, DCTERMS.title)).strip()].append(uri)
    return out


def name_variants(name: str) -> set[str]:
    """"Oslo - Oslove" -> {full, Oslo, Oslove}; "Herøy (Nordland)" -> {full, Herøy}. SSB names
    carry Sámi parallel forms and disambiguators that the older lists lack."""
    base = re.sub(r"\s*\([^)]*\)$", "", name).strip()
    return {name, base, *(part.strip() for part in base.split(" - "))}


def read_municipalities(fx: Path) -> list[dict[str, str]]:
    text = (fx / "vocab/kommuner-2026-ssb-klass131-hogne67.ts").read_text(encoding="utf-8")
    # As PROVENANCE.md says: the first "[" after the type annotation up to "] as const;".
    marker = "NoMunicipality[] ="
    start = text.index("[", text.index(marker) + len(marker))
    end = text.index("] as const;", start)
    rows = json.loads(text[start:end + 1])
    return [r for r in rows if r["code"] != "9999"]  # 9999 is SSB's "Uoppgitt" placeholder


def municipality_points(fx: Path, munis: list[dict[str, str]]) -> dict[str, list[float]]:
    """code -> [lon, lat]; the CSV has no numbers, so match by name (variants must be unique)."""
    with (fx / "vocab/kommuner-koordinater-2024-haaveb.csv").open(encoding="utf-8",
                                                                 newline="") as fh:
        rows = list(csv.DictReader(fh))
    by_variant: dict[str, set[str]] = defaultdict(set)
    for m in munis:
        for v in name_variants(m["name"]):
            by_variant[v].add(m["code"])
    points: dict[str, list[float]] = {}
    dupes: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        name = row["kommune"].strip()
        point = [float(row["longitude"]), float(row["latitude"])]
        if name in DUPLICATE_POINT_NAMES:
            dupes[name].append(row)
            continue
        codes = set.union(set(), *(by_variant.get(v, set()) for v in name_variants(name)))
        if len(codes) == 1:
            code = codes.pop()
            if code in points:
                raise SystemExit(f"two coordinate rows match municipality {code}")
            points[code] = point
    for name, south_to_north in DUPLICATE_POINT_NAMES.items():
        rows_by_lat = sorted(dupes[name], key=lambda r: float(r["latitude"]))
        if len(rows_by_lat) != len(south_to_north):
            raise SystemExit(f"expected {len(south_to_north)} coordinate rows for {name}")
        for code, row in zip(south_to_north, rows_by_lat):
            points[code] = [float(row["longitude"]), float(row["latitude"])]
    return points


def build_municipality(fx: Path, geo: dict[str, dict[str, list[str]]]) -> dict[str, Any]:
    munis = read_municipalities(fx)
    points = municipality_points(fx, munis)
    kommuner = geo["kommune"]
    # A Geonorge entry claimed by two municipalities (e.g. plain "Herøy") is ambiguous for both.
    claims: dict[str, list[str]] = {m["code"]: sorted({u for v in name_variants(m["name"])
                                                       for u in kommuner.get(v, [])})
                                    for m in munis}
    claimed_by: dict[str, int] = defaultdict(int)
    for uris in claims.values():
        for u in uris:
            claimed_by[u] += 1
    concepts = []
    for m in munis:
        code, name = m["code"], m["name"]
        uris = claims[code]
        matched = len(uris) == 1 and claimed_by[uris[0]] == 1
        concepts.append({
            "uri": uris[0] if matched else f"urn:ssb:klass:131:{code}",
            "code": code, "labels": {lang: name for lang in LANGS},
            "county_code": m["countyCode"], "point": points.get(code),
            "geonorge": matched,
        })
    matched_n = sum(1 for c in concepts if c["geonorge"])
    points_n = sum(1 for c in concepts if c["point"] is not None)
    print(f"municipality: {matched_n}/{len(concepts)} matched a Geonorge id, "
          f"{points_n} have a point")
    return vocabulary("municipality", ("Municipality", "Kommune", "Kommune"),
                      "https://www.ssb.no/klass/klassifikasjoner/131",
                      source_line("vocab/kommuner-2026-ssb-klass131-hogne67.ts",
                                  "vocab/kommuner-koordinater-2024-haaveb.csv",
                                  "vocab-geonorge-administrative-enheter-fdk.ttl"),
                      "2024-01-01", concepts)


def build_county(fx: Path, geo: dict[str, dict[str, list[str]]]) -> dict[str, Any]:
    f = "vocab/fylker-2024-aprestmo.json"
    counties = json.loads((fx / f).read_text(encoding="utf-8"))
    concepts = []
    for c in counties:
        code, name = c["f_id"].zfill(2), c["f_name"].strip()
        uris = geo["fylke"].get(name, [])
        matched = len(uris) == 1
        concepts.append({
            "uri": uris[0] if matched else f"urn:ssb:klass:104:{code}",
            "code": code, "labels": {lang: name for lang in LANGS}, "geonorge": matched,
        })
    matched_n = sum(1 for c in concepts if c["geonorge"])
    print(f"county: {matched_n}/{len(concepts)} matched a Geonorge id")
    return vocabulary("county", ("County", "Fylke", "Fylke"),
                      "https://www.ssb.no/klass/klassifikasjoner/104",
                      source_line(f, "vocab-geonorge-administrative-enheter-fdk.ttl"),
                      "2024-01-01", concepts)


# --- main ----------------------------------------------------------------------------------------

def build_all(fixtures: Path) -> list[dict[str, Any]]:
    geo = geonorge_units(fixtures)
    return [
        build_data_theme(fixtures), build_los(fixtures), build_frequency(fixtures),
        build_access_right(fixtures), build_file_type(fixtures), build_language(fixtures),
        build_planned_availability(fixtures), build_currency(fixtures),
        build_municipality(fixtures, geo), build_county(fixtures, geo),
    ]


def dump(vocab: dict[str, Any]) -> str:
    return json.dumps(vocab, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("fixtures", nargs="?", type=Path, default=DEFAULT_FIXTURES,
                        help=f"fixture directory (default: {DEFAULT_FIXTURES})")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="output directory (default: the package's vocabularies/data)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for vocab in build_all(args.fixtures):
        path = args.out / f"{vocab['name']}.json"
        # Write bytes so the platform cannot change line endings.
        path.write_bytes(dump(vocab).encode("utf-8"))
        print(f"{path.name}: {len(vocab['concepts'])} concepts")
    return 0


if __name__ == "__main__":
    sys.exit(main())
