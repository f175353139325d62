"""The ``azure`` flavor: its names; the cloud flavor base does the rest."""

from __future__ import annotations

from cargohold.plugin_api import CloudArtifactStoreFlavor
from cargohold_azure.config import AzureArtifactStoreConfig
from cargohold_azure.credentials import AzureAuthenticationSecret


class AzureArtifactStoreFlavor(CloudArtifactStoreFlavor):
    name = "azure"
    integration = "azure"
    config_class = AzureArtifactStoreConfig
    authentication_secret_class = AzureAuthenticationSecret
    implementation = "cargohold_azure.store:AzureArtifactStore"
    resource_type = "blob-container"
