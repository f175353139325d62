"""Option parsing shared by commands: ``--KEY=VALUE`` config fields and confirmations."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def config_pairs(args: list[str]) -> dict[str, str]:
    """``["--a=1", "--b", "2"]`` -> ``{"a": "1", "b": "2"}``; anything else is a usage error."""
    pairs: dict[str, str] = {}
    index = 0
    while index < len(args):
        arg = args[index]
        if not arg.startswith("--") or arg == "--":
            raise click.UsageError(f"unexpected argument {arg!r}; config fields go as --KEY=VALUE")
        key, sep, value = arg[2:].partition("=")
        if not sep:
            if index + 1 >= len(args) or args[index + 1].startswith("--"):
                raise click.UsageError(f"--{key} needs a value: --{key}=VALUE")
            index += 1
            value = args[index]
        if not key:
            raise click.UsageError(f"malformed option {arg!r}; use --KEY=VALUE")
        if key in pairs:
            raise click.UsageError(f"--{key} is given twice")
        pairs[key] = value
        index += 1
    return pairs


def yes_option(function: F) -> F:
    """The ``-y/--yes`` flag of destructive commands."""
    return click.option("-y", "--yes", is_flag=True, help="Do not ask for confirmation.")(function)


def confirm(question: str, yes: bool) -> None:
    """Ask before a destructive change; without a terminal, require --yes."""
    if yes:
        return
    if not sys.stdin.isatty():
        raise click.ClickException(f"{question} Refusing without confirmation: pass --yes")
    click.confirm(question, abort=True)
