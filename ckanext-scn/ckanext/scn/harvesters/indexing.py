"""Search-index commits during a harvest: one per batch, not one (or two) per record.

CKAN commits Solr after every index write (``ckan.search.solr_commit``), and a harvested record
is indexed twice (on create and again when the import commits). Each commit opens a new searcher
on the whole core; on a 2-core machine that was more than half of a first harvest's time. While a
harvester imports, writes go to Solr uncommitted; a commit follows when the job's last object is
done, or when ``COMMIT_EVERY_S`` has passed, so search sees a long harvest's progress.
"""
from __future__ import annotations

import contextlib
import logging
import time
from typing import Any, Iterator

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib import search  # no toolkit equivalent for committing the index
from ckanext.harvest.model import HarvestJob, HarvestObject

log = logging.getLogger(__name__)

COMMIT_EVERY_S = 10.0
_PENDING_STATES = ("WAITING", "FETCH", "IMPORT")
_last_commit = time.monotonic()
_uncommitted = False


@contextlib.contextmanager
def deferred_commits() -> Iterator[None]:
    """Index writes inside are not committed (a consumer imports one object at a time)."""
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
    try:
        search.commit()
    except search.SearchIndexError as error:
        # Solr unavailable: the import stages record that on their objects; the next object's
        # commit (or Solr's own autoCommit) catches up.
        log.warning("Search index commit failed, retried with the next record: %s", error)
        return
    _last_commit = time.monotonic()
    _uncommitted = False


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
