"""The ``cargohold`` console script.

``cargohold --help`` is what people run to find their way around, and it is where
start-up time is most noticed. Importing click alone costs more than the interpreter
itself starts in, so the root help is answered from the text click rendered the last
time it ran, stored in the user's cache directory. The stored text is used only while
it matches: the same cargohold version and CLI module (size and modification time,
so an edit or an upgrade re-renders), and the same width click would wrap to. Every
other command, and any mismatch, goes through click as usual.

This module imports only ``os`` and ``sys``: a hit must not pay for more.
"""

from __future__ import annotations

import os
import sys

HELP_ARGUMENTS = (["--help"], ["-h"])
# click wraps help to the terminal's width, at most 80 columns (its default).
MAX_HELP_WIDTH = 80
CACHE_FILE_PREFIX = "help-"


def _cache_dir() -> str:
    """``$CARGOHOLD_CONFIG_DIR/cache``, else the platform's user cache folder."""
    configured = os.environ.get("CARGOHOLD_CONFIG_DIR")
    if configured:
        return os.path.join(os.path.expanduser(configured), "cache")
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or os.path.expanduser("~")
        return os.path.join(base, "cargohold", "Cache")
    if sys.platform == "darwin":
        return os.path.expanduser("~/Library/Caches/cargohold")
    return os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "cargohold"
    )


def _help_width() -> int:
    """The width click will wrap to, found the way it finds it (shutil's rules)."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = MAX_HELP_WIDTH
    return min(columns, MAX_HELP_WIDTH)


def _cache_key() -> str | None:
    """The CLI module the stored text must have been rendered from (each width has
    its own file); None when it cannot be told."""
    cli_module = os.path.join(os.path.dirname(__file__), "cli", "__init__.py")
    try:
        stat = os.stat(cli_module)
    except OSError:
        return None
    return f"{stat.st_size}-{stat.st_mtime_ns}"


def _stored_help(path: str, key: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as stored:
            first_line, _, text = stored.read().partition("\n")
    except (OSError, ValueError):
        return None
    return text if first_line == key else None


def _render_and_store(path: str, key: str | None) -> str:
    """The root help as click prints it; stored for next time (best effort)."""
    import click

    from cargohold.cli import cli

    # With the group's context settings, as click makes it: they name the help options.
    with click.Context(cli, info_name="cargohold", **cli.context_settings) as context:
        text = cli.get_help(context) + "\n"
    if key is not None:
        _store(path, key, text)
    return text


def _store(path: str, key: str, text: str) -> None:
    import tempfile

    directory = os.path.dirname(path)
    try:
        os.makedirs(directory, mode=0o700, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=directory, prefix=".help-", suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as stored:
            stored.write(f"{key}\n{text}")
        os.replace(temporary, path)
    except OSError:
        pass  # an unwritable cache only means the next --help renders again


def main() -> None:
    if sys.argv[1:] in HELP_ARGUMENTS:
        path = os.path.join(_cache_dir(), f"{CACHE_FILE_PREFIX}{_help_width()}.txt")
        key = _cache_key()
        text = _stored_help(path, key) if key is not None else None
        sys.stdout.write(text if text is not None else _render_and_store(path, key))
        return
    from cargohold.cli import main as cli_main

    cli_main()
