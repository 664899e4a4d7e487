"""A cache of catalog pages for anonymous readers, in Redis.

A ``/catalog.ttl`` page of 100 datasets takes one to two seconds to build (half the DCAT-AP-NO
graph, half rdflib's Turtle serializer; bench/ANALYSIS.md), and harvesters and developers ask for
the same pages again and again. A page is a function of what the search index holds, the request
and the language, so the key holds the Solr searcher's version: any commit that changes what
search sees (a dataset saved, harvested or deleted) opens a new searcher, and the next request
builds the page again. ``ckanext.scn.catalog.cache_seconds`` bounds the rest (organization details,
catalog settings). Logged-in users and API callers with a token see private datasets: never cached.
A cache that fails (Redis or Solr unreachable) is skipped, never an error.
"""
from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

import redis
import requests

import ckan.plugins.toolkit as tk
from ckan.lib.redis import connect_to_redis  # CKAN's own Redis connection (not in the toolkit)
from ckan.lib.search.common import make_connection  # the Solr URL with its credentials

from ckanext.scn import config

log = logging.getLogger(__name__)
PREFIX = "scn:catalog-page:"
_VERSION_TIMEOUT_S = 2


def key(context: dict[str, Any], data_dict: dict[str, Any]) -> str | None:
    """The cache key of this request, or None when it is not to be cached."""
    if config.catalog_cache_seconds() <= 0 or context.get("user") or context.get("ignore_auth"):
        return None
    version = index_version()
    if version is None:
        return None
    request_url = tk.request.url if tk.request else ""
    try:
        language = tk.h.lang()
    except RuntimeError:  # outside a request
        language = tk.config.get("ckan.locale_default")
    parts = json.dumps([version, request_url, language, data_dict, tk.config.get("ckan.site_url")],
                       sort_keys=True, default=str)
    return PREFIX + hashlib.sha256(parts.encode()).hexdigest()


def get(cache_key: str | None) -> str | None:
    if cache_key is None:
        return None
    try:
        value = connect_to_redis().get(cache_key)
    except redis.RedisError as error:
        log.warning("Catalog cache unavailable: %s", error)
        return None
    return value.decode("utf-8") if value is not None else None


def put(cache_key: str | None, document: str) -> None:
    if cache_key is None:
        return
    try:
        connect_to_redis().set(cache_key, document.encode("utf-8"), ex=config.catalog_cache_seconds())
    except redis.RedisError as error:
        log.warning("Catalog cache unavailable: %s", error)


def index_version() -> str | None:
    """The version of the Solr searcher now serving queries (Luke's ``index.version``): it
    changes with every commit that changes what search returns."""
    solr_url = make_connection().url.rstrip("/")
    try:
        response = requests.get(f"{solr_url}/admin/luke", params={"show": "index", "numTerms": 0, "wt": "json"},
                                timeout=_VERSION_TIMEOUT_S)
        response.raise_for_status()
        index = response.json()["index"]
        return f"{index['version']}:{index.get('segmentsFile', '')}"
    except (requests.RequestException, ValueError, KeyError) as error:
        log.warning("Could not read the search index version: %s", error)
        return None
