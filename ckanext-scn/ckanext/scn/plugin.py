"""The ``scn`` plugin: Smart Cities Norway's additions to a stock CKAN 2.11."""
from __future__ import annotations

from collections import OrderedDict
from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.lib.plugins import DefaultTranslation

from ckanext.scn import featured, search
from ckanext.scn import index_guard  # noqa: F401 - registers its session hooks


@tk.blanket.actions
@tk.blanket.auth_functions
@tk.blanket.blueprints
@tk.blanket.config_declarations
@tk.blanket.cli
@tk.blanket.helpers
@tk.blanket.validators
class ScnPlugin(p.SingletonPlugin, DefaultTranslation):
    # Messages of the extension in Norwegian Bokmål: ckanext/scn/i18n (scripts/i18n.py).
    p.implements(p.ITranslation)
    p.implements(p.IConfigurer)
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.IFacets, inherit=True)

    # IConfigurer

    def update_config(self, config: tk.CKANConfig) -> None:
        tk.add_template_directory(config, "templates")
        tk.add_resource("assets", "scn")
        tk.add_public_directory(config, "public")

    def update_config_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        # Runtime-editable on /ckan-admin/config (templates/admin/config.html).
        schema[featured.OPTION] = featured.config_schema_validators()
        return schema

    # IPackageController

    def before_dataset_index(self, pkg_dict: dict[str, Any]) -> dict[str, Any]:
        return search.before_dataset_index(pkg_dict)

    def after_dataset_search(self, search_results: dict[str, Any], search_params: dict[str, Any]) -> dict[str, Any]:
        return search.label_search_facets(search_results, search.lang_code())

    # IFacets

    def dataset_facets(self, facets_dict: OrderedDict[str, Any], package_type: str) -> OrderedDict[str, Any]:
        lang = search.lang_code()
        facets = OrderedDict()
        facets["organization"] = facets_dict.get("organization", tk._("Organizations"))
        for name, labels in search.FACETS.items():
            facets[name] = labels.get(lang, labels["en"])
        facets["tags"] = facets_dict.get("tags", tk._("Tags"))
        return facets
