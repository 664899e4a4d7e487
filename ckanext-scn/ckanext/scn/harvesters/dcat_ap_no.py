"""The ``dcat_ap_no`` harvester: DCAT-AP-NO catalogs such as data.norge.no into the SCN schemas.

It is ckanext-dcat's DCATRDFHarvester with:

- safe downloads (harvesters/safety.py) and a page limit and cycle guard for hydra paging;
- the ``dcat_ap_no`` parser, so ``dcat:DataService`` entries become ``data-service`` datasets;
- publishers mapped to organizations by orgnr (created when the source config says so);
- records imported as they are, with what they lack listed in ``missing_properties``;
- an unchanged record skipped without a write (the stored harvest object is compared), and an
  unchanged page of a catalog not even parsed (harvesters/unchanged_pages.py);
- one Solr commit per batch of imports (harvesters/indexing.py);
- a stop on mass withdrawal: more than ``ckanext.scn.harvest.withdraw_limit`` of the source's
  datasets gone at once withdraws none and reports it.

Source config (JSON): ``rdf_format``, ``create_organizations`` (bool), ``force_withdraw`` (bool),
``republish_in_organization_catalog`` (bool, default false: data.norge.no already has them).
"""
from __future__ import annotations

import datetime
import hashlib
import json
import logging
from typing import Any

import requests

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan import model
# Not in the toolkit: what indexing (before the commit) and the index hooks' searches raise.
from ckan.lib.search import SearchError, SearchIndexError, SolrConnectionError
from ckanext.dcat.harvesters.rdf import DCATRDFHarvester
from ckanext.dcat.interfaces import IDCATRDFHarvester
from ckanext.harvest.interfaces import IHarvester
from ckanext.harvest.model import HarvestObject, HarvestObjectError

from ckanext.scn import config
from ckanext.scn.harvesters.singleton import OwnSingleton
from ckanext.scn.harvesters import indexing, organizations, safety, unchanged_pages
from ckanext.scn.harvesters import jsonld
from ckanext.scn.harvesters.mode import harvest_mode
from ckanext.scn.profiles.parser import DCATAPNOParser

log = logging.getLogger(__name__)
SOLR_ERRORS = (SearchIndexError, SolrConnectionError, SearchError)

SOURCE_TYPE = "dcat_ap_no"
# Keys of a parsed record that are inputs for the harvester, not schema fields.
_PARSER_ONLY_KEYS = ("scn_publisher", "scn_warnings", "scn_serves_dataset_uris", "creator", "publisher")
_RDF_TYPES = {
    "text/turtle": "turtle", "application/x-turtle": "turtle", "application/rdf+xml": "xml",
    "application/xml": "xml", "text/xml": "xml", "application/ld+json": "json-ld",
    "application/json": "json-ld", "text/n3": "n3", "application/n-triples": "nt",
}


class DCATAPNOHarvester(OwnSingleton, DCATRDFHarvester):
    p.implements(IHarvester)
    p.implements(IDCATRDFHarvester, inherit=True)


    def info(self) -> dict[str, str]:
        return {
            "name": SOURCE_TYPE,
            "title": "DCAT-AP-NO (data.norge.no)",
            "description": "A DCAT-AP-NO catalog in Turtle, RDF/XML or JSON-LD, hydra-paged or not",
        }

    def validate_config(self, source_config: str | None) -> str | None:
        source_config = super().validate_config(source_config)
        if source_config:
            parsed = json.loads(source_config)
            for key in ("create_organizations", "force_withdraw", "republish_in_organization_catalog"):
                if key in parsed and not isinstance(parsed[key], bool):
                    raise ValueError(f"{key} must be true or false")
        return source_config

    # ---- download -----------------------------------------------------------------------------

    def _get_content_and_type(self, url: str, harvest_job: Any, page: int = 1, content_type: str | None = None):
        """Downloads go through the safety checks; local files are not read."""
        if not self._is_ours(harvest_job):
            return super()._get_content_and_type(url, harvest_job, page, content_type)
        try:
            download = safety.fetch(url)
            rdf_format = content_type or _RDF_TYPES.get(download.content_type or "")
            if rdf_format in (None, "xml") or download.content.lstrip()[:1] == b"<":
                safety.refuse_xml_declarations(download.content, url)
            rdf_format = rdf_format or _guess_format(download.content)
            if rdf_format == "json-ld":
                jsonld.check(download.content)
            _pages(harvest_job)["format"] = rdf_format
            return download.content.decode("utf-8"), rdf_format
        except (safety.UnsafeSource, jsonld.RefusedJSONLD) as e:
            self._save_gather_error(f"Refused {url}: {e}", harvest_job)
        except requests.HTTPError as e:
            self._save_gather_error(f"Could not get {url}: the server answered {e.response.status_code}", harvest_job)
        except requests.RequestException as e:
            self._save_gather_error(f"Could not get {url}: {e.__class__.__name__}: {e}", harvest_job)
        except UnicodeDecodeError:
            self._save_gather_error(f"{url} is not UTF-8 text", harvest_job)
        return None, None

    # ---- IDCATRDFHarvester hooks (they run for every DCAT RDF source; only ours are changed) --

    def before_download(self, url: str, harvest_job: Any):
        if self._is_ours(harvest_job):
            self._remember_parsed_page(harvest_job)
            pages = harvest_job.__dict__.setdefault("_scn_pages", [])
            if not pages or pages[-1] != url:
                pages.append(url)
        return url, []

    def after_download(self, content: str | None, harvest_job: Any):
        """A page the same as when a job last imported all of it is not parsed: the parser gets
        its paging links only, and its records are settled at the end of the gather."""
        if not self._is_ours(harvest_job) or not content:
            return content, []
        state = _pages(harvest_job)
        url = harvest_job.__dict__["_scn_pages"][-1]
        page_fingerprint = unchanged_pages.fingerprint(content, harvest_job.source.config)
        known = unchanged_pages.recall(harvest_job.source_id, url, page_fingerprint)
        state["current"] = None if known else {"url": url, "fingerprint": page_fingerprint,
                                               "errors": unchanged_pages.gather_error_count(harvest_job)}
        if known is None:
            return content, []
        state["skipped_guids"].extend(known.guids)
        state["skipped_pages"] += 1
        return unchanged_pages.stub(url, known.next_url, state.get("format")), []

    def after_parsing(self, rdf_parser: Any, harvest_job: Any):
        """Use the DCAT-AP-NO parser (it yields data services too) and stop paging at a page
        already harvested (a cycle) or at the page limit. Returning no page from before_download
        would drop everything gathered so far, so the next page is withheld here instead."""
        if not self._is_ours(harvest_job) or rdf_parser is None:
            return rdf_parser, []
        parser = DCATAPNOParser()
        parser.g = rdf_parser.g
        pages = harvest_job.__dict__.get("_scn_pages", [])
        next_page = parser.next_page()
        current = _pages(harvest_job).get("current")
        if current is not None:
            current.update(next_url=next_page, guids=[])
            self._scn_page_guids = current["guids"]
        errors = []
        if next_page and next_page in pages:
            errors.append(f"The catalog's next page {next_page} was already harvested (a cycle); stopped paging")
        elif next_page and len(pages) >= config.harvest_max_pages():
            errors.append(f"Stopped after {len(pages)} pages (ckanext.scn.harvest.max_pages)")
        if errors:
            parser.stop_paging = True
        return parser, errors

    def gather_stage(self, harvest_job: Any):
        """ckanext-dcat's gather, which lets some parser errors through (rdflib's JSON-LD and
        N3 parsers raise more than it catches): any of them ends the gather with an error
        that says so, not the job's process. Records unchanged since the last harvest are
        settled here and not queued (_settle_unchanged)."""
        if not self._is_ours(harvest_job):
            return super().gather_stage(harvest_job)
        indexing.reconcile(harvest_job.source_id)
        try:
            object_ids = super().gather_stage(harvest_job)
        except Exception as e:  # noqa: BLE001 - a source's document must not stop the process
            log.exception("Gathering %s", harvest_job.source.url)
            model.Session.rollback()
            self._save_gather_error(f"Could not read {harvest_job.source.url}: {e.__class__.__name__}: "
                                    f"{str(e)[:300]}", harvest_job)
            return None
        finally:
            self._scn_page_guids = None
        if not isinstance(object_ids, list):
            return object_ids
        self._remember_parsed_page(harvest_job)
        state = _pages(harvest_job)
        if state["skipped_pages"]:
            settled = unchanged_pages.settle(harvest_job, state["skipped_guids"])
            log.info("%s unchanged pages not parsed; their %s records settled", state["skipped_pages"], settled)
        if not object_ids:
            return object_ids
        return self._settle_unchanged(harvest_job, object_ids)

    # ---- gather: unchanged pages ----------------------------------------------------------------

    _scn_page_guids: list[str] | None = None

    def _get_guid(self, dataset_dict: dict[str, Any], source_url: str | None = None) -> str | None:
        guid = super()._get_guid(dataset_dict, source_url=source_url)
        if guid and self._scn_page_guids is not None:
            self._scn_page_guids.append(guid)
        return guid

    def _remember_parsed_page(self, harvest_job: Any) -> None:
        """The page parsed last, once all its records have harvest objects, if it gave no error."""
        state = _pages(harvest_job)
        page = state.pop("current", None)
        self._scn_page_guids = None
        if not page or "guids" not in page or unchanged_pages.gather_error_count(harvest_job) != page["errors"]:
            return
        unchanged_pages.remember(harvest_job.source_id, page["url"], unchanged_pages.Page(
            fingerprint=page["fingerprint"], next_url=page["next_url"], job_id=harvest_job.id, guids=page["guids"]))

    # ---- gather: unchanged records --------------------------------------------------------------

    def _settle_unchanged(self, harvest_job: Any, object_ids: list[str]) -> list[str]:
        """Records the same as now imported are settled here, in one transaction, and not queued:
        the object becomes current and 'not modified' as the import stage would have made it. A
        re-harvest of an unchanged catalog then costs its download and parse, not a queue message,
        five commits and a lookup per record."""
        previous: dict[str, tuple[str, str, str]] = {}  # guid -> (content hash, object id, package id)
        rows = model.Session.query(HarvestObject.guid, HarvestObject.id, HarvestObject.package_id,
                                   HarvestObject.content).filter(
            HarvestObject.current == True,  # noqa: E712 - SQL
            HarvestObject.harvest_source_id == harvest_job.source_id,
            HarvestObject.package_id != None,  # noqa: E711 - SQL
            HarvestObject.content != None,  # noqa: E711 - SQL
        ).yield_per(500)
        for guid, object_id, package_id, content in rows:
            previous[guid] = (_content_hash(content), object_id, package_id)
        if not previous:
            return object_ids
        active = {row.id for row in model.Session.query(model.Package.id).filter(
            model.Package.id.in_({p for _, _, p in previous.values()}), model.Package.state == "active")}
        now = datetime.datetime.utcnow()
        settled, retired = [], []
        rows = model.Session.query(HarvestObject.id, HarvestObject.guid, HarvestObject.content).filter(
            HarvestObject.harvest_job_id == harvest_job.id, HarvestObject.content != None,  # noqa: E711 - SQL
        ).yield_per(500)
        for object_id, guid, content in rows:
            before = previous.get(guid)
            if before is None or before[2] not in active or before[0] != _content_hash(content):
                continue
            retired.append({"id": before[1], "current": False})
            settled.append({"id": object_id, "current": True, "package_id": before[2], "state": "COMPLETE",
                            "report_status": "not modified", "fetch_started": now, "fetch_finished": now,
                            "import_started": now, "import_finished": now})
        if not settled:
            return object_ids
        model.Session.bulk_update_mappings(HarvestObject, retired)
        model.Session.bulk_update_mappings(HarvestObject, settled)
        model.Session.commit()
        done = {row["id"] for row in settled}
        log.info("%s of %s records unchanged since the last harvest; not queued", len(done), len(object_ids))
        return [object_id for object_id in object_ids if object_id not in done]

    # ---- gather: withdrawals --------------------------------------------------------------------

    def _mark_datasets_for_deletion(self, guids_in_source: list[str], harvest_job: Any) -> list[str]:
        if not self._is_ours(harvest_job):
            return super()._mark_datasets_for_deletion(guids_in_source, harvest_job)
        current = model.Session.query(HarvestObject.guid).filter(
            HarvestObject.current == True,  # noqa: E712 - SQL
            HarvestObject.harvest_source_id == harvest_job.source.id,
        ).all()
        current_guids = {row.guid for row in current}
        guids_in_source = list(guids_in_source) + _pages(harvest_job)["skipped_guids"]
        gone = current_guids - set(guids_in_source)
        limit = config.harvest_withdraw_limit()
        force = _source_config(harvest_job).get("force_withdraw") is True
        if current_guids and gone and len(gone) / len(current_guids) > limit and not force:
            self._save_gather_error(
                f"{len(gone)} of {len(current_guids)} datasets ({len(gone) / len(current_guids):.0%}) are gone "
                f"from the source, more than the limit of {limit:.0%}: none was withdrawn. Check the source; "
                f'to withdraw them anyway, run once with "force_withdraw": true in the source config.',
                harvest_job)
            return []
        return super()._mark_datasets_for_deletion(guids_in_source, harvest_job)

    # ---- import ---------------------------------------------------------------------------------

    def modify_package_dict(self, package_dict: dict[str, Any], dcat_dict: dict[str, Any], harvest_object: Any):
        if not self._is_ours(harvest_object):
            return package_dict
        publisher = package_dict.get("scn_publisher") or {}
        org_id = organizations.for_publisher(publisher, harvest_object.source,
                                             create=_source_config(harvest_object).get("create_organizations") is True)
        if org_id:
            package_dict["owner_org"] = org_id
        for key in _PARSER_ONLY_KEYS:
            package_dict.pop(key, None)
        source = harvest_object.source
        package_dict.setdefault("extras", [])
        package_dict["extras"] = [e for e in package_dict["extras"] if not e["key"].startswith("source_catalog_")]
        package_dict["extras"].append({"key": "source_catalog_homepage", "value": source.url})
        package_dict["extras"].append({"key": "source_catalog_title", "value": source.title or source.url})
        return package_dict

    def import_stage(self, harvest_object: Any):
        if not self._is_ours(harvest_object):
            return super().import_stage(harvest_object)
        try:
            if self._unchanged(harvest_object):
                return "unchanged"
            # One Solr commit per batch, not two per record (harvesters/indexing.py says why it is safe).
            with harvest_mode(), indexing.deferred_commits():
                try:
                    return super().import_stage(harvest_object)
                except SOLR_ERRORS as error:
                    return self._index_unavailable(harvest_object, error)
        finally:
            indexing.commit_if_due(harvest_object)

    def _save_object_error(self, message: str, obj: Any, stage: str = "Fetch", line: int | None = None) -> None:
        """An import that fails writes nothing but its error. ckanext-dcat records the error on
        the session that still holds the half-done dataset; after a failed index (Solr down) CKAN
        commits that dataset on this second commit without indexing it. Rolling back first keeps
        PostgreSQL and Solr in step and leaves the previous version current."""
        if stage == "Import":
            model.Session.rollback()
        HarvestObjectError.create(message, obj, stage, line)

    def _index_unavailable(self, harvest_object: Any, error: Exception) -> bool:
        """Solr failed while the dataset was committed: CKAN indexes before the commit, so nothing
        was written, but ckanext-dcat's error handling commits the same broken session again and
        the job dies. Roll back, record why on the object and go on with the next one; a rerun
        once Solr is back imports it."""
        model.Session.rollback()
        harvest_object = HarvestObject.get(harvest_object.id)
        message = str(error).splitlines()[0][:500]
        self._save_object_error(f"Search index (Solr) unavailable, dataset not saved: {message}",
                                harvest_object, "Import")
        return False

    def _unchanged(self, harvest_object: Any) -> bool:
        """Same content as the record now imported for this guid: only the harvest object moves."""
        if self._get_object_extra(harvest_object, "status") == "delete" or not harvest_object.content:
            return False
        previous = model.Session.query(HarvestObject).filter(
            HarvestObject.guid == harvest_object.guid,
            HarvestObject.current == True,  # noqa: E712 - SQL
            HarvestObject.harvest_source_id == harvest_object.harvest_source_id,
        ).first()
        if previous is None or previous.package_id is None or previous.content is None:
            return False
        if _content_hash(previous.content) != _content_hash(harvest_object.content):
            return False
        dataset = model.Package.get(previous.package_id)
        if dataset is None or dataset.state != "active":
            return False
        previous.current = False
        previous.add()
        harvest_object.current = True
        harvest_object.package_id = previous.package_id
        harvest_object.add()
        model.Session.commit()
        return True

    @staticmethod
    def _is_ours(harvest_object_or_job: Any) -> bool:
        source = getattr(harvest_object_or_job, "source", None)
        return source is not None and source.type == SOURCE_TYPE


def _pages(harvest_job: Any) -> dict[str, Any]:
    """This gather's page bookkeeping, kept on the job object for the length of the gather."""
    return harvest_job.__dict__.setdefault("_scn_page_state", {"skipped_guids": [], "skipped_pages": 0})


def _source_config(harvest_object_or_job: Any) -> dict[str, Any]:
    try:
        value = json.loads(harvest_object_or_job.source.config or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _content_hash(content: str) -> str:
    """Of the parsed record, without what changes between downloads of the same record."""
    record = json.loads(content)
    record.pop("name", None)
    return hashlib.sha256(json.dumps(record, sort_keys=True).encode()).hexdigest()


def _guess_format(content: bytes) -> str:
    start = content.lstrip()[:1]
    return {b"<": "xml", b"{": "json-ld", b"[": "json-ld"}.get(start, "turtle")
