"""The search index during a harvest: one Solr commit per batch, and Solr kept in step with
PostgreSQL whatever failed in between.

CKAN commits Solr after every index write (``ckan.search.solr_commit``) and indexes a harvested
record twice (on create, then as "changed" by its own resources in the same commit). Each commit
opens a new searcher on the whole core: on a 2-core machine that was half of a first harvest's
time (bench/ANALYSIS.md). While the ``dcat_ap_no`` harvester imports, writes go to Solr
uncommitted; a commit follows the job's last object, or once ``COMMIT_EVERY_S`` has passed, so
search shows a long harvest's progress (Solr's own autoSoftCommit in config/solr/solrconfig.xml
is the backstop for a consumer that stops between the two).

Deferring commits is safe because of what surrounds it:

- a failed PostgreSQL commit takes its new datasets out of Solr again (ckanext/scn/index_guard.py);
- before each job, :func:`reconcile` takes out of Solr what PostgreSQL does not hold (a write that
  reached Solr's log as Solr went down is replayed when it starts again) and indexes the source's
  datasets Solr lacks (a write lost with a Solr that died before logging it).
"""
from __future__ import annotations

import contextlib
import logging
import time
from typing import Any, Iterator

import pysolr

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib import search  # the index itself: no toolkit equivalent
from ckanext.harvest.model import HarvestJob, HarvestObject

log = logging.getLogger(__name__)

COMMIT_EVERY_S = 10.0
RECHECK_AFTER_S = 2.0
_PENDING_STATES = ("WAITING", "FETCH", "IMPORT")
_last_commit = time.monotonic()
_uncommitted = False


@contextlib.contextmanager
def deferred_commits() -> Iterator[None]:
    """Index writes inside are sent to Solr but not committed (a consumer imports one object at a
    time, so the process-wide setting is this import's alone)."""
    global _uncommitted
    previous = tk.config.get("ckan.search.solr_commit")
    tk.config["ckan.search.solr_commit"] = False
    try:
        yield
    finally:
        tk.config["ckan.search.solr_commit"] = previous
        _uncommitted = True


def commit_if_due(harvest_object: Any) -> None:
    """Commit the index when HARVEST_OBJECT was its job's last one, or when COMMIT_EVERY_S passed."""
    global _last_commit, _uncommitted
    if not _uncommitted:
        return
    if time.monotonic() - _last_commit < COMMIT_EVERY_S and not _job_done(harvest_object):
        return
    commit()


def commit() -> bool:
    """Commit what this process sent to Solr; False when Solr is unavailable (the imports have
    recorded that on their objects; the next commit, or Solr's autoSoftCommit, catches up)."""
    global _last_commit, _uncommitted
    try:
        search.commit()
    except search.SearchIndexError as error:
        log.warning("Search index commit failed, retried with the next record: %s", error)
        return False
    _last_commit = time.monotonic()
    _uncommitted = False
    return True


def _job_done(harvest_object: Any) -> bool:
    job = model.Session.get(HarvestJob, harvest_object.harvest_job_id)
    if job is None or job.gather_finished is None:
        return False  # the gather may still add objects; the last of them will commit
    pending = model.Session.query(HarvestObject.id).filter(
        HarvestObject.harvest_job_id == job.id,
        HarvestObject.id != harvest_object.id,
        HarvestObject.state.in_(_PENDING_STATES),
    ).first()
    return pending is None


def reconcile(source_id: str) -> None:
    """Make Solr agree with PostgreSQL before a job of SOURCE_ID: entries of datasets PostgreSQL
    does not hold are removed (any source's: they are nobody's), the source's active datasets Solr
    lacks are indexed. Reads ids only: one Solr query and two SQL queries."""
    stored = {row.id for row in model.Session.query(model.Package.id)}
    try:
        indexed = set(search.query_for(model.Package).get_all_entity_ids(max_results=len(stored) + 10_000))
    except (search.SearchError, pysolr.SolrError) as error:
        log.warning("Could not compare the search index with the database: %s", error)
        return
    stale = _still_absent(indexed - stored)
    index = search.index_for(model.Package)
    for package_id in stale:
        log.warning("Dataset %s is in the search index but not in the database: removed", package_id)
        index.remove_dict({"id": package_id})
    sources_datasets = {row.package_id for row in model.Session.query(HarvestObject.package_id).join(
        model.Package, model.Package.id == HarvestObject.package_id).filter(
        HarvestObject.harvest_source_id == source_id,
        HarvestObject.current == True,  # noqa: E712 - SQL
        model.Package.state == "active",
    )}
    missing = sources_datasets - indexed
    if missing:
        log.warning("%s datasets of harvest source %s are not in the search index: indexed", len(missing), source_id)
        search.rebuild(package_ids=sorted(missing), defer_commit=True, quiet=True)
    if missing or stale:
        commit()


def _still_absent(package_ids: set[str]) -> set[str]:
    """Of PACKAGE_IDS, those PostgreSQL still lacks a moment later: CKAN indexes a new dataset just
    before its commit, so one being created elsewhere (a form, the API) is in Solr first."""
    if not package_ids:
        return set()
    time.sleep(RECHECK_AFTER_S)
    arrived = {row.id for row in model.Session.query(model.Package.id).filter(model.Package.id.in_(package_ids))}
    return package_ids - arrived
