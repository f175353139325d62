"""The ``azure`` flavor: ties the config to the implementation, named as a string."""

from __future__ import annotations

from cargohold.stores.base import BaseArtifactStoreFlavor
from cargohold_azure.config import AzureArtifactStoreConfig


class AzureArtifactStoreFlavor(BaseArtifactStoreFlavor):
    name = "azure"
    integration = "azure"
    implementation = "cargohold_azure.store:AzureArtifactStore"

    @property
    def config_class(self) -> type[AzureArtifactStoreConfig]:
        return AzureArtifactStoreConfig
