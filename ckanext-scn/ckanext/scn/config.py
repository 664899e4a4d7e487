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


def harvest_allow_private_hosts() -> bool:
    return tk.asbool(tk.config["ckanext.scn.harvest.allow_private_hosts"])


def harvest_max_download_bytes() -> int:
    return int(tk.config["ckanext.scn.harvest.max_download_mb"]) * 1024 * 1024


def harvest_timeout() -> int:
    return int(tk.config["ckanext.scn.harvest.timeout"])


def harvest_max_pages() -> int:
    return int(tk.config["ckanext.scn.harvest.max_pages"])


def harvest_withdraw_limit() -> float:
    return float(tk.config["ckanext.scn.harvest.withdraw_limit"])


def harvest_allowed_hosts() -> set[str]:
    return {h.lower() for h in tk.aslist(tk.config["ckanext.scn.harvest.allowed_hosts"])}


def featured_datasets() -> list[str]:
    """Editable at runtime (/ckan-admin/config): CKAN copies the saved value into tk.config on
    every worker before each request."""
    return tk.aslist(tk.config.get("ckanext.scn.featured_datasets") or "")


def catalog_cache_seconds() -> int:
    return int(tk.config["ckanext.scn.catalog.cache_seconds"])
