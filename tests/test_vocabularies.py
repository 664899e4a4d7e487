"""The shipped controlled vocabularies and their loader. No database: plain pytest."""
from __future__ import annotations

import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

from ckanext.scn import vocabularies
from ckanext.scn.vocabularies import NAMES, Concept, Vocabulary, get

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "scripts" / "build_vocabularies.py"
FIXTURES = REPO.parent / "shared" / "fixtures"
EU = "http://publications.europa.eu/resource/authority/"
OSLO_URI = "https://data.geonorge.no/administrativeEnheter/kommune/id/173018"


def test_names_and_files():
    assert set(NAMES) == {"data-theme", "los", "frequency", "access-right", "file-type",
                          "language", "planned-availability", "currency", "municipality",
                          "county"}
    data = resources.files("ckanext.scn.vocabularies").joinpath("data")
    assert data.joinpath("los.json").is_file()
    for name in NAMES:
        vocab = get(name)
        assert isinstance(vocab, Vocabulary) and vocab.name == name
        assert vocab.source and set(vocab.title) == {"en", "nb", "nn"}
        assert all(isinstance(c, Concept) for c in vocab.concepts)
        # Codes and URIs are unique, so the O(1) indexes lose nothing.
        assert len({c.uri for c in vocab.concepts}) == len(vocab.concepts)
        assert len({c.code.casefold() for c in vocab.concepts}) == len(vocab.concepts)


def test_total_size_stays_small():
    data = Path(str(resources.files("ckanext.scn.vocabularies").joinpath("data")))
    assert sum(p.stat().st_size for p in data.glob("*.json")) < 1_000_000


def test_get_is_cached_and_rejects_unknown_names():
    assert get("los") is get("los")
    with pytest.raises(KeyError):
        get("licence")
    with pytest.raises(KeyError):
        get("../los")


@pytest.mark.parametrize("name, count", [
    ("data-theme", 13), ("access-right", 3), ("municipality", 357), ("county", 15),
    ("frequency", 38), ("planned-availability", 4), ("file-type", 198), ("language", 9),
])
def test_counts(name, count):
    assert len(get(name).concepts) == count


def test_data_theme():
    themes = get("data-theme")
    assert themes.scheme_uri == f"{EU}data-theme"
    assert themes.version == "20220715-0"
    tran = themes.by_code("TRAN")
    assert tran.uri == f"{EU}data-theme/TRAN"
    assert tran.label("nb") == "Transport"
    assert themes.by_code("econ").label("nb") == "Økonomi og finans"
    assert themes.by_code("GOVE").label("nn") == "Forvaltning og offentleg sektor"
    # Not in the source, so not added.
    assert themes.by_code("OP_DATPRO") is None


def test_los():
    los = get("los")
    assert len(los.concepts) > 500
    kinds = {c.extra["kind"] for c in los.concepts}
    assert kinds == {"tema", "ord", "hendelse"}
    assert all(c.uri.startswith("https://psi.norge.no/los/") for c in los.concepts)
    concept = los.by_uri("https://psi.norge.no/los/ord/kvalifiseringsprogram")
    assert concept.label("en") == "Qualification program"
    assert concept.extra["broader"] == ["https://psi.norge.no/los/tema/kvalifisering-til-arbeid"]
    assert concept.extra["path"] == \
        "sosiale-tjenester/kvalifisering-til-arbeid/kvalifiseringsprogram"
    # Same slug as a theme and as a word: the code keeps the kind.
    assert los.by_code("tema/grunnskole") is not los.by_code("ord/grunnskole")
    # Non-ASCII IRIs are kept as in the source.
    assert los.by_uri("https://psi.norge.no/los/ord/hørselshjelpemidler") is not None
    # Notes and hidden labels are dropped to keep the file small.
    assert set(concept.extra) == {"kind", "broader", "path"}


def test_access_right():
    rights = get("access-right")
    assert [c.code for c in rights.concepts] == ["NON_PUBLIC", "PUBLIC", "RESTRICTED"]
    assert rights.by_code("public").labels == {"en": "Public", "nb": "Offentlig",
                                               "nn": "Offentlig"}
    assert rights.by_uri(f"{EU}access-right/NON_PUBLIC").label("en") == "Non-public"


def test_file_type():
    types = get("file-type")
    csv = types.by_code("CSV")
    assert csv.extra["media_type"] == "text/csv"
    assert csv.label("nb") == "CSV"
    assert types.resolve("text/csv") is csv
    assert types.resolve("Text/CSV; charset=utf-8") is csv
    assert types.resolve("csv") is csv
    # Shared media types go to the file type they name, and stay unresolved when none does.
    assert types.resolve("application/xml").code == "XML"
    assert types.resolve("application/rdf+xml").code == "RDF_XML"
    assert types.resolve("application/x-gzip").code == "GZIP"
    assert types.resolve("text/xml") is None
    assert types.by_code("WAV").extra["media_type"] == "audio/wav"


def test_language():
    langs = get("language")
    assert langs.by_code("NOB").label("nb") == "Norsk Bokmål"
    # "no" labels from the translated subset fill a missing nb.
    assert langs.by_code("SMI").label("nb") == "samisk"
    sme = langs.by_uri(f"{EU}language/SME")
    assert sme.extra == {"added_by": "ckanext-scn"}
    assert sme.label("nn") == "nordsamisk" and sme.label("en") == "Northern Sami"


def test_label_fallback():
    sma = get("language").by_code("SMA")
    assert "nn" not in sma.labels
    assert sma.label("nn") == sma.label("nb") == "sørsamisk"
    assert sma.label("en") == "Southern Sami"
    assert sma.label("nb_NO") == "sørsamisk"
    assert sma.label("no") == "sørsamisk"
    assert sma.label(None) == "sørsamisk"
    assert sma.label("de") == "sørsamisk"
    # Only English in the source: every language falls back to it.
    assert get("frequency").by_code("10MIN").label("nb") == "every ten minutes"
    # No label at all: the code.
    assert Concept(uri="urn:x", code="X", labels={}).label("nb") == "X"


def test_currency():
    currencies = get("currency")
    assert 150 <= len(currencies.concepts) <= 180
    nok = currencies.by_code("NOK")
    assert nok.uri == f"{EU}currency/NOK"
    assert nok.label("nb") == "Norsk krone" and nok.label("en") == "Norwegian krone"
    assert currencies.by_code("AUD").label("nb") == "Australian dollar"
    assert currencies.by_code("CHF").label("nb") == "CHF"
    for not_a_currency in ("XXX", "XTS", "XBT", "NLG"):
        assert currencies.by_code(not_a_currency) is None


def test_municipality():
    munis = get("municipality")
    oslo = munis.by_code("0301")
    assert oslo is munis.by_code("301") is munis.resolve("301") is munis.resolve("0301")
    assert oslo.uri == OSLO_URI and oslo.extra["geonorge"] is True
    assert munis.resolve(OSLO_URI) is oslo
    assert munis.resolve(OSLO_URI.replace("https:", "http:") + "/") is oslo
    assert oslo.extra["county_code"] == "03"
    lon, lat = oslo.extra["point"]
    assert 10 < lon < 11 and 59 < lat < 60
    tromso = munis.by_code("5501")
    assert tromso.label("nb") == "Tromsø" and tromso.extra["county_code"] == "55"
    # Herøy exists twice; the points are told apart by latitude.
    assert munis.by_code("1515").extra["point"][1] < munis.by_code("1818").extra["point"][1]
    # Haram is newer than the Geonorge list: no Geonorge id, an SSB URN instead.
    haram = munis.by_code("1580")
    assert haram.uri == "urn:ssb:klass:131:1580" and haram.extra["geonorge"] is False
    assert munis.by_code("9999") is None
    assert all(len(c.code) == 4 and c.code[:2] == c.extra["county_code"]
               for c in munis.concepts)


def test_county():
    counties = get("county")
    assert {c.code for c in counties.concepts} == {
        "03", "11", "15", "18", "31", "32", "33", "34", "39", "40", "42", "46", "50", "55", "56"}
    assert set(c.extra["county_code"] for c in get("municipality").concepts) == \
        {c.code for c in counties.concepts}
    rogaland = counties.by_code("11")
    assert rogaland.uri == "https://data.geonorge.no/administrativeEnheter/fylke/id/173152"
    assert rogaland.extra["geonorge"] is True
    # Split in 2024, so not in the (pre-2024) Geonorge list.
    troms = counties.by_code("55")
    assert troms.uri == "urn:ssb:klass:104:55" and troms.extra["geonorge"] is False
    assert counties.by_code("3") is counties.by_code("03")


def test_not_vocabularies():
    # Licences are not shipped here.
    assert all(get(n).resolve("http://data.norge.no/nlod/no/2.0") is None for n in NAMES)
    assert get("data-theme").resolve("NLOD") is None


def test_resolve_and_label():
    themes = get("data-theme")
    tran = themes.by_code("TRAN")
    for value in ("TRAN", "tran", f"{EU}data-theme/TRAN", f"{EU}data-theme/TRAN/",
                  f"https://publications.europa.eu/resource/authority/data-theme/TRAN"):
        assert themes.resolve(value) is tran, value
    assert themes.resolve("") is None and themes.resolve("nope") is None
    assert themes.label(tran.uri, "en") == "Transport"
    assert themes.label("http://example.org/x", "nb") == "http://example.org/x"


def test_choices_sorted():
    for name in ("data-theme", "municipality", "language"):
        for lang in ("nb", "en", None):
            choices = get(name).choices(lang)
            assert len(choices) == len(get(name).concepts)
            labels = [c["label"].casefold() for c in choices]
            assert labels == sorted(labels)
    first = get("data-theme").choices("nb")[0]
    assert first == {"value": f"{EU}data-theme/SOCI", "label": "Befolkning og samfunn"}


def test_loader_has_no_ckan_imports():
    source = Path(vocabularies.__file__).read_text(encoding="utf-8")
    assert "import ckan" not in source and "from ckan " not in source


@pytest.mark.skipif(not FIXTURES.is_dir(), reason="fixture copies not available")
def test_generator_is_deterministic(tmp_path):
    subprocess.run([sys.executable, str(SCRIPT), str(FIXTURES), "--out", str(tmp_path)],
                   check=True, capture_output=True)
    shipped = Path(str(resources.files("ckanext.scn.vocabularies").joinpath("data")))
    assert sorted(p.name for p in tmp_path.glob("*.json")) == sorted(f"{n}.json" for n in NAMES)
    for name in NAMES:
        built = (tmp_path / f"{name}.json").read_bytes()
        assert built == (shipped / f"{name}.json").read_bytes(), name
        assert built.endswith(b"}\n")
