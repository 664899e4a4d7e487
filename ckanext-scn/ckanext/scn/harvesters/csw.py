"""The ``scn_csw`` harvester: a CSW 2.0.2 catalog of ISO 19139 records (Geonorge's) into the SCN
schema.

It is ckanext-spatial's CSWHarvester (its info, original-document links and helpers) with its own
stages, because the parent's go through OWSLib, which downloads by itself (no SSRF checks, no size
limit) and POSTs its requests:

- gather: GetRecords as HTTP GET (``outputSchema`` gmd, ``elementSetName=full``, paged with
  ``startPosition`` and ``maxRecords``, following ``nextRecord``) through harvesters/safety.py; each
  gmd:MD_Metadata is kept as its harvest object's content, so no GetRecordById per record;
- every document is checked by ``safety.refuse_xml_declarations`` and parsed by lxml without
  entities, DTDs or network;
- import: ckanext-spatial's ``ISODocument`` reads the record, plus what it does not read here
  (PT_FreeText translations, licence anchors, cited parties), mapped by ``iso_dataset``;
- the import rules of harvesters/mapping.py (harvest mode, unchanged records skipped, withdrawals);
  nothing is withdrawn after a page that could not be read.

Records are not validated against the ISO XML schemas: real Geonorge records often fail them
(empty dates and codes), and the portal imports what they have and flags what they lack.

Source config (JSON): ``cql`` (a CQL_TEXT constraint, e.g. ``"OrganisationName like '%Kartverket%'"``),
``max_records`` (per page, default 100), ``create_organizations``, ``force_withdraw``,
``republish_in_organization_catalog`` (default false: Geonorge is a national catalog).
"""
from __future__ import annotations

import codecs
import json
import logging
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests
from lxml import etree

import ckan.plugins as p
from ckanext.harvest.interfaces import IHarvester
from ckanext.harvest.model import HarvestObject
from ckanext.spatial.harvested_metadata import ISODocument
from ckanext.spatial.harvesters.csw import CSWHarvester

from ckanext.scn import config
from ckanext.scn.harvesters.singleton import OwnSingleton
from ckanext.scn.harvesters import mapping, organizations, safety
from ckanext.scn.logic.validators import is_valid_orgnr

log = logging.getLogger(__name__)

SOURCE_TYPE = "scn_csw"
DEFAULT_MAX_RECORDS = 100
NS = {
    "csw": "http://www.opengis.net/cat/csw/2.0.2",
    "ows": "http://www.opengis.net/ows",
    "gmd": "http://www.isotc211.org/2005/gmd",
    "gco": "http://www.isotc211.org/2005/gco",
    "gmx": "http://www.isotc211.org/2005/gmx",
    "srv": "http://www.isotc211.org/2005/srv",
    "xlink": "http://www.w3.org/1999/xlink",
}
_MD_METADATA = f"{{{NS['gmd']}}}MD_Metadata"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                          remove_blank_text=True)

# ISO 639-2 codes (and the names some records use) for the portal's languages.
_LANGUAGES = {"nor": "nb", "nob": "nb", "no": "nb", "nb": "nb", "norsk": "nb", "norwegian": "nb",
              "nno": "nn", "nn": "nn", "eng": "en", "en": "en", "english": "en"}
# ISO topic categories with a clear EU data theme. Left out, on purpose: elevation and
# imageryBaseMapsEarthCover (base map products, no EU theme fits), planningCadastre (REGI or
# GOVE), structure, intelligenceMilitary and utilitiesCommunication (energy and telecoms mixed).
THEMES = {
    "farming": "AGRI", "biota": "ENVI", "boundaries": "REGI", "climatologyMeteorologyAtmosphere": "ENVI",
    "economy": "ECON", "environment": "ENVI", "geoscientificInformation": "TECH", "health": "HEAL",
    "inlandWaters": "ENVI", "location": "REGI", "oceans": "ENVI", "society": "SOCI", "transportation": "TRAN",
}
# ISO MD_MaintenanceFrequencyCode -> EU frequency code.
_FREQUENCIES = {
    "continual": "UPDATE_CONT", "daily": "DAILY", "weekly": "WEEKLY", "fortnightly": "BIWEEKLY",
    "monthly": "MONTHLY", "quarterly": "QUARTERLY", "biannually": "ANNUAL_2", "annually": "ANNUAL",
    "asNeeded": "AS_NEEDED", "irregular": "IRREG", "notPlanned": "NOT_PLANNED", "unknown": "UNKNOWN",
}
_ROLE_ORDER = ("publisher", "owner", "custodian", "pointOfContact", "distributor")
_NO_LIMITATIONS = "LimitationsOnPublicAccess/noLimitations"
_EMAIL_PATH = "gmd:contactInfo/gmd:CI_Contact/gmd:address/gmd:CI_Address/gmd:electronicMailAddress/gco:CharacterString"


class SCNCSWHarvester(OwnSingleton, CSWHarvester):
    p.implements(IHarvester)


    def info(self) -> dict[str, str]:
        return {
            "name": SOURCE_TYPE,
            "title": "CSW (Geonorge, ISO 19139)",
            "description": "A CSW 2.0.2 catalog of ISO 19139 records, such as Geonorge's, mapped into the SCN schema",
            "form_config_interface": "Text",
        }

    def validate_config(self, source_config: str | None) -> str | None:
        if not source_config:
            return source_config
        parsed = json.loads(source_config)
        if not isinstance(parsed, dict):
            raise ValueError("The configuration must be a JSON object")
        if "cql" in parsed and not isinstance(parsed["cql"], str):
            raise ValueError("cql must be a string")
        max_records = parsed.get("max_records", DEFAULT_MAX_RECORDS)
        if not isinstance(max_records, int) or isinstance(max_records, bool) or not 1 <= max_records <= 1000:
            raise ValueError("max_records must be a whole number from 1 to 1000")
        mapping.check_booleans(parsed, "create_organizations", "force_withdraw",
                               "republish_in_organization_catalog")
        return source_config

    # ---- gather -------------------------------------------------------------------------------

    def gather_stage(self, harvest_job: Any) -> list[str] | None:
        source_config = mapping.source_config(harvest_job)
        max_records = source_config.get("max_records", DEFAULT_MAX_RECORDS)
        object_ids: list[str] = []
        guids: set[str] = set()
        start, pages, complete = 1, 0, False
        while True:
            url = getrecords_url(harvest_job.source.url, start, max_records, source_config.get("cql"))
            pages += 1
            results = self._results_page(url, harvest_job)
            if results is None:
                break
            records = [child for child in results if isinstance(child.tag, str)]  # no comments
            for position, record in enumerate(records, start):
                guid = self._record_guid(record, position, url, harvest_job)
                if guid is None or guid in guids:
                    continue
                guids.add(guid)
                obj = HarvestObject(guid=guid, job=harvest_job,
                                    content=etree.tostring(record, encoding="unicode", with_tail=False))
                obj.save()
                object_ids.append(obj.id)
            next_record = _int(results.get("nextRecord"))
            matched = _int(results.get("numberOfRecordsMatched"))
            if not records or not next_record or (matched is not None and next_record > matched):
                complete = True
                break
            if next_record <= start:
                self._save_gather_error(f"{url} says the next record is {next_record}, which was already "
                                        f"harvested (a cycle); stopped paging. Nothing was withdrawn.", harvest_job)
                break
            if pages >= config.harvest_max_pages():
                self._save_gather_error(f"Stopped after {pages} pages (ckanext.scn.harvest.max_pages). "
                                        f"Nothing was withdrawn.", harvest_job)
                break
            start = next_record
        if not complete:
            return object_ids  # a partial list cannot tell what is gone
        if not guids and mapping.source_config(harvest_job).get("force_withdraw") is not True:
            self._save_gather_error(f"No records found at {harvest_job.source.url}; nothing was withdrawn",
                                    harvest_job)
            return object_ids
        return object_ids + mapping.mark_withdrawals(self, harvest_job, guids)

    def _results_page(self, url: str, harvest_job: Any) -> Any:
        """The csw:SearchResults of a GetRecords answer, or None after a gather error."""
        problem = None
        try:
            root = parse_xml(safety.fetch(url).content, url)
        except safety.UnsafeSource as e:
            problem = f"refused: {e}"
        except requests.HTTPError as e:
            problem = f"the server answered {e.response.status_code}"
        except requests.RequestException as e:
            problem = f"{e.__class__.__name__}: {e}"
        except etree.XMLSyntaxError as e:
            problem = f"not well-formed XML: {e}"
        else:
            if root.tag == f"{{{NS['ows']}}}ExceptionReport":
                texts = [t.strip() for t in root.itertext() if t.strip()]
                problem = f"the CSW server reported an exception: {' '.join(texts)[:300]}"
            else:
                results = root.find("csw:SearchResults", NS)
                if results is not None:
                    return results
                problem = f"not a CSW GetRecords response (the document is {etree.QName(root).localname})"
        self._save_gather_error(f"Could not read the GetRecords page {url}: {problem}. Nothing was withdrawn.",
                                harvest_job)
        return None

    def _record_guid(self, record: Any, position: int, url: str, harvest_job: Any) -> str | None:
        if record.tag != _MD_METADATA:
            self._save_gather_error(f"Record {position} at {url} is a {etree.QName(record).localname}, not a "
                                    f"gmd:MD_Metadata; skipped", harvest_job)
            return None
        guid = (record.findtext("gmd:fileIdentifier/gco:CharacterString", namespaces=NS) or "").strip()
        if not guid:
            self._save_gather_error(f"Record {position} at {url} has no gmd:fileIdentifier; skipped", harvest_job)
            return None
        return guid

    # ---- import -------------------------------------------------------------------------------

    def fetch_stage(self, harvest_object: Any) -> bool:
        return True  # the gather stage stored the whole record

    def import_stage(self, harvest_object: Any) -> bool | str:
        if mapping.status(harvest_object) == "delete":
            return mapping.withdraw(self, harvest_object)
        source = harvest_object.source
        label = f"Record {harvest_object.guid} from {source.url}"
        try:
            root = parse_xml((harvest_object.content or "").encode("utf-8"), label)
            dataset, warnings, parties = iso_dataset(root)
        except (etree.XMLSyntaxError, safety.UnsafeSource, mapping.MappingError) as e:
            self._save_object_error(f"{label}: not imported: {e}", harvest_object, "Import")
            return False
        except Exception as e:  # noqa: BLE001 - one odd record must not stop the job
            log.exception("Mapping %s", label)
            self._save_object_error(f"{label}: not imported: {e.__class__.__name__}: {e}", harvest_object, "Import")
            return False
        owner_org = _organization(parties, source,
                                  mapping.source_config(harvest_object).get("create_organizations") is True)
        if owner_org:
            dataset["owner_org"] = owner_org
        mapping.source_catalog_extras(dataset, source)
        return mapping.import_dataset(self, harvest_object, dataset, label, warnings)


def getrecords_url(source_url: str, start: int, max_records: int, cql: str | None = None) -> str:
    """A CSW 2.0.2 GetRecords request (KVP) for full ISO 19139 records; parameters already in the
    source URL stay unless they are ones set here."""
    params = {
        "service": "CSW", "version": "2.0.2", "request": "GetRecords", "typeNames": "gmd:MD_Metadata",
        "namespace": f"xmlns(gmd={NS['gmd']})", "resultType": "results", "elementSetName": "full",
        "outputSchema": NS["gmd"], "startPosition": str(start), "maxRecords": str(max_records),
    }
    if cql:
        params.update(constraintLanguage="CQL_TEXT", constraint_language_version="1.1.0", constraint=cql)
    parts = urlsplit(source_url)
    ours = {key.lower() for key in params}
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k.lower() not in ours]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(kept + list(params.items())), ""))


def parse_xml(content: bytes, where: str) -> Any:
    """Parse XML that passed the declaration check, without entities, DTDs or network access."""
    safety.refuse_xml_declarations(_as_utf8(content), where)
    return etree.fromstring(content, _PARSER)


_WIDE_ENCODINGS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF16_LE, "utf-16"),
                   (codecs.BOM_UTF16_BE, "utf-16"), (b"<\0?\0", "utf-16-le"), (b"\0<\0?", "utf-16-be"))


def _as_utf8(content: bytes) -> bytes:
    """XML in UTF-16 or UTF-32 as UTF-8, for the declaration check: it looks for ASCII bytes, and
    lxml reads the wide encodings too."""
    for start, encoding in _WIDE_ENCODINGS:
        if content.startswith(start):
            return content.decode(encoding, errors="replace").encode("utf-8")
    return content


# ---- ISO 19139 -> SCN ---------------------------------------------------------------------------

@dataclass
class Party:
    """A gmd:CI_ResponsibleParty."""
    name: str | None
    email: str | None
    role: str | None
    orgnr: str | None
    other_names: tuple[str, ...] = ()  # PT_FreeText translations of the organisation name


def iso_dataset(root: Any) -> tuple[dict[str, Any], list[str], list[Party]]:
    """An SCN dataset from a gmd:MD_Metadata element, warnings about values left out, and the
    responsible parties (for the organization)."""
    if root.tag != _MD_METADATA:
        raise mapping.MappingError(f"a {etree.QName(root).localname}, not a gmd:MD_Metadata")
    values = ISODocument(xml_tree=root).read_values()
    ident = root.find("gmd:identificationInfo/*", NS)
    locales = _locales(root)
    main = _language(values.get("metadata-language")) or _language(next(iter(values.get("dataset-language")), None))
    main = main or "nb"
    warnings: list[str] = []
    dataset: dict[str, Any] = {"identifier": values["guid"]}

    if ident is not None:
        for field, path in (("title_translated", "gmd:citation/gmd:CI_Citation/gmd:title"),
                            ("notes_translated", "gmd:abstract")):
            element = ident.find(path, NS)
            texts = _texts(element, main, locales) if element is not None else {}
            if texts:
                dataset[field] = texts
        tags: dict[str, list[str]] = {}
        for keyword in ident.iterfind("gmd:descriptiveKeywords/gmd:MD_Keywords/gmd:keyword", NS):
            for lang, word in _texts(keyword, main, locales).items():
                if len(word) <= 100 and word not in tags.setdefault(lang, []):
                    tags[lang].append(word)
        if any(tags.values()):
            dataset["tags_translated"] = {lang: words for lang, words in tags.items() if words}
    title = dataset.get("title_translated", {})
    dataset["name"] = title.get("nb") or title.get("nn") or title.get("en") or values["guid"]

    themes = [mapping.vocabulary_uri("data-theme", THEMES[c]) for c in values["topic-category"] if c in THEMES]
    if themes:
        dataset["theme"] = list(dict.fromkeys(themes))
    _spatial(values, dataset, warnings)
    _dates(values, dataset)
    frequency = mapping.vocabulary_uri("frequency", _FREQUENCIES.get(values.get("frequency-of-update") or ""))
    if frequency:
        dataset["frequency"] = frequency
    codes = values["dataset-language"] or (ident.xpath("gmd:language/gco:CharacterString/text()", namespaces=NS)
                                           if ident is not None else [])
    languages = [mapping.vocabulary_uri("language", code.strip().upper()) for code in codes if mapping.text(code)]
    if any(languages):
        dataset["language"] = list(dict.fromkeys(filter(None, languages)))
    constraints = _constraint_texts(ident) if ident is not None else []
    licence = mapping.licence_id(*constraints)
    if licence:
        dataset["license_id"] = licence
    if any(t.endswith(_NO_LIMITATIONS) for t in constraints):
        dataset["access_rights"] = mapping.vocabulary_uri("access-right", "PUBLIC")
    landing_page = mapping.web_url(values.get("url"))
    if landing_page:
        dataset["url"] = landing_page
    resources = _resources(values)
    if resources:
        dataset["resources"] = resources

    parties = {
        "cited": _parties(ident, "gmd:citation/gmd:CI_Citation/gmd:citedResponsibleParty/gmd:CI_ResponsibleParty"),
        "contact": _parties(ident, "gmd:pointOfContact/gmd:CI_ResponsibleParty"),
        "metadata": _parties(root, "gmd:contact/gmd:CI_ResponsibleParty"),
    }
    contacts = _contacts(parties["contact"], warnings) or _contacts(parties["metadata"], warnings)
    if contacts:
        dataset["contact"] = contacts
    return dataset, warnings, parties["cited"] + parties["contact"] + parties["metadata"]


def _language(code: Any) -> str | None:
    return _LANGUAGES.get(code.strip().lower()) if isinstance(code, str) else None


def _locales(root: Any) -> dict[str, str]:
    """PT_Locale id -> portal language, for PT_FreeText translations."""
    locales = {}
    for locale in root.iterfind("gmd:locale/gmd:PT_Locale", NS):
        code = locale.find("gmd:languageCode/gmd:LanguageCode", NS)
        lang = _language(code.get("codeListValue") or code.text) if code is not None else None
        if lang and locale.get("id"):
            locales[locale.get("id")] = lang
    return locales


def _plain(element: Any) -> str | None:
    return mapping.text(element.findtext("gco:CharacterString", namespaces=NS)) or \
        mapping.text(element.findtext("gmx:Anchor", namespaces=NS))


def _localised(element: Any) -> list[str]:
    """The PT_FreeText translations of a free-text property, whatever their language."""
    return [t.strip() for t in element.xpath("gmd:PT_FreeText/gmd:textGroup/gmd:LocalisedCharacterString/text()",
                                             namespaces=NS) if t.strip()]


def _texts(element: Any, main: str, locales: dict[str, str]) -> dict[str, str]:
    """A free-text property in the record's main language and its PT_FreeText translations."""
    texts = {}
    plain = _plain(element)
    if plain:
        texts[main] = plain
    for localised in element.iterfind("gmd:PT_FreeText/gmd:textGroup/gmd:LocalisedCharacterString", NS):
        lang = locales.get((localised.get("locale") or "").lstrip("#"))
        value = mapping.text(localised.text)
        if lang and value and lang not in texts:
            texts[lang] = value
    return texts


def _spatial(values: dict[str, Any], dataset: dict[str, Any], warnings: list[str]) -> None:
    for box in values["bbox"]:
        spatial = mapping.bbox_geometry(box["west"], box["south"], box["east"], box["north"])
        if spatial:
            dataset["spatial"] = spatial
            return
        warnings.append(f"the bounding box {box['west']!r}, {box['south']!r}, {box['east']!r}, {box['north']!r} "
                        f"(west, south, east, north) is not one in WGS 84; left out")


def _dates(values: dict[str, Any], dataset: dict[str, Any]) -> None:
    """Publication (else creation) and latest revision as ``issued`` and ``modified`` (ckanext-dcat
    reads them as dct:issued and dct:modified), the temporal extent as ``temporal_coverage``."""
    dates: dict[str, list[str]] = {}
    for date in values["dataset-reference-date"]:
        if mapping.date(date.get("value")):
            dates.setdefault(date.get("type"), []).append(date["value"].strip())
    issued = next(iter(dates.get("publication") or dates.get("creation") or []), None)
    modified = max(dates.get("revision") or [""]) or None
    extras = [{"key": key, "value": value} for key, value in (("issued", issued), ("modified", modified)) if value]
    if extras:
        dataset["extras"] = extras
    period = {key: value.strip() for key, value in (("start", next(iter(values["temporal-extent-begin"]), None)),
                                                   ("end", next(iter(values["temporal-extent-end"]), None)))
              if mapping.date(value)}
    if period:
        dataset["temporal_coverage"] = [period]


def _constraint_texts(ident: Any) -> list[str]:
    """Licence and access texts: anchor links first (the clearest), then the texts."""
    hrefs, texts = [], []
    for constraints in ident.iterfind("gmd:resourceConstraints/*", NS):
        for element in constraints.xpath("gmd:otherConstraints | gmd:useLimitation", namespaces=NS):
            hrefs += [h.strip() for h in element.xpath("gmx:Anchor/@xlink:href", namespaces=NS) if h.strip()]
            texts += [t for t in (_plain(element), *_localised(element)) if t]
    return hrefs + texts


def _resources(values: dict[str, Any]) -> list[dict[str, str]]:
    """Online resources of the distribution: OGC services get their service type as format,
    other links the record's distribution format when it has exactly one."""
    formats = [f.get("name") for f in values["data-format"] if mapping.text(f.get("name"))]
    resources, seen = [], set()
    for locator in values["resource-locator"]:
        url = mapping.resource_url(locator.get("url"))
        if not url or url in seen:
            continue
        seen.add(url)
        resource = {"url": url}
        for key in ("name", "description"):
            if mapping.text(locator.get(key)):
                resource[key] = locator[key].strip()
        protocol = (locator.get("protocol") or "").strip()
        if protocol.upper().startswith("OGC:"):
            resource_format = mapping.file_format(re.split(r"[-\s]", protocol[4:], maxsplit=1)[0])
        else:
            resource_format = mapping.file_format(formats[0]) if len(formats) == 1 else None
        if resource_format:
            resource["format"] = resource_format
        resources.append(resource)
    return resources


def _parties(parent: Any, path: str) -> list[Party]:
    if parent is None:
        return []
    parties = []
    for party in parent.iterfind(path, NS):
        name_element = party.find("gmd:organisationName", NS)
        name = _plain(name_element) if name_element is not None else None
        other_names = tuple(_localised(name_element)) if name_element is not None else ()
        name = name or mapping.text(party.findtext("gmd:individualName/gco:CharacterString", namespaces=NS))
        href = "".join(party.xpath("gmd:organisationName/gmx:Anchor/@xlink:href", namespaces=NS))
        orgnr = re.search(r"(\d{9})/?$", href)
        role = party.find("gmd:role/gmd:CI_RoleCode", NS)
        parties.append(Party(
            name=" ".join(name.split()) if name else None,
            email=mapping.text(party.findtext(_EMAIL_PATH, namespaces=NS)),
            role=(role.get("codeListValue") or role.text or "").strip() or None if role is not None else None,
            orgnr=orgnr.group(1) if orgnr and is_valid_orgnr(orgnr.group(1)) else None,
            other_names=other_names,
        ))
    return parties


def _contacts(parties: list[Party], warnings: list[str]) -> list[dict[str, str]]:
    contacts, seen = [], set()
    for party in parties:
        address = mapping.email(party.email)
        if party.email and not address:
            warnings.append(f"the contact email {party.email[:80]!r} is not an email address; left out")
        if not address or (party.name, address.casefold()) in seen:
            continue
        seen.add((party.name, address.casefold()))
        contacts.append({"name": party.name, "email": address} if party.name else {"email": address})
    return contacts


def _organization(parties: list[Party], source: Any, create: bool) -> str | None:
    """The organization of the record's publisher, owner, custodian or contact (in that order):
    by orgnr (from an organisationName anchor), else by title, else the source's own."""
    ranked = sorted(parties, key=lambda party: _ROLE_ORDER.index(party.role) if party.role in _ROLE_ORDER
                    else len(_ROLE_ORDER))
    for party in ranked:
        found = organizations.find_by_orgnr(party.orgnr) if party.orgnr else None
        if found:
            return found["id"]
    by_title = mapping.organization_by_title(*(name for party in ranked for name in (party.name, *party.other_names)))
    if by_title:
        return by_title
    with_orgnr = next((party for party in ranked if party.orgnr), None)
    publisher = {"orgnr": with_orgnr.orgnr, "name": with_orgnr.name} if with_orgnr else {}
    return organizations.for_publisher(publisher, source, create=create)


def _int(value: Any) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None
