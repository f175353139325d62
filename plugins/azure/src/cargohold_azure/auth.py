"""Which credentials a store uses: decided from its config and the environment.

Light and pure (no azure.* import, no network), so the order can be tested on
its own. A service connector or an ``authentication_secret`` has been turned into
config fields by ``cargohold.Client`` before this runs; then the order is:
the explicit config fields, the ``AZURE_STORAGE_*`` environment variables, and
finally ``DefaultAzureCredential`` when only an account is known.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum

from pydantic import SecretStr

from cargohold.errors import StoreAuthenticationError
from cargohold.secrets import unresolved_secret
from cargohold_azure.config import AzureArtifactStoreConfig

ENV_ACCOUNT_NAME = "AZURE_STORAGE_ACCOUNT_NAME"
ENV_ACCOUNT_KEY = "AZURE_STORAGE_ACCOUNT_KEY"
ENV_SAS_TOKEN = "AZURE_STORAGE_SAS_TOKEN"
ENV_CONNECTION_STRING = "AZURE_STORAGE_CONNECTION_STRING"
ENV_CLIENT_ID = "AZURE_STORAGE_CLIENT_ID"
ENV_CLIENT_SECRET = "AZURE_STORAGE_CLIENT_SECRET"
ENV_TENANT_ID = "AZURE_STORAGE_TENANT_ID"

_SERVICE_PRINCIPAL = ("client_id", "client_secret", "tenant_id")


class Method(str, Enum):
    CONNECTION_STRING = "connection string"
    ACCOUNT_KEY = "account key"
    SAS_TOKEN = "SAS token"
    SERVICE_PRINCIPAL = "service principal"
    DEFAULT_CREDENTIAL = "DefaultAzureCredential"


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
        """The blob endpoint without any query string, for messages."""
        if self.account_url:
            return self.account_url.split("?", 1)[0].rstrip("/")
        if self.account_name:
            return f"https://{self.account_name}.blob.core.windows.net"
        return None


def _env(environ: Mapping[str, str], name: str) -> str | None:
    return environ.get(name) or None


def _secret(value: str | None) -> SecretStr | None:
    return SecretStr(value) if value else None


def resolve_credentials(
    config: AzureArtifactStoreConfig, environ: Mapping[str, str], store_name: str
) -> Credentials:
    """Pick the credentials for a store, or raise a one-line error saying what to set."""
    if config.authentication_secret:
        # Never fall through to other credentials: the user asked for this secret.
        raise unresolved_secret(store_name, config.authentication_secret)
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
        f"store {store_name!r}: no Azure storage account or credentials found; set "
        "account_name with account_key, sas_token or a service principal "
        "(client_id, client_secret, tenant_id), or connection_string, in the config "
        f"or as {ENV_ACCOUNT_NAME} with {ENV_ACCOUNT_KEY} / {ENV_SAS_TOKEN}, or "
        f"{ENV_CONNECTION_STRING}"
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
                f"store {store_name!r}: an account key ({source}) needs the account "
                f"name too; set account_name or {ENV_ACCOUNT_NAME}"
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
                f"store {store_name!r}: a service principal needs client_id, "
                f"client_secret and tenant_id; missing {where}(s): {', '.join(missing)}"
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
            f"store {store_name!r}: {what} ({source}) needs the storage account; set "
            f"account_name or {ENV_ACCOUNT_NAME}, or account_url"
        )
