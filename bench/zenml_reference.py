"""The comparison for the CLI rows: zenml's own commands, in a virtualenv of their own.

The performance targets are relative to the tool users know best, measured in the
same run on the same machine. zenml is installed (once, then reused) into a
virtualenv under ``.cache/bench/`` so it never touches the environment that runs
cargohold; each benchmark run gives it a new, empty config directory with analytics
off, as a user's first session would have.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

ZENML_REQUIREMENT = "zenml[local]==0.98.0"
CACHE_DIR = Path(__file__).resolve().parent.parent / ".cache" / "bench"
_PRINT_ZENML_VERSION = "import importlib.metadata as m; print(m.version('zenml'))"


@dataclass(frozen=True)
class ReferenceCLI:
    """A ``zenml`` script and the environment to run it with."""

    script: Path
    env: Mapping[str, str]
    description: str


def _venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def ensure_zenml(cache_dir: Path = CACHE_DIR) -> Path:
    """The zenml script of a virtualenv holding ``ZENML_REQUIREMENT``, installed if needed."""
    venv = cache_dir / ("zenml-" + ZENML_REQUIREMENT.rpartition("==")[2])
    script = venv / ("Scripts/zenml.exe" if os.name == "nt" else "bin/zenml")
    # Written only after pip succeeds: an install cut off half way leaves a zenml
    # script behind, in a virtualenv that cannot run it.
    installed = venv / "cargohold-bench-installed"
    if installed.exists() and installed.read_text() == ZENML_REQUIREMENT:
        return script
    print(f"installing {ZENML_REQUIREMENT} into {venv} (once) ...", file=sys.stderr)
    shutil.rmtree(venv, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run(
        [str(_venv_python(venv)), "-m", "pip", "install", "-q", ZENML_REQUIREMENT],
        check=True,
    )
    installed.write_text(ZENML_REQUIREMENT)
    return script


def zenml_reference(workdir: Path, base_env: Mapping[str, str]) -> ReferenceCLI:
    script = ensure_zenml()
    config = workdir / "zenml-config"
    env = {
        key: value
        for key, value in base_env.items()
        if not key.startswith("ZENML_") and key != "PYTHONPYCACHEPREFIX"
    }
    env.update(
        ZENML_CONFIG_PATH=str(config),
        ZENML_ANALYTICS_OPT_IN="false",
        ZENML_ENABLE_REPO_INIT_WARNINGS="false",
    )
    # Read from the installed distribution: `zenml version` writes its banner and the
    # version to stderr, leaving stdout empty.
    version = subprocess.run(
        [str(_venv_python(script.parent.parent)), "-c", _PRINT_ZENML_VERSION],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    return ReferenceCLI(
        script=script,
        env=env,
        description=(
            f"`{ZENML_REQUIREMENT}` (zenml {version} installed) in its"
            f" own virtualenv, `ZENML_ANALYTICS_OPT_IN=false`, a new `ZENML_CONFIG_PATH`"
            " for the run; it ran the same warm-ups, and its runs were interleaved with"
            " cargohold's"
        ),
    )
