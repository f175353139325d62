"""Hook specifications: the contract between the core and its plugins.

Each hook receives a ``register`` callback instead of returning values, so the
core can detect name clashes and remember which plugin contributed what. The
full contract of every hook, with an example, is in ``docs/hooks.md``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pluggy

PROJECT_NAME = "cargohold"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


@hookspec
def cargohold_flavors(register: Callable[[type[Any]], None]) -> None:
    """Register stack-component flavors: ``register(FlavorClass)``."""


@hookspec
def cargohold_integrations(register: Callable[[Any], None]) -> None:
    """Register integrations: ``register(Integration(...))``."""


@hookspec
def cargohold_connector_types(register: Callable[[Any], None]) -> None:
    """Register service connector types: ``register(connector_type)``."""


@hookspec
def cargohold_materializers(register: Callable[[type[Any]], None]) -> None:
    """Register materializers for Python types: ``register(MaterializerClass)``."""
