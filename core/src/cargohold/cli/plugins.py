"""``cargohold plugins ...``"""

from __future__ import annotations

import click

from cargohold.cli.output import emit, output_option


@click.group()
def plugins() -> None:
    """Inspect installed plugins."""


@plugins.command("list")
@output_option
def list_plugins(output: str) -> None:
    """List plugins: where they come from, their hooks, and whether they loaded."""
    from cargohold.flavor_descriptions import plugin_row
    from cargohold.plugins import load_plugins

    rows = [plugin_row(record) for record in load_plugins().plugins]
    if output == "table":
        for row in rows:
            row["hooks"] = [hook.removeprefix("cargohold_") for hook in row["hooks"]]
    emit(rows, output, ["name", "distribution", "version", "hooks", "status", "reason"])
