"""``cargohold stack ...``"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from cargohold.cli.artifact_store import _client
from cargohold.cli.options import confirm, yes_option
from cargohold.cli.output import emit, output_option, write_file


@click.group("stack")
def stack() -> None:
    """Stacks: which artifact store pipelines write to."""


def _row(record: Any) -> dict[str, Any]:
    return {
        "active": "*" if record.active else "",
        "name": record.name,
        "artifact_store": record.components.get("artifact_store"),
    }


@stack.command("register")
@click.argument("name")
@click.option("-a", "--artifact-store", "store", required=True, help="Artifact store name.")
@click.option("--set", "set_active", is_flag=True, help="Make it the active stack.")
def register(name: str, store: str, set_active: bool) -> None:
    """Register a stack made of an artifact store."""
    _client().register_stack(name, store, set_active=set_active)
    active = " and made it active" if set_active else ""
    click.echo(f"Registered stack {name!r} with artifact store {store!r}{active}.")


@stack.command("set")
@click.argument("name")
def set_active(name: str) -> None:
    """Make a stack the active one."""
    _client().set_active_stack(name)
    click.echo(f"Active stack: {name!r}.")


@stack.command("list")
@output_option
def list_stacks(output: str) -> None:
    """List stacks; the active one is marked with *."""
    rows = [_row(record) for record in _client().list_stacks()]
    if output == "json":
        for row in rows:
            row["active"] = row["active"] == "*"
    emit(rows, output, ["active", "name", "artifact_store"])


@stack.command("describe")
@click.argument("name", required=False)
@output_option
def describe(name: str | None, output: str) -> None:
    """Show a stack (the active one by default) and its components."""
    client = _client()
    record = client.stack(name) if name else client.active_stack()
    details = {
        "name": record.name,
        "id": record.id,
        "active": record.active,
        **{component: member for component, member in sorted(record.components.items())},
        "created": record.created,
        "updated": record.updated,
    }
    emit(details, output)


@stack.command("update")
@click.argument("name")
@click.option("-a", "--artifact-store", "store", required=True, help="Artifact store name.")
def update(name: str, store: str) -> None:
    """Point a stack at another artifact store."""
    _client().update_stack(name, store)
    click.echo(f"Stack {name!r} now uses artifact store {store!r}.")


@stack.command("delete")
@click.argument("name")
@yes_option
def delete(name: str, yes: bool) -> None:
    """Delete a stack (its components stay registered)."""
    client = _client()
    client.stack(name)
    confirm(f"Delete stack {name!r}?", yes)
    client.delete_stack(name)
    click.echo(f"Deleted stack {name!r}.")


@stack.command("export")
@click.argument("name")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def export(name: str, file: Path) -> None:
    """Write a stack and its components' configs to a YAML file (no secret values)."""
    import yaml

    data, omitted = _client().export_stack(name)
    write_file(file, yaml.safe_dump(data, sort_keys=False))
    if omitted:
        click.echo(
            f"Left out secret fields {', '.join(omitted)}: keep them in a secret and "
            "reference it as {{secret_name.key}}.",
            err=True,
        )
    click.echo(f"Exported stack {name!r} to {file}.")


@stack.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--name", help="Register the stack under this name instead.")
def import_(file: Path, name: str | None) -> None:
    """Register a stack (and any missing components) from an exported YAML file."""
    import yaml

    from cargohold.errors import CargoholdError

    try:
        data = yaml.safe_load(file.read_text())
    except OSError as exc:
        raise CargoholdError(
            f"cannot read {file}: {exc.strerror}; give a file written by `cargohold stack export`"
        ) from None
    except yaml.YAMLError as exc:
        problem = " ".join(str(getattr(exc, "problem", None) or exc).split())
        raise CargoholdError(
            f"{file} is not valid YAML: {problem}; fix it, or export the stack again with "
            "`cargohold stack export`"
        ) from None
    record = _client().import_stack(data, name)
    click.echo(f"Imported stack {record.name!r}.")
