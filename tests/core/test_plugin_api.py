"""The surface plugins build on: ``cargohold.plugin_api`` (and the ``cargohold`` package).

Its names are pinned here. Changing them is a deliberate act: edit ``PINNED`` and say
what changed in CHANGELOG.md, which this test also checks. The first-party plugins
and the scaffold's templates are held to the same surface, so what they need is what
third parties get.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import cargohold.plugin_api as plugin_api

ROOT = Path(__file__).resolve().parents[2]
PINNED = [
    "AuthMethod",
    "AuthMethodSettings",
    "AuthenticationSecret",
    "BaseArtifactStore",
    "BaseArtifactStoreConfig",
    "BaseArtifactStoreFlavor",
    "BufferedUpload",
    "CargoholdError",
    "CloudArtifactStore",
    "CloudArtifactStoreConfig",
    "CloudArtifactStoreFlavor",
    "ConnectorType",
    "CredentialModel",
    "EndpointOverride",
    "FsspecArtifactStore",
    "Integration",
    "ListedFile",
    "PathType",
    "ResourceType",
    "StoreAuthenticationError",
    "StoreConnectionError",
    "authentication_secret_field",
    "check_endpoint",
    "connect_timeout_field",
    "endpoint_check",
    "exception_chain",
    "has_reference",
    "hookimpl",
    "md5_hex",
    "plain_values",
    "read_timeout_field",
    "registers",
    "scrub_url_secrets",
    "short_message",
    "store_message",
]
ALLOWED_MODULES = {"cargohold", "cargohold.plugin_api"}


def test_the_surface_is_the_pinned_one() -> None:
    assert plugin_api.__all__ == sorted(plugin_api.__all__), "keep __all__ alphabetised"
    assert plugin_api.__all__ == PINNED, "a change here needs a line in CHANGELOG.md"


@pytest.mark.parametrize("name", PINNED)
def test_every_name_resolves_and_is_documented(name: str) -> None:
    assert getattr(plugin_api, name) is not None
    surface = (ROOT / "docs" / "authoring.md").read_text(encoding="utf-8")
    assert f"| `{name}` |" in surface, f"docs/authoring.md's plugin surface lacks {name}"


def test_the_changelog_speaks_of_the_surface() -> None:
    assert "cargohold.plugin_api" in (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        _ = plugin_api.Nope  # type: ignore[attr-defined]


def test_the_entry_point_import_stays_light() -> None:
    """A plugin's hookimpls module imports ``hookimpl`` from here at every plugin load:
    that must not pull in pydantic or the store code."""
    code = (
        "import sys\nfrom cargohold.plugin_api import hookimpl\n"
        "print(sorted(m for m in ('pydantic', 'fsspec', 'cargohold.stores') if m in sys.modules))"
    )
    shown = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert shown == "[]"


def core_imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every ``cargohold`` import in a Python source file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            names = [node.module]
        found += [(node.lineno, n) for n in names if n.split(".")[0] == "cargohold"]
    return found


def plugin_sources() -> list[Path]:
    sources = sorted(ROOT.glob("plugins/*/src/**/*.py"))
    assert sources, "no plugin sources found"
    return sources


def test_plugins_import_only_the_public_surface() -> None:
    offending = [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for path in plugin_sources()
        for line, module in core_imports(path)
        if module not in ALLOWED_MODULES
    ]
    assert offending == []


def test_the_scaffold_templates_import_only_the_public_surface() -> None:
    import re

    templates = sorted((ROOT / "core/src/cargohold/scaffold/templates").rglob("*.py.tmpl"))
    assert templates
    offending = []
    for template in templates:
        for number, line in enumerate(template.read_text(encoding="utf-8").splitlines(), 1):
            match = re.match(r"\s*(?:from|import)\s+(cargohold[\w.]*)", line)
            if match and match[1] not in ALLOWED_MODULES | {"cargohold.testing"}:
                offending.append(f"{template.name}:{number} imports {match[1]}")
    assert offending == []


def test_the_check_catches_an_internal_import(tmp_path: Path) -> None:
    source = tmp_path / "store.py"
    source.write_text("from cargohold.stores.fsspec import FsspecArtifactStore\n")
    assert core_imports(source) == [(1, "cargohold.stores.fsspec")]
