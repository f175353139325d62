"""``cargohold service-connector ...``"""

from __future__ import annotations

from typing import Any

import click

from cargohold.cli.options import config_pairs, confirm, yes_option
from cargohold.cli.output import emit, output_option

EXTRA = {"ignore_unknown_options": True, "allow_extra_args": True}

resource_type_option = click.option(
    "--resource-type",
    help="One of the type's resource types (`list-types`; default: the type's only one).",
)
resource_id_option = click.option(
    "--resource-id", help="Limit the connector to one resource: SCHEME://NAME or NAME."
)


def _connectors() -> Any:
    from cargohold.client import Client

    return Client().connectors


def _settings(args: list[str]) -> dict[str, Any]:
    """``--KEY=VALUE`` / ``--KEY=@FILE`` pairs; dashes in KEY stand for underscores and
    an empty VALUE unsets the setting (update)."""
    from cargohold.secrets.values import parse_values

    return parse_values(config_pairs(args), secret_keys=False)


@click.group("service-connector")
def service_connector() -> None:
    """Service connectors: shared, verified access to a cloud for many stores."""


@service_connector.command("register", context_settings=EXTRA)
@click.argument("name")
@click.option("--type", "connector_type", required=True, help="Connector type (see `list-types`).")
@click.option(
    "--auth-method", required=True, help="One of the type's auth methods (see `list-types`)."
)
@resource_type_option
@resource_id_option
@click.pass_context
def register(
    ctx: click.Context,
    name: str,
    connector_type: str,
    auth_method: str,
    resource_type: str | None,
    resource_id: str | None,
) -> None:
    """Register a connector; its settings go as --KEY=VALUE or --KEY=@FILE.

    Only the auth method's model validates them: nothing is contacted (see verify).
    A setting may refer to a secret as {{name.key}}.
    """
    record = _connectors().register(
        name,
        connector_type,
        auth_method,
        {k: v for k, v in _settings(ctx.args).items() if v is not None},
        resource_type=resource_type,
        resource_id=resource_id,
    )
    scope = record.resource_id or f"any {record.resource_type}"
    click.echo(
        f"Registered service connector {record.name!r} ({record.type}, {record.auth_method}, "
        f"{scope})."
    )


@service_connector.command("list")
@output_option
def list_connectors(output: str) -> None:
    """List connectors: type, auth method and resources."""
    columns = ["name", "type", "auth_method", "resource_type", "resource_id"]
    emit(_connectors().list(), output, columns)


@service_connector.command("describe")
@click.argument("name")
@output_option
def describe(name: str, output: str) -> None:
    """Show a connector's settings (secret ones masked) and the stores that use it."""
    details = _connectors().describe(name)
    if output == "json":
        emit(details, output)
        return
    settings = details.pop("settings")
    emit(details, output)
    click.echo("\nSettings:")
    emit(settings or {"(none)": ""}, output)


@service_connector.command("update", context_settings=EXTRA)
@click.argument("name")
@click.option("--auth-method", help="Switch auth method (its settings start afresh).")
@resource_type_option
@click.option("--resource-id", help="Limit to one resource; an empty value lifts the limit.")
@click.pass_context
def update(
    ctx: click.Context,
    name: str,
    auth_method: str | None,
    resource_type: str | None,
    resource_id: str | None,
) -> None:
    """Change settings (--KEY=VALUE sets, --KEY= unsets), auth method or resource."""
    settings = _settings(ctx.args)
    if not settings and auth_method is None and resource_type is None and resource_id is None:
        raise click.UsageError(
            "nothing to update; give --KEY=VALUE, --auth-method or --resource-id"
        )
    _connectors().update(name, settings, auth_method, resource_type, resource_id)
    click.echo(f"Updated service connector {name!r}.")


@service_connector.command("delete")
@click.argument("name")
@yes_option
def delete(name: str, yes: bool) -> None:
    """Delete a connector. Refused while a store uses it."""
    connectors = _connectors()
    connectors.get(name)
    confirm(f"Delete service connector {name!r}?", yes)
    connectors.delete(name)
    click.echo(f"Deleted service connector {name!r}.")


@service_connector.command("list-types")
@output_option
def list_types(output: str) -> None:
    """List connector types from the installed plugins."""
    columns = ["type", "auth_methods", "resource_types", "description"]
    emit(_connectors().list_types(), output, columns)


@service_connector.command("verify")
@click.argument("name")
@click.option("--resource-id", help="Check this resource instead of listing them all.")
@output_option
def verify(name: str, resource_id: str | None, output: str) -> None:
    """Reach the service with the connector's credentials and list what it can access."""
    resources = _connectors().verify(name, resource_id)
    if output == "json":
        emit({"name": name, "resources": resources}, output)
        return
    click.echo(f"Service connector {name!r} reaches {len(resources)} resource(s):")
    for resource in resources:
        click.echo(f"  {resource}")


@service_connector.command("list-resources")
@resource_type_option
@output_option
def list_resources(resource_type: str | None, output: str) -> None:
    """For every connector, the resources it reaches now (or why it cannot)."""
    rows = _connectors().list_resources(resource_type)
    if output == "table":
        for row in rows:
            if row["error"]:
                row["resources"] = f"error: {row['error']}"
    emit(rows, output, ["id", "name", "type", "resource_type", "resources"])
