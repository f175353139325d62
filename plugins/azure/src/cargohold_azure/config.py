"""Config of the ``azure`` flavor. Light: validates without adlfs or azure.* installed."""

from __future__ import annotations

from typing import ClassVar
from urllib.parse import SplitResult

from pydantic import Field, SecretStr, field_validator, model_validator

from cargohold.plugin_api import (
    CloudArtifactStoreConfig,
    authentication_secret_field,
    connect_timeout_field,
    endpoint_check,
)


def _no_query(value: str, parts: SplitResult) -> str:
    if parts.query or parts.fragment:
        # A query here is usually a SAS token, which would then be shown unmasked.
        raise ValueError("account_url must not carry a query string; put a SAS in sas_token")
    return value.rstrip("/")


class AzureArtifactStoreConfig(CloudArtifactStoreConfig):
    """An Azure Blob Storage container, or a prefix in one.

    Every credential field is optional: when none is set, the store reads the
    ``AZURE_STORAGE_*`` environment variables on first use (see the README).
    """

    SUPPORTED_SCHEMES: ClassVar[set[str]] = {"az://", "abfs://"}
    CREDENTIAL_FIELDS: ClassVar[frozenset[str]] = frozenset(
        {"account_key", "sas_token", "connection_string", "client_id", "client_secret", "tenant_id"}
    )

    path: str = Field(description="az://container[/prefix] or abfs://container[/prefix]")
    authentication_secret: str | None = authentication_secret_field(
        "holding any of the credential fields"
    )
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
        description="Blob endpoint override, for emulators and sovereign clouds, e.g. "
        "http://127.0.0.1:10000/devstoreaccount1 or https://ACCOUNT.blob.core.chinacloudapi.cn.",
    )
    _check_account_url = field_validator("account_url")(endpoint_check(_no_query))
    # The Azure SDK's own defaults (20 s connect timeout; 3 retries after 18, 24
    # and 42 s) make an unreachable endpoint take minutes; these keep a wrong URL
    # or a closed port a matter of seconds (retries after 0.5, 1 and 2 s) while
    # still riding out brief throttling. read_timeout keeps the cloud base's 60 s.
    connect_timeout: float = connect_timeout_field(3.0)
    retry_total: int = Field(
        default=3,
        ge=0,
        description="Most retries of one request (throttling, server errors, timeouts).",
    )
    retry_connect: int = Field(
        default=1, ge=0, description="Retries when the endpoint cannot be reached."
    )
    retry_read: int = Field(
        default=1, ge=0, description="Retries when a response stops arriving mid-way."
    )
    retry_backoff: float = Field(
        default=0.5,
        ge=0,
        description="Wait before the first retry, in seconds; each further retry waits "
        "twice as long as the one before.",
    )

    @model_validator(mode="after")
    def _service_principal_is_complete(self) -> AzureArtifactStoreConfig:
        given = {
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "tenant_id": self.tenant_id,
        }
        missing = sorted(name for name, value in given.items() if not value)
        if len(missing) in (1, 2):
            raise ValueError(
                f"a service principal needs client_id, client_secret and tenant_id; "
                f"missing: {', '.join(missing)}"
            )
        return self
