"""The reference docs name every hook and every command that exists, and nothing else.

docs/hooks.md needs, for each hook spec in ``cargohold.hookspecs``, a heading with its
call signature (``cargohold_flavors(register)``) and the typed ``def`` line exactly
as the code has it. docs/cli.md needs a heading for every command path of the
``cargohold`` click tree. Adding a hook or a command without documenting it fails
here, and so does documenting one that is gone.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click
import pluggy
import pytest

from cargohold import hookspecs
from cargohold.cli import cli

DOCS = Path(__file__).resolve().parents[2] / "docs"
SPEC_MARKER = f"{hookspecs.PROJECT_NAME}_spec"


def hook_specs() -> list[Callable[..., Any]]:
    """Functions of ``cargohold.hookspecs`` that carry pluggy's spec marker."""
    return [
        function
        for name, function in inspect.getmembers(hookspecs, inspect.isfunction)
        if name.startswith("cargohold_") and hasattr(function, SPEC_MARKER)
    ]


def call_signature(function: Callable[..., Any]) -> str:
    """``cargohold_flavors(register)``: the name and the parameter names."""
    names = ", ".join(inspect.signature(function).parameters)
    return f"{function.__name__}({names})"


def typed_signature(function: Callable[..., Any]) -> str:
    """``def cargohold_flavors(register: Callable[[type[Any]], None]) -> None``.

    The module uses ``from __future__ import annotations``, so every annotation is
    the string written in the source; it is used as is.
    """
    signature = inspect.signature(function)
    parameters = []
    for parameter in signature.parameters.values():
        text = parameter.name
        if parameter.annotation is not inspect.Parameter.empty:
            text += f": {parameter.annotation}"
        if parameter.default is not inspect.Parameter.empty:
            text += f" = {parameter.default!r}"
        parameters.append(text)
    returns = ""
    if signature.return_annotation is not inspect.Signature.empty:
        returns = f" -> {signature.return_annotation}"
    return f"def {function.__name__}({', '.join(parameters)}){returns}"


def headings(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("#")]


def command_paths(
    command: click.Command, path: str = "cargohold"
) -> Iterator[tuple[str, click.Command]]:
    """Every command of the tree with its full path, groups included."""
    yield path, command
    if isinstance(command, click.Group):
        context = click.Context(command, info_name=path)
        for name in command.list_commands(context):
            sub = command.get_command(context, name)
            if sub is not None and not sub.hidden:
                yield from command_paths(sub, f"{path} {name}")


@pytest.fixture(scope="module")
def hooks_md() -> str:
    return (DOCS / "hooks.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def cli_md() -> str:
    return (DOCS / "cli.md").read_text(encoding="utf-8")


def test_hook_specs_are_found_the_way_pluggy_finds_them() -> None:
    manager = pluggy.PluginManager(hookspecs.PROJECT_NAME)
    manager.add_hookspecs(hookspecs)
    pluggy_names = {name for name in vars(manager.hook) if name.startswith("cargohold_")}
    found = {function.__name__ for function in hook_specs()}
    assert found, "no hook specs found in cargohold.hookspecs"
    assert found == pluggy_names


@pytest.mark.parametrize("spec", hook_specs(), ids=lambda f: f.__name__)
def test_every_hook_has_a_heading_with_its_signature(
    spec: Callable[..., Any], hooks_md: str
) -> None:
    signature = call_signature(spec)
    assert any(f"`{signature}`" in line for line in headings(hooks_md)), (
        f"docs/hooks.md needs a heading containing `{signature}`"
    )


@pytest.mark.parametrize("spec", hook_specs(), ids=lambda f: f.__name__)
def test_every_hook_shows_its_typed_signature(spec: Callable[..., Any], hooks_md: str) -> None:
    typed = typed_signature(spec)
    assert typed in hooks_md, f"docs/hooks.md needs the signature as in the code: {typed}"


def test_hook_headings_name_only_existing_hooks(hooks_md: str) -> None:
    documented = {
        match for line in headings(hooks_md) for match in re.findall(r"`(cargohold_\w+)\(", line)
    }
    existing = {function.__name__ for function in hook_specs()}
    assert documented <= existing, f"docs/hooks.md documents missing hooks: {documented - existing}"


def test_every_command_has_a_heading(cli_md: str) -> None:
    lines = headings(cli_md)
    undocumented = [
        path for path, _ in command_paths(cli) if not any(f"`{path}`" in line for line in lines)
    ]
    assert not undocumented, f"docs/cli.md needs a heading for: {', '.join(undocumented)}"


def test_command_headings_name_only_existing_commands(cli_md: str) -> None:
    existing = {path for path, _ in command_paths(cli)}
    documented = {
        match for line in headings(cli_md) for match in re.findall(r"`(cargohold[\w -]*)`", line)
    }
    assert documented <= existing, (
        f"docs/cli.md documents missing commands: {documented - existing}"
    )


def test_every_option_is_mentioned(cli_md: str) -> None:
    missing = []
    for path, command in command_paths(cli):
        for parameter in command.params:
            if isinstance(parameter, click.Option):
                flag = max(parameter.opts, key=len)
                if flag not in cli_md:
                    missing.append(f"{path} {flag}")
    assert not missing, f"docs/cli.md never mentions: {', '.join(missing)}"
