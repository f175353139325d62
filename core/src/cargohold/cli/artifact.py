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


store_option = click.option(
    "--store", help="The artifact store to read (default: the active stack's)."
)


@click.group("artifact")
def artifact() -> None:
    """Artifacts: versioned objects that pipelines saved to a store."""


@artifact.command("list")
@click.option("--name", help="Only the versions of this artifact.")
@store_option
@click.option("--all-stores", is_flag=True, help="Every registered store, not only one.")
@output_option
def list_artifacts(name: str | None, store: str | None, all_stores: bool, output: str) -> None:
    """List artifact versions in a store: name, version, type, size, store, created.

    The versions are read from the store itself, so every machine that registers the
    same store lists the same ones. With --all-stores, a store that cannot be read is
    reported and the others are still listed.
    """
    if store and all_stores:
        raise click.UsageError("give --store NAME or --all-stores, not both")
    found = _artifacts().find(name, store=store, all_stores=all_stores)
    for problem in found.unreadable:
        click.echo(f"Warning: could not read {problem}", err=True)
    if name is not None and not found.versions and not all_stores:
        _artifacts().get(name, store=store)  # says there is no artifact of that name
    rows = [version.summary() for version in found.versions]
    emit(rows, output, ["name", "version", "type", "size", "store", "created"])


@artifact.command("describe")
@click.argument("ref", metavar="NAME[:VERSION]")
@store_option
@output_option
def describe(ref: str, store: str | None, output: str) -> None:
    """Show one version (default: the latest): where it is, checksum, files, metadata."""
    details = _artifacts().get(*_ref(ref), store=store).details()
    if output == "table":
        import json

        details["metadata"] = json.dumps(details["metadata"], sort_keys=True)
        details["created_by"] = " ".join(f"{k}={v}" for k, v in details["created_by"].items())
    emit(details, output)


@artifact.command("delete")
@click.argument("ref", metavar="NAME[:VERSION]")
@store_option
@yes_option
def delete(ref: str, store: str | None, yes: bool) -> None:
    """Delete a version, or with NAME alone every version: manifests, then data.

    Every machine that shares the store stops seeing the versions at once."""
    name, version = _ref(ref)
    artifacts = _artifacts()
    doomed = (
        [artifacts.get(name, version, store=store)]
        if version is not None
        else artifacts.versions(name, store=store)
    )
    shown = ", ".join(v.ref for v in doomed)
    confirm(f"Delete artifact version(s) {shown} and their data?", yes)
    deleted = artifacts.delete(name, version, store=store)
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
@store_option
def visualize(ref: str, directory: str | None, open_: bool, store: str | None) -> None:
    """Write a version's previews (HTML, Markdown, CSV, PNG) to a folder, or open them."""
    import tempfile
    from pathlib import Path

    name, version = _ref(ref)
    artifacts = _artifacts()
    found = artifacts.get(name, version, store=store)
    target = (
        Path(directory)
        if directory
        else Path(tempfile.gettempdir()) / "cargohold-visualizations" / name / str(found.version)
    )
    written = artifacts.write_visualizations(name, found.version, target, store=store)
    for path in written:
        click.echo(str(path))
    if open_:
        click.launch(str(written[0]))
