"""Repository roots (``cargohold init``) and flavors that live in a user's repository."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cargohold.errors import CargoholdError

MARKER = ".cargohold"


def find_repository_root(start: Path | None = None) -> Path | None:
    """The nearest directory at or above ``start`` holding a ``.cargohold/`` marker."""
    here = (start or Path.cwd()).resolve()
    for directory in (here, *here.parents):
        if (directory / MARKER).is_dir():
            return directory
    return None


def init_repository(directory: Path) -> Path:
    """Mark ``directory`` as a repository root; idempotent."""
    marker = directory.resolve() / MARKER
    marker.mkdir(parents=True, exist_ok=True)
    return marker.parent


def source_root() -> Path:
    """Where dotted paths of custom flavors are resolved from: the repository root,
    else the current directory."""
    return find_repository_root() or Path.cwd().resolve()


def import_from_repository(source: str, root: Path) -> Any:
    """Import ``package.module.ClassName`` (or ``package.module:ClassName``) from ``root``,
    every failure a one-line error that says what to do."""
    from cargohold.dotted import import_object, split_spec

    try:
        module_name, attribute = split_spec(source, allow_dots=True)
    except CargoholdError:
        raise CargoholdError(
            f"{source!r} is not a dotted path to a class; give it as package.module.ClassName"
        ) from None
    try:
        return import_object(f"{module_name}:{attribute}", root=root)
    except ModuleNotFoundError as exc:
        if exc.name and module_name.startswith(exc.name):
            raise CargoholdError(
                f"cannot import {module_name!r} from {root}: no module named {exc.name!r}; "
                "run the command from your repository (see `cargohold init`)"
            ) from None
        raise CargoholdError(
            f"importing {module_name!r} from {root} failed: module {exc.name!r} is not "
            "installed; keep heavy imports out of the flavor's module"
        ) from None
    except ImportError as exc:
        if exc.name == module_name and "has no attribute" in str(exc):
            raise CargoholdError(str(exc)) from None
        raise CargoholdError(
            f"importing {module_name!r} from {root} failed: {type(exc).__name__}: {exc}"
        ) from None
    except Exception as exc:
        raise CargoholdError(
            f"importing {module_name!r} from {root} failed: {type(exc).__name__}: {exc}"
        ) from None
