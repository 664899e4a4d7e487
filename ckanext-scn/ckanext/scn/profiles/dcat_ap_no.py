"""The DCAT-AP-NO profile, chained after ckanext-dcat's ``euro_dcat_ap_3``.

``ckanext.dcat.rdf.profiles = euro_dcat_ap_3 dcat_ap_no``: the EU profile writes and reads
everything DCAT-AP has; this one only changes what DCAT-AP-NO adds or constrains:

- controlled values (themes, access rights, frequency, language, formats, licences, status,
  availability) as concepts with ``skos:inScheme`` and labels, which the official shapes check;
- the publisher as the organization's URI in the national organization catalog (from its orgnr);
- Kartverket administrative units in ``dct:spatial``;
- ``dcat:DataService`` for the ``data-service`` type;
- prices: ``cv:hasCost``/``cv:Cost`` per offer, an ODRL offer on distributions of paid datasets,
  and schema.org ``offers``;
- the catalog's mandatory properties.
"""
from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, XSD, Namespace

import ckan.plugins.toolkit as tk
from ckanext.dcat.profiles.base import (
    ADMS, DCAT, DCATAP, DCT, FOAF, LOCN, SCHEMA, SPDX, VCARD, RDFProfile,
)
from ckanext.dcat.utils import catalog_uri, dataset_uri, resource_uri

from ckanext.scn import config, vocabularies
from ckanext.scn.logic import licences, pricing

CV = Namespace("http://data.europa.eu/m8g/")
ODRL = Namespace("http://www.w3.org/ns/odrl/2/")
# Price-model details DCAT-AP-NO has no property for; they let the free/paid state and the offer
# survive a round trip. Documented in the README.
SCNP = Namespace("https://data.smartcitiesnorway.no/ns/pricing#")

EU = "http://publications.europa.eu/resource/authority/"
CURRENCY = EU + "currency/"
IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"
ADMS_STATUS_SCHEME = URIRef("http://purl.org/adms/status/1.0")
EU_LICENCE_SCHEME = URIRef(EU + "licence")
_STATUS_LABELS = {
    "Completed": {"en": "Completed", "nb": "Ferdigstilt", "nn": "Ferdigstilt"},
    "UnderDevelopment": {"en": "Under development", "nb": "Under utvikling", "nn": "Under utvikling"},
    "Deprecated": {"en": "Deprecated", "nb": "Utfaset", "nn": "Utfasa"},
    "Withdrawn": {"en": "Withdrawn", "nb": "Trukket tilbake", "nn": "Trekt tilbake"},
}
LOS_SCHEME = URIRef("https://psi.norge.no/los/struktur")

# …/organizations/{orgnr} (FDK, "organization-catalog" or "-catalogue"), …/enhet/{orgnr} and
# …/enheter/{orgnr} (Brønnøysundregistrene)
ORGNR_IN_URI = re.compile(r"/(?:organi[sz]ations|enhet|enheter)/(\d{9})(?:$|[/#?])")

# dcat property -> vocabulary whose concepts the shapes want typed and in their scheme
_DATASET_CONCEPTS = {
    DCAT.theme: None,  # EU data themes or LOS, decided per value
    DCT.accessRights: "access-right",
    DCT.accrualPeriodicity: "frequency",
    DCT.language: "language",
    DCATAP.availability: "planned-availability",
}


def orgnr_from_uri(uri: str | None) -> str | None:
    """The 9-digit orgnr in a publisher URI, in the forms real catalogs use."""
    if not uri:
        return None
    match = ORGNR_IN_URI.search(str(uri))
    return match.group(1) if match else None


class DCATAPNOProfile(RDFProfile):
    """DCAT-AP-NO 2.x on top of DCAT-AP 3 (see the module docstring)."""

    # ---- output ---------------------------------------------------------------------------------

    def graph_from_dataset(self, dataset_dict: dict[str, Any], dataset_ref: URIRef) -> None:
        g = self.g
        for prefix, namespace in (("cv", CV), ("odrl", ODRL), ("scnp", SCNP), ("schema", SCHEMA),
                                  ("locn", LOCN), ("dcatap", DCATAP), ("vcard", VCARD)):
            g.bind(prefix, namespace)

        if dataset_dict.get("type") == "data-service":
            self._as_data_service(dataset_dict, dataset_ref)

        if not any(g.objects(dataset_ref, DCT.identifier)):
            g.add((dataset_ref, DCT.identifier, Literal(str(dataset_ref))))

        self._publisher(dataset_dict, dataset_ref)
        self._themes(dataset_dict, dataset_ref)
        for predicate, vocabulary in _DATASET_CONCEPTS.items():
            if vocabulary:
                extra_types = (DCT.LinguisticSystem,) if predicate == DCT.language else ()
                for value in list(g.objects(dataset_ref, predicate)):
                    self._concept(dataset_ref, predicate, value, vocabulary, extra_types)
        if dataset_dict.get("availability"):
            # Planned availability is a distribution property in DCAT-AP; the dataset-level value
            # is written on the dataset too, so it survives a round trip.
            self._concept(dataset_ref, DCATAP.availability, URIRef(dataset_dict["availability"]),
                          "planned-availability")
        self._spatial_units(dataset_dict, dataset_ref)
        self._conforms_to(dataset_ref)
        self._contact_points(dataset_ref)
        for distribution in list(g.objects(dataset_ref, DCAT.distribution)):
            self._distribution(dataset_dict, distribution)
        self._costs(dataset_dict, dataset_ref)
        self._byte_sizes_as_decimal()

    def _byte_sizes_as_decimal(self) -> None:
        """DCAT-AP-NO 2 types dcat:byteSize as xsd:decimal, DCAT-AP 3 as nonNegativeInteger.
        The whole graph, not this dataset's distributions only: ckanext-dcat's DCAT-AP 3 profile
        retypes every byte size in the graph for each dataset it adds, so in a catalog it would
        undo this for the datasets written before."""
        g = self.g
        for distribution, _, value in list(g.triples((None, DCAT.byteSize, None))):
            if getattr(value, "datatype", None) != XSD.decimal:
                g.remove((distribution, DCAT.byteSize, value))
                g.add((distribution, DCAT.byteSize, Literal(Decimal(int(value)), datatype=XSD.decimal)))

    def graph_from_catalog(self, catalog_dict: dict[str, Any] | None, catalog_ref: URIRef) -> None:
        g = self.g
        catalog_dict = catalog_dict or {}
        g.remove((catalog_ref, DCT.language, None))
        for code in ("NOB", "NNO", "ENG"):
            self._concept(catalog_ref, DCT.language, URIRef(f"{EU}language/{code}"), "language",
                          (DCT.LinguisticSystem,))
        # The homepage is a document of its own; written as the catalog's own URI it would make
        # the catalog a foaf:Document and trip that shape's language rule.
        for homepage in list(g.objects(catalog_ref, FOAF.homepage)):
            g.remove((catalog_ref, FOAF.homepage, homepage))
        homepage = URIRef(tk.config["ckan.site_url"].rstrip("/") + "/")
        g.add((catalog_ref, FOAF.homepage, homepage))
        g.add((homepage, RDF.type, FOAF.Document))
        if not any(g.objects(catalog_ref, DCT.identifier)):
            g.add((catalog_ref, DCT.identifier, Literal(str(catalog_ref))))
        g.remove((catalog_ref, DCT.publisher, None))
        publisher = catalog_dict.get("publisher") or {
            "uri": config.catalog_publisher_uri(), "name": config.catalog_publisher_name(),
        }
        self._agent(catalog_ref, DCT.publisher, publisher)
        contact = URIRef(f"{catalog_ref}#contact")
        g.add((catalog_ref, DCAT.contactPoint, contact))
        g.add((contact, RDF.type, VCARD.Organization))
        g.add((contact, VCARD.fn, Literal(publisher.get("name") or config.catalog_publisher_name(), lang="nb")))
        email = config.catalog_contact_email()
        if email:
            g.add((contact, VCARD.hasEmail, URIRef(f"mailto:{email}")))
        g.add((contact, VCARD.hasURL, URIRef(tk.config["ckan.site_url"].rstrip("/") + "/")))
        if catalog_dict.get("title"):
            g.remove((catalog_ref, DCT.title, None))
            g.add((catalog_ref, DCT.title, Literal(catalog_dict["title"], lang="nb")))
        if catalog_dict.get("description"):
            g.remove((catalog_ref, DCT.description, None))
            g.add((catalog_ref, DCT.description, Literal(catalog_dict["description"], lang="nb")))
        for predicate in (DCT.title, DCT.description):
            for value in list(g.objects(catalog_ref, predicate)):
                if isinstance(value, Literal) and not value.language:
                    g.remove((catalog_ref, predicate, value))
                    g.add((catalog_ref, predicate, Literal(str(value), lang="nb")))

    def _as_data_service(self, dataset_dict: dict[str, Any], ref: URIRef) -> None:
        g = self.g
        g.remove((ref, RDF.type, DCAT.Dataset))
        g.add((ref, RDF.type, DCAT.DataService))
        for url in dataset_dict.get("endpoint_url") or []:
            g.add((ref, DCAT.endpointURL, URIRef(url)))
        for url in dataset_dict.get("endpoint_description") or []:
            g.add((ref, DCAT.endpointDescription, URIRef(url)))
        for served in dataset_dict.get("serves_dataset") or []:
            served_dict = _visible_dataset(served)
            if served_dict is None:
                continue  # private or deleted: not even its id leaves the portal
            served_ref = URIRef(dataset_uri(served_dict))
            g.add((ref, DCAT.servesDataset, served_ref))
            # The shapes want the served dataset described, not just named.
            if (served_ref, RDF.type, DCAT.Dataset) not in g:
                from ckanext.dcat.processors import RDFSerializer

                serializer = RDFSerializer(profiles=[p.name for p in _chain_of(self)])
                serializer.g = g
                serializer.graph_from_dataset(served_dict)
        # A data service's licence sits on the service itself.
        licence = licences.register().get(dataset_dict.get("license_id") or "")
        if licence and licence.get("url"):
            self._licence(ref, licence)

    def _agent(self, subject: URIRef, predicate: URIRef, agent: dict[str, Any]) -> None:
        g = self.g
        ref = URIRef(agent["uri"]) if agent.get("uri") else BNode()
        g.add((subject, predicate, ref))
        g.add((ref, RDF.type, FOAF.Agent))
        if agent.get("name"):
            g.add((ref, FOAF.name, Literal(agent["name"], lang="nb")))
        if agent.get("orgnr"):
            g.add((ref, DCT.identifier, Literal(agent["orgnr"])))

    def _publisher(self, dataset_dict: dict[str, Any], ref: URIRef) -> None:
        g = self.g
        org = dataset_dict.get("organization") or {}
        if not org.get("id"):
            return
        from ckanext.scn.logic.catalog import organization_publisher

        publisher = organization_publisher(org["id"])
        orgnr, uri = publisher.get("orgnr"), publisher.get("uri")
        for old in list(g.objects(ref, DCT.publisher)):
            g.remove((ref, DCT.publisher, old))
            if isinstance(old, BNode):
                g.remove((old, None, None))
        self._agent(ref, DCT.publisher, {"uri": uri, "name": publisher.get("name") or org.get("title"),
                                         "orgnr": orgnr})

    def _themes(self, dataset_dict: dict[str, Any], ref: URIRef) -> None:
        g = self.g
        for uri in dataset_dict.get("los_theme") or []:
            g.add((ref, DCAT.theme, URIRef(uri)))
        eu, los = vocabularies.get("data-theme"), vocabularies.get("los")
        for value in list(g.objects(ref, DCAT.theme)):
            if eu.by_uri(str(value)):
                self._concept(ref, DCAT.theme, value, "data-theme")
            elif los.by_uri(str(value)):
                self._concept(ref, DCAT.theme, value, "los")

    def _scheme(self, scheme: URIRef, titles: dict[str, str]) -> None:
        g = self.g
        if (scheme, RDF.type, SKOS.ConceptScheme) in g:
            return
        g.add((scheme, RDF.type, SKOS.ConceptScheme))
        for lang, title in titles.items():
            g.add((scheme, DCT.title, Literal(title, lang=lang)))

    def _concept(self, subject: Any, predicate: URIRef, value: Any, vocabulary_name: str,
                 extra_types: tuple[URIRef, ...] = ()) -> URIRef | None:
        """Replace VALUE (a URI, code or literal) by its concept, typed and in its scheme."""
        g = self.g
        vocabulary = vocabularies.get(vocabulary_name)
        concept = vocabulary.resolve(str(value))
        if concept is None:
            return None
        uri = URIRef(concept.uri)
        if value != uri:
            g.remove((subject, predicate, value))
        g.add((subject, predicate, uri))
        if (uri, RDF.type, SKOS.Concept) in g:
            # Described already by an earlier entry of the same catalog page: a page of 100
            # datasets names the same few themes hundreds of times.
            for extra_type in extra_types:
                g.add((uri, RDF.type, extra_type))
            return uri
        g.add((uri, RDF.type, SKOS.Concept))
        for extra_type in extra_types:
            g.add((uri, RDF.type, extra_type))
        scheme = LOS_SCHEME if vocabulary_name == "los" else URIRef(vocabulary.scheme_uri or "")
        if scheme:
            g.add((uri, SKOS.inScheme, scheme))
            self._scheme(scheme, vocabulary.title or {"en": vocabulary.name})
        for lang, label in concept.labels.items():
            if label and label != "*":
                g.add((uri, SKOS.prefLabel, Literal(label, lang=lang)))
        return uri

    def _spatial_units(self, dataset_dict: dict[str, Any], ref: URIRef) -> None:
        g = self.g
        municipalities, counties = vocabularies.get("municipality"), vocabularies.get("county")
        for area in dataset_dict.get("spatial_coverage") or []:
            concept = municipalities.by_uri(area.get("uri") or "") or counties.by_uri(area.get("uri") or "")
            if concept is None:
                continue
            uri = URIRef(concept.uri)
            g.add((ref, DCT.spatial, uri))
            g.add((uri, RDF.type, DCT.Location))
            g.add((uri, DCT.identifier, Literal(concept.code)))
            g.add((uri, SKOS.prefLabel, Literal(concept.label("nb"), lang="nb")))
            g.remove((uri, LOCN.geometry, None))
        # The extent (a blank dct:Location from ckanext-dcat) gets a URI of its own.
        for location in list(g.objects(ref, DCT.spatial)):
            if isinstance(location, BNode):
                named = URIRef(f"{ref}#extent")
                g.remove((ref, DCT.spatial, location))
                g.add((ref, DCT.spatial, named))
                for p_, o_ in list(g.predicate_objects(location)):
                    g.add((named, p_, o_))
                g.remove((location, None, None))
        # ckanext-dcat writes each coverage entry with its text as a second label; keep one.
        for uri in g.objects(ref, DCT.spatial):
            labels = list(g.objects(uri, SKOS.prefLabel))
            if len(labels) > 1:
                for label in labels[1:]:
                    g.remove((uri, SKOS.prefLabel, label))

    def _contact_points(self, ref: Any) -> None:
        """vcard:Organization as well: DCAT-AP-NO 3 wants a subclass of vcard:Kind."""
        for contact in self.g.objects(ref, DCAT.contactPoint):
            self.g.add((contact, RDF.type, VCARD.Organization))

    def _conforms_to(self, ref: URIRef) -> None:
        """A standard needs a title; the schema only holds its URL, which then serves as one."""
        for standard in self.g.objects(ref, DCT.conformsTo):
            self.g.add((standard, RDF.type, DCT.Standard))
            if not any(self.g.objects(standard, DCT.title)):
                self.g.add((standard, DCT.title, Literal(str(standard))))

    def _licence(self, subject: Any, licence: dict[str, Any]) -> None:
        g = self.g
        g.remove((subject, DCT.license, None))
        uri = URIRef(licence["url"])
        g.add((subject, DCT.license, uri))
        g.add((uri, RDF.type, DCT.LicenseDocument))
        # ckanext-dcat marks every licence "unknown IPR"; the licence list knows better.
        g.remove((uri, DCT.type, URIRef("http://purl.org/adms/licencetype/UnknownIPR")))
        if _is_eu_licence(licence):
            g.add((uri, RDF.type, SKOS.Concept))
            g.add((uri, SKOS.inScheme, EU_LICENCE_SCHEME))
            self._scheme(EU_LICENCE_SCHEME, {"en": "Licences", "nb": "Lisenser"})
            g.add((uri, SKOS.prefLabel, Literal(licence["title"], lang="nb")))
        g.add((uri, DCT.title, Literal(licence["title"], lang="nb")))
        if licence.get("text_url"):
            g.add((uri, FOAF.page, URIRef(licence["text_url"])))

    def _distribution(self, dataset_dict: dict[str, Any], distribution: Any) -> None:
        g = self.g
        resource = _resource_for(dataset_dict, distribution)
        register = licences.register()

        for predicate in (DCT.title, DCT.description):
            for value in list(g.objects(distribution, predicate)):
                if isinstance(value, Literal) and not value.language:
                    g.remove((distribution, predicate, value))
                    g.add((distribution, predicate, Literal(str(value), lang="nb")))

        # dcat:accessURL is mandatory in DCAT-AP-NO, also when it equals the download URL.
        if not any(g.objects(distribution, DCAT.accessURL)):
            url = (resource or {}).get("url") or next(iter(g.objects(distribution, DCAT.downloadURL)), None)
            if url:
                g.add((distribution, DCAT.accessURL, URIRef(str(url))))

        licence_id = (resource or {}).get("license") or dataset_dict.get("license_id")
        licence = register.get(licence_id or "")
        g.remove((distribution, DCT.license, None))
        if licence and licence.get("url"):
            self._licence(distribution, licence)
        elif licence:
            # Commercial terms: a rights statement pointing at the terms (no EU licence URI fits).
            terms = dataset_dict.get("license_terms_url")
            rights = URIRef(terms) if terms else BNode()
            g.add((distribution, DCT.rights, rights))
            g.add((rights, RDF.type, DCT.RightsStatement))
            g.add((rights, RDFS.label, Literal(licence["title"], lang="nb")))

        for value in list(g.objects(distribution, DCT["format"])):
            g.remove((distribution, DCT["format"], value))
            uri = self._concept(distribution, DCT["format"], value, "file-type",
                                extra_types=(DCT.MediaTypeOrExtent,))
            if uri is None:
                g.remove((distribution, DCT["format"], value))
        for value in list(g.objects(distribution, DCAT.mediaType)):
            g.remove((distribution, DCAT.mediaType, value))
            media_type = str(value).removeprefix(IANA_MEDIA_TYPES)
            if "/" in media_type:
                uri = URIRef(IANA_MEDIA_TYPES + media_type)
                g.add((distribution, DCAT.mediaType, uri))
                g.add((uri, RDF.type, DCT.MediaType))
        for value in list(g.objects(distribution, ADMS.status)):
            g.add((value, RDF.type, SKOS.Concept))
            g.add((value, SKOS.inScheme, ADMS_STATUS_SCHEME))
            self._scheme(ADMS_STATUS_SCHEME, {"en": "ADMS status", "nb": "ADMS-status"})
            for lang, label in _STATUS_LABELS.get(str(value).rsplit("/", 1)[-1], {}).items():
                g.add((value, SKOS.prefLabel, Literal(label, lang=lang)))
        for value in list(g.objects(distribution, DCATAP.availability)):
            self._concept(distribution, DCATAP.availability, value, "planned-availability")
        # The DCAT-AP-NO 2 shapes accept SHA-1 checksums only; others are left out of this profile.
        for checksum in list(g.objects(distribution, SPDX.checksum)):
            if (checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha1) not in g:
                g.remove((distribution, SPDX.checksum, checksum))
                g.remove((checksum, None, None))

        for service in g.objects(distribution, DCAT.accessService):
            if not any(g.objects(service, DCT.identifier)):
                endpoint = next(iter(g.objects(service, DCAT.endpointURL)), None)
                if endpoint is not None:
                    g.add((service, DCT.identifier, Literal(str(endpoint))))

        paid = [o for o in pricing.offers_of(dataset_dict) if o["price_model"] != "free"]
        if paid:
            self._odrl_offer(distribution, paid)

    def _odrl_offer(self, distribution: Any, offers: list[dict[str, Any]]) -> None:
        """A policy saying the data may be used against payment (odrl:compensate / payAmount)."""
        g = self.g
        policy = BNode()
        g.add((distribution, ODRL.hasPolicy, policy))
        g.add((policy, RDF.type, ODRL.Policy))
        g.add((policy, RDF.type, ODRL.Offer))
        permission = BNode()
        g.add((policy, ODRL.permission, permission))
        g.add((permission, ODRL.action, ODRL.use))
        for offer in offers:
            duty = BNode()
            g.add((permission, ODRL.duty, duty))
            g.add((duty, ODRL.action, ODRL.compensate))
            if offer.get("amount") not in (None, ""):
                constraint = BNode()
                g.add((duty, ODRL.constraint, constraint))
                g.add((constraint, ODRL.leftOperand, ODRL.payAmount))
                g.add((constraint, ODRL.operator, ODRL.eq))
                g.add((constraint, ODRL.rightOperand, Literal(Decimal(str(offer["amount"])), datatype=XSD.decimal)))
                g.add((constraint, ODRL.unit, URIRef(CURRENCY + (offer.get("currency") or "NOK"))))

    def _costs(self, dataset_dict: dict[str, Any], ref: URIRef) -> None:
        g = self.g
        for offer in pricing.offers_of(dataset_dict):
            currency = offer.get("currency") or pricing.DEFAULT_CURRENCY
            amount = offer.get("amount")
            if offer["price_model"] == "free":
                amount = 0
            cost = BNode()
            g.add((ref, CV.hasCost, cost))
            g.add((cost, RDF.type, CV.Cost))
            if amount not in (None, ""):
                g.add((cost, CV.hasValue, Literal(float(amount), datatype=XSD.double)))
            g.add((cost, CV.currency, URIRef(CURRENCY + currency)))
            for lang in ("nb", "nn", "en"):
                g.add((cost, DCT.description, Literal(pricing.offer_label(offer, lang), lang=lang)))
            if offer.get("description"):
                g.add((cost, RDFS.comment, Literal(offer["description"], lang="nb")))
            g.add((cost, SCNP.priceModel, SCNP[offer["price_model"]]))
            for key, predicate in (("billing_period", SCNP.billingPeriod), ("unit", SCNP.unit)):
                if offer.get(key):
                    g.add((cost, predicate, SCNP[offer[key]]))
            if offer.get("free_quota"):
                g.add((cost, SCNP.freeQuota, Literal(offer["free_quota"])))
            if isinstance(offer.get("vat_included"), bool):
                g.add((cost, SCNP.vatIncluded, Literal(offer["vat_included"])))
            if offer.get("terms_url"):
                g.add((cost, FOAF.page, URIRef(offer["terms_url"])))

            schema_offer = BNode()
            g.add((ref, SCHEMA.offers, schema_offer))
            g.add((schema_offer, RDF.type, SCHEMA.Offer))
            g.add((schema_offer, SCHEMA.price, Literal(Decimal(str(amount or 0)), datatype=XSD.decimal)))
            g.add((schema_offer, SCHEMA.priceCurrency, Literal(currency)))
            g.add((schema_offer, SCHEMA.description, Literal(pricing.offer_label(offer, "nb"), lang="nb")))
            if offer.get("terms_url"):
                g.add((schema_offer, SCHEMA.url, URIRef(offer["terms_url"])))

    # ---- input ----------------------------------------------------------------------------------

    def parse_dataset(self, dataset_dict: dict[str, Any], dataset_ref: Any) -> dict[str, Any]:
        """Shape what euro_dcat_ap_3 read into the SCN schema; problems go to ``scn_warnings``."""
        warnings: list[str] = dataset_dict.setdefault("scn_warnings", [])
        g = self.g

        for key, predicate, label in (("title_translated", DCT.title, "dct:title"),
                                      ("notes_translated", DCT.description, "dct:description")):
            seen: dict[str, int] = {}
            for value in g.objects(dataset_ref, predicate):
                lang = (value.language or "nb").split("-")[0] if isinstance(value, Literal) else "nb"
                seen[lang] = seen.get(lang, 0) + 1
            for lang, count in seen.items():
                if count > 1:
                    warnings.append(f"{label} has {count} values in language {lang!r} "
                                    f"(DCAT-AP-NO allows one); kept one")
            value = dataset_dict.get(key)
            if isinstance(value, dict):
                dataset_dict[key] = _languages(value)

        keywords = dataset_dict.get("tags_translated")
        if isinstance(keywords, dict):
            dataset_dict["tags_translated"] = {
                lang: tags for lang, tags in _languages(keywords, keep_lists=True).items() if tags}
        dataset_dict.pop("tags", None)

        for key in ("theme", "language", "conforms_to", "documentation", "applicable_legislation",
                    "alternate_identifier", "is_referenced_by", "has_version"):
            if key in dataset_dict:
                dataset_dict[key] = _list(dataset_dict[key])
        eu, los = vocabularies.get("data-theme"), vocabularies.get("los")
        themes, los_themes = [], []
        for value in dataset_dict.get("theme") or []:
            if eu.resolve(value):
                themes.append(eu.resolve(value).uri)
            elif los.resolve(value):
                los_themes.append(los.resolve(value).uri)
            else:
                warnings.append(f"dcat:theme {value!r} is neither an EU data theme nor a LOS theme; left out")
        dataset_dict["theme"] = list(dict.fromkeys(themes))
        if los_themes:
            dataset_dict["los_theme"] = list(dict.fromkeys(los_themes))

        availability = g.value(dataset_ref, DCATAP.availability)
        if availability is not None and not dataset_dict.get("availability"):
            dataset_dict["availability"] = str(availability)
        for key, vocabulary_name, label in (("access_rights", "access-right", "dct:accessRights"),
                                            ("frequency", "frequency", "dct:accrualPeriodicity"),
                                            ("availability", "planned-availability", "dcatap:availability")):
            value = dataset_dict.get(key)
            if value:
                concept = vocabularies.get(vocabulary_name).resolve(str(value))
                if concept:
                    dataset_dict[key] = concept.uri
                else:
                    warnings.append(f"{label} {value!r} is not in the {vocabulary_name} vocabulary; left out")
                    dataset_dict.pop(key)
        languages = []
        for value in dataset_dict.get("language") or []:
            concept = vocabularies.get("language").resolve(str(value).rsplit("/", 1)[-1])
            if concept:
                languages.append(concept.uri)
        if languages:
            dataset_dict["language"] = languages
        else:
            dataset_dict.pop("language", None)

        self._parse_spatial(dataset_dict, dataset_ref, warnings)
        self._parse_publisher(dataset_dict, dataset_ref)
        self._parse_licence(dataset_dict, dataset_ref, warnings)
        self._parse_costs(dataset_dict, dataset_ref, warnings)
        self._parse_contacts(dataset_dict)
        for resource in dataset_dict.get("resources") or []:
            self._parse_resource(resource)
        if (dataset_ref, RDF.type, DCAT.DataService) in g:
            self._parse_data_service(dataset_dict, dataset_ref)
        if not warnings:
            dataset_dict.pop("scn_warnings")
        return dataset_dict

    def _parse_spatial(self, dataset_dict: dict[str, Any], ref: Any, warnings: list[str]) -> None:
        """Every dct:spatial: Norwegian administrative units to spatial_coverage, the first
        geometry (or bounding box) to the GeoJSON ``spatial`` extent."""
        municipalities, counties = vocabularies.get("municipality"), vocabularies.get("county")
        areas = []
        for value in self.g.objects(ref, DCT.spatial):
            if not isinstance(value, URIRef):
                continue
            concept = municipalities.by_uri(str(value)) or counties.by_uri(str(value))
            if concept:
                areas.append({"uri": concept.uri, "text": concept.label("nb")})
            else:
                warnings.append(f"dct:spatial {str(value)!r} is not a Norwegian municipality or county; left out")
        geometry = None
        for area in dataset_dict.get("spatial_coverage") or []:
            geometry = geometry or area.get("geom") or area.get("bbox")
        if areas:
            dataset_dict["spatial_coverage"] = areas
        else:
            dataset_dict.pop("spatial_coverage", None)
        if geometry and not dataset_dict.get("spatial"):
            dataset_dict["spatial"] = geometry if isinstance(geometry, str) else json.dumps(geometry)

    def _parse_publisher(self, dataset_dict: dict[str, Any], ref: Any) -> None:
        publisher = next(iter(self.g.objects(ref, DCT.publisher)), None)
        if publisher is None:
            return
        orgnr = orgnr_from_uri(str(publisher)) if isinstance(publisher, URIRef) else None
        for identifier in self.g.objects(publisher, DCT.identifier):
            orgnr = orgnr or (str(identifier) if re.fullmatch(r"\d{9}", str(identifier)) else None)
        names = {(n.language or "nb"): str(n) for n in self.g.objects(publisher, FOAF.name)}
        dataset_dict["scn_publisher"] = {
            "uri": str(publisher) if isinstance(publisher, URIRef) else None,
            "orgnr": orgnr,
            "name": names.get("nb") or names.get("nn") or names.get("en") or next(iter(names.values()), None),
        }
        dataset_dict.pop("publisher", None)

    def _parse_licence(self, dataset_dict: dict[str, Any], ref: Any, warnings: list[str]) -> None:
        by_uri = {}
        for licence_id, licence in licences.register().items():
            for url in (licence.get("url"), licence.get("text_url")):
                if url:
                    by_uri[_uri_key(url)] = licence_id
        # data.norge.no writes NLOD in several forms.
        for alias in ("http://data.norge.no/nlod/no/2.0", "https://data.norge.no/nlod/no/2.0",
                      "http://data.norge.no/nlod/", "http://data.norge.no/nlod/en/2.0", "http://data.norge.no/nlod/no"):
            by_uri.setdefault(_uri_key(alias), "NLOD-2.0")
        found = []
        for distribution in self.g.objects(ref, DCAT.distribution):
            for value in self.g.objects(distribution, DCT.license):
                licence_id = by_uri.get(_uri_key(str(value)))
                if licence_id:
                    found.append(licence_id)
                else:
                    warnings.append(f"dct:license {str(value)!r} is not in the portal's licence list")
        commercial = {str(d) for d in self.g.objects(ref, DCAT.distribution)
                      if (self.g.value(d, DCT.rights), RDF.type, DCT.RightsStatement) in self.g}
        for resource in dataset_dict.get("resources") or []:
            licence_id = by_uri.get(_uri_key(str(resource.get("license") or "")))
            if not licence_id and resource.get("distribution_ref") in commercial:
                licence_id = "other-commercial"
            if licence_id:
                resource["license"] = licence_id
            else:
                resource.pop("license", None)
        if not found:
            # This profile writes commercial terms as a rights statement pointing at them.
            for distribution in self.g.objects(ref, DCAT.distribution):
                rights = self.g.value(distribution, DCT.rights)
                if isinstance(rights, URIRef) and (rights, RDF.type, DCT.RightsStatement) in self.g:
                    found.append("other-commercial")
                    dataset_dict["license_terms_url"] = str(rights)
                    break
        if found and dataset_dict.get("license_id") not in licences.register():
            dataset_dict["license_id"] = found[0]
        elif dataset_dict.get("license_id") not in licences.register():
            dataset_dict.pop("license_id", None)

    def _parse_costs(self, dataset_dict: dict[str, Any], ref: Any, warnings: list[str]) -> None:
        g = self.g
        offers = []
        for cost in g.objects(ref, CV.hasCost):
            model = g.value(cost, SCNP.priceModel)
            value = g.value(cost, CV.hasValue)
            currency = g.value(cost, CV.currency)
            offer: dict[str, Any] = {}
            if value is not None:
                try:
                    amount = Decimal(str(value))
                except ArithmeticError:
                    warnings.append(f"cv:hasValue {str(value)!r} is not a number; cost left out")
                    continue
                offer["amount"] = pricing.json_number(amount)
            offer["price_model"] = str(model).rsplit("#", 1)[-1] if model else (
                "free" if offer.get("amount") == 0 else ("one_time" if "amount" in offer else "on_request"))
            if offer["price_model"] == "free":
                offer.pop("amount", None)
            if currency is not None:
                offer["currency"] = str(currency).rsplit("/", 1)[-1]
            for key, predicate in (("billing_period", SCNP.billingPeriod), ("unit", SCNP.unit)):
                item = g.value(cost, predicate)
                if item is not None:
                    offer[key] = str(item).rsplit("#", 1)[-1]
            for key, predicate in (("free_quota", SCNP.freeQuota), ("description", RDFS.comment)):
                item = g.value(cost, predicate)
                if item is not None:
                    offer[key] = str(item)
            if offer.get("description") is None:
                descriptions = {(d.language or "nb"): str(d) for d in g.objects(cost, DCT.description)}
                if descriptions and model is None:
                    offer["description"] = descriptions.get("nb") or next(iter(descriptions.values()))
            vat = g.value(cost, SCNP.vatIncluded)
            if vat is not None:
                offer["vat_included"] = bool(vat.toPython())
            page = g.value(cost, FOAF.page)
            if page is not None:
                offer["terms_url"] = str(page)
            offers.append(offer)
        if offers:
            dataset_dict["pricing"] = offers

    def _parse_contacts(self, dataset_dict: dict[str, Any]) -> None:
        contacts = []
        for contact in dataset_dict.get("contact") or []:
            email = (contact.get("email") or "").removeprefix("mailto:")
            entry = {"name": contact.get("name") or email or contact.get("url") or "",
                     "email": email, "url": contact.get("url")}
            contacts.append({k: v for k, v in entry.items() if v})
        if contacts:
            dataset_dict["contact"] = contacts

    def _parse_resource(self, resource: dict[str, Any]) -> None:
        file_types = vocabularies.get("file-type")
        value = resource.get("format")
        if value:
            concept = file_types.resolve(str(value)) or file_types.resolve(str(value).rsplit("/", 1)[-1])
            if concept:
                resource["format"] = concept.code
            else:
                resource.pop("format")
        mimetype = resource.get("mimetype")
        if mimetype:
            resource["mimetype"] = str(mimetype).removeprefix(IANA_MEDIA_TYPES)
        for key in ("hash_algorithm",):
            resource.pop(key, None) if not resource.get("hash") else None

    def _parse_data_service(self, dataset_dict: dict[str, Any], ref: Any) -> None:
        g = self.g
        dataset_dict["type"] = "data-service"
        dataset_dict["endpoint_url"] = [str(u) for u in g.objects(ref, DCAT.endpointURL)]
        descriptions = [str(u) for u in g.objects(ref, DCAT.endpointDescription)]
        if descriptions:
            dataset_dict["endpoint_description"] = descriptions
        served = [str(u) for u in g.objects(ref, DCAT.servesDataset)]
        if served:
            dataset_dict["scn_serves_dataset_uris"] = served
        dataset_dict.pop("resources", None)


def _visible_dataset(id_: str) -> dict[str, Any] | None:
    """The dataset as the current user (anonymous outside a request) may see it."""
    try:
        user = tk.current_user.name if tk.current_user and tk.current_user.is_authenticated else ""
    except (AttributeError, RuntimeError):
        user = ""
    try:
        return tk.get_action("package_show")({"user": user}, {"id": id_})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return None


def _chain_of(profile: RDFProfile) -> list[Any]:
    """The profiles in use: ckanext.dcat.rdf.profiles, ending with this one."""
    from ckanext.dcat.processors import RDFProcessor

    names = tk.config.get("ckanext.dcat.rdf.profiles", "euro_dcat_ap_3 dcat_ap_no").split()
    return RDFProcessor(profiles=names)._profiles


def _resource_for(dataset_dict: dict[str, Any], distribution: Any) -> dict[str, Any] | None:
    for resource in dataset_dict.get("resources") or []:
        if resource.get("id") and str(distribution) == resource_uri(resource):
            return resource
    return None


def _is_eu_licence(licence: dict[str, Any]) -> bool:
    return str(licence.get("url") or "").startswith(EU + "licence/")


def _languages(values: dict[str, Any], keep_lists: bool = False) -> dict[str, Any]:
    """Keep nb, nn and en (``no`` counts as nb); one value per language."""
    out: dict[str, Any] = {}
    for lang, value in values.items():
        code = {"no": "nb", "nob": "nb", "nno": "nn", "eng": "en"}.get(lang.lower().split("-")[0], lang.lower().split("-")[0])
        if code not in ("nb", "nn", "en") or code in out or value in ("", None, []):
            continue
        out[code] = value if keep_lists else (value[0] if isinstance(value, list) else value)
    return out


def _list(value: Any) -> list[Any]:
    """ckanext-dcat hands list fields over as JSON text."""
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except ValueError:
            return [value] if value else []
        return parsed if isinstance(parsed, list) else [parsed]
    return list(value or [])


def _uri_key(uri: str) -> str:
    return re.sub(r"^https?://", "", uri.strip().lower()).rstrip("/")
