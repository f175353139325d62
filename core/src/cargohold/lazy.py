"""Names a package module exports but imports only on first access.

``cargohold``, ``cargohold.plugin_api`` and ``cargohold.testing`` list their public
names with the module each lives in; ``attributes`` gives them the module-level
``__getattr__`` and ``__dir__`` (PEP 562) that import a name when it is first asked
for and keep it. Standard library only, and no ``typing``: ``cargohold --help``
passes through here.
"""

from __future__ import annotations

import importlib
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Any


def attributes(
    module_name: str,
    locations: Mapping[str, str],
    computed: Mapping[str, Callable[[], Any]] | None = None,
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``(__getattr__, __dir__)`` for ``module_name``: each name of ``locations`` is
    imported from its module on first access and then kept in the module; a name of
    ``computed`` is produced by its function at each access (never kept)."""

    def __getattr__(name: str) -> Any:
        if computed is not None and name in computed:
            return computed[name]()
        location = locations.get(name)
        if location is None:
            raise AttributeError(f"module {module_name!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(location), name)
        setattr(sys.modules[module_name], name, value)
        return value

    def __dir__() -> list[str]:
        namespace = vars(sys.modules[module_name])
        return sorted(set(namespace) | set(namespace.get("__all__", ())))

    return __getattr__, __dir__
