"""The ``gcp`` flavor: ties the config to the implementation, named as a string."""

from __future__ import annotations

from cargohold.stores.base import BaseArtifactStoreFlavor
from cargohold_gcp.config import GCPArtifactStoreConfig


class GCPArtifactStoreFlavor(BaseArtifactStoreFlavor):
    name = "gcp"
    integration = "gcp"
    implementation = "cargohold_gcp.store:GCPArtifactStore"

    @property
    def config_class(self) -> type[GCPArtifactStoreConfig]:
        return GCPArtifactStoreConfig
