"""Actions of ckanext-scn."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Action, Context, DataDict

from ckanext.scn.logic import catalog
from ckanext.scn.logic.curation import scn_curation_list

__all__ = ["dcat_catalog_show", "scn_curation_list"]


@tk.chained_action
@tk.side_effect_free
def dcat_catalog_show(up_func: Action, context: Context, data_dict: DataDict) -> Any:
    """The DCAT catalog, DCAT-AP-NO style: data services linked with dcat:service and an optional
    ``organization`` for one organization's catalog. ckanext-dcat's implementation (up_func) is
    replaced because its serializer cannot be told either; access rules stay its own."""
    tk.check_access("dcat_catalog_show", context, data_dict)
    return catalog.catalog_show(context, data_dict)
