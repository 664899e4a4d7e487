"""Template helpers of the portal's own pages: the header's language switcher, the home page
and the organization pages (exported through helpers.py)."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.scn import featured, home, vocabularies
from ckanext.scn.search import facet_label, lang_code

# CKAN locale -> (our language code, the language's name in itself). Names are endonyms so a
# reader finds their language whatever the page is in.
_LANGUAGES = {
    "nb_NO": ("nb", "Bokmål"),
    "nn": ("nn", "Nynorsk"),
    "en": ("en", "English"),
}
# The logo CKAN ships: while it is configured, the header shows the SCN wordmark instead.
_CKAN_DEFAULT_LOGO = "/base/images/ckan-logo.png"


def scn_language_links() -> list[dict[str, Any]]:
    """The current page in each offered language, for the header's language switcher."""
    current = lang_code()
    default_locale = tk.config.get("ckan.locale_default")
    offered = tk.aslist(tk.config.get("ckan.locales_offered")) or list(_LANGUAGES)
    links = []
    for locale in offered:
        if locale not in _LANGUAGES:
            continue
        code, name = _LANGUAGES[locale]
        links.append({
            "lang": code, "name": name, "active": code == current,
            # The default language has no prefix in CKAN's URLs.
            "url": tk.h.url_for(tk.h.current_url(), locale="default" if locale == default_locale else locale),
        })
    return links


def scn_custom_site_logo() -> str | None:
    """A logo a sysadmin configured, or None when the header should show the SCN wordmark."""
    logo = tk.config.get("ckan.site_logo")
    return logo if logo and logo != _CKAN_DEFAULT_LOGO else None


def scn_home_stats() -> home.HomeStats:
    return home.home_stats()


def scn_newest_datasets(limit: int = 5) -> list[dict[str, Any]]:
    return home.newest_datasets(limit)


def scn_featured_datasets() -> list[dict[str, Any]]:
    return featured.featured_datasets()


def scn_organization_type_label(org_type: str | None) -> str:
    return facet_label("scn_org_type", org_type, lang_code()) if org_type else ""


def scn_municipality_name(code: str | None) -> str:
    """The municipality's name for a 4-digit municipality number, in the user's language."""
    concept = vocabularies.get("municipality").by_code(code) if code else None
    return concept.label(lang_code()) if concept else ""
