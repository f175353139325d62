"""The ``s3`` flavor: ties the config to the implementation, named as a string."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel

from cargohold.stores.base import BaseArtifactStoreFlavor
from cargohold_s3 import credentials
from cargohold_s3.config import S3ArtifactStoreConfig


class S3ArtifactStoreFlavor(BaseArtifactStoreFlavor):
    name = "s3"
    integration = "s3"
    authentication_secret_class: ClassVar[type[BaseModel] | None] = (
        credentials.S3AuthenticationSecret
    )
    implementation = "cargohold_s3.store:S3ArtifactStore"

    @property
    def config_class(self) -> type[S3ArtifactStoreConfig]:
        return S3ArtifactStoreConfig

    def authentication_secret_fields(self, secret: BaseModel) -> dict[str, Any]:
        return credentials.authentication_secret_fields(secret)
