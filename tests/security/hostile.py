"""The hostile input corpus (tests/data/hostile, described in its README.md): reading the committed
files, generating the big inputs at test time, and the two things every hostile-input test checks
afterwards: the process stayed within bounds, and what was stored before is unchanged."""
from __future__ import annotations

import hashlib
import json
import resource
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

CORPUS = Path(__file__).resolve().parents[1] / "data" / "hostile"
MB = 1024 * 1024
# Bounds for one hostile input (the machine is shared: generous, but far below a hang or a blow-up).
MAX_SECONDS = 30
MAX_RSS_GROWTH_MB = 300

SCRIPT = "<script>alert('xss')</script>"
# Right-to-left text with an override, combining marks (Zalgo, e + U+0301), zero-width and bidi
# isolates, an astral emoji and a Sámi letter: all valid text, to be stored exactly as given.
UNICODE_EDGES = ("بيانات \u202etxt.exe\u202c עברית Z\u0334\u0321\u031ba\u0338l\u0337g\u0335o\u0336 "
                 "e\u0301 \u200b\u2066x\u2069 \U0001F6B2 Čáhcesápmi ŋ")


def text(name: str, **placeholders: str) -> str:
    """A corpus file, with ``{INTERNAL}`` and other placeholders filled in."""
    content = (CORPUS / name).read_text(encoding="utf-8")
    for key, value in placeholders.items():
        content = content.replace("{" + key + "}", value)
    return content


def cases(name: str, key: str) -> list[dict[str, Any]]:
    return json.loads(text(name))[key]


# ---- generated inputs (too big to commit) ------------------------------------------------------

def big_turtle(size_mb: int) -> bytes:
    """A valid DCAT-AP-NO catalog in Turtle of at least SIZE_MB megabytes: one real-looking
    dataset, then comment lines (Turtle allows them anywhere) up to the size."""
    head = ("@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .\n"
            "<https://example.no/catalog> a dcat:Catalog ; dct:title \"Stor\"@nb .\n"
            "<https://example.no/ds/big> a dcat:Dataset ; dct:identifier \"big\" ; dct:title \"Stor\"@nb .\n")
    line = b"# " + b"x" * 1021 + b"\n"
    return head.encode() + line * (size_mb * 1024 + 1)


def long_literal(size_mb: int) -> str:
    """Readable Norwegian text of SIZE_MB megabytes (a description pasted from a whole report)."""
    sentence = "Dette er en svært lang beskrivelse av et datasett om sykkeltellinger i Oslo. "
    return (sentence * (size_mb * MB // len(sentence) + 1))[: size_mb * MB]


def many_keywords(count: int) -> list[str]:
    return [f"emneord-{n}" for n in range(count)]


def dcat_record(identifier: str, *, title: str = "Datasett", description: str = "Beskrivelse",
                keywords: Iterable[str] = ()) -> str:
    """One dcat:Dataset in Turtle (dataset blocks for tests.harvest.test_dcat_ap_no.catalog)."""
    words = "".join(f' ; dcat:keyword "{w}"@nb' for w in keywords)
    return (f"<https://example.no/ds/{identifier}> a dcat:Dataset ; dct:identifier \"{identifier}\" ;"
            f" dct:title {json.dumps(title, ensure_ascii=False)}@nb ;"
            f" dct:description {json.dumps(description, ensure_ascii=False)}@nb{words} ;"
            f" dcat:theme <http://publications.europa.eu/resource/authority/data-theme/TRAN> .")


def utf16(document: str) -> bytes:
    """The same XML in UTF-16 (with its BOM): a declaration check that looks for ASCII bytes
    alone would not see the DOCTYPE."""
    return document.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")


# ---- bounds -------------------------------------------------------------------------------------

@dataclass
class Usage:
    seconds: float = 0.0
    rss_growth_mb: float = 0.0


def _max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


@contextmanager
def bounded(max_seconds: float = MAX_SECONDS, max_rss_growth_mb: float = MAX_RSS_GROWTH_MB) -> Iterator[Usage]:
    """Time and peak-memory growth of the block, asserted when it ends. ru_maxrss is the peak of
    the whole process, so growth counts only a new peak the block itself set."""
    usage = Usage()
    rss, start = _max_rss_mb(), time.monotonic()
    yield usage
    usage.seconds = time.monotonic() - start
    usage.rss_growth_mb = _max_rss_mb() - rss
    assert usage.seconds < max_seconds, f"took {usage.seconds:.1f} s"
    assert usage.rss_growth_mb < max_rss_growth_mb, f"peak memory grew by {usage.rss_growth_mb:.0f} MB"


# ---- what is stored -----------------------------------------------------------------------------

def stored_state() -> dict[str, str]:
    """package_show of every dataset in the database (any state, private included) and every
    current harvest object (its record, dataset and extras), each as canonical JSON, by id: what
    a hostile input must not change. Harvest sources are left out: they show their last job,
    which a hostile harvest is."""
    import ckan.plugins.toolkit as tk
    from ckan import model
    from ckanext.harvest.model import HarvestObject

    model.Session.remove()
    state = {}
    datasets = model.Session.query(model.Package.id).filter(model.Package.type != "harvest")
    for (package_id,) in datasets:
        shown = tk.get_action("package_show")({"ignore_auth": True, "use_cache": False}, {"id": package_id})
        state[f"dataset {package_id}"] = json.dumps(shown, sort_keys=True, default=str)
    for obj in model.Session.query(HarvestObject).filter(HarvestObject.current == True):  # noqa: E712 - SQL
        extras = sorted((e.key, e.value) for e in obj.extras)
        # Not its id (an unchanged record's newest object becomes the current one), nor the name
        # hint a harvester puts in a parsed record (the dataset's name is in package_show).
        state[f"harvest object {obj.harvest_source_id} {obj.guid}"] = json.dumps(
            [obj.package_id, _without_name_hint(obj.content), extras], default=str)
    model.Session.remove()
    return state


def _without_name_hint(content: str | None) -> str | None:
    try:
        record = json.loads(content or "")
    except ValueError:
        return content  # XML (scn_csw)
    if isinstance(record, dict):
        record.pop("name", None)
    return json.dumps(record, sort_keys=True)


def stored_checksum() -> str:
    """sha256 over stored_state()."""
    return hashlib.sha256(json.dumps(stored_state(), sort_keys=True).encode()).hexdigest()


def changes(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """What differs between two stored states, for an assertion message."""
    return sorted(key for key in before.keys() | after.keys() if before.get(key) != after.get(key))


def all_stored_text() -> str:
    """Every dataset as JSON, to search for what must never be stored (file contents, NUL)."""
    import ckan.plugins.toolkit as tk
    from ckan import model

    model.Session.remove()
    shown = [tk.get_action("package_show")({"ignore_auth": True}, {"id": package_id})
             for (package_id,) in model.Session.query(model.Package.id)]
    return json.dumps(shown, ensure_ascii=False)
