"""``cargohold flavor ...``: tools for flavor authors."""

from __future__ import annotations

import click


@click.group("flavor")
def flavor() -> None:
    """Write your own artifact-store flavor (see docs/authoring.md)."""


@flavor.command("init")
@click.argument("name")
@click.option("--scheme", help="URI scheme of the store's paths (default: NAME://, with - for _).")
@click.option(
    "--dir",
    "directory",
    type=click.Path(),
    help="Where to create the project (default: ./cargohold-NAME); must be missing or empty.",
)
def init(name: str, scheme: str | None, directory: str | None) -> None:
    """Scaffold a plugin distribution for flavor NAME: pyproject with the entry point,
    flavor, config and store modules, a README, and tests that run the conformance suite.
    """
    from pathlib import Path

    from cargohold.scaffold import plan, write_project

    project = plan(name, scheme)
    target = write_project(project, Path(directory) if directory else None)
    click.echo(
        f"Created {project.distribution} in {target} "
        f"(flavor {project.name!r}, scheme {project.scheme}, package {project.package})."
    )
    click.echo("Next:")
    click.echo(f"  pip install -e '{target}[test]'")
    click.echo(f"  cd {target} && pytest")
