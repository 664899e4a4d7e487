"""Harvest mode: while a harvester imports a record, presence checks are relaxed.

Harvested records often lack properties the web form requires (real data.norge.no records miss
contact points, Norwegian titles, themes). The portal imports what the source has, invents
nothing, and records what is missing in ``missing_properties``. Only the presence checks are
relaxed; every format and vocabulary check still applies. A context variable, not a field or a
context key, turns it on, so an API client cannot.
"""
from __future__ import annotations

import contextlib
import contextvars
from typing import Iterator

_harvesting: contextvars.ContextVar[bool] = contextvars.ContextVar("scn_harvesting", default=False)


@contextlib.contextmanager
def harvest_mode() -> Iterator[None]:
    token = _harvesting.set(True)
    try:
        yield
    finally:
        _harvesting.reset(token)


def in_harvest_mode() -> bool:
    return _harvesting.get()
