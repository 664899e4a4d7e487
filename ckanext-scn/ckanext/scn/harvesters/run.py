"""Run one harvest job synchronously (``ckan scn harvest run SOURCE``): the stages the gather
and fetch consumers would run, in this process, with a summary at the end."""
from __future__ import annotations

from collections import Counter
from typing import Any, Callable

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib.search import SearchError, SearchIndexError, SolrConnectionError  # not in the toolkit
from ckanext.harvest import queue
from ckanext.harvest.model import HarvestJob, HarvestObject, HarvestSource

from ckanext.scn.harvesters import indexing

REPORT_KEYS = {"added": "added", "updated": "updated", "not modified": "unchanged", "deleted": "withdrawn",
               "errored": "errors"}


def run_job(source_id: str, progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """Create a job for the source, gather, fetch and import every object; return the counts and
    the error messages of the job and its objects."""
    model.Session.remove()  # start from a clean session; a job commits and rolls back on its own
    # A source is a dataset of type harvest: its name or id finds it.
    raw = tk.get_action("harvest_source_show")({"ignore_auth": True}, {"id": source_id})
    source = HarvestSource.get(raw["id"])
    harvester = queue.get_harvester(source.type)
    if harvester is None:
        raise tk.ObjectNotFound(f"No harvester for source type {source.type}")
    source_id = source.id
    job = HarvestJob(source=source, status="Running")
    job.save()
    job_id = job.id
    object_ids = queue.gather_stage(harvester, job)
    object_ids = object_ids if isinstance(object_ids, list) else []
    for done, object_id in enumerate(object_ids, 1):
        queue.fetch_and_import_stages(harvester, HarvestObject.get(object_id))
        if progress:
            progress(done, len(object_ids))
    indexing.commit()  # the imports defer their Solr commits to the batch's end
    # The import stages commit and end sessions: only ids are used from here on.
    finish_errors = []
    try:
        tk.get_action("harvest_jobs_run")({"ignore_auth": True}, {"source_id": source_id})
    except (SearchIndexError, SolrConnectionError, SearchError) as error:
        # The job is marked finished before the source is reindexed: only the reindex failed.
        model.Session.rollback()
        finish_errors.append(f"Search index (Solr) unavailable: {str(error).splitlines()[0][:300]}")
    return {**summary(job_id), "finish_errors": finish_errors}


def summary(job_id: str) -> dict[str, Any]:
    job = HarvestJob.get(job_id)
    counts = Counter(REPORT_KEYS.get(o.report_status or "", "errors" if o.state == "ERROR" else "other")
                     for o in job.objects)
    return {
        "job_id": job.id,
        "status": job.status,
        **{key: counts.get(key, 0) for key in ("added", "updated", "unchanged", "withdrawn", "errors")},
        "gather_errors": [e.message for e in job.gather_errors],
        "object_errors": [{"guid": o.guid, "stage": e.stage, "message": e.message}
                          for o in job.objects for e in o.errors],
    }
