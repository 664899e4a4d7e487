"""The ``scn_ckan`` harvester: a municipality's own CKAN portal (CKAN 2.x action API) into the SCN
schema.

It is ckanext-harvest's CKANHarvester (its package_search paging: ``rows=100``, ``start``,
``sort=id asc``, optional ``fq``; until an empty page, stopping at two identical pages) with:

- downloads through harvesters/safety.py, and a page limit (``ckanext.scn.harvest.max_pages``);
- the full list asked for on every run (no "modified since" search), so that datasets gone from
  the portal can be withdrawn; municipal portals are small;
- stock CKAN fields mapped into the SCN schema and everything else dropped (see ``ckan_dataset``);
- the organization: the remote organization's ``orgnr`` (organization_show, top level or extras)
  finds or, with ``create_organizations``, creates it; else the source's own organization;
- the import rules of harvesters/mapping.py (harvest mode, unchanged records skipped, withdrawals).

Source config (JSON): ``language`` ("nb", "nn" or "en": the language of the portal's texts,
default "nb"), ``organizations_filter_include`` / ``organizations_filter_exclude`` and
``groups_filter_include`` / ``groups_filter_exclude`` (lists of names), ``create_organizations``,
``force_withdraw``, ``user_agent``, and ``republish_in_organization_catalog``: the municipality's
datasets belong in its organization catalog (``/organization/<name>/catalog.ttl``), so this
harvester sets it to true when a source is saved without it; set it to false to keep them out.
"""
from __future__ import annotations

import json
import logging
from typing import Any

import requests

import ckan.plugins as p
from ckan import model
from ckanext.harvest.harvesters.ckanharvester import (
    CKANHarvester,
    ContentFetchError,
    RemoteResourceError,
    SearchError,
)
from ckanext.harvest.interfaces import IHarvester
from ckanext.harvest.model import HarvestObject

from ckanext.scn import config
from ckanext.scn.harvesters.singleton import OwnSingleton
from ckanext.scn.harvesters import mapping, organizations, safety

log = logging.getLogger(__name__)

SOURCE_TYPE = "scn_ckan"
LANGUAGES = ("nb", "nn", "en")
REPUBLISH_KEY = "republish_in_organization_catalog"
_ORGNR_KEYS = ("orgnr", "organization_number", "organisasjonsnummer")
# Options of the parent class this harvester does not honour: refused rather than ignored.
_UNSUPPORTED = ("api_key", "remote_groups", "remote_orgs", "default_tags", "default_groups", "default_extras",
                "override_extras", "clean_tags", "force_all")


class SCNCKANHarvester(OwnSingleton, CKANHarvester):
    p.implements(IHarvester)

    _last_url = ""
    _search_pages = 0


    def info(self) -> dict[str, str]:
        return {
            "name": SOURCE_TYPE,
            "title": "CKAN (kommunal dataportal)",
            "description": "A municipality's CKAN portal, mapped into the SCN schema",
            "form_config_interface": "Text",
        }

    def validate_config(self, source_config: str | None) -> str:
        parsed = json.loads(super().validate_config(source_config) or "{}")
        if not isinstance(parsed, dict):
            raise ValueError("The configuration must be a JSON object")
        unsupported = sorted(set(parsed) & set(_UNSUPPORTED))
        if unsupported:
            raise ValueError(f"{', '.join(unsupported)}: not supported by the {SOURCE_TYPE} harvester")
        if parsed.get("language", "nb") not in LANGUAGES:
            raise ValueError(f"language must be one of {', '.join(LANGUAGES)}")
        mapping.check_booleans(parsed, "create_organizations", "force_withdraw", REPUBLISH_KEY)
        parsed.setdefault(REPUBLISH_KEY, True)
        return json.dumps(parsed)

    # ---- download -----------------------------------------------------------------------------

    def _get_content(self, url: str) -> str:
        """Every request of the parent class comes here: safety checks and limits."""
        self._last_url = url
        if self._get_search_api_offset() in url:
            self._search_pages += 1
            if self._search_pages > config.harvest_max_pages():
                raise ContentFetchError(f"more than {config.harvest_max_pages()} pages "
                                        f"(ckanext.scn.harvest.max_pages)")
        session = requests.Session()
        if (self.config or {}).get("user_agent"):
            session.headers["User-Agent"] = str(self.config["user_agent"])
        try:
            return safety.fetch(url, session).content.decode("utf-8")
        except safety.UnsafeSource as e:
            raise ContentFetchError(f"refused: {e}")
        except requests.HTTPError as e:
            raise ContentFetchError(f"the server answered {e.response.status_code}")
        except requests.RequestException as e:
            raise ContentFetchError(f"{e.__class__.__name__}: {e}")
        except UnicodeDecodeError:
            raise ContentFetchError("the answer is not UTF-8 text")

    # ---- gather -------------------------------------------------------------------------------

    def gather_stage(self, harvest_job: Any) -> list[str] | None:
        self._set_config(harvest_job.source.config)
        self._search_pages = 0
        base_url = harvest_job.source.url.rstrip("/")
        try:
            pkg_dicts = self._search_for_datasets(base_url, self._filters())
        except SearchError as e:
            self._save_gather_error(f"Could not list the datasets of {base_url} ({self._last_url}): "
                                    f"{_short(e)}. Nothing was withdrawn.", harvest_job)
            return None
        except (KeyError, TypeError, AttributeError) as e:
            # A JSON answer, but not package_search's (results without ids, say).
            self._save_gather_error(f"{self._last_url} is not a CKAN package_search answer "
                                    f"({e.__class__.__name__}: {_short(e)}). Nothing was withdrawn.", harvest_job)
            return None
        force = mapping.source_config(harvest_job).get("force_withdraw") is True
        if not pkg_dicts and not force:
            self._save_gather_error(f"No datasets found at {base_url}; nothing was withdrawn", harvest_job)
            return []

        object_ids, guids, orgnrs = [], set(), {}
        for pkg_dict in pkg_dicts:
            # Harvest sources, showcases and other types are not datasets.
            if pkg_dict.get("type") not in (None, "", "dataset") or pkg_dict["id"] in guids:
                continue
            guids.add(pkg_dict["id"])
            org_name = (pkg_dict.get("organization") or {}).get("name")
            if org_name:
                if org_name not in orgnrs:
                    orgnrs[org_name] = self._remote_orgnr(base_url, org_name)
                pkg_dict["scn_orgnr"] = orgnrs[org_name]
            obj = HarvestObject(guid=pkg_dict["id"], job=harvest_job, content=json.dumps(pkg_dict))
            obj.save()
            object_ids.append(obj.id)
        return object_ids + mapping.mark_withdrawals(self, harvest_job, guids)

    def _filters(self) -> list[str]:
        """package_search fq terms from the organization and group filters (as the parent's)."""
        terms = []
        for kind, field in (("organizations", "organization"), ("groups", "groups")):
            include = self.config.get(f"{kind}_filter_include", [])
            exclude = self.config.get(f"{kind}_filter_exclude", [])
            if include:
                terms.append(" OR ".join(f"{field}:{name}" for name in include))
            elif exclude:
                terms.extend(f"-{field}:{name}" for name in exclude)
        return terms

    def _remote_orgnr(self, base_url: str, org_name: str) -> str | None:
        """The remote organization's orgnr, if it has one (package_search does not show extras)."""
        try:
            org = self._get_organization(base_url, org_name)
        except RemoteResourceError:
            log.info("Could not get organization %s from %s", org_name, base_url)
            return None
        if not isinstance(org, dict):
            return None
        for key in _ORGNR_KEYS:
            if mapping.text(org.get(key)):
                return org[key].replace(" ", "")
        for extra in org.get("extras") or []:
            if isinstance(extra, dict) and extra.get("key") in _ORGNR_KEYS and mapping.text(extra.get("value")):
                return extra["value"].replace(" ", "")
        return None

    # ---- import -------------------------------------------------------------------------------

    def fetch_stage(self, harvest_object: Any) -> bool:
        return True  # the gather stage stored the whole dataset

    def import_stage(self, harvest_object: Any) -> bool | str:
        if mapping.status(harvest_object) == "delete":
            return mapping.withdraw(self, harvest_object)
        self._set_config(harvest_object.source.config)
        source = harvest_object.source
        label = f"Dataset {harvest_object.guid} from {source.url}"
        try:
            remote = json.loads(harvest_object.content or "")
            label = f"Dataset {remote.get('name') or harvest_object.guid} from {source.url}"
            dataset, warnings = ckan_dataset(remote, source.url.rstrip("/"), self.config.get("language", "nb"))
        except (ValueError, mapping.MappingError) as e:
            self._save_object_error(f"{label}: not imported: {e}", harvest_object, "Import")
            return False
        except Exception as e:  # noqa: BLE001 - one odd record must not stop the job
            log.exception("Mapping %s", label)
            self._save_object_error(f"{label}: not imported: {e.__class__.__name__}: {e}", harvest_object, "Import")
            return False
        publisher = {"orgnr": remote.get("scn_orgnr"), "name": (remote.get("organization") or {}).get("title")}
        owner_org = organizations.for_publisher(
            publisher, source, create=self.config.get("create_organizations") is True)
        if owner_org:
            dataset["owner_org"] = owner_org
        mapping.source_catalog_extras(dataset, source)
        return mapping.import_dataset(self, harvest_object, dataset, label, warnings)


def ckan_dataset(remote: dict[str, Any], portal_url: str, language: str = "nb") -> tuple[dict[str, Any], list[str]]:
    """An SCN dataset from a CKAN package_show dict, and warnings about values left out.

    Mapped: title and notes (to ``language``, or the portal's own ``*_translated``), tags, licence,
    maintainer and author with an email (contact points), resources (url, name, description, format),
    the ``spatial`` extra, the remote page or ``url`` (landing page), id (identifier) and the
    remote creation and modification times (``issued``, ``modified``, read by ckanext-dcat).
    """
    if not isinstance(remote, dict) or not mapping.text(remote.get("id")):
        raise mapping.MappingError("not a CKAN dataset (no id)")
    for key in ("tags", "resources", "extras"):
        value = remote.get(key)
        if value is not None and not (isinstance(value, list) and all(isinstance(v, dict) for v in value)):
            raise mapping.MappingError(f"{key} is not a list of objects")
    warnings: list[str] = []
    dataset: dict[str, Any] = {"name": mapping.text(remote.get("name")) or mapping.text(remote.get("title"))}
    for field in ("title", "notes"):
        translated = _translated(remote.get(f"{field}_translated"))
        plain = mapping.text(remote.get(field))
        if translated:
            dataset[f"{field}_translated"] = translated
        elif plain:
            dataset[f"{field}_translated"] = {language: plain}
    tags = [t["name"].strip() for t in remote.get("tags") or [] if mapping.text(t.get("name"))]
    if tags:
        dataset["tags_translated"] = {language: tags}
    licence = mapping.licence_id(remote.get("license_id"), remote.get("license_title"), remote.get("license_url"))
    if licence:
        dataset["license_id"] = licence
    contacts = _contacts(remote, warnings)
    if contacts:
        dataset["contact"] = contacts
    resources = []
    for remote_resource in remote.get("resources") or []:
        address = mapping.text(remote_resource.get("url"))
        if address and not mapping.resource_url(address):
            warnings.append(f"the resource address {address[:80]!r} is not a web address; left out")
        resource = _resource(remote_resource)
        if resource:
            resources.append(resource)
    if resources:
        dataset["resources"] = resources
    extras = {e.get("key"): e.get("value") for e in remote.get("extras") or []}
    if extras.get("spatial") not in (None, ""):
        spatial = mapping.geometry(extras["spatial"])
        if spatial:
            dataset["spatial"] = spatial
        else:
            warnings.append("the spatial extra is not a GeoJSON geometry in WGS 84; imported without it")
    landing_page = mapping.web_url(remote.get("url"))
    if not landing_page and mapping.text(remote.get("name")):
        landing_page = f"{portal_url}/dataset/{remote['name'].strip()}"
    if landing_page:
        dataset["url"] = landing_page
    dataset["identifier"] = remote["id"].strip()
    dates = [{"key": key, "value": remote[field].strip()} for key, field in (("issued", "metadata_created"),
                                                                             ("modified", "metadata_modified"))
             if mapping.date(remote.get(field))]
    if dates:
        dataset["extras"] = dates
    return dataset, warnings


def _translated(value: Any) -> dict[str, str]:
    """A portal's own ``{"nb": ..., "en": ...}`` text (ckanext-fluent), limited to SCN's languages."""
    if isinstance(value, str) and value.strip().startswith("{"):
        try:
            value = json.loads(value)
        except ValueError:
            return {}
    if not isinstance(value, dict):
        return {}
    texts = {lang: mapping.text(value.get(lang)) for lang in LANGUAGES}
    return {lang: text for lang, text in texts.items() if text}


def _contacts(remote: dict[str, Any], warnings: list[str]) -> list[dict[str, str]]:
    contacts, seen = [], set()
    for name_key, email_key in (("maintainer", "maintainer_email"), ("author", "author_email")):
        raw = mapping.text(remote.get(email_key))
        address = mapping.email(raw)
        if raw and not address:
            warnings.append(f"{email_key} {raw[:80]!r} is not an email address; left out")
        if not address or address.casefold() in seen:
            continue
        seen.add(address.casefold())
        contact = {"email": address}
        if mapping.text(remote.get(name_key)):
            contact["name"] = remote[name_key].strip()
        contacts.append(contact)
    return contacts


def _resource(remote: dict[str, Any]) -> dict[str, Any] | None:
    url = mapping.text(remote.get("url"))
    if not url or not mapping.resource_url(url):
        return None
    resource = {"url": url}
    for key in ("name", "description"):
        if mapping.text(remote.get(key)):
            resource[key] = remote[key].strip()
    resource_format = mapping.file_format(remote.get("format"), remote.get("mimetype"))
    if resource_format:
        resource["format"] = resource_format
    return resource


def _short(error: Exception, limit: int = 300) -> str:
    message = str(error)
    return message if len(message) <= limit else message[:limit] + "..."
