"""A DCAT-AP-NO catalog of N datasets in Turtle, split into hydra-paged documents as
data.norge.no pages its catalogs (hydra:PagedCollection / hydra:next)."""
from __future__ import annotations

PREFIXES = """@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix vcard: <http://www.w3.org/2006/vcard/ns#> .
@prefix hydra: <http://www.w3.org/ns/hydra/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
EU = "http://publications.europa.eu/resource/authority"
THEMES = ("TRAN", "ENVI", "GOVE", "ECON", "HEAL")


def dataset(n: int) -> str:
    """One dataset with two distributions, keywords, a theme, a contact point and a licence."""
    theme = THEMES[n % len(THEMES)]
    return f"""
<https://example.no/datasett/{n}> a dcat:Dataset ;
    dct:identifier "ds-{n:05d}" ;
    dct:title "Sykkeltelling {n}"@nb, "Bicycle count {n}"@en ;
    dct:description "Tellinger av sykler ved tellepunkt {n}."@nb ;
    dcat:keyword "sykkel"@nb, "telling {n % 7}"@nb ;
    dcat:theme <{EU}/data-theme/{theme}> ;
    dct:accessRights <{EU}/access-right/PUBLIC> ;
    dct:modified "2024-0{1 + n % 9}-1{n % 10}"^^xsd:date ;
    dcat:contactPoint [ a vcard:Organization ; vcard:hasEmail <mailto:data{n}@example.no> ] ;
    dcat:distribution <https://example.no/datasett/{n}/csv>, <https://example.no/datasett/{n}/json> .
<https://example.no/datasett/{n}/csv> a dcat:Distribution ;
    dct:title "CSV {n}"@nb ; dcat:accessURL <https://example.no/data/{n}.csv> ;
    dct:format <{EU}/file-type/CSV> ; dct:license <http://data.norge.no/nlod/no/2.0> .
<https://example.no/datasett/{n}/json> a dcat:Distribution ;
    dct:title "JSON {n}"@nb ; dcat:accessURL <https://example.no/data/{n}.json> ;
    dct:format <{EU}/file-type/JSON> ; dct:license <http://data.norge.no/nlod/no/2.0> .
"""


def pages(base_url: str, path: str, total: int, page_size: int) -> dict[str, str]:
    """{path: turtle} for ``path?page=1..``; each page links the next one (absolute, at
    ``base_url``) with hydra:next."""
    documents: dict[str, str] = {}
    count = (total + page_size - 1) // page_size
    for page in range(1, count + 1):
        numbers = range((page - 1) * page_size + 1, min(total, page * page_size) + 1)
        paging = ""
        if page < count:
            paging = (f"<{base_url}{path}?page={page}> a hydra:PagedCollection ;"
                      f' hydra:next "{base_url}{path}?page={page + 1}" .\n')
        documents[f"{path}?page={page}"] = (
            PREFIXES + '<https://example.no/katalog> a dcat:Catalog ; dct:title "Testkatalog"@nb ;\n'
            + "    dcat:dataset " + ", ".join(f"<https://example.no/datasett/{n}>" for n in numbers) + " .\n"
            + "".join(dataset(n) for n in numbers) + paging)
    return documents
