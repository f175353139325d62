"""Config of the ``azure`` flavor. Light: validates without adlfs or azure.* installed."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field, SecretStr

from cargohold.stores.base import BaseArtifactStoreConfig


class AzureArtifactStoreConfig(BaseArtifactStoreConfig):
    """An Azure Blob Storage container, or a prefix in one."""

    SUPPORTED_SCHEMES: ClassVar[set[str]] = {"az://", "abfs://"}

    path: str = Field(description="az://container[/prefix] or abfs://container[/prefix]")
    account_name: str | None = Field(default=None, description="Storage account name.")
    account_key: SecretStr | None = Field(default=None, description="Storage account key.")
    sas_token: SecretStr | None = Field(default=None, description="Shared access signature.")
    connection_string: SecretStr | None = Field(
        default=None, description="Storage account connection string."
    )
    client_id: str | None = Field(default=None, description="Service principal client id.")
    client_secret: SecretStr | None = Field(
        default=None, description="Service principal client secret."
    )
    tenant_id: str | None = Field(default=None, description="Service principal tenant id.")
    account_url: str | None = Field(
        default=None,
        description="Blob endpoint override, for emulators and sovereign clouds.",
    )
    authentication_secret: str | None = Field(
        default=None, description="Name of a secret holding any of the credential fields."
    )
