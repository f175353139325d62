"""``cargohold integration ...``"""

from __future__ import annotations

import shlex
from typing import Any

import click

from cargohold.cli.options import confirm, yes_option
from cargohold.cli.output import emit, output_option, write_file

COLUMNS = ["name", "installed", "version", "flavors", "requirements", "distribution"]


def _client() -> Any:
    from cargohold.client import Client

    return Client()


@click.group("integration")
def integration() -> None:
    """Integrations: installable distributions that bring flavors (see `integration list`)."""


@integration.command("list")
@output_option
def list_integrations(output: str) -> None:
    """List integrations, installed or not, and whether their requirements are met."""
    rows = [row.as_dict() for row in _client().list_integrations()]
    emit(rows, output, COLUMNS)


@integration.command("requirements")
@click.argument("names", metavar="NAME...", nargs=-1, required=True)
def requirements(names: tuple[str, ...]) -> None:
    """Print the pip requirement lines of integrations, one per line."""
    for line in _client().integration_requirements(names):
        click.echo(line)


@integration.command("install")
@click.argument("names", metavar="NAME...", nargs=-1, required=True)
@yes_option
@click.option("--uv", "use_uv", is_flag=True, help="Install with `uv pip` instead of pip.")
@click.option("--dry-run", is_flag=True, help="Show what would be installed; change nothing.")
@click.option("--upgrade", is_flag=True, help="Upgrade the integrations if already installed.")
@click.option(
    "--force", is_flag=True, help="Install even if packages you have would change version."
)
def install(
    names: tuple[str, ...], yes: bool, use_uv: bool, dry_run: bool, upgrade: bool, force: bool
) -> None:
    """Install integrations into this Python environment, after a preflight that stops
    if any package you already have would change version."""
    from cargohold.installer import refusal

    client = _client()
    plan = client.plan_integration_install(names, use_uv=use_uv, upgrade=upgrade, force=force)
    if plan.preflight is not None:
        click.echo(f"Preflight ({plan.preflight}):")
        for name, version in plan.additions:
            click.echo(f"  new: {name} {version}")
        for change in plan.changes:
            click.echo(f"  change: {change.describe()}", err=True)
        if not plan.additions and not plan.changes:
            click.echo("  nothing to install: every requirement is already satisfied.")
            return
    if plan.changes and not force:
        raise refusal(plan.changes)
    if dry_run:
        click.echo(f"Would run: {plan.command_line}")
        click.echo("Dry run: nothing was changed.")
        return
    confirm(f"Install {', '.join(plan.requirements)} into {_environment()}?", yes)
    click.echo(f"Running: {plan.command_line}")
    client.install_integrations(plan, force=force)
    click.echo(f"Installed integration{'s' if len(names) > 1 else ''} {', '.join(names)}.")


@integration.command("uninstall")
@click.argument("names", metavar="NAME...", nargs=-1, required=True)
@yes_option
@click.option("--uv", "use_uv", is_flag=True, help="Uninstall with `uv pip` instead of pip.")
def uninstall(names: tuple[str, ...], yes: bool, use_uv: bool) -> None:
    """Uninstall integrations' distributions; their dependencies stay installed."""
    client = _client()
    plan = client.plan_integration_uninstall(names, use_uv=use_uv)
    for distribution in plan.absent:
        click.echo(f"{distribution} is not installed; nothing to remove.")
    if not plan.distributions:
        return
    confirm(f"Uninstall {', '.join(plan.distributions)} from {_environment()}?", yes)
    click.echo(f"Running: {plan.command_line}")
    client.uninstall_integrations(plan)
    click.echo(f"Uninstalled {', '.join(plan.distributions)}; its dependencies stay installed.")


@integration.command("export-requirements")
@click.argument("names", metavar="[NAME...]", nargs=-1)
@click.option(
    "-o",
    "--output-file",
    type=click.Path(dir_okay=False, writable=True),
    help="Write to FILE instead of stdout.",
)
@click.option("--lock", is_flag=True, help="Pin every package, with hashes (needs pip-tools).")
def export_requirements(names: tuple[str, ...], output_file: str | None, lock: bool) -> None:
    """Print requirements for the core and integrations (default: the installed ones),
    for building an image; --lock pins everything with hashes."""
    shown = shlex.join(
        ["cargohold", "integration", "export-requirements", *names]
        + (["-o", output_file] if output_file else [])
        + (["--lock"] if lock else [])
    )
    text = _client().export_integration_requirements(names, lock=lock, shown_command=shown)
    if output_file is None:
        click.echo(text, nl=False)
        return
    write_file(output_file, text)
    click.echo(f"Wrote {output_file}.", err=True)


def _environment() -> str:
    import sys

    return f"the environment of {sys.executable}"
