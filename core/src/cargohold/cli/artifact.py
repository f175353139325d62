"""``cargohold artifact ...``"""

from __future__ import annotations

from typing import Any

import click

from cargohold.cli.options import confirm, yes_option
from cargohold.cli.output import emit, output_option


def _artifacts() -> Any:
    from cargohold.client import Client

    return Client().artifacts


def _ref(ref: str) -> tuple[str, int | None]:
    from cargohold.artifacts.service import parse_ref

    parsed: tuple[str, int | None] = parse_ref(ref)
    return parsed


@click.group("artifact")
def artifact() -> None:
    """Artifacts: versioned objects that pipelines saved to a store."""


@artifact.command("list")
@click.option("--name", help="Only the versions of this artifact.")
@output_option
def list_artifacts(name: str | None, output: str) -> None:
    """List artifact versions: name, version, type, size, store, created."""
    rows = [version.summary() for version in _artifacts().versions(name)]
    emit(rows, output, ["name", "version", "type", "size", "store", "created"])


@artifact.command("describe")
@click.argument("ref", metavar="NAME[:VERSION]")
@output_option
def describe(ref: str, output: str) -> None:
    """Show one version (default: the latest): where it is, checksum, files, metadata."""
    details = _artifacts().get(*_ref(ref)).details()
    if output == "table":
        import json

        details["metadata"] = json.dumps(details["metadata"], sort_keys=True)
    emit(details, output)


@artifact.command("delete")
@click.argument("ref", metavar="NAME[:VERSION]")
@yes_option
def delete(ref: str, yes: bool) -> None:
    """Delete a version, or with NAME alone every version; data and records both."""
    name, version = _ref(ref)
    artifacts = _artifacts()
    doomed = [artifacts.get(name, version)] if version is not None else artifacts.versions(name)
    shown = ", ".join(v.ref for v in doomed)
    confirm(f"Delete artifact version(s) {shown} and their data?", yes)
    deleted = artifacts.delete(name, version)
    click.echo(f"Deleted {shown}.")
    if deleted.leftovers:
        raise click.ClickException(
            f"could not remove {'; '.join(deleted.leftovers)}; remove those folders by hand"
        )


@artifact.command("visualize")
@click.argument("ref", metavar="NAME[:VERSION]")
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False),
    help="Write the previews here (default: a folder under the system's temp dir).",
)
@click.option("--open", "open_", is_flag=True, help="Open the first preview in its viewer.")
def visualize(ref: str, directory: str | None, open_: bool) -> None:
    """Write a version's previews (HTML, Markdown, CSV, PNG) to a folder, or open them."""
    import tempfile
    from pathlib import Path

    name, version = _ref(ref)
    artifacts = _artifacts()
    found = artifacts.get(name, version)
    target = (
        Path(directory)
        if directory
        else Path(tempfile.gettempdir()) / "cargohold-visualizations" / name / str(found.version)
    )
    written = artifacts.write_visualizations(name, found.version, target)
    for path in written:
        click.echo(str(path))
    if open_:
        click.launch(str(written[0]))
