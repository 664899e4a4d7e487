"""A harvester plugin that subclasses another one needs an instance of its own."""
from __future__ import annotations

from typing import Any


class OwnSingleton:
    """Mix in first: CKAN's SingletonPlugin keeps its instance in a class attribute, which a
    subclass inherits, so without this SCNCSWHarvester() would return the loaded CSWHarvester."""

    def __new__(cls, *args: Any, **kwargs: Any):
        if "_instance" not in cls.__dict__:
            cls._instance = object.__new__(cls)
        return cls._instance
