"""Actions of ckanext-scn."""
from __future__ import annotations

import datetime as dt
from typing import Any

import redis

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import Action, Context, DataDict

from ckanext.scn.harvesters import safety
from ckanext.scn.logic import catalog
from ckanext.scn.logic.curation import scn_curation_list

__all__ = ["dcat_catalog_show", "harvest_send_job_to_gather_queue", "package_create", "package_update",
           "scn_curation_list"]


@tk.chained_action
@tk.side_effect_free
def dcat_catalog_show(up_func: Action, context: Context, data_dict: DataDict) -> Any:
    """The DCAT catalog, DCAT-AP-NO style: data services linked with dcat:service and an optional
    ``organization`` for one organization's catalog. ckanext-dcat's implementation (up_func) is
    replaced because its serializer cannot be told either; access rules stay its own."""
    tk.check_access("dcat_catalog_show", context, data_dict)
    return catalog.catalog_show(context, data_dict)


@tk.chained_action
def package_create(up_func: Action, context: Context, data_dict: DataDict) -> Any:
    """Harvest sources (harvest_source_create and the /harvest form both come here) on a
    non-public address are refused when saved, with the reason on the url field."""
    _check_harvest_source_url("package_create", context, data_dict)
    return up_func(context, data_dict)


@tk.chained_action
def package_update(up_func: Action, context: Context, data_dict: DataDict) -> Any:
    """As package_create, for harvest_source_update, harvest_source_patch and the edit form."""
    _check_harvest_source_url("package_update", context, data_dict)
    return up_func(context, data_dict)


def _check_harvest_source_url(action: str, context: Context, data_dict: DataDict) -> None:
    """The SSRF guard (harvesters/safety.py) on a harvest source's URL. The harvesters check again
    before every download and redirect: what a name resolves to can change. A name that does not
    resolve now is let through here (the job reports it)."""
    if data_dict.get("type") != "harvest" and "source_type" not in data_dict:
        return
    url = data_dict.get("url")
    if not url or not isinstance(url, str):
        return  # the harvest schema reports a missing URL
    tk.check_access(action, context, data_dict)  # no verdict on addresses for those who may not save
    try:
        safety.check_url(url.strip(), unresolvable_ok=True)
    except safety.UnsafeSource as e:
        raise tk.ValidationError({"url": [e.translated()]})


@tk.chained_action
def harvest_send_job_to_gather_queue(up_func: Action, context: Context, data_dict: DataDict) -> Any:
    """A job the gather queue (Redis) cannot take is not left behind as 'Running' with nothing
    queued: ckanext-harvest marks it running before it publishes, and such a job would block its
    source (one unfinished job at a time) until the harvest timeout. It is finished with a gather
    error that says why, and the caller gets a clear error to try again."""
    from ckanext.harvest.model import HarvestGatherError, HarvestJob

    try:
        return up_func(context, data_dict)
    except (redis.RedisError, OSError) as error:
        model.Session.rollback()
        job = HarvestJob.get(tk.get_or_bust(data_dict, "id"))
        if job is not None:
            job.status = "Finished"
            job.finished = dt.datetime.utcnow()
            job.save()
            HarvestGatherError(message=f"Not started: the harvest queue is unavailable ({error.__class__.__name__}: {error})",
                               job=job).save()
        raise tk.ValidationError({"queue": [tk._("The harvest queue is unavailable, so the job was not started. "
                                                 "Try again later.")]})
