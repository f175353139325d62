"""The ``gcp`` flavor: ties the config to the implementation, named as a string."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel

from cargohold.stores.base import BaseArtifactStoreFlavor
from cargohold_gcp import credentials
from cargohold_gcp.config import GCPArtifactStoreConfig


class GCPArtifactStoreFlavor(BaseArtifactStoreFlavor):
    name = "gcp"
    integration = "gcp"
    authentication_secret_class: ClassVar[type[BaseModel] | None] = (
        credentials.GCPAuthenticationSecret
    )
    implementation = "cargohold_gcp.store:GCPArtifactStore"

    @property
    def config_class(self) -> type[GCPArtifactStoreConfig]:
        return GCPArtifactStoreConfig

    def authentication_secret_fields(self, secret: BaseModel) -> dict[str, Any]:
        return credentials.authentication_secret_fields(secret)
