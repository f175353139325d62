"""``cargohold artifact-store ...``"""

from __future__ import annotations

from typing import Any

import click

from cargohold.cli.options import config_pairs, confirm, yes_option
from cargohold.cli.output import emit, output_option

EXTRA = {"ignore_unknown_options": True, "allow_extra_args": True}


def _client() -> Any:
    from cargohold.client import Client

    return Client()


@click.group("artifact-store")
def artifact_store() -> None:
    """Register, inspect and verify artifact stores, and their flavors."""


@artifact_store.command("register", context_settings=EXTRA)
@click.argument("name")
@click.option(
    "-f", "--flavor", required=True, help="Flavor, e.g. local (see `artifact-store flavor list`)."
)
@click.option("--path", help="Root of the store: a folder, or SCHEME://BUCKET/PREFIX.")
@click.pass_context
def register(ctx: click.Context, name: str, flavor: str, path: str | None) -> None:
    """Register a store. Other config fields go as --KEY=VALUE (JSON for dict fields).

    Only the flavor's config class validates the values: nothing is contacted and
    the flavor's cloud library need not be installed.
    """
    from cargohold.secrets.values import parse_values

    client = _client()
    flavor_object = client.flavor(flavor)
    raw = config_pairs(ctx.args)
    if path is not None:
        raw["path"] = path
    values = parse_values(raw, fields=flavor_object.config_class.model_fields, secret_keys=False)
    record = client.register_artifact_store(name, flavor, values)
    click.echo(
        f"Registered artifact store {record.name!r} ({record.flavor}, {record.config['path']})."
    )


@artifact_store.command("list")
@output_option
def list_stores(output: str) -> None:
    """List registered artifact stores and the stacks that use them."""
    emit(_client().artifact_store_overview(), output, ["name", "flavor", "path", "stacks"])


@artifact_store.command("describe")
@click.argument("name")
@output_option
def describe(name: str, output: str) -> None:
    """Show a store's config (secret fields masked) and where it is used."""
    details = _client().describe_artifact_store(name)
    if output == "json":
        emit(details, output)
        return
    config = details.pop("config")
    emit(details, output)
    click.echo("\nConfig:")
    emit(config or {"(empty)": ""}, output)


@artifact_store.command("update", context_settings=EXTRA)
@click.argument("name")
@click.pass_context
def update(ctx: click.Context, name: str) -> None:
    """Change config fields: --KEY=VALUE sets one, --KEY= unsets it."""
    from cargohold.secrets.values import parse_values

    pairs = config_pairs(ctx.args)
    if not pairs:
        raise click.UsageError("nothing to update; give fields as --KEY=VALUE")
    client = _client()
    record = client.artifact_store_record(name)
    fields = client.flavor(record.flavor).config_class.model_fields
    changes = parse_values(pairs, fields=fields, secret_keys=False)
    client.update_artifact_store(name, changes)
    click.echo(f"Updated artifact store {name!r}: {', '.join(sorted(changes))}.")


@artifact_store.command("rename")
@click.argument("old")
@click.argument("new")
def rename(old: str, new: str) -> None:
    """Rename a store; stacks keep using it."""
    _client().rename_artifact_store(old, new)
    click.echo(f"Renamed artifact store {old!r} to {new!r}.")


@artifact_store.command("delete")
@click.argument("name")
@yes_option
def delete(name: str, yes: bool) -> None:
    """Delete a store's registration (never its data). Refused while a stack uses it."""
    client = _client()
    client.artifact_store_record(name)
    confirm(f"Delete artifact store {name!r}?", yes)
    client.delete_artifact_store(name)
    click.echo(f"Deleted artifact store {name!r}.")


@artifact_store.command("verify")
@click.argument("name")
@output_option
def verify(name: str, output: str) -> None:
    """Resolve credentials, then write, read, list and delete a probe object."""
    report = _client().verify_artifact_store(name)
    rows = [
        {
            "step": step.name,
            "status": step.status,
            "ms": round(step.seconds * 1000, 1),
            "detail": step.detail,
        }
        for step in report.steps
    ]
    emit(rows, output, ["step", "status", "ms", "detail"])
    failure = report.failure
    if failure is not None:
        raise click.ClickException(f"{name}: {failure.name} failed: {failure.detail}")


@artifact_store.command("connect")
@click.argument("name")
@click.option("--connector", required=True, help="The service connector to take credentials from.")
def connect(name: str, connector: str) -> None:
    """Link a store to a service connector, which then supplies its credentials.

    The connector's type and resource type must fit the store's flavor, and the
    store's bucket or container must be among its resources.
    """
    _client().connectors.connect(name, connector)
    click.echo(f"Connected artifact store {name!r} to service connector {connector!r}.")


@artifact_store.command("disconnect")
@click.argument("name")
def disconnect(name: str) -> None:
    """Unlink a store from its service connector; its own credentials apply again."""
    _client().connectors.disconnect(name)
    click.echo(f"Disconnected artifact store {name!r}.")


@artifact_store.group("flavor")
def flavor() -> None:
    """Artifact-store flavors: built-in, from plugins, or registered from a repository."""


@flavor.command("list")
@output_option
def list_flavors(output: str) -> None:
    """List artifact-store flavors and whether their dependencies are installed."""
    rows = _client().list_flavors()
    emit(rows, output, ["name", "schemes", "integration", "plugin", "dependencies"])


@flavor.command("describe")
@click.argument("name")
@output_option
def describe_flavor(name: str, output: str) -> None:
    """Show a flavor's config fields, schemes, integration and dependency status."""
    details = _client().describe_flavor(name)
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


@flavor.command("register")
@click.argument("source")
def register_flavor(source: str) -> None:
    """Register a flavor class from your repository by dotted path (package.module.Class).

    The path is resolved from the repository root (`cargohold init`), else the current
    directory. The flavor's implementation is not imported.
    """
    record = _client().register_flavor(source)
    click.echo(f"Registered flavor {record.name!r} from {record.source} ({record.root}).")


@flavor.command("delete")
@click.argument("name")
@yes_option
def delete_flavor(name: str, yes: bool) -> None:
    """Forget a flavor registered from a repository."""
    confirm(f"Delete flavor {name!r}?", yes)
    _client().delete_flavor(name)
    click.echo(f"Deleted flavor {name!r}.")


@artifact_store.command("copy")
@click.argument("source")
@click.argument("destination")
@click.option(
    "--artifacts",
    "names",
    multiple=True,
    metavar="NAME",
    help="Copy only this artifact (repeatable; default: every artifact in SOURCE).",
)
@click.option(
    "--workers", type=click.IntRange(1, 64), default=8, show_default=True, help="Files at once."
)
def copy(source: str, destination: str, names: tuple[str, ...], workers: int) -> None:
    """Copy artifacts from SOURCE to DESTINATION under the same names and numbers.

    Files are checksummed after the copy, then each version is published in
    DESTINATION's catalogue, where every machine that registers it sees it. A rerun
    skips identical files and versions already there; a version that cannot be
    copied is reported after the others. SOURCE is only read.
    """
    from cargohold.artifacts.service import CopyIncompleteError
    from cargohold.cli.progress import ProgressLine

    progress = ProgressLine("copying")
    incomplete = None
    try:
        report = _client().artifacts.copy(
            source, destination, names, workers=workers, progress=progress
        )
    except CopyIncompleteError as exc:
        report, incomplete = exc.report, exc
    finally:
        progress.close()
    verified = "all" if not report.failed else f"{report.copied + report.skipped} of"
    click.echo(
        f"Copied {report.versions} artifact version(s) from {source!r} to {destination!r}: "
        f"{report.copied} file(s) copied ({report.bytes_copied:,} bytes), "
        f"{report.skipped} already there, {verified} {report.files} verified, "
        f"in {report.seconds:.1f} s."
    )
    if incomplete is not None:
        raise incomplete
