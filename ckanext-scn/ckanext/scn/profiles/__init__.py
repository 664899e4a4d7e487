"""ckanext-dcat RDF profiles of the SCN portal (registered under ``ckan.rdf.profiles``)."""
from ckanext.scn.profiles.dcat_ap_no import DCATAPNOProfile
from ckanext.scn.profiles.parser import DCATAPNOParser

__all__ = ["DCATAPNOProfile", "DCATAPNOParser"]
