"""The layering of the core, checked from its source: no import cycles, and only the
outermost layer reaches for ``cargohold.client``.

Every ``import`` and ``from ... import`` counts, wherever it stands: at module level,
inside a function (lazy imports) or under ``if TYPE_CHECKING:``. A cycle that only
typing or laziness hides at run time still ties the modules together for a reader
and for a refactoring, so it fails here too. The implicit import of a parent package
(``import a.b`` runs ``a/__init__.py``) is not an edge: it is how packages work, not
a dependency the code chose.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE_ROOT = Path(__file__).resolve().parents[2] / "core" / "src" / "cargohold"
# The composition root, and who may use it: the CLI, the package's public face and
# the module-level artifact functions (save_artifact, load_artifact, ...).
CLIENT = "cargohold.client"
MAY_IMPORT_CLIENT = ("cargohold", "cargohold.artifacts", "cargohold.cli")


def module_name(path: Path, root: Path = PACKAGE_ROOT) -> str:
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules(root: Path = PACKAGE_ROOT) -> dict[str, Path]:
    return {module_name(path, root): path for path in sorted(root.rglob("*.py"))}


def imported_names(path: Path, name: str, known: set[str]) -> Iterator[str]:
    """The core modules ``path`` imports, resolving ``from pkg import module``."""
    is_package = path.name == "__init__.py"
    package = name if is_package else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # `from cargohold import fileio` imports the module cargohold.fileio.
            submodules = [f"{base}.{alias.name}" for alias in node.names]
            targets = [sub for sub in submodules if sub in known] or [base]
        else:
            continue
        for target in targets:
            if target.split(".")[0] == "cargohold" and target != name:
                # `import cargohold.stores.base` depends on that module, not on its parents.
                while target not in known and "." in target:
                    target = target.rpartition(".")[0]
                if target in known and target != name:
                    yield target


def import_graph(root: Path = PACKAGE_ROOT) -> dict[str, set[str]]:
    found = modules(root)
    known = set(found)
    return {name: set(imported_names(path, name, known)) for name, path in found.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle as a path that starts and ends at the same module, or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state:
                cycle = visit(target)
                if cycle:
                    return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node)
            if cycle:
                return cycle
    return None


def test_the_core_has_no_import_cycle() -> None:
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_only_the_outer_layer_imports_the_client() -> None:
    graph = import_graph()
    importers = sorted(
        name
        for name, targets in graph.items()
        if CLIENT in targets
        and name not in MAY_IMPORT_CLIENT
        and not name.startswith("cargohold.cli.")
    )
    assert importers == [], f"{', '.join(importers)} import {CLIENT}; pass them what they use"


def test_the_cycle_check_finds_a_cycle_the_laziness_hides(tmp_path: Path) -> None:
    """A cycle made only of a lazy import and a TYPE_CHECKING import still counts."""
    package = tmp_path / "cargohold"
    (package / "services").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "services" / "__init__.py").write_text("")
    (package / "client.py").write_text(
        "def build():\n    from cargohold.services import things\n    return things\n"
    )
    (package / "services" / "things.py").write_text(
        "TYPE_CHECKING = False\nif TYPE_CHECKING:\n    from cargohold.client import build\n"
    )
    (package / "services" / "other.py").write_text("from . import things\n")
    graph = import_graph(package)
    assert graph["cargohold.services.other"] == {"cargohold.services.things"}
    assert find_cycle(graph) == [
        "cargohold.client",
        "cargohold.services.things",
        "cargohold.client",
    ]


@pytest.mark.parametrize("allowed", MAY_IMPORT_CLIENT)
def test_the_allowed_importers_exist(allowed: str) -> None:
    assert allowed in modules(), f"{allowed} is named as an allowed importer but does not exist"
