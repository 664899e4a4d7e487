"""Reading DCAT-AP-NO RDF into SCN dataset dicts."""
from __future__ import annotations

from typing import Any, Iterator

from rdflib.namespace import RDF

from ckanext.dcat.processors import RDFParser
from ckanext.dcat.profiles.base import DCAT

PROFILES = ["euro_dcat_ap_3", "dcat_ap_no"]
DEFAULT_LANGUAGE = "nb"


class DCATAPNOParser(RDFParser):
    """ckanext-dcat's parser with the DCAT-AP-NO profile, yielding data services too.

    A dict may carry ``scn_warnings`` (problems found while mapping, each naming the property),
    ``scn_publisher`` (uri, orgnr, name) and, for services, ``scn_serves_dataset_uris``: inputs
    for a harvester, not schema fields.
    """

    def __init__(self, profiles: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(profiles=profiles or PROFILES, **kwargs)
        self.stop_paging = False  # set by a harvester that has seen enough pages

    def next_page(self) -> str | None:
        return None if self.stop_paging else super().next_page()

    def _datasets(self) -> Iterator[Any]:
        yield from self.g.subjects(RDF.type, DCAT.Dataset)
        yield from self.g.subjects(RDF.type, DCAT.DataService)

    def datasets(self) -> Iterator[dict[str, Any]]:
        """As ckanext-dcat's, with Bokmål ("nb") for untagged literals: the profiles default to
        ``ckan.locale_default``, which is ``nb_NO``, not a language tag the schemas use."""
        for dataset_ref in self._datasets():
            dataset_dict: dict[str, Any] = {}
            for profile_class in self._profiles:
                profile = profile_class(self.g, dataset_type=self.dataset_type,
                                        compatibility_mode=self.compatibility_mode)
                profile._default_lang = DEFAULT_LANGUAGE
                profile.parse_dataset(dataset_dict, dataset_ref)
            dataset_dict.setdefault("type", "dataset")
            yield dataset_dict
