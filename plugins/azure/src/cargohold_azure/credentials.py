"""Credentials of the ``azure`` flavor from an ``authentication_secret`` and from
``azure`` service connectors. Light: pydantic only, no azure.*.

Both end as the store's own config fields, which ``auth.resolve_credentials`` turns
into the client's credential as for any store.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

from cargohold.connectors import AuthMethod, ConnectorType, ResourceType, check_endpoint

_STRICT = ConfigDict(extra="forbid", hide_input_in_errors=True)
CREDENTIAL_FIELDS = frozenset(
    {"account_key", "sas_token", "connection_string", "client_id", "client_secret", "tenant_id"}
)


class AzureAuthenticationSecret(BaseModel):
    """The keys an ``authentication_secret`` of an azure store may hold."""

    model_config = _STRICT

    account_name: str | None = None
    account_url: str | None = None
    account_key: SecretStr | None = None
    sas_token: SecretStr | None = None
    connection_string: SecretStr | None = None
    client_id: str | None = None
    client_secret: SecretStr | None = None
    tenant_id: str | None = None

    @model_validator(mode="after")
    def _has_a_credential(self) -> AzureAuthenticationSecret:
        if not any(getattr(self, name) for name in CREDENTIAL_FIELDS):
            raise ValueError(
                "holds no credential; add account_key, sas_token, connection_string, or "
                "client_id, client_secret and tenant_id"
            )
        return self


class AzureImplicitSettings(BaseModel):
    """DefaultAzureCredential (managed identity, `az login`, ...) for the account."""

    model_config = _STRICT

    account_name: str | None = Field(default=None, description="Storage account name.")
    account_url: str | None = Field(
        default=None, description="Blob endpoint override, for emulators and sovereign clouds."
    )
    _endpoint = field_validator("account_url")(check_endpoint)


class AzureAccessKeySettings(AzureImplicitSettings):
    """An account key (with account_name), or a connection string."""

    account_key: SecretStr | None = None
    connection_string: SecretStr | None = None

    @model_validator(mode="after")
    def _key_or_connection_string(self) -> AzureAccessKeySettings:
        if (self.account_key is None) == (self.connection_string is None):
            raise ValueError("give account_key (with account_name) or connection_string")
        if self.account_key is not None and not self.account_name:
            raise ValueError("account_key needs account_name")
        return self


class AzureSASTokenSettings(AzureImplicitSettings):
    """A shared access signature for the account or a container."""

    sas_token: SecretStr


class AzureServicePrincipalSettings(AzureImplicitSettings):
    """A Microsoft Entra application: tenant, client id and client secret."""

    tenant_id: str
    client_id: str
    client_secret: SecretStr


def store_fields(method: str, settings: Mapping[str, Any]) -> dict[str, Any]:
    """The azure config fields for an auth method's (resolved) settings: the
    settings are named like the store's fields already."""
    return {key: value for key, value in settings.items() if value is not None}


def authentication_secret_fields(secret: BaseModel) -> dict[str, Any]:
    assert isinstance(secret, AzureAuthenticationSecret)
    from cargohold.configs import clear_values

    return clear_values(secret)


AZURE_CONNECTOR = ConnectorType(
    name="azure",
    description="Microsoft Azure Blob Storage, and Azurite through an account URL.",
    auth_methods=(
        AuthMethod.of("implicit", AzureImplicitSettings),
        AuthMethod.of("access-key", AzureAccessKeySettings),
        AuthMethod.of("sas-token", AzureSASTokenSettings),
        AuthMethod.of("service-principal", AzureServicePrincipalSettings),
    ),
    resource_types=(ResourceType("blob-container", flavor="azure", scheme="az://"),),
    implementation="cargohold_azure.store:list_containers",
    store_fields=store_fields,
    credential_fields=CREDENTIAL_FIELDS,
)
