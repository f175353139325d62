"""The one importer of ``"package.module:Attribute"`` strings.

Flavor implementations, connector listers and custom flavors registered from a
repository are all named this way and imported on first use. A failure to import is
an ``ImportError`` (with ``name`` set to the missing module) whatever was missing,
the module or the attribute, so callers can turn it into the fix for their case.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from cargohold.errors import CargoholdError

if TYPE_CHECKING:
    from pathlib import Path


def split_spec(spec: str, *, allow_dots: bool = False) -> tuple[str, str]:
    """``"pkg.mod:Name"`` -> ``("pkg.mod", "Name")``; with ``allow_dots``, also
    ``"pkg.mod.Name"``. A malformed spec is a one-line error."""
    module_name, sep, attribute = spec.partition(":")
    if not sep and allow_dots:
        module_name, _, attribute = spec.rpartition(".")
    if not module_name or not attribute:
        form = "package.module.ClassName" if allow_dots else "'package.module:Attribute'"
        raise CargoholdError(f"{spec!r} is not of the form {form}")
    return module_name, attribute


@contextmanager
def importable_from(root: Path | str | None) -> Iterator[None]:
    """``root`` first on ``sys.path`` for the block, so that a module of that repository
    wins over an installed one of the same name; nothing when ``root`` is None."""
    entry = None if root is None else str(root)
    added = entry is not None and entry not in sys.path
    if added:
        sys.path.insert(0, str(entry))
    try:
        yield
    finally:
        if added and entry in sys.path:
            sys.path.remove(str(entry))


def import_object(spec: str, *, root: Path | None = None, allow_dots: bool = False) -> Any:
    """Import the module named by ``spec`` and return its attribute.

    ``root``, when given, is put first on ``sys.path`` for the import only, so that a
    module of that repository wins over an installed one of the same name.
    """
    module_name, attribute = split_spec(spec, allow_dots=allow_dots)
    with importable_from(root):
        module = importlib.import_module(module_name)
    try:
        return getattr(module, attribute)
    except AttributeError:
        raise ImportError(
            f"module {module_name!r} has no attribute {attribute!r}", name=module_name
        ) from None
