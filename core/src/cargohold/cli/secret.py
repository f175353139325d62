"""``cargohold secret ...``"""

from __future__ import annotations

from typing import Any

import click

from cargohold.cli.options import config_pairs, confirm, yes_option
from cargohold.cli.output import emit, output_option

EXTRA = {"ignore_unknown_options": True, "allow_extra_args": True}

values_option = click.option(
    "--values",
    "document",
    metavar="JSON|@FILE",
    help="All values at once: inline JSON, or @file.json / @file.yaml holding a mapping.",
)


def _secrets() -> Any:
    from cargohold.client import Client

    return Client().secrets


def _values(args: list[str], document: str | None) -> dict[str, str]:
    from cargohold.secrets.values import parse_values

    return parse_values(config_pairs(args), document)


@click.group("secret")
def secret() -> None:
    """Secrets: named key/value sets that configs refer to as {{name.key}}."""


@secret.command("create", context_settings=EXTRA)
@click.argument("name")
@values_option
@click.pass_context
def create(ctx: click.Context, name: str, document: str | None) -> None:
    """Create a secret from --KEY=VALUE, --KEY=@FILE (the file's content) or --values.

    --KEY=@FILE keeps the value out of your shell history; a value that really starts
    with @ is written @@...
    """
    record = _secrets().create(name, _values(ctx.args, document))
    click.echo(f"Created secret {record.name!r} with keys: {', '.join(sorted(record.values))}.")


@secret.command("list")
@output_option
def list_secrets(output: str) -> None:
    """List secrets: names, keys and who refers to them (never values)."""
    emit(_secrets().list(), output, ["name", "keys", "used_by", "updated"])


@secret.command("get")
@click.argument("name")
@click.option("--reveal", is_flag=True, help="Print the values instead of masks.")
@output_option
def get(name: str, reveal: bool, output: str) -> None:
    """Show a secret's keys, values masked unless --reveal."""
    details = _secrets().describe(name, reveal=reveal)
    if reveal:
        click.echo(f"Warning: printing the values of secret {name!r}.", err=True)
    if output == "json":
        emit(details, output)
        return
    values = details.pop("values")
    emit(details, output)
    click.echo("\nValues:")
    emit(values, output)


@secret.command("update", context_settings=EXTRA)
@click.argument("name")
@values_option
@click.option("--remove-key", multiple=True, metavar="KEY", help="Remove this key (repeatable).")
@click.pass_context
def update(
    ctx: click.Context, name: str, document: str | None, remove_key: tuple[str, ...]
) -> None:
    """Set keys (--KEY=VALUE, --KEY=@FILE, --values) or remove them; stores that refer
    to the secret use the new values from their next use on."""
    record = _secrets().update(name, _values(ctx.args, document), remove_key)
    click.echo(f"Updated secret {name!r}; keys: {', '.join(sorted(record.values))}.")


@secret.command("rename")
@click.argument("old")
@click.argument("new")
def rename(old: str, new: str) -> None:
    """Rename a secret. Refused while a store or connector refers to it."""
    _secrets().rename(old, new)
    click.echo(f"Renamed secret {old!r} to {new!r}.")


@secret.command("delete")
@click.argument("name")
@yes_option
def delete(name: str, yes: bool) -> None:
    """Delete a secret. Refused while a store or connector refers to it."""
    secrets = _secrets()
    secrets.get(name)
    confirm(f"Delete secret {name!r}?", yes)
    secrets.delete(name)
    click.echo(f"Deleted secret {name!r}.")
