"""Credentials of the ``azure`` flavor: from an ``authentication_secret``, from
``azure`` service connectors (whose type ``connector.py`` declares), and which of them
a store uses. Light: pydantic only, no azure.*, no network.

A secret or a connector ends as the store's own config fields; ``resolve_credentials``
then picks the method from those fields and the environment, in this order: the
explicit config fields, the ``AZURE_STORAGE_*`` environment variables, and finally
``DefaultAzureCredential`` when only an account is known. It is pure, so the order can
be tested on its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from pydantic import Field, SecretStr, model_validator

from cargohold.plugin_api import (
    AuthenticationSecret,
    AuthMethodSettings,
    EndpointOverride,
    StoreAuthenticationError,
    plain_values,
    scrub_url_secrets,
    store_message,
)
from cargohold_azure.config import AzureArtifactStoreConfig

ENV_ACCOUNT_NAME = "AZURE_STORAGE_ACCOUNT_NAME"
ENV_ACCOUNT_KEY = "AZURE_STORAGE_ACCOUNT_KEY"
ENV_SAS_TOKEN = "AZURE_STORAGE_SAS_TOKEN"
ENV_CONNECTION_STRING = "AZURE_STORAGE_CONNECTION_STRING"
ENV_CLIENT_ID = "AZURE_STORAGE_CLIENT_ID"
ENV_CLIENT_SECRET = "AZURE_STORAGE_CLIENT_SECRET"
ENV_TENANT_ID = "AZURE_STORAGE_TENANT_ID"

_SERVICE_PRINCIPAL = ("client_id", "client_secret", "tenant_id")


# -- an authentication_secret and the connector's auth methods --------------------------


class AzureAuthenticationSecret(AuthenticationSecret):
    """The keys an ``authentication_secret`` of an azure store may hold."""

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
        if not any(getattr(self, name) for name in AzureArtifactStoreConfig.CREDENTIAL_FIELDS):
            raise ValueError(
                "holds no credential; add account_key, sas_token, connection_string, or "
                "client_id, client_secret and tenant_id"
            )
        return self

    def config_fields(self) -> dict[str, Any]:
        # The keys are named like the store's fields already.
        return plain_values(self)


class AzureImplicitSettings(AuthMethodSettings, auth_method="implicit"):
    """DefaultAzureCredential (managed identity, `az login`, ...) for the account."""

    account_name: str | None = Field(default=None, description="Storage account name.")
    account_url: EndpointOverride = Field(
        default=None, description="Blob endpoint override, for emulators and sovereign clouds."
    )


class AzureAccessKeySettings(AzureImplicitSettings, auth_method="access-key"):
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


class AzureSASTokenSettings(AzureImplicitSettings, auth_method="sas-token"):
    """A shared access signature for the account or a container."""

    sas_token: SecretStr


class AzureServicePrincipalSettings(AzureImplicitSettings, auth_method="service-principal"):
    """A Microsoft Entra application: tenant, client id and client secret."""

    tenant_id: str
    client_id: str
    client_secret: SecretStr


#: The ``azure`` connector type's auth methods, in the order it lists them.
AUTH_METHODS = (
    AzureImplicitSettings,
    AzureAccessKeySettings,
    AzureSASTokenSettings,
    AzureServicePrincipalSettings,
)


# -- which credentials a store uses ---------------------------------------------------


class Method(str, Enum):
    CONNECTION_STRING = "connection string"
    ACCOUNT_KEY = "account key"
    SAS_TOKEN = "SAS token"
    SERVICE_PRINCIPAL = "service principal"
    DEFAULT_CREDENTIAL = "DefaultAzureCredential"


def blob_endpoint(account_name: str | None, account_url: str | None) -> str | None:
    """The account's blob endpoint: ``account_url``, else the public cloud's URL for
    ``account_name``; None when neither is known (a connection string names its own)."""
    if account_url:
        return account_url.rstrip("/")
    if account_name:
        return f"https://{account_name}.blob.core.windows.net"
    return None


def shown_endpoint(account_name: str | None, account_url: str | None) -> str | None:
    """The blob endpoint as a message shows it: without any query string."""
    url = blob_endpoint(account_name, account_url)
    return scrub_url_secrets(url) if url else None


@dataclass(frozen=True)
class Credentials:
    """The chosen method, where it came from, and what it needs. Secrets stay masked."""

    method: Method
    source: str  # "config" or "environment": named in error messages
    account_name: str | None = None
    account_url: str | None = None
    secret: SecretStr | None = field(default=None, repr=False)
    client_id: str | None = None
    tenant_id: str | None = None

    @property
    def endpoint(self) -> str | None:
        """The blob endpoint as a message shows it; None for a connection string."""
        return shown_endpoint(self.account_name, self.account_url)


def _env(environ: Mapping[str, str], name: str) -> str | None:
    return environ.get(name) or None


def _secret(value: str | None) -> SecretStr | None:
    return SecretStr(value) if value else None


def resolve_credentials(
    config: AzureArtifactStoreConfig, environ: Mapping[str, str], store_name: str
) -> Credentials:
    """Pick the credentials for a store, or raise a one-line error saying what to set.

    An ``authentication_secret`` is never looked at here: the store refuses it before
    (``cargohold.Client`` turns it into config fields first).
    """
    account_name = config.account_name or _env(environ, ENV_ACCOUNT_NAME)
    explicit = _from_values(
        "config",
        account_name,
        config.account_url,
        connection_string=config.connection_string,
        account_key=config.account_key,
        sas_token=config.sas_token,
        client_id=config.client_id,
        client_secret=config.client_secret,
        tenant_id=config.tenant_id,
        store_name=store_name,
    )
    if explicit is not None:
        return explicit
    implicit = _from_values(
        "environment",
        account_name,
        config.account_url,
        connection_string=_secret(_env(environ, ENV_CONNECTION_STRING)),
        account_key=_secret(_env(environ, ENV_ACCOUNT_KEY)),
        sas_token=_secret(_env(environ, ENV_SAS_TOKEN)),
        client_id=_env(environ, ENV_CLIENT_ID),
        client_secret=_secret(_env(environ, ENV_CLIENT_SECRET)),
        tenant_id=_env(environ, ENV_TENANT_ID),
        store_name=store_name,
    )
    if implicit is not None:
        return implicit
    if account_name or config.account_url:
        # Managed identity, workload identity, `az login`, ...: resolved by the SDK.
        return Credentials(
            Method.DEFAULT_CREDENTIAL, "environment", account_name, config.account_url
        )
    raise StoreAuthenticationError(
        store_message(
            store_name,
            "no Azure storage account or credentials found; set account_name with "
            "account_key, sas_token or a service principal (client_id, client_secret, "
            f"tenant_id), or connection_string, in the config or as {ENV_ACCOUNT_NAME} "
            f"with {ENV_ACCOUNT_KEY} / {ENV_SAS_TOKEN}, or {ENV_CONNECTION_STRING}",
        )
    )


def _from_values(
    source: str,
    account_name: str | None,
    account_url: str | None,
    *,
    connection_string: SecretStr | None,
    account_key: SecretStr | None,
    sas_token: SecretStr | None,
    client_id: str | None,
    client_secret: SecretStr | None,
    tenant_id: str | None,
    store_name: str,
) -> Credentials | None:
    """The first complete method among one source's values, or None if it has none."""
    if connection_string is not None:
        # A connection string names its own endpoint and account.
        return Credentials(Method.CONNECTION_STRING, source, secret=connection_string)
    if account_key is not None:
        if not account_name:
            raise StoreAuthenticationError(
                store_message(
                    store_name,
                    f"an account key ({source}) needs the account name too; set "
                    f"account_name or {ENV_ACCOUNT_NAME}",
                )
            )
        return Credentials(
            Method.ACCOUNT_KEY, source, account_name, account_url, secret=account_key
        )
    if sas_token is not None:
        _require_endpoint(account_name, account_url, source, "a SAS token", store_name)
        return Credentials(Method.SAS_TOKEN, source, account_name, account_url, secret=sas_token)
    given = {
        "client_id": client_id,
        "client_secret": client_secret,
        "tenant_id": tenant_id,
    }
    if any(given.values()):
        missing = [name for name in _SERVICE_PRINCIPAL if not given[name]]
        if missing:
            where = "config field" if source == "config" else "environment variable"
            if source == "environment":
                missing = [f"AZURE_STORAGE_{name.upper()}" for name in missing]
            raise StoreAuthenticationError(
                store_message(
                    store_name,
                    "a service principal needs client_id, client_secret and tenant_id; "
                    f"missing {where}(s): {', '.join(missing)}",
                )
            )
        _require_endpoint(account_name, account_url, source, "a service principal", store_name)
        return Credentials(
            Method.SERVICE_PRINCIPAL,
            source,
            account_name,
            account_url,
            secret=client_secret,
            client_id=client_id,
            tenant_id=tenant_id,
        )
    return None


def _require_endpoint(
    account_name: str | None, account_url: str | None, source: str, what: str, store_name: str
) -> None:
    if not account_name and not account_url:
        raise StoreAuthenticationError(
            store_message(
                store_name,
                f"{what} ({source}) needs the storage account; set account_name or "
                f"{ENV_ACCOUNT_NAME}, or account_url",
            )
        )
