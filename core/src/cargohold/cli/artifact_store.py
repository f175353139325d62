"""``cargohold artifact-store ...``"""

from __future__ import annotations

import click

from cargohold.cli.output import emit, output_option


@click.group("artifact-store")
def artifact_store() -> None:
    """Artifact stores and their flavors."""


@artifact_store.group("flavor")
def flavor() -> None:
    """Artifact-store flavors: local, memory, and those plugins bring."""


@flavor.command("list")
@output_option
def list_flavors(output: str) -> None:
    """List artifact-store flavors and whether their dependencies are installed."""
    from cargohold.describe import flavor_row
    from cargohold.flavors import StackComponentType
    from cargohold.plugins import load_plugins

    host = load_plugins()
    rows = [flavor_row(host, e) for e in host.flavors.list(StackComponentType.ARTIFACT_STORE)]
    emit(rows, output, ["name", "schemes", "integration", "plugin", "dependencies"])


@flavor.command("describe")
@click.argument("name")
@output_option
def describe_flavor(name: str, output: str) -> None:
    """Show a flavor's config fields, schemes, integration and dependency status."""
    from cargohold.describe import describe_flavor as describe
    from cargohold.flavors import StackComponentType
    from cargohold.plugins import load_plugins

    host = load_plugins()
    host.flavors.get(name, StackComponentType.ARTIFACT_STORE)  # one-line error if unknown
    entry = host.flavors.entries[(StackComponentType.ARTIFACT_STORE, name)]
    details = describe(host, entry)
    if output == "json":
        emit(details, output)
        return
    fields = details.pop("config")
    emit(details, output)
    click.echo("")
    click.echo("Config fields:")
    for row in fields:
        row["default"] = "(required)" if row["required"] else repr(row["default"])
    emit(fields, output, ["name", "type", "default", "secret", "description"])
