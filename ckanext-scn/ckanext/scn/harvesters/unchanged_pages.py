"""Re-harvests skip catalog pages that are byte for byte what an earlier job imported in full.

A re-harvest of an unchanged data.norge.no catalog spent its time parsing every page and mapping
every record through the profiles only to find each record unchanged (bench/ANALYSIS.md). Each
page's fingerprint (its bytes, the source config and MAPPING_VERSION), its next page and its
records' guids are remembered in Redis after a job parses it. When the same page comes again, it
is skipped: the parser gets a stub with only the page's paging links, and its records get harvest
objects copied from their current ones (state COMPLETE, "not modified"), in one SQL statement.

A page is only skipped when nothing needs doing: the job that parsed it imported every one of its
records (all its objects COMPLETE) and each record's dataset is still active. Otherwise, or when
Redis has lost the record, the page is parsed as usual.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
from typing import Any

import redis
import sqlalchemy as sa
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, Namespace

from ckan import model
from ckan.lib.redis import connect_to_redis  # CKAN's own Redis connection (not in the toolkit)
from ckanext.harvest.model import HarvestGatherError, HarvestObject

log = logging.getLogger(__name__)

# Bump when a record's mapping to a dataset changes: every page is then parsed again once.
MAPPING_VERSION = "1"
KEEP_SECONDS = 90 * 24 * 3600
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
_PREFIX = "scn:harvest-page:"


@dataclasses.dataclass
class Page:
    fingerprint: str
    next_url: str | None
    job_id: str
    guids: list[str]


def fingerprint(content: str, source_config: str | None) -> str:
    digest = hashlib.sha256(f"{MAPPING_VERSION}\n{source_config or ''}\n".encode())
    digest.update(content.encode("utf-8"))
    return digest.hexdigest()


def remember(source_id: str, url: str, page: Page) -> None:
    try:
        connect_to_redis().set(_key(source_id, url), json.dumps(dataclasses.asdict(page)), ex=KEEP_SECONDS)
    except redis.RedisError as error:
        log.warning("Could not remember harvested page %s: %s", url, error)


def recall(source_id: str, url: str, page_fingerprint: str) -> Page | None:
    """The page remembered for URL if it has PAGE_FINGERPRINT and is still fully imported."""
    try:
        raw = connect_to_redis().get(_key(source_id, url))
    except redis.RedisError as error:
        log.warning("Could not read harvested page %s: %s", url, error)
        return None
    if raw is None:
        return None
    page = Page(**json.loads(raw))
    if page.fingerprint != page_fingerprint or not page.guids or not _fully_imported(source_id, page):
        return None
    return page


def _fully_imported(source_id: str, page: Page) -> bool:
    """Every record of PAGE was imported by the job that parsed it, and is current and active now."""
    guids = set(page.guids)
    imported = model.Session.query(sa.func.count(HarvestObject.id)).filter(
        HarvestObject.harvest_job_id == page.job_id,
        HarvestObject.guid.in_(guids),
        HarvestObject.state == "COMPLETE",
    ).scalar()
    if imported != len(guids):
        return False
    active = model.Session.query(sa.func.count(HarvestObject.id)).join(
        model.Package, model.Package.id == HarvestObject.package_id).filter(
        HarvestObject.harvest_source_id == source_id,
        HarvestObject.current == True,  # noqa: E712 - SQL
        HarvestObject.guid.in_(guids),
        model.Package.state == "active",
    ).scalar()
    return active == len(guids)


def stub(url: str, next_url: str | None, rdf_format: str | None) -> str:
    """A document with nothing but URL's paging, in the page's format, for the parser."""
    graph = Graph()
    graph.add((URIRef(url), RDF.type, HYDRA.PagedCollection))
    if next_url:
        graph.add((URIRef(url), HYDRA.next, URIRef(next_url)))
    return graph.serialize(format={None: "turtle", "xml": "xml"}.get(rdf_format, rdf_format))


def settle(job: Any, guids: list[str]) -> int:
    """Harvest objects of JOB for the skipped records GUIDS, copied from their current ones and made
    current, in one transaction. Returns how many."""
    if not guids:
        return 0
    params = {"job": job.id, "source": job.source_id, "guids": list(guids)}
    inserted = model.Session.execute(sa.text("""
        WITH previous AS (
            UPDATE harvest_object SET current = false
            WHERE harvest_source_id = :source AND current AND guid = ANY(:guids) AND package_id IS NOT NULL
            RETURNING guid, content, package_id, metadata_modified_date)
        INSERT INTO harvest_object (id, guid, current, gathered, fetch_started, fetch_finished, import_started,
                                    import_finished, content, state, metadata_modified_date, retry_times,
                                    harvest_job_id, harvest_source_id, package_id, report_status)
        SELECT gen_random_uuid()::text, guid, true, now() at time zone 'utc', now() at time zone 'utc',
               now() at time zone 'utc', now() at time zone 'utc', now() at time zone 'utc', content, 'COMPLETE',
               metadata_modified_date, 0, :job, :source, package_id, 'not modified'
        FROM previous"""), params).rowcount
    model.Session.commit()
    return inserted


def gather_error_count(job: Any) -> int:
    return model.Session.query(sa.func.count(HarvestGatherError.id)).filter(
        HarvestGatherError.harvest_job_id == job.id).scalar()


def _key(source_id: str, url: str) -> str:
    return f"{_PREFIX}{source_id}:{hashlib.sha256(url.encode()).hexdigest()}"
