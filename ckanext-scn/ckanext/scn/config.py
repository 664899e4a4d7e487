"""Typed accessors for the ``ckanext.scn.*`` settings (declared in config_declaration.yaml)."""
from __future__ import annotations

import ckan.plugins.toolkit as tk


def demo_file() -> str:
    return tk.config["ckanext.scn.demo.file"]
