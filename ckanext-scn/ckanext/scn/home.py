"""What the home page shows: dataset counts by domain, municipality and price, and the newest
datasets. Everything comes from package_search, so the counts are the ones the search page
shows when a visitor follows a link.

Not cached: the statistics are one ``rows=0`` faceted Solr query, and a cache would show a
publisher stale numbers right after they publish.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.scn.search import facet_label, lang_code

DOMAIN_FACET = "scn_domain"
MUNICIPALITY_FACET = "scn_municipality"
FREE_FACET = "is_free"
TOP_MUNICIPALITIES = 10
# The search page lists datasets of one type; the counts here must match what its links show.
_DATASETS_ONLY = "+dataset_type:dataset"


@dataclass(frozen=True)
class Bar:
    """One row of a bar chart: a facet value, its label, its count and the link to the search
    filtered by it."""

    value: str
    label: str
    count: int
    url: str
    percent: int  # of the chart's largest count, for the bar's width


@dataclass(frozen=True)
class HomeStats:
    total: int
    domains: list[Bar] = field(default_factory=list)
    municipalities: list[Bar] = field(default_factory=list)
    price: list[Bar] = field(default_factory=list)


def home_stats() -> HomeStats:
    result = tk.get_action("package_search")({}, {
        "q": "*:*", "fq": _DATASETS_ONLY, "rows": 0,
        "facet.field": [DOMAIN_FACET, MUNICIPALITY_FACET, FREE_FACET], "facet.limit": -1,
    })
    facets = result.get("facets") or {}
    lang = lang_code()
    return HomeStats(
        total=result["count"],
        domains=_bars(DOMAIN_FACET, facets.get(DOMAIN_FACET) or {}, lang),
        municipalities=_bars(MUNICIPALITY_FACET, facets.get(MUNICIPALITY_FACET) or {}, lang)[:TOP_MUNICIPALITIES],
        # Free first, then paid, whatever their counts: a fixed order reads better for two rows.
        price=sorted(_bars(FREE_FACET, facets.get(FREE_FACET) or {}, lang), key=lambda b: b.value != "true"),
    )


def _bars(facet: str, counts: dict[str, int], lang: str) -> list[Bar]:
    counted = [(value, count) for value, count in counts.items() if count > 0]
    largest = max((count for _, count in counted), default=0)
    bars = [
        Bar(value=value, label=facet_label(facet, value, lang), count=count,
            url=tk.h.url_for("dataset.search", **{facet: value}),
            percent=round(100 * count / largest) if largest else 0)
        for value, count in counted
    ]
    return sorted(bars, key=lambda b: (-b.count, b.label))


def newest_datasets(limit: int = 5) -> list[dict[str, Any]]:
    """The most recently published datasets and data services the current user may see."""
    result = tk.get_action("package_search")({}, {"sort": "metadata_created desc", "rows": limit})
    return result["results"]
