"""The ``azure`` flavor: ties the config to the implementation, named as a string."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel

from cargohold.stores.base import BaseArtifactStoreFlavor
from cargohold_azure import credentials
from cargohold_azure.config import AzureArtifactStoreConfig


class AzureArtifactStoreFlavor(BaseArtifactStoreFlavor):
    name = "azure"
    integration = "azure"
    authentication_secret_class: ClassVar[type[BaseModel] | None] = (
        credentials.AzureAuthenticationSecret
    )
    implementation = "cargohold_azure.store:AzureArtifactStore"

    @property
    def config_class(self) -> type[AzureArtifactStoreConfig]:
        return AzureArtifactStoreConfig

    def authentication_secret_fields(self, secret: BaseModel) -> dict[str, Any]:
        return credentials.authentication_secret_fields(secret)
