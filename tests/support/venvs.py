"""Throwaway virtual environments, for tests that need a package to be absent.

Built with uv (fast, and it caches wheels between tests).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def uv() -> str:
    found = shutil.which("uv") or str(Path(sys.executable).with_name("uv"))
    if not Path(found).exists():
        raise RuntimeError("uv is needed to build test environments; pip install uv")
    return found


class Venv:
    def __init__(self, path: Path) -> None:
        self.path = path
        subprocess.run([uv(), "venv", "-q", "--python", sys.executable, str(path)], check=True)

    @property
    def python(self) -> str:
        return str(self.path / "bin" / "python")

    def bin(self, name: str) -> str:
        return str(self.path / "bin" / name)

    def install(self, *args: str) -> None:
        subprocess.run([uv(), "pip", "install", "-q", "--python", self.python, *args], check=True)

    def install_core(self) -> None:
        """The core from this checkout, with its dependencies."""
        self.install(str(REPO / "core"))

    def install_plugin_without_heavy_deps(self, plugin: str) -> None:
        """A plugin from this checkout, but none of its cloud libraries (``--no-deps``)."""
        self.install("--no-deps", str(REPO / "plugins" / plugin))

    def run(self, *args: str, env: dict[str, str] | None = None, timeout: float = 120):
        return subprocess.run(
            list(args),
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**os.environ, **(env or {}), "VIRTUAL_ENV": str(self.path)},
        )
