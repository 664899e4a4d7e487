"""Solr and PostgreSQL stay in step when a commit fails after indexing.

CKAN indexes new and changed datasets in the session's ``before_commit``, so when PostgreSQL
then fails the commit (restarted, connection lost) Solr keeps a dataset the database never got:
it is found by search and its page is a 404. The datasets a failed commit would have created are
taken out of Solr again when its transaction ends without a commit. Importing this module registers the hooks.
"""
from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import event

from ckan import model
from ckan.lib import search  # not in the toolkit: the package index itself
from ckan.model import meta

log = logging.getLogger(__name__)
PENDING = "scn_indexed_new_packages"


# First of the before_commit listeners (insert=True), before CKAN's indexes: when CKAN's own
# listener raises after indexing (a lost connection while it builds the next document), a
# listener after it would never run and the dataset would stay in Solr.
@event.listens_for(meta.Session, "before_commit", insert=True)
def remember_new_packages(session: Any) -> None:
    cache = getattr(session, "_object_cache", None) or {}
    new = set(cache.get("new", ())) | set(session.new)
    new_ids = {obj.id for obj in new if isinstance(obj, model.Package) and obj.id}
    if new_ids:
        session.info.setdefault(PENDING, set()).update(new_ids)


@event.listens_for(meta.Session, "after_commit")
def forget_committed(session: Any) -> None:
    session.info.pop(PENDING, None)


# Not after_rollback: a COMMIT that fails on the wire leaves the transaction as it was, and it
# ends only when the request's session is removed.
@event.listens_for(meta.Session, "after_transaction_end")
def unindex_uncommitted(session: Any, transaction: Any) -> None:
    if transaction.parent is not None:
        return
    package_ids = session.info.pop(PENDING, None)
    if not package_ids:
        return
    index = search.index_for(model.Package)
    for package_id in package_ids:
        try:
            index.remove_dict({"id": package_id})
        except Exception:  # noqa: BLE001 - Solr may be down too; `ckan search-index rebuild` repairs
            log.exception("Could not remove uncommitted dataset %s from the search index", package_id)
