"""JSON-LD from a harvest source, checked before rdflib parses it.

rdflib fetches a remote ``@context`` (or a context's ``@import``) by itself, with urllib: any URL,
``file://`` included, past every check of harvesters/safety.py. DCAT-AP-NO catalogs bring their
contexts inline, so a document that names one to fetch is refused. JSON that does not parse is
refused here too, with the parser's reason (rdflib's error would stop the whole job).
"""
from __future__ import annotations

import json
from typing import Any


class RefusedJSONLD(Exception):
    """The document is not JSON-LD the harvester reads; the message says why."""


_REMOTE_KEYS = ("@context", "@import")


def check(content: bytes | str) -> Any:
    """The parsed document, or RefusedJSONLD if it is not JSON or names a context to fetch."""
    try:
        document = json.loads(content)
    except RecursionError:
        raise RefusedJSONLD("not JSON-LD the harvester reads: nested too deeply")
    except ValueError as e:
        raise RefusedJSONLD(f"not valid JSON: {e}")
    # Iterative: a document nested to just under the parser's limit must not exhaust the stack here.
    stack = [document]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            for key in _REMOTE_KEYS:
                for reference in _references(value.get(key)):
                    raise RefusedJSONLD(f"a JSON-LD {key} to fetch ({reference[:200]}) is refused: "
                                        f"give the context inline")
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return document


def _references(value: Any) -> list[str]:
    """The URLs (strings) of a @context or @import value; inline contexts are objects."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []
