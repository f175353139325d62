"""Config of the ``gcp`` flavor. Light: validates without gcsfs or google.* installed."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field, SecretStr

from cargohold.stores.base import BaseArtifactStoreConfig


class GCPArtifactStoreConfig(BaseArtifactStoreConfig):
    """A Google Cloud Storage bucket, or a prefix in one."""

    SUPPORTED_SCHEMES: ClassVar[set[str]] = {"gs://"}
    # GCS objects cannot be appended to: open(path, "a") is refused.
    IS_IMMUTABLE_FILESYSTEM: ClassVar[bool] = True

    path: str = Field(description="gs://bucket or gs://bucket/prefix")
    project: str | None = Field(default=None, description="Google Cloud project id.")
    token: SecretStr | None = Field(
        default=None,
        description="Service-account key: its JSON content, or the path of the key file.",
    )
    endpoint_url: str | None = Field(
        default=None, description="Storage endpoint override, for emulators and private endpoints."
    )
    authentication_secret: str | None = Field(
        default=None, description="Name of a secret with a service-account JSON or an OAuth token."
    )
