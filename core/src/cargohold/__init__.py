"""cargohold: artifact stores for ML pipelines.

Names are imported on first access, so that ``import cargohold`` (and
``cargohold --help``) stays fast and pulls in neither pydantic nor any plugin.
"""

from __future__ import annotations

import importlib

from cargohold import lazy

# Not `from typing import TYPE_CHECKING`: typing costs more to import than the rest of
# this module, and `cargohold --help` goes through here.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from cargohold import fileio
    from cargohold.artifacts import (
        ArtifactVersion,
        Materializer,
        delete_artifact,
        list_artifacts,
        load_artifact,
        save_artifact,
    )
    from cargohold.client import Client
    from cargohold.errors import (
        CargoholdError,
        MissingDependencyError,
        PathOutsideStoreError,
    )
    from cargohold.flavors import Flavor, StackComponentType
    from cargohold.hookspecs import hookimpl
    from cargohold.integrations import Integration
    from cargohold.plugins import PluginHost, load_plugins
    from cargohold.stores.base import (
        BaseArtifactStore,
        BaseArtifactStoreConfig,
        BaseArtifactStoreFlavor,
    )
    from cargohold.stores.fsspec import FsspecArtifactStore

__all__ = [
    "ArtifactVersion",
    "BaseArtifactStore",
    "BaseArtifactStoreConfig",
    "BaseArtifactStoreFlavor",
    "CargoholdError",
    "Client",
    "Flavor",
    "FsspecArtifactStore",
    "Integration",
    "Materializer",
    "MissingDependencyError",
    "PathOutsideStoreError",
    "PluginHost",
    "StackComponentType",
    "__version__",
    "delete_artifact",
    "fileio",
    "hookimpl",
    "list_artifacts",
    "load_artifact",
    "load_plugins",
    "save_artifact",
]

_LOCATIONS = {
    "ArtifactVersion": "cargohold.artifacts",
    "Materializer": "cargohold.artifacts",
    "delete_artifact": "cargohold.artifacts",
    "list_artifacts": "cargohold.artifacts",
    "load_artifact": "cargohold.artifacts",
    "save_artifact": "cargohold.artifacts",
    "BaseArtifactStore": "cargohold.stores.base",
    "BaseArtifactStoreConfig": "cargohold.stores.base",
    "BaseArtifactStoreFlavor": "cargohold.stores.base",
    "CargoholdError": "cargohold.errors",
    "Client": "cargohold.client",
    "Flavor": "cargohold.flavors",
    "FsspecArtifactStore": "cargohold.stores.fsspec",
    "Integration": "cargohold.integrations",
    "MissingDependencyError": "cargohold.errors",
    "PathOutsideStoreError": "cargohold.errors",
    "PluginHost": "cargohold.plugins",
    "StackComponentType": "cargohold.flavors",
    "hookimpl": "cargohold.hookspecs",
    "load_plugins": "cargohold.plugins",
}


def _version() -> str:
    from importlib.metadata import version

    return version("cargohold")


def _fileio() -> Any:
    return importlib.import_module("cargohold.fileio")


__getattr__, __dir__ = lazy.attributes(
    __name__, _LOCATIONS, {"__version__": _version, "fileio": _fileio}
)
