"""`ckan scn admin ensure` and `ckan scn demo load`, run through CKAN's own CLI."""
from __future__ import annotations

import stat

import pytest

from ckan.cli.cli import ckan
from ckan.lib import api_token
from ckan.tests.helpers import call_action


def _mode(path):
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestAdminEnsure:
    def _ensure(self, cli, tmp_path):
        return cli.invoke(ckan, [
            "scn", "admin", "ensure",
            "--credentials", str(tmp_path / "admin-credentials"),
            "--token", str(tmp_path / "admin.token"),
        ])

    def test_creates_a_sysadmin_with_private_credential_and_token_files(self, cli, tmp_path):
        result = self._ensure(cli, tmp_path)

        assert result.exit_code == 0, result.output
        user = call_action("user_show", id="admin")
        assert user["sysadmin"] is True
        credentials = tmp_path / "admin-credentials"
        token_file = tmp_path / "admin.token"
        assert _mode(credentials) == 0o600 and _mode(token_file) == 0o600
        assert "username: admin" in credentials.read_text()
        token_user = api_token.get_user_from_token(token_file.read_text().strip())
        assert token_user is not None and token_user.name == "admin"

    def test_second_run_changes_nothing(self, cli, tmp_path):
        self._ensure(cli, tmp_path)
        credentials = (tmp_path / "admin-credentials").read_text()
        token = (tmp_path / "admin.token").read_text()

        result = self._ensure(cli, tmp_path)

        assert result.exit_code == 0, result.output
        assert "unchanged" in result.output
        assert (tmp_path / "admin-credentials").read_text() == credentials
        assert (tmp_path / "admin.token").read_text() == token

    def test_a_revoked_token_is_replaced(self, cli, tmp_path):
        self._ensure(cli, tmp_path)
        old_token = (tmp_path / "admin.token").read_text().strip()
        call_action("api_token_revoke", context={"user": "admin"}, token=old_token)

        self._ensure(cli, tmp_path)

        new_token = (tmp_path / "admin.token").read_text().strip()
        assert new_token != old_token
        assert api_token.get_user_from_token(new_token).name == "admin"


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
class TestDemoLoad:
    def test_loads_municipalities_a_company_and_searchable_datasets(self, cli):
        result = cli.invoke(ckan, ["scn", "demo", "load"])

        assert result.exit_code == 0, result.output
        orgs = call_action("organization_list", all_fields=True, include_extras=True)
        assert len(orgs) >= 5
        assert {o["org_type"] for o in orgs} >= {"municipality", "company"}
        search = call_action("package_search", rows=100, fq="dataset_type:dataset")
        assert search["count"] >= 20
        for dataset in search["results"]:
            assert dataset["resources"], dataset["name"]
            assert dataset["spatial"], dataset["name"]

    def test_is_idempotent_and_keeps_edits(self, cli, as_sysadmin):
        cli.invoke(ckan, ["scn", "demo", "load"])
        count = call_action("package_search")["count"]
        call_action("package_patch", context=dict(as_sysadmin), id="oslo-bysykkel-stasjoner",
                    title_translated={"nb": "Edited on the portal"})

        result = cli.invoke(ckan, ["scn", "demo", "load"])

        assert result.exit_code == 0, result.output
        assert "0 organizations and 0 datasets created" in result.output
        assert call_action("package_search")["count"] == count
        assert call_action("package_show", id="oslo-bysykkel-stasjoner")["title"] == "Edited on the portal"

    def test_demo_uses_the_schemas_with_free_paid_and_restricted_examples(self, cli):
        cli.invoke(ckan, ["scn", "demo", "load"])
        facets = call_action("package_search", **{"facet.field": '["price_models", "scn_access_rights"]'})["facets"]
        assert {"free", "freemium", "subscription", "pay_per_use", "one_time", "on_request"} <= set(facets["price_models"])
        assert any(uri.endswith("/RESTRICTED") for uri in facets["scn_access_rights"])
        services = call_action("package_search", fq="dataset_type:data-service")
        assert services["count"] == 2

    def test_demo_extents_lie_over_their_municipality(self, cli):
        cli.invoke(ckan, ["scn", "demo", "load"])
        # A box inside Trondheim sentrum finds Trondheim's datasets (and the national company's).
        result = call_action("package_search", rows=100, extras={"ext_bbox": "10.38,63.42,10.42,63.44"})
        orgs = {d["organization"]["name"] for d in result["results"]}
        assert "trondheim-kommune" in orgs
        assert "bergen-kommune" not in orgs and "oslo-kommune" not in orgs
