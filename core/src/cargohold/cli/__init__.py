"""The ``cargohold`` command.

Commands are thin: parse, call the Python API, print. This module and the command
modules import only click at load time, so ``cargohold --help`` stays fast; the
API (pydantic, plugins) is imported inside command bodies.
"""

from __future__ import annotations

import os
from typing import Any

import click

from cargohold.cli.artifact_store import artifact_store
from cargohold.cli.plugins import plugins

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

            if os.environ.get(DEBUG_ENV):
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


cli.add_command(plugins)
cli.add_command(artifact_store)


def main() -> None:
    cli.main(prog_name="cargohold")


if __name__ == "__main__":  # pragma: no cover
    main()
