"""The DCAT-AP-NO catalogs: the portal's (``/catalog.ttl``) and one per organization.

ckanext-dcat's serializer links every entry to the catalog with ``dcat:dataset``; DCAT-AP-NO
wants ``dcat:service`` for data services, so the catalog is written by a small subclass.
"""
from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import quote, urlencode

from rdflib import Literal, URIRef
from rdflib.namespace import RDF

import ckan.plugins.toolkit as tk
from ckan.lib.search import SearchError
from ckanext.dcat import logic as dcat_logic
from ckanext.dcat.processors import RDFSerializer
from ckanext.dcat.utils import dataset_uri
from ckanext.dcat.profiles.base import DCAT, DCT

from ckanext.scn.logic import catalog_cache

# Harvest-source config key: also publish the source's datasets in their organization's catalog.
REPUBLISH_KEY = "republish_in_organization_catalog"
_ORG_CACHE_SECONDS = 60
_org_cache: dict[str, tuple[float, dict[str, Any]]] = {}


class CatalogSerializer(RDFSerializer):
    def graph_from_catalog(self, catalog_dict: dict[str, Any] | None = None) -> URIRef:
        """As ckanext-dcat's, but an organization catalog has a URI of its own."""
        if not (catalog_dict and catalog_dict.get("uri")):
            return super().graph_from_catalog(catalog_dict)
        catalog_ref = URIRef(catalog_dict["uri"])
        for profile_class in self._profiles:
            profile = profile_class(self.g, compatibility_mode=self.compatibility_mode)
            profile.graph_from_catalog(catalog_dict, catalog_ref)
        return catalog_ref

    def graph_from_dataset(self, dataset_dict: dict[str, Any]) -> URIRef:
        """Each entry once: a dataset a data service serves may already be in the graph."""
        ref = URIRef(dataset_uri(dataset_dict))
        if (ref, RDF.type, DCAT.Dataset) in self.g:
            return ref
        return super().graph_from_dataset(dataset_dict)

    def _add_source_catalog(self, root_catalog_ref: URIRef, dataset_dict: dict[str, Any], dataset_ref: URIRef):
        """Link an entry to its catalog: a harvested one to its source catalog, which becomes a
        part (dct:hasPart) of this one; a data service with dcat:service."""
        g = self.g
        link = DCAT.service if dataset_dict.get("type") == "data-service" else DCAT.dataset
        source = _extra(dataset_dict, "source_catalog_homepage")
        if not source:
            g.add((root_catalog_ref, link, dataset_ref))
            return root_catalog_ref
        source_ref = URIRef(source)
        if (root_catalog_ref, DCT.hasPart, source_ref) not in g:
            g.add((root_catalog_ref, DCT.hasPart, source_ref))
            g.add((source_ref, RDF.type, DCAT.Catalog))
            for key, predicate in (("source_catalog_title", DCT.title), ("source_catalog_description", DCT.description)):
                value = _extra(dataset_dict, key)
                if value:
                    g.add((source_ref, predicate, Literal(value, lang="nb")))
        g.add((source_ref, link, dataset_ref))
        return source_ref


def organization_publisher(org_id: str, cached: bool = True) -> dict[str, Any]:
    """Name, orgnr and publisher URI of an organization (by id, or by name with cached=False).
    Cached briefly by id: a catalog page asks for the same few organizations a hundred times."""
    now = time.monotonic()
    hit = _org_cache.get(org_id) if cached else None
    if hit and now - hit[0] < _ORG_CACHE_SECONDS:
        return hit[1]
    try:
        org = tk.get_action("organization_show")(
            {"ignore_auth": True},
            {"id": org_id, "include_datasets": False, "include_users": False, "include_groups": False,
             "include_tags": False, "include_followers": False},
        )
    except tk.ObjectNotFound:
        return {}
    publisher = {"name": org.get("title") or org.get("name"), "orgnr": org.get("orgnr"),
                 "uri": org.get("publisher_uri"), "org_type": org.get("org_type"),
                 "title": org.get("title"), "description": org.get("description"), "name_slug": org["name"],
                 "id": org["id"]}
    _org_cache[org["id"]] = (now, publisher)
    return publisher


def republishing_source_ids() -> list[str]:
    """Harvest sources whose datasets also belong in their organization's catalog."""
    try:
        sources = tk.get_action("harvest_source_list")({"ignore_auth": True}, {"all": True})
    except KeyError:  # harvest plugin not loaded
        return []
    ids = []
    for source in sources:
        try:
            source_config = json.loads(source.get("config") or "{}")
        except ValueError:
            continue
        if not isinstance(source_config, dict):
            continue
        # A municipality's own CKAN portal emits no DCAT-AP-NO: its datasets belong in the
        # organization catalog unless its config says otherwise.
        default = (source.get("type") or source.get("source_type")) == "scn_ckan"
        if source_config.get(REPUBLISH_KEY, default) is True:
            ids.append(source["id"])
    return ids


def organization_filter(org: dict[str, Any]) -> str:
    """Solr filter: the organization's own datasets, and harvested ones only when their source
    says so (data.norge.no already has what it harvested elsewhere)."""
    own = f'owner_org:"{org["id"]}"'
    ids = republishing_source_ids()
    not_harvested = "(*:* -harvest_source_id:[* TO *])"
    if ids:
        allowed = " OR ".join(f'"{i}"' for i in ids)
        return f"{own} AND ({not_harvested} OR harvest_source_id:({allowed}))"
    return f"{own} AND {not_harvested}"


def organization_catalog_uri(name: str) -> str:
    """The organization catalog's URI; ``.ttl`` (or .rdf, .jsonld) after it gives the document."""
    return f"{tk.config['ckan.site_url'].rstrip('/')}/organization/{name}/catalog"


def organization_catalog_dict(org: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": tk._("Datakatalog for {name}").format(name=org["title"]),
        "description": org.get("description") or tk._("Datasett og datatjenester fra {name} på {site}").format(
            name=org["title"], site=tk.config.get("ckan.site_title")),
        "publisher": {"uri": org.get("uri"), "name": org["title"], "orgnr": org.get("orgnr")},
        "uri": organization_catalog_uri(org["name_slug"]),
    }


def catalog_graph(organization: str | None = None):
    """The whole public catalog (or one organization's) as one rdflib graph, for validation."""
    catalog_dict: dict[str, Any] = {}
    fq = "-dataset_type:harvest"
    if organization:
        org = organization_publisher(organization, cached=False)
        if not org:
            raise tk.ObjectNotFound(tk._("Organization not found"))
        catalog_dict = organization_catalog_dict(org)
        fq = f"{fq} AND {organization_filter(org)}"
    serializer = CatalogSerializer()
    catalog_ref = serializer.graph_from_catalog(catalog_dict)
    start, rows = 0, 500
    while True:
        page = tk.get_action("package_search")({"ignore_auth": False, "user": ""}, {
            "q": "*:*", "fq": fq, "rows": rows, "start": start, "sort": "id asc"})
        for dataset in page["results"]:
            dataset_ref = serializer.graph_from_dataset(dataset)
            serializer._add_source_catalog(catalog_ref, dataset, dataset_ref)
        start += rows
        if start >= page["count"]:
            return serializer.g


def catalog_show(context: dict[str, Any], data_dict: dict[str, Any]) -> str:
    """ckanext-dcat's dcat_catalog_show, with DCAT-AP-NO's catalog rules and an optional
    ``organization`` (name or id) for that organization's own catalog. Pages for anonymous
    readers come from the cache while the search index is unchanged (catalog_cache.py)."""
    key = catalog_cache.key(context, data_dict)
    cached = catalog_cache.get(key)
    if cached is not None:
        return cached
    document = _build_catalog_page(context, data_dict)
    catalog_cache.put(key, document)
    return document


def _build_catalog_page(context: dict[str, Any], data_dict: dict[str, Any]) -> str:
    catalog_dict: dict[str, Any] = {}
    org_id = data_dict.get("organization")
    if org_id:
        org = organization_publisher(org_id, cached=False)
        if not org:
            raise tk.ObjectNotFound(tk._("Organization not found"))
        fq = organization_filter(org)
        data_dict = dict(data_dict, fq=f"({data_dict['fq']}) AND {fq}" if data_dict.get("fq") else fq)
        catalog_dict = organization_catalog_dict(org)
    try:
        query = dcat_logic._search_ckan_datasets(context, data_dict)
    except SearchError:
        # A q or fq Solr cannot parse (an unbalanced parenthesis): the client's mistake, answered
        # 409 like a bad date. Solr's message is not repeated: it holds the whole query, with the
        # permission labels.
        raise tk.ValidationError({"q": [tk._("Invalid search query")]})
    pagination_info = _pagination_info(query, data_dict)
    serializer = CatalogSerializer(profiles=data_dict.get("profiles"))
    return serializer.serialize_catalog(catalog_dict, query["results"], _format=data_dict.get("format"),
                                        pagination_info=pagination_info)


# Request parameters ckanext-dcat repeats in the hydra paging links.
_PAGING_PARAMS = ("modified_since", "profiles", "q", "fq")
_PAGE_LINKS = ("current", "first", "last", "next", "previous")


def _pagination_info(query: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """ckanext-dcat's hydra paging, with the repeated query encoded in the page links: it
    pastes q and fq in verbatim, and rdflib refuses to write a URI with a space or a quote in
    it (a 500 for ``?q=a b``; ckan/ckanext-dcat#223)."""
    info = dcat_logic._pagination_info(query, data_dict)
    params = [(key, value) for key, value in tk.request.args.items() if key in _PAGING_PARAMS]
    for link in _PAGE_LINKS:
        url = info.get(link)
        if url:
            base, _, query_string = url.partition("?")
            page = query_string.rsplit("page=", 1)[-1]
            info[link] = f"{base}?{urlencode(params + [('page', page)], safe=':', quote_via=quote)}"
    return info


def _extra(dataset_dict: dict[str, Any], key: str) -> str | None:
    if dataset_dict.get(key):
        return dataset_dict[key]
    for extra in dataset_dict.get("extras") or []:
        if extra.get("key") == key:
            return extra.get("value")
    return None
