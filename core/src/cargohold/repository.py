"""Repository roots (``cargohold init``) and flavors that live in a user's repository."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from contextlib import contextmanager
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


@contextmanager
def importable_from(root: Path) -> Iterator[None]:
    """Make modules under ``root`` importable for the duration of the block."""
    entry = str(root)
    added = entry not in sys.path
    if added:
        sys.path.insert(0, entry)
    try:
        yield
    finally:
        if added and entry in sys.path:
            sys.path.remove(entry)


def import_dotted(source: str, root: Path) -> Any:
    """Import ``package.module.ClassName`` (or ``package.module:ClassName``) from ``root``."""
    module_name, sep, attribute = source.partition(":")
    if not sep:
        module_name, _, attribute = source.rpartition(".")
    if not module_name or not attribute:
        raise CargoholdError(
            f"{source!r} is not a dotted path to a class; give it as package.module.ClassName"
        )
    with importable_from(root):
        try:
            module = importlib.import_module(module_name)
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
        except Exception as exc:
            raise CargoholdError(
                f"importing {module_name!r} from {root} failed: {type(exc).__name__}: {exc}"
            ) from None
    try:
        return getattr(module, attribute)
    except AttributeError:
        raise CargoholdError(f"module {module_name!r} has no attribute {attribute!r}") from None
