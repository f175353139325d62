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

DEBUG_ENV = "CARGOHOLD_DEBUG"

# Command groups imported only when they run: a command pays for its own module and
# nothing else. The help text here is what `cargohold --help` lists; a test checks it
# against each group's docstring.
LAZY_COMMANDS: dict[str, tuple[str, str]] = {
    "artifact": (
        "cargohold.cli.artifact:artifact",
        "Artifacts: versioned objects that pipelines saved to a store.",
    ),
    "artifact-store": (
        "cargohold.cli.artifact_store:artifact_store",
        "Register, inspect and verify artifact stores, and their flavors.",
    ),
    "flavor": (
        "cargohold.cli.flavor:flavor",
        "Write your own artifact-store flavor (see docs/authoring.md).",
    ),
    "integration": (
        "cargohold.cli.integration:integration",
        "Integrations: installable distributions that bring flavors (see `integration list`).",
    ),
    "plugins": ("cargohold.cli.plugins:plugins", "Inspect installed plugins."),
    "quickstart": (
        "cargohold.cli.quickstart:quickstart",
        "Run a small pipeline that saves its artifacts to the active stack's store.",
    ),
    "secret": (
        "cargohold.cli.secret:secret",
        "Secrets: named key/value sets that configs refer to as {{name.key}}.",
    ),
    "service-connector": (
        "cargohold.cli.connector:service_connector",
        "Service connectors: shared, verified access to a cloud for many stores.",
    ),
    "stack": ("cargohold.cli.stack:stack", "Stacks: which artifact store pipelines write to."),
}


def load_lazy_command(name: str) -> click.Command:
    """Import the command group registered as ``name`` in LAZY_COMMANDS."""
    from cargohold.dotted import import_object

    command = import_object(LAZY_COMMANDS[name][0])
    assert isinstance(command, click.Command)
    return command


class _Root(click.Group):
    """Loads command groups on demand, and turns cargohold errors into one-line
    messages with a non-zero exit."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in LAZY_COMMANDS and cmd_name not in self.commands:
            self.add_command(load_lazy_command(cmd_name), cmd_name)
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Listed from LAZY_COMMANDS' help texts, so `--help` imports no command module.
        listed = [
            (name, self.commands.get(name) or click.Command(name, help=LAZY_COMMANDS[name][1]))
            for name in self.list_commands(ctx)
        ]
        listed = [(name, command) for name, command in listed if not command.hidden]
        if not listed:
            return
        limit = formatter.width - 6 - max(len(name) for name, _ in listed)
        with formatter.section("Commands"):
            formatter.write_dl([(name, cmd.get_short_help_str(limit)) for name, cmd in listed])

    def invoke(self, ctx: click.Context) -> Any:
        import warnings

        from cargohold.errors import CargoholdWarning

        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", CargoholdWarning)
            result = self._invoke_with_one_line_errors(ctx)
        # Only after success: a failed command prints its one error line and nothing else.
        for warning in caught:
            if issubclass(warning.category, CargoholdWarning):
                click.echo(f"Warning: {warning.message}", err=True)
            else:
                warnings.showwarning(
                    warning.message, warning.category, warning.filename, warning.lineno
                )
        return result

    def _invoke_with_one_line_errors(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.Abort):
            raise
        except click.ClickException as exc:
            from cargohold.secrets.redaction import redact

            if redact(exc.message) != exc.message:
                raise click.ClickException(redact(exc.message)) from None
            raise
        except Exception as exc:
            from cargohold.errors import CargoholdError
            from cargohold.secrets.redaction import redact

            if os.environ.get(DEBUG_ENV, "").lower() not in ("", "0", "false", "no"):
                import traceback

                # The traceback, but without any secret value an exception message quotes.
                click.echo(redact("".join(traceback.format_exception(exc))).rstrip(), err=True)
                raise click.exceptions.Exit(1) from None
            if isinstance(exc, CargoholdError):
                raise click.ClickException(redact(str(exc))) from None
            message = redact(" ".join(str(exc).split())) or "no details"
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
