"""`cargohold --help` answered from the text click rendered last time: the same
text, without importing click, and rendered again whenever it would differ."""

from __future__ import annotations

import os
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

# Runs the console script's main() and reports which of click and the command modules
# the process imported.
CONSOLE = (
    "import sys; sys.argv = ['cargohold', *sys.argv[1:]]; "
    "from cargohold._console import main; main(); "
    "print(sorted(m for m in sys.modules if m == 'click' or m.startswith('cargohold.cli')),"
    " file=sys.stderr)"
)


def console_help(config: Path, columns: int = 80, argument: str = "--help") -> tuple[str, str]:
    env = {**os.environ, "CARGOHOLD_CONFIG_DIR": str(config), "COLUMNS": str(columns)}
    done = subprocess.run(
        [sys.executable, "-c", CONSOLE, argument], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout, done.stderr.strip()


def click_help(columns: int = 80) -> str:
    """The help as click itself prints it (``python -m cargohold`` does not use the cache)."""
    env = {**os.environ, "COLUMNS": str(columns)}
    done = subprocess.run(
        [sys.executable, "-m", "cargohold", "--help"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def test_the_console_script_is_the_fast_entry_point() -> None:
    (script,) = [ep for ep in entry_points(group="console_scripts") if ep.name == "cargohold"]
    assert script.value == "cargohold._console:main"


def test_the_second_help_prints_the_same_text_without_click(tmp_path: Path) -> None:
    expected = click_help()
    first, first_imports = console_help(tmp_path)
    assert first == expected
    assert "'click'" in first_imports, "nothing stored yet: click renders the help"
    second, second_imports = console_help(tmp_path)
    assert second == expected
    assert second_imports == "[]", f"a stored help must not import {second_imports}"
    short, _ = console_help(tmp_path, argument="-h")
    assert short == expected


def test_another_width_is_rendered_for_that_width(tmp_path: Path) -> None:
    console_help(tmp_path, columns=80)
    narrow, imports = console_help(tmp_path, columns=60)
    assert narrow == click_help(columns=60)
    assert "'click'" in imports
    assert max(len(line) for line in narrow.splitlines()) <= 60


def test_a_stored_help_for_another_cli_module_is_rendered_again(tmp_path: Path) -> None:
    console_help(tmp_path)
    (stored,) = (tmp_path / "cache").glob("help-*.txt")
    key, _, _ = stored.read_text().partition("\n")
    stored.write_text(f"{key}0\nstale help from another cargohold\n")
    text, imports = console_help(tmp_path)
    assert text == click_help()
    assert "'click'" in imports
    assert "stale" not in stored.read_text()


def test_an_unwritable_cache_directory_is_not_an_error(tmp_path: Path) -> None:
    # A file where the cache folder should be: nothing can be stored, help still prints.
    (tmp_path / "cache").write_text("not a folder")
    text, _ = console_help(tmp_path)
    assert text == click_help()
    assert (tmp_path / "cache").read_text() == "not a folder"


def test_other_commands_go_through_click(tmp_path: Path) -> None:
    # click's version option answers, and exits before the import report is printed.
    out, _ = console_help(tmp_path, argument="--version")
    assert out.startswith("cargohold, version ")
    assert not (tmp_path / "cache").exists()
