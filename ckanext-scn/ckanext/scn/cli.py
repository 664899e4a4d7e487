"""``ckan scn …`` commands: site set-up and demo data."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

import click

from ckanext.scn import demo

__all__ = ["scn"]


@click.group(short_help="Smart Cities Norway portal commands")
def scn() -> None:
    pass


@scn.group(name="admin", short_help="The portal's sysadmin account")
def admin() -> None:
    pass


@admin.command(name="ensure")
@click.option("--name", default="admin", show_default=True)
@click.option("--email", default="admin@localhost", show_default=True)
@click.option("--credentials", "credentials_path", type=click.Path(path_type=Path), required=True,
              help="File holding the password (read if present, written mode 600 otherwise).")
@click.option("--token", "token_path", type=click.Path(path_type=Path), required=True,
              help="File holding an API token (kept while it is valid, renewed otherwise).")
def ensure_admin(name: str, email: str, credentials_path: Path, token_path: Path) -> None:
    """Create or repair the sysadmin NAME, its password file and its API token file."""
    from ckanext.scn.logic import setup

    password = _read_secret(credentials_path, "password")
    if password is None:
        password = secrets.token_urlsafe(18)
    changed = setup.ensure_sysadmin(name, email, password)
    _write_secret(credentials_path, f"username: {name}\npassword: {password}\n")

    token = _read_secret(token_path)
    if token is None or not setup.token_is_valid(name, token):
        token = setup.create_api_token(name, "scn-cli")
        _write_secret(token_path, token + "\n")
        changed = True
    click.echo(f"sysadmin {name}: {'updated' if changed else 'unchanged'}")


@scn.group(name="demo", short_help="Demo organizations and datasets")
def demo_group() -> None:
    pass


@demo_group.command(name="load")
@click.option("--file", "path", default=None, help="Demo JSON (default: ckanext.scn.demo.file)")
def demo_load(path: str | None) -> None:
    """Create the demo organizations and datasets that do not exist yet (idempotent)."""
    report = demo.load(demo.read(path))
    click.echo(
        "demo data: {orgs_created} organizations and {datasets_created} datasets created, "
        "{orgs_existing} organizations and {datasets_existing} datasets already there".format(**report)
    )


@scn.group(name="dcat", short_help="DCAT-AP-NO output")
def dcat_group() -> None:
    pass


@dcat_group.command(name="validate")
@click.option("--org", "organization", default=None, help="Validate this organization's catalog only")
@click.option("--show", default=20, show_default=True, help="How many findings to list per version")
def dcat_validate(organization: str | None, show: int) -> None:
    """Validate the live public catalog against the official DCAT-AP-NO SHACL shapes.

    Version 2 (in force) decides the exit status: 1 when there is any violation. The version 3
    draft is reported for information.
    """
    from ckanext.scn import shacl
    from ckanext.scn.logic import catalog

    graph = catalog.catalog_graph(organization)
    entries = len(set(graph.subjects(predicate=None, object=None)))
    click.echo(f"Catalog {'of ' + organization if organization else 'of the portal'}: "
               f"{len(graph)} triples, {entries} subjects")
    failed = False
    for version in ("2", "3"):
        report = shacl.validate(graph, version)
        click.echo(report.summary() + ("" if version == "2" else " (draft, for information)"))
        for finding in report.violations[:show]:
            click.echo(f"  {finding}")
        if len(report.violations) > show:
            click.echo(f"  ... and {len(report.violations) - show} more")
        failed = failed or (version == "2" and bool(report.violations))
    if failed:
        raise click.exceptions.Exit(1)


@scn.group(name="harvest", short_help="Harvest sources and jobs")
def harvest_group() -> None:
    pass


@harvest_group.command(name="sources-sync")
@click.option("--file", "path", default="config/harvest_sources.yaml", show_default=True,
              type=click.Path(exists=True, dir_okay=False))
def harvest_sources_sync(path: str) -> None:
    """Create or update the harvest sources (and their organizations) listed in FILE."""
    from ckanext.scn.harvesters import sources

    results = sources.sync(sources.read(path))
    for name, what in results:
        click.echo(f"{name}: {what}")
    if any(what.startswith("error") for _, what in results):
        raise click.exceptions.Exit(1)


@harvest_group.command(name="run")
@click.argument("source")
def harvest_run(source: str) -> None:
    """Run a harvest job for SOURCE (name or id) now, in this process, and report on it."""
    from ckanext.scn.harvesters.run import run_job

    with click.progressbar(length=1, label="Harvesting", show_pos=True) as bar:
        def progress(done: int, total: int) -> None:
            bar.length = total
            bar.update(done - bar.pos)

        report = run_job(source, progress)
    click.echo(f"Job {report['job_id']} ({report['status']}): {report['added']} added, "
               f"{report['updated']} updated, {report['unchanged']} unchanged, "
               f"{report['withdrawn']} withdrawn, {report['errors']} errors")
    for message in report["gather_errors"]:
        click.echo(f"  gather error: {message}")
    for error in report["object_errors"][:50]:
        click.echo(f"  {error['stage']} error in {error['guid']}: {error['message'].splitlines()[0][:300]}")
    for message in report.get("finish_errors", []):
        click.echo(f"  error finishing the job: {message}")
    if report["gather_errors"] or report["errors"] or report.get("finish_errors"):
        raise click.exceptions.Exit(1)


def _read_secret(path: Path, key: str | None = None) -> str | None:
    if not path.is_file():
        return None
    text = path.read_text().strip()
    if key is None:
        return text or None
    for line in text.splitlines():
        k, _, v = line.partition(":")
        if k.strip() == key and v.strip():
            return v.strip()
    return None


def _write_secret(path: Path, content: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(content)
    os.chmod(path, 0o600)
