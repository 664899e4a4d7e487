"""`ckan scn harvest sources-sync` and `ckan scn harvest run`."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ckan.cli.cli import ckan
from ckan.tests.helpers import call_action

from tests.harvest.test_dcat_ap_no import catalog, dataset

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
ROOT = Path(__file__).resolve().parents[2]


def test_the_real_source_list_syncs_idempotently(cli):
    path = str(ROOT / "config" / "harvest_sources.yaml")
    # The CSW and CKAN source types may not be registered in every configuration: sync the
    # DCAT-AP-NO source alone if so.
    data = yaml.safe_load(Path(path).read_text())
    types = {h["name"] for h in call_action("harvesters_info_show")}
    assert "dcat_ap_no" in types

    first = cli.invoke(ckan, ["scn", "harvest", "sources-sync", "--file", path])
    second = cli.invoke(ckan, ["scn", "harvest", "sources-sync", "--file", path])

    assert first.exit_code == 0, first.output
    assert "data-norge-no: source created" in first.output
    assert "data-norge-no: source unchanged" in second.output
    source = call_action("harvest_source_show", id="data-norge-no")
    assert source["source_type"] == "dcat_ap_no"
    assert call_action("organization_show", id="digdir")["orgnr"] == "991825827"
    assert len(data["sources"]) >= 3


def test_a_changed_source_is_updated(cli, tmp_path):
    path = tmp_path / "sources.yaml"
    entry = {"name": "kilde", "title": "Kilde", "url": "https://example.no/catalog.ttl", "source_type": "dcat_ap_no",
             "owner_org": "org", "config": {"create_organizations": False}}
    data = {"organizations": [{"name": "org", "title": "Org", "orgnr": "926543180", "org_type": "company"}],
            "sources": [entry]}
    path.write_text(yaml.safe_dump(data))
    cli.invoke(ckan, ["scn", "harvest", "sources-sync", "--file", str(path)])
    entry["url"] = "https://example.no/v2/catalog.ttl"
    path.write_text(yaml.safe_dump(data))

    result = cli.invoke(ckan, ["scn", "harvest", "sources-sync", "--file", str(path)])

    assert "kilde: source updated" in result.output
    assert call_action("harvest_source_show", id="kilde")["url"] == "https://example.no/v2/catalog.ttl"


def test_run_reports_the_counts(cli, site, as_sysadmin):
    org = call_action("organization_create", context=dict(as_sysadmin), name="org", title="Org",
                      orgnr="926543180", org_type="company")
    call_action("harvest_source_create", context=dict(as_sysadmin), name="kilde", title="Kilde",
                url=site.add("/c.ttl", catalog(dataset(1), dataset(2))), source_type="dcat_ap_no",
                owner_org=org["id"])

    first = cli.invoke(ckan, ["scn", "harvest", "run", "kilde"])
    second = cli.invoke(ckan, ["scn", "harvest", "run", "kilde"])

    assert first.exit_code == 0, first.output
    assert "2 added, 0 updated, 0 unchanged, 0 withdrawn, 0 errors" in first.output
    assert "0 added, 0 updated, 2 unchanged" in second.output
    status = call_action("harvest_source_show", id="kilde")["status"]
    assert status["last_job"]["stats"].get("not modified") == 2


def test_run_fails_with_the_errors_listed(cli, site, as_sysadmin):
    org = call_action("organization_create", context=dict(as_sysadmin), name="org", title="Org",
                      orgnr="926543180", org_type="company")
    call_action("harvest_source_create", context=dict(as_sysadmin), name="kilde", title="Kilde",
                url=site.base + "/missing.ttl", source_type="dcat_ap_no", owner_org=org["id"])

    result = cli.invoke(ckan, ["scn", "harvest", "run", "kilde"])

    assert result.exit_code == 1
    assert "gather error: Could not get" in result.output and "404" in result.output
