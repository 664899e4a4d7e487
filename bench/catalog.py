"""A seeded DCAT-AP-NO catalog for the harvest benchmark, shaped like data.norge.no's records.

Each dataset has what the real records in tests/data/dcat carry and the SCN parser reads
(ckanext-scn/ckanext/scn/profiles/dcat_ap_no.py): titles, descriptions and keywords in nb, nn
and en; EU data themes and LOS themes; a publisher URI in FDK's organization catalog (orgnr)
with its name; a vcard contact point; a Kartverket municipality in ``dct:spatial``; a period;
frequency; access rights; languages; 1-3 distributions (format, media type, access and download
URLs, NLOD 2.0 or CC BY 4.0); and for every fourth dataset a ``cv:hasCost`` offer written as
this portal's profile writes it (``scnp:priceModel`` and friends).

The catalog is split into pages of ``per_page`` datasets. Page documents name their neighbours
with hydra:PartialCollectionView links under the placeholder ``BASE``; a server swaps in its
own address (bench/catalog_server.py). ``python -m bench.catalog SIZE`` writes one to
var/bench/catalogs/ (cached by size and a hash of this file).
"""
from __future__ import annotations

import hashlib
import json
import random
import sys
import uuid
from pathlib import Path

from bench.common import BENCH_VAR, ROOT

SEED = 20261128
PER_PAGE = 100
BASE = "http://catalog.bench.invalid"  # replaced by the serving address
CATALOGS = BENCH_VAR / "catalogs"
_VOCABULARIES = ROOT / "ckanext-scn" / "ckanext" / "scn" / "vocabularies" / "data"

EU = "http://publications.europa.eu/resource/authority/"
# Real publishers (orgnr valid under the mod-11 rule), as FDK names them.
PUBLISHERS = [
    ("991825827", "Digitaliseringsdirektoratet"),
    ("971040238", "Kartverket"),
    ("974760673", "Brønnøysundregistrene"),
    ("958935420", "Oslo kommune"),
    ("964338531", "Bergen kommune"),
    ("942110464", "Trondheim kommune"),
]
EU_THEMES = ["TRAN", "ENVI", "GOVE", "REGI", "ECON", "SOCI", "ENER", "HEAL", "EDUC", "TECH"]
LOS_THEMES = ["tema/trafikk-og-transport", "tema/natur-klima-og-miljo", "tema/bygg-og-eiendom",
              "tema/naring", "tema/helse-og-omsorg", "tema/skole-og-utdanning", "tema/energi",
              "tema/kultur-idrett-og-fritid"]
FREQUENCIES = ["DAILY", "WEEKLY", "MONTHLY", "QUARTERLY", "ANNUAL", "CONT", "IRREG"]
ACCESS = ["PUBLIC"] * 8 + ["RESTRICTED", "NON_PUBLIC"]
FORMATS = [("CSV", "text/csv"), ("JSON", "application/json"), ("GEOJSON", "application/geo+json"),
           ("XML", "application/xml"), ("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")]
LICENCES = ["http://data.norge.no/nlod/no/2.0", EU + "licence/NLOD_2_0", EU + "licence/CC_BY_4_0"]
SUBJECTS = [("Trafikkmengde", "Trafikkmengd", "Traffic volume"),
            ("Luftkvalitet", "Luftkvalitet", "Air quality"),
            ("Parkeringsplasser", "Parkeringsplassar", "Parking spaces"),
            ("Ladestasjoner", "Ladestasjonar", "Charging stations"),
            ("Byggesaker", "Byggjesaker", "Building applications"),
            ("Sykkeltellinger", "Sykkelteljingar", "Bicycle counts"),
            ("Energiforbruk i kommunale bygg", "Energibruk i kommunale bygg", "Energy use in municipal buildings"),
            ("Støykartlegging", "Støykartlegging", "Noise mapping"),
            ("Kollektivavganger", "Kollektivavgangar", "Public transport departures"),
            ("Avfallsinnsamling", "Avfallsinnsamling", "Waste collection")]
KEYWORDS = [("trafikk", "trafikk", "traffic"), ("miljø", "miljø", "environment"), ("sensor", "sensor", "sensor"),
            ("sanntid", "sanntid", "real time"), ("kart", "kart", "map"), ("statistikk", "statistikk", "statistics"),
            ("smartby", "smartby", "smart city"), ("mobilitet", "mobilitet", "mobility")]
# Offers as this portal's profile writes them: (model, amount, extra triples).
OFFERS = [("subscription", "1200.0", "scnp:billingPeriod scnp:month"),
          ("pay_per_use", "0.5", "scnp:unit scnp:1000_calls"),
          ("freemium", "300.0", 'scnp:freeQuota "10 000 kall per måned"'),
          ("on_request", None, "")]

PREFIXES = """@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix vcard: <http://www.w3.org/2006/vcard/ns#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix hydra: <http://www.w3.org/ns/hydra/core#> .
@prefix cv: <http://data.europa.eu/m8g/> .
@prefix dcatap: <http://data.europa.eu/r5r/> .
@prefix scnp: <https://data.smartcitiesnorway.no/ns/pricing#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""


def _municipalities() -> list[str]:
    concepts = json.loads((_VOCABULARIES / "municipality.json").read_text())["concepts"]
    return [c["uri"] for c in concepts if c.get("geonorge")][:60]


def _literal(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a valid Turtle string literal


def dataset_turtle(n: int, rng: random.Random, municipalities: list[str]) -> str:
    """One dataset with its distributions, in Turtle (prefixes as in PREFIXES)."""
    ref = f"<https://data.bench.example/dataset/{n}>"
    nb, nn, en = rng.choice(SUBJECTS)
    place = rng.choice(["Oslo", "Bergen", "Trondheim", "Stavanger", "Tromsø", "Bodø", "Drammen"])
    orgnr, _ = PUBLISHERS[n % len(PUBLISHERS)]
    year = rng.randint(2012, 2024)
    lines = [
        f"{ref} a dcat:Dataset ;",
        f'  dct:identifier "{uuid.UUID(int=rng.getrandbits(128))}" ;',
        f"  dct:title {_literal(f'{nb} i {place} {n}')}@nb, {_literal(f'{nn} i {place} {n}')}@nn,"
        f" {_literal(f'{en} in {place} {n}')}@en ;",
        f"  dct:description {_literal(f'{nb} for {place}, målt og publisert av kommunen. Datasett nummer {n}.')}@nb,"
        f" {_literal(f'{nn} for {place}, målt og publisert av kommunen. Datasett nummer {n}.')}@nn,"
        f" {_literal(f'{en} for {place}, measured and published by the municipality. Dataset number {n}.')}@en ;",
    ]
    words = rng.sample(KEYWORDS, rng.randint(2, 4))
    lines.append("  dcat:keyword " + ", ".join(f"{_literal(w[i])}@{lang}" for w in words
                                                for i, lang in enumerate(("nb", "nn", "en"))) + " ;")
    themes = [f"<{EU}data-theme/{t}>" for t in rng.sample(EU_THEMES, rng.randint(1, 2))]
    themes += [f"<https://psi.norge.no/los/{t}>" for t in rng.sample(LOS_THEMES, rng.randint(1, 2))]
    lines.append(f"  dcat:theme {', '.join(themes)} ;")
    lines.append(f"  dct:publisher <https://organization-catalog.fellesdatakatalog.digdir.no/organizations/{orgnr}> ;")
    lines.append(f'  dcat:contactPoint [ a vcard:Organization ; vcard:fn {_literal(f"Dataforvaltning {place}")}@nb ;'
                 f" vcard:hasEmail <mailto:data{n % 50}@{place.lower().replace('ø', 'o')}.kommune.no> ] ;")
    lines.append(f"  dct:spatial <{rng.choice(municipalities)}> ;")
    lines.append(f'  dct:temporal [ a dct:PeriodOfTime ; dcat:startDate "{year}-01-01"^^xsd:date ;'
                 f' dcat:endDate "{year + rng.randint(0, 5)}-12-31"^^xsd:date ] ;')
    lines.append(f"  dct:accrualPeriodicity <{EU}frequency/{rng.choice(FREQUENCIES)}> ;")
    lines.append(f"  dct:accessRights <{EU}access-right/{rng.choice(ACCESS)}> ;")
    lines.append(f"  dct:language <{EU}language/NOB>, <{EU}language/ENG> ;")
    lines.append(f'  dct:issued "{year}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}T08:00:00"^^xsd:dateTime ;')
    lines.append(f'  dct:modified "2025-0{rng.randint(1, 9)}-2{rng.randint(0, 8)}T12:30:00"^^xsd:dateTime ;')
    lines.append(f"  foaf:page <https://www.{place.lower().replace('ø', 'o')}.kommune.no/data/{n}> ;")
    distributions = [f"<https://data.bench.example/distribution/{n}-{k}>" for k in range(rng.randint(1, 3))]
    lines.append(f"  dcat:distribution {', '.join(distributions)}")
    if n % 4 == 0:
        model, amount, extra = OFFERS[(n // 4) % len(OFFERS)]
        cost = [f"a cv:Cost", f"cv:currency <{EU}currency/NOK>", f"scnp:priceModel scnp:{model}",
                "scnp:vatIncluded true", f'dct:description "Pris for {nb.lower()}"@nb',
                f"foaf:page <https://www.{place.lower().replace('ø', 'o')}.kommune.no/vilkar>"]
        if amount:
            cost.insert(1, f'cv:hasValue "{amount}"^^xsd:double')
        if extra:
            cost.append(extra)
        lines[-1] += " ;"
        lines.append(f"  cv:hasCost [ {' ; '.join(cost)} ]")
    lines[-1] += " ."
    licence = LICENCES[n % len(LICENCES)]
    for k, distribution in enumerate(distributions):
        code, media_type = FORMATS[(n + k) % len(FORMATS)]
        lines += [
            f"{distribution} a dcat:Distribution ;",
            f"  dct:title {_literal(f'{nb} ({code})')}@nb, {_literal(f'{en} ({code})')}@en ;",
            f"  dct:format <{EU}file-type/{code}> ;",
            f"  dcat:mediaType <https://www.iana.org/assignments/media-types/{media_type}> ;",
            f"  dcat:accessURL <https://api.bench.example/{n}/{k}> ;",
            f"  dcat:downloadURL <https://api.bench.example/{n}/{k}/data.{code.lower()}> ;",
            f"  dct:license <{licence}> .",
        ]
    return "\n".join(lines)


def publishers_turtle() -> str:
    return "\n".join(
        f"<https://organization-catalog.fellesdatakatalog.digdir.no/organizations/{orgnr}> a foaf:Agent ;"
        f' dct:identifier "{orgnr}" ; foaf:name {_literal(name)}@nb .' for orgnr, name in PUBLISHERS)


def page_url(base: str, page: int) -> str:
    return f"{base}/catalog?page={page}"


def pages(size: int, per_page: int = PER_PAGE, base: str = BASE, seed: int = SEED) -> list[str]:
    """The catalog's pages in Turtle; the same SIZE, PER_PAGE and SEED give the same bytes."""
    rng = random.Random(seed)
    municipalities = _municipalities()
    count = max(1, -(-size // per_page))
    documents = []
    for page in range(1, count + 1):
        numbers = range((page - 1) * per_page, min(size, page * per_page))
        view = [f"<{page_url(base, page)}> a hydra:PartialCollectionView",
                f"hydra:first <{page_url(base, 1)}>", f"hydra:last <{page_url(base, count)}>"]
        if page < count:
            view.append(f"hydra:next <{page_url(base, page + 1)}>")
        if page > 1:
            view.append(f"hydra:previous <{page_url(base, page - 1)}>")
        documents.append("\n".join([
            PREFIXES,
            "<https://data.bench.example/catalog> a dcat:Catalog ;",
            '  dct:title "Benchmarkkatalog"@nb, "Benchmark catalog"@en ;',
            "  dct:publisher <https://organization-catalog.fellesdatakatalog.digdir.no/organizations/991825827> ;",
            f"  hydra:totalItems {size} ;",
            "  dcat:dataset " + ", ".join(f"<https://data.bench.example/dataset/{n}>" for n in numbers) + " .",
            " ;\n  ".join(view) + " .",
            publishers_turtle(),
            *(dataset_turtle(n, rng, municipalities) for n in numbers),
            "",
        ]))
    return documents


def cache_key(size: int, per_page: int = PER_PAGE) -> str:
    digest = hashlib.sha256(Path(__file__).read_bytes() + (_VOCABULARIES / "municipality.json").read_bytes())
    return f"{size}-{per_page}-{digest.hexdigest()[:12]}"


def ensure(size: int, per_page: int = PER_PAGE) -> Path:
    """The directory of the catalog's pages (page-0001.ttl, ...), written if not cached."""
    directory = CATALOGS / cache_key(size, per_page)
    if (directory / "done").exists():
        return directory
    directory.mkdir(parents=True, exist_ok=True)
    for number, document in enumerate(pages(size, per_page), 1):
        (directory / f"page-{number:04d}.ttl").write_text(document)
    (directory / "done").write_text(str(size))
    for stale in CATALOGS.iterdir():
        if stale.is_dir() and stale.name.startswith(f"{size}-{per_page}-") and stale != directory:
            for file in stale.iterdir():
                file.unlink()
            stale.rmdir()
    return directory


if __name__ == "__main__":
    for arg in sys.argv[1:] or ["1000", "10000"]:
        print(ensure(int(arg)))
