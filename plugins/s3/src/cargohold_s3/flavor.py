"""The ``s3`` flavor: its names; the cloud flavor base does the rest."""

from __future__ import annotations

from cargohold.plugin_api import CloudArtifactStoreFlavor
from cargohold_s3.config import S3ArtifactStoreConfig
from cargohold_s3.credentials import S3AuthenticationSecret


class S3ArtifactStoreFlavor(CloudArtifactStoreFlavor):
    name = "s3"
    integration = "s3"
    config_class = S3ArtifactStoreConfig
    authentication_secret_class = S3AuthenticationSecret
    implementation = "cargohold_s3.store:S3ArtifactStore"
    resource_type = "s3-bucket"
