"""The first-party catalogue and the core's extras are generated from the plugins'
pyproject.toml files by scripts/first_party.py, and committed; these tests fail when
what is committed no longer matches the plugins."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from cargohold.integrations import FIRST_PARTY, first_party_names
from cargohold.scaffold import RESERVED_NAMES

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "first_party.py"
CATALOGUE = Path("core/src/cargohold/first_party.json")
CORE_PYPROJECT = Path("core/pyproject.toml")


def generator(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=60,
    )


def copy_inputs(target: Path) -> Path:
    """What the generator reads and writes, copied from this checkout into ``target``."""
    inputs = [CATALOGUE, CORE_PYPROJECT, *(p.relative_to(ROOT) for p in plugin_pyprojects())]
    for relative in inputs:
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / relative, target / relative)
    return target


def plugin_pyprojects() -> list[Path]:
    return sorted(ROOT.glob("plugins/*/pyproject.toml"))


def test_the_committed_catalogue_and_extras_match_the_plugins() -> None:
    result = generator("--check")
    assert result.returncode == 0, result.stderr


def test_a_changed_description_makes_the_check_fail_until_regenerated(tmp_path: Path) -> None:
    root = copy_inputs(tmp_path)
    assert generator("--check", "--root", root).returncode == 0
    s3 = root / "plugins" / "s3" / "pyproject.toml"
    head, table = s3.read_text(encoding="utf-8").split("[tool.cargohold.integration]")
    table = "\n".join(
        'description = "Changed in a test."' if line.startswith("description = ") else line
        for line in table.splitlines()
    )
    s3.write_text(f"{head}[tool.cargohold.integration]{table}\n", encoding="utf-8")

    stale = generator("--check", "--root", root)
    assert stale.returncode == 1
    assert f"{CATALOGUE.as_posix()} is stale; run: python scripts/first_party.py" in stale.stderr
    assert '+      "description": "Changed in a test."' in stale.stderr
    assert CORE_PYPROJECT.as_posix() not in stale.stderr  # the extras did not change

    written = generator("--root", root)
    assert written.returncode == 0, written.stderr
    assert written.stdout == f"wrote {CATALOGUE.as_posix()}\n"
    assert generator("--check", "--root", root).returncode == 0
    entries = json.loads((root / CATALOGUE).read_text(encoding="utf-8"))["integrations"]
    assert {e["name"]: e["description"] for e in entries}["s3"] == "Changed in a test."


def test_a_new_plugin_gets_an_extra_and_other_extras_stay(tmp_path: Path) -> None:
    root = copy_inputs(tmp_path)
    core = root / CORE_PYPROJECT
    core.write_text(
        core.read_text(encoding="utf-8").replace(
            "[project.optional-dependencies]\n",
            '[project.optional-dependencies]\nui = ["some-web-framework"]\n',
        ),
        encoding="utf-8",
    )
    acme = root / "plugins" / "acme" / "pyproject.toml"
    acme.parent.mkdir()
    acme.write_text(
        '[project]\nname = "cargohold-acme"\n\n[tool.cargohold.integration]\n'
        'name = "acme"\nflavors = ["acme"]\ndescription = "Acme Blob via acmefs."\n',
        encoding="utf-8",
    )

    stale = generator("--check", "--root", root)
    assert stale.returncode == 1
    assert f"{CORE_PYPROJECT.as_posix()} is stale" in stale.stderr
    assert '+acme = ["cargohold-acme"]' in stale.stderr

    assert generator("--root", root).returncode == 0
    text = core.read_text(encoding="utf-8")
    assert 'ui = ["some-web-framework"]\n' in text
    assert 'acme = ["cargohold-acme"]\nazure = ["cargohold-azure"]\n' in text
    names = [e["name"] for e in json.loads((root / CATALOGUE).read_text())["integrations"]]
    assert names == sorted(names) and "acme" in names


def test_a_plugin_without_the_table_is_an_error_that_names_it(tmp_path: Path) -> None:
    root = copy_inputs(tmp_path)
    bare = root / "plugins" / "bare" / "pyproject.toml"
    bare.parent.mkdir()
    bare.write_text('[project]\nname = "cargohold-bare"\n', encoding="utf-8")
    result = generator("--check", "--root", root)
    assert result.returncode == 1
    assert "plugins/bare/pyproject.toml has no [tool.cargohold.integration] table" in result.stderr


def test_the_core_loads_the_catalogue_in_order() -> None:
    entries = json.loads((ROOT / CATALOGUE).read_text(encoding="utf-8"))["integrations"]
    assert [(i.name, i.distribution, list(i.flavors), i.description) for i in FIRST_PARTY] == [
        (e["name"], e["distribution"], e["flavors"], e["description"]) for e in entries
    ]
    assert [i.name for i in FIRST_PARTY] == sorted(i.name for i in FIRST_PARTY)
    assert len(FIRST_PARTY) == len(plugin_pyprojects())


def test_the_scaffold_reserves_the_first_party_names() -> None:
    assert first_party_names() <= RESERVED_NAMES
    assert {"builtin", "local", "memory"} <= RESERVED_NAMES


def test_importing_the_integrations_module_reads_no_catalogue() -> None:
    code = (
        "import cargohold.integrations as i; before = i.first_party.cache_info().currsize; "
        "i.FIRST_PARTY; print(before, i.first_party.cache_info().currsize)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.split() == ["0", "1"], done.stderr
