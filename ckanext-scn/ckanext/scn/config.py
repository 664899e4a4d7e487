"""Typed accessors for the ``ckanext.scn.*`` settings (declared in config_declaration.yaml)."""
from __future__ import annotations

import ckan.plugins.toolkit as tk


def demo_file() -> str:
    return tk.config["ckanext.scn.demo.file"]


def catalog_publisher_uri() -> str:
    return tk.config["ckanext.scn.catalog.publisher_uri"] or tk.config["ckan.site_url"].rstrip("/") + "/#publisher"


def catalog_publisher_name() -> str:
    return tk.config["ckanext.scn.catalog.publisher_name"]


def catalog_contact_email() -> str:
    return tk.config["ckanext.scn.catalog.contact_email"] or tk.config.get("ckan.site_email") or ""
