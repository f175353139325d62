"""The ``gcp`` flavor: its names; the cloud flavor base does the rest."""

from __future__ import annotations

from cargohold.plugin_api import CloudArtifactStoreFlavor
from cargohold_gcp.config import GCPArtifactStoreConfig
from cargohold_gcp.credentials import GCPAuthenticationSecret


class GCPArtifactStoreFlavor(CloudArtifactStoreFlavor):
    name = "gcp"
    integration = "gcp"
    config_class = GCPArtifactStoreConfig
    authentication_secret_class = GCPAuthenticationSecret
    implementation = "cargohold_gcp.store:GCPArtifactStore"
    resource_type = "gcs-bucket"
