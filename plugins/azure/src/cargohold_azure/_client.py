"""The adlfs filesystem a store uses, with a blob client that fails fast. Heavy: imports
adlfs and azure.*; the store imports this module on its first I/O.

adlfs builds its ``BlobServiceClient`` without any retry or timeout settings, so the
SDK defaults apply (20 s connect timeout, retries after 18, 24 and 42 s). The subclass
here builds the client itself, with the store's timeouts and retry budget, and with
credentials that never pass through fsspec's ``storage_options``.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

from adlfs import AzureBlobFileSystem
from azure.core.credentials import AzureNamedKeyCredential, AzureSasCredential
from azure.storage.blob.aio import BlobServiceClient, ExponentialRetry

from cargohold_azure.config import AzureArtifactStoreConfig
from cargohold_azure.credentials import Credentials, Method, blob_endpoint

_USER_AGENT = "cargohold-azure"


class DoublingRetry(ExponentialRetry):
    """The SDK's retry policy, waiting ``first_wait * 2**(n-1)`` before retry n.

    The SDK's own formula, ``initial_backoff + increment_base**n``, adds whole
    seconds whatever the base: even with increment_base 2 three retries wait 15 s,
    so a small ``retry_backoff`` could never make retries quick.
    """

    def __init__(self, first_wait: float, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.first_wait = first_wait

    def get_backoff_time(self, settings: dict[str, Any]) -> float:
        wait = self.first_wait * 2 ** max(int(settings["count"]) - 1, 0)
        # Up to half a wait either way, so that clients failing together retry apart.
        return float(wait * random.uniform(0.5, 1.5))


def client_options(config: AzureArtifactStoreConfig) -> dict[str, Any]:
    """Keyword arguments for the SDK's client: transport timeouts and retry policy."""
    retry_policy = DoublingRetry(
        config.retry_backoff,
        retry_total=config.retry_total,
        retry_connect=config.retry_connect,
        retry_read=config.retry_read,
        retry_status=config.retry_total,
    )
    return {
        "connection_timeout": config.connect_timeout,
        "read_timeout": config.read_timeout,
        "retry_policy": retry_policy,
        "user_agent": _USER_AGENT,
    }


def service_client(
    credentials: Credentials, options: dict[str, Any]
) -> tuple[BlobServiceClient, Any]:
    """The async client for ``credentials``, and any token credential it must close."""
    secret = credentials.secret.get_secret_value() if credentials.secret else None
    if credentials.method is Method.CONNECTION_STRING:
        assert secret is not None
        return BlobServiceClient.from_connection_string(secret, **options), None
    url = blob_endpoint(credentials.account_name, credentials.account_url)
    # Every other method needs the account, which resolve_credentials has checked.
    assert url is not None
    if credentials.method is Method.ACCOUNT_KEY:
        assert secret is not None and credentials.account_name
        key = AzureNamedKeyCredential(credentials.account_name, secret)
        return BlobServiceClient(url, credential=key, **options), None
    if credentials.method is Method.SAS_TOKEN:
        assert secret is not None
        sas = AzureSasCredential(secret.lstrip("?"))
        return BlobServiceClient(url, credential=sas, **options), None
    token: Any
    if credentials.method is Method.SERVICE_PRINCIPAL:
        from azure.identity.aio import ClientSecretCredential

        assert secret is not None and credentials.tenant_id and credentials.client_id
        token = ClientSecretCredential(credentials.tenant_id, credentials.client_id, secret)
    else:
        from azure.identity.aio import DefaultAzureCredential

        token = DefaultAzureCredential()
    return BlobServiceClient(url, credential=token, **options), token


class FailFastAzureBlobFileSystem(AzureBlobFileSystem):  # type: ignore[misc]
    """``AzureBlobFileSystem`` whose service client comes from :func:`service_client`."""

    def __init__(self, credentials: Credentials, options: dict[str, Any], **kwargs: Any) -> None:
        self._cargohold_credentials = credentials
        self._cargohold_options = options
        # anon=True only stops adlfs from building a DefaultAzureCredential of its
        # own in __init__; do_connect below decides the real credentials.
        super().__init__(account_name=credentials.account_name, anon=True, **kwargs)

    def do_connect(self) -> None:
        client, token = service_client(self._cargohold_credentials, self._cargohold_options)
        self.service_client = client
        # adlfs closes ``self.credential`` when the filesystem is collected.
        self.credential = token


def create_filesystem(
    config: AzureArtifactStoreConfig, credentials: Credentials, cache_options: Mapping[str, bool]
) -> Any:
    return FailFastAzureBlobFileSystem(credentials, client_options(config), **cache_options)
