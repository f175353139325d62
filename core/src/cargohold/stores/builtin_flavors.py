"""The built-in flavors: ``local`` (the embedded default) and ``memory``.

Only configs and flavors live here; the implementations are imported on first I/O.
"""

from __future__ import annotations

import os
from typing import ClassVar

from pydantic import Field, field_validator

from cargohold.stores.base import BaseArtifactStoreConfig, BaseArtifactStoreFlavor


class LocalArtifactStoreConfig(BaseArtifactStoreConfig):
    """A folder on this machine. Relative paths are taken from the current directory."""

    SUPPORTED_SCHEMES: ClassVar[set[str]] = {"", "file://"}

    path: str = Field(
        default="",
        validate_default=True,
        description="Absolute folder for the store; empty means <config dir>/local_stores/default.",
    )

    @field_validator("path", mode="before")
    @classmethod
    def _absolute(cls, value: object) -> object:
        if value is None or value == "":
            from cargohold.settings import default_local_store_root

            return str(default_local_store_root())
        if isinstance(value, str) and "://" not in value:
            return os.path.abspath(os.path.expanduser(value))
        return value


class LocalArtifactStoreFlavor(BaseArtifactStoreFlavor):
    name = "local"
    implementation = "cargohold.stores.local:LocalArtifactStore"

    @property
    def config_class(self) -> type[LocalArtifactStoreConfig]:
        return LocalArtifactStoreConfig


class MemoryArtifactStoreConfig(BaseArtifactStoreConfig):
    """Process memory, shared by every memory store in the process. For tests."""

    SUPPORTED_SCHEMES: ClassVar[set[str]] = {"memory://"}

    path: str = Field(description="Root, for example memory://scratch.")


class MemoryArtifactStoreFlavor(BaseArtifactStoreFlavor):
    name = "memory"
    implementation = "cargohold.stores.memory:MemoryArtifactStore"

    @property
    def config_class(self) -> type[MemoryArtifactStoreConfig]:
        return MemoryArtifactStoreConfig
