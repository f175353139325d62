"""Built-in hook implementations: registered first, through the same hooks as any plugin."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cargohold.hookspecs import hookimpl


@hookimpl
def cargohold_flavors(register: Callable[[type[Any]], None]) -> None:
    from cargohold.stores.builtin_flavors import LocalArtifactStoreFlavor, MemoryArtifactStoreFlavor

    register(LocalArtifactStoreFlavor)
    register(MemoryArtifactStoreFlavor)


@hookimpl
def cargohold_materializers(register: Callable[[type[Any]], None]) -> None:
    from cargohold.artifacts.materializers import BUILTIN_MATERIALIZERS
    from cargohold.artifacts.optional import OPTIONAL_MATERIALIZERS

    for materializer in (*BUILTIN_MATERIALIZERS, *OPTIONAL_MATERIALIZERS):
        register(materializer)
