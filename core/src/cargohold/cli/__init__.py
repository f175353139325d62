"""The ``cargohold`` command.

Commands are thin: parse, call the Python API, print. This module and the command
modules import only click at load time, so ``cargohold --help`` stays fast; the
API (pydantic, plugins) is imported inside command bodies.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from cargohold.cli.artifact_store import artifact_store
from cargohold.cli.flavor import flavor
from cargohold.cli.integration import integration
from cargohold.cli.plugins import plugins
from cargohold.cli.stack import stack

DEBUG_ENV = "CARGOHOLD_DEBUG"


class _Root(click.Group):
    """Turns cargohold errors into one-line messages with a non-zero exit."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:
            from cargohold.errors import CargoholdError

            if os.environ.get(DEBUG_ENV, "").lower() not in ("", "0", "false", "no"):
                raise
            if isinstance(exc, CargoholdError):
                raise click.ClickException(str(exc)) from None
            message = " ".join(str(exc).split()) or "no details"
            raise click.ClickException(
                f"{type(exc).__name__}: {message} (set {DEBUG_ENV}=1 to see the traceback)"
            ) from None


@click.group(cls=_Root, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="cargohold", prog_name="cargohold")
def cli() -> None:
    """cargohold: artifact stores for ML pipelines.

    Artifacts live in a local folder or in object storage (S3, GCS, Azure Blob),
    behind one interface. State lives in $CARGOHOLD_CONFIG_DIR.
    """


@cli.command("init")
@click.argument(
    "directory", required=False, default=".", type=click.Path(file_okay=False, exists=True)
)
def init(directory: str) -> None:
    """Mark DIRECTORY (default: here) as a repository root, from which custom flavors'
    dotted paths are resolved."""
    from pathlib import Path

    from cargohold.repository import init_repository

    root = init_repository(Path(directory))
    click.echo(f"Initialised a cargohold repository at {root}.")


cli.add_command(plugins)
cli.add_command(artifact_store)
cli.add_command(stack)
cli.add_command(integration)
cli.add_command(flavor)


def main() -> None:
    """Run the CLI; every error is one line on stderr and a non-zero exit."""
    try:
        code = cli.main(prog_name="cargohold", standalone_mode=False)
    except click.UsageError as exc:
        hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx is not None else ""
        click.echo(f"Error: {exc.format_message()}{hint}", err=True)
        code = exc.exit_code
    except click.ClickException as exc:
        exc.show()
        code = exc.exit_code
    except click.Abort:
        click.echo("Aborted.", err=True)
        code = 1
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":  # pragma: no cover
    main()
