"""The names the top-level package promises."""

from __future__ import annotations

import subprocess
import sys

import cargohold


def test_every_public_name_resolves() -> None:
    for name in cargohold.__all__:
        assert getattr(cargohold, name) is not None, name


def test_version_comes_from_the_distribution() -> None:
    from importlib.metadata import version

    assert cargohold.__version__ == version("cargohold")


def test_importing_the_package_is_light() -> None:
    code = (
        "import sys, cargohold; "
        "print(sorted(m for m in ('pydantic', 'fsspec', 'pluggy', 'click') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
