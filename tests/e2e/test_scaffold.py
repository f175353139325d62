"""``cargohold flavor init``: the scaffolded distribution installs beside the core in a
fresh environment, is listed without its store being imported, registers and writes
a store, and passes its own tests; bad input is refused in one line."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from cargohold.scaffold import core_requirement
from tests.support.venvs import Venv

NAME = "kit_probe"
SCHEME = "kitprobe://"
PACKAGE = f"cargohold_{NAME}"


def cargohold(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The CLI of this checkout (the test environment's core)."""
    return subprocess.run(
        [sys.executable, "-m", "cargohold", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=60,
    )


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("scaffold") / "flavor"
    result = cargohold("flavor", "init", NAME, "--scheme", SCHEME, "--dir", str(target))
    assert result.returncode == 0, result.stderr
    return target


@pytest.fixture(scope="module")
def venv(project: Path, tmp_path_factory: pytest.TempPathFactory) -> Venv:
    venv = Venv(tmp_path_factory.mktemp("scaffold-venv") / "venv")
    venv.install_core()
    venv.install(str(project), "pytest")
    return venv


@pytest.fixture
def config_env(tmp_path: Path) -> dict[str, str]:
    return {"CARGOHOLD_CONFIG_DIR": str(tmp_path / "config")}


def test_the_project_has_every_part(project: Path) -> None:
    pyproject = (project / "pyproject.toml").read_text()
    assert 'name = "cargohold-kit-probe"' in pyproject
    assert f'{NAME} = "{PACKAGE}.hookimpls"' in pyproject
    assert f'"{core_requirement()}"' in pyproject
    assert 'build-backend = "hatchling.build"' in pyproject
    modules = {path.name for path in (project / "src" / PACKAGE).iterdir()}
    assert {"hookimpls.py", "flavor.py", "config.py", "store.py", "py.typed"} <= modules
    assert (project / "README.md").read_text().startswith("# cargohold-kit-probe")
    assert "ArtifactStoreConformance" in (project / "tests" / "test_conformance.py").read_text()


def test_the_project_is_ruff_clean(project: Path) -> None:
    # nox installs ruff with the test requirements; a missing ruff is a failure here.
    ruff = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))
    assert Path(ruff).exists(), "ruff is not installed: install the test requirements"
    for command in (["check"], ["format", "--check"]):
        result = subprocess.run(
            [ruff, *command, "--no-cache", "."], cwd=project, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stdout + result.stderr


def test_listed_without_importing_the_store(venv: Venv, config_env: dict[str, str]) -> None:
    probe = textwrap.dedent(
        f"""
        import sys
        from cargohold.cli import main

        sys.argv = ["cargohold", "artifact-store", "flavor", "list", "-o", "json"]
        try:
            main()
        except SystemExit as exit:
            assert exit.code == 0, exit.code
        loaded = [m for m in ("{PACKAGE}.store", "{PACKAGE}.standin") if m in sys.modules]
        print("LOADED", loaded, file=sys.stderr)
        """
    )
    result = venv.run(venv.python, "-c", probe, env=config_env)
    assert result.returncode == 0, result.stderr
    row = next(row for row in json.loads(result.stdout) if row["name"] == NAME)
    assert row["schemes"] == [SCHEME] and row["plugin"] == NAME
    assert row["dependencies"] == "ready"
    assert "LOADED []" in result.stderr, "listing flavors must not import the store module"


def test_a_store_registers_and_writes(venv: Venv, config_env: dict[str, str]) -> None:
    cli = venv.bin("cargohold")
    registered = venv.run(
        cli,
        "artifact-store",
        "register",
        "probe",
        "-f",
        NAME,
        f"--path={SCHEME}bucket/run",
        env=config_env,
    )
    assert registered.returncode == 0, registered.stderr
    refused = venv.run(
        cli, "artifact-store", "register", "bad", "-f", NAME, "--path=s3://bucket", env=config_env
    )
    assert refused.returncode == 1 and f"accepted: {SCHEME}" in refused.stderr
    verified = venv.run(cli, "artifact-store", "verify", "probe", "-o", "json", env=config_env)
    assert verified.returncode == 0, verified.stderr
    steps = {step["step"]: step["status"] for step in json.loads(verified.stdout)}
    assert steps == dict.fromkeys(["resolve credentials", "write", "read", "list", "delete"], "ok")


def test_the_scaffold_passes_its_own_tests(venv: Venv, project: Path) -> None:
    result = venv.run(
        venv.python, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(project / "tests")
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert " passed" in result.stdout and "failed" not in result.stdout


def test_defaults_dir_and_scheme(tmp_path: Path) -> None:
    result = cargohold("flavor", "init", "acme_blob", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    created = tmp_path / "cargohold-acme-blob"
    config = (created / "src" / "cargohold_acme_blob" / "config.py").read_text()
    assert '{"acme-blob://"}' in config, "the default scheme is the name, '-' for '_'"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["Acme"], "invalid flavor name 'Acme'"),
        (["my-store"], "invalid flavor name 'my-store'"),
        (["a" * 21], "use up to 20 lowercase letters"),
        (["local"], "flavor name 'local' is taken"),
        (["acme", "--scheme", "Ac me"], "invalid scheme 'Ac me'"),
    ],
)
def test_bad_names_are_refused_in_one_line(tmp_path: Path, args: list[str], message: str) -> None:
    result = cargohold("flavor", "init", *args, cwd=tmp_path)
    assert result.returncode == 1
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert os.listdir(tmp_path) == [], "a refused scaffold writes nothing"


def test_a_non_empty_directory_is_never_overwritten(tmp_path: Path) -> None:
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "keep.txt").write_text("mine")
    result = cargohold("flavor", "init", "acme", "--dir", str(tmp_path / "taken"))
    assert result.returncode == 1
    assert "is not empty" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert os.listdir(tmp_path / "taken") == ["keep.txt"]
    (tmp_path / "empty").mkdir()
    assert cargohold("flavor", "init", "acme", "--dir", str(tmp_path / "empty")).returncode == 0
