"""``AzureArtifactStore``: the ``azure`` flavor's implementation, Azure Blob Storage over
adlfs.

Importing this module is cheap: adlfs (and with it azure.* and aiohttp) is imported on
the first I/O, when the credentials are chosen and ``_client`` builds the filesystem.
Until then a store can be created, listed and described offline and without the cloud
libraries. Writes and appends are the cloud base's (a buffered upload; an append
rewrites the blob), not adlfs's: its file stages a block and commits a block list even
for a few bytes, and its "ab" makes an append blob, which later "wb" writes and most
tools cannot extend.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from cargohold.plugin_api import CloudArtifactStore, StoreAuthenticationError, md5_hex
from cargohold_azure import errors
from cargohold_azure.config import AzureArtifactStoreConfig
from cargohold_azure.credentials import Credentials, Method, resolve_credentials, shown_endpoint

if TYPE_CHECKING:
    from fsspec import AbstractFileSystem

_TOKEN_METHODS = {Method.SERVICE_PRINCIPAL, Method.DEFAULT_CREDENTIAL}


class AzureArtifactStore(CloudArtifactStore[AzureArtifactStoreConfig]):
    """Artifacts in an Azure Blob Storage container (``az://`` or ``abfs://``)."""

    RETRIES_FIELD = "retry_total"
    # adlfs puts create_new's blob with overwrite=False (If-None-Match: *), which the
    # service refuses (409 BlobAlreadyExists, raised as FileExistsError) when it exists.
    ATOMIC_CREATE = True

    _credentials: Credentials | None = None

    @property
    def credentials(self) -> Credentials | None:
        """The credentials chosen on the first I/O; None before it."""
        return self._credentials

    @property
    def endpoint(self) -> str:
        """The blob endpoint as a message names it: without any query string."""
        credentials = self._credentials
        if credentials is not None and credentials.endpoint:
            return credentials.endpoint
        shown = shown_endpoint(self.config.account_name, self.config.account_url)
        return shown or "(from the connection string)"

    def listed_md5(self, info: Mapping[str, Any]) -> str | None:
        # The service records Content-MD5 for a blob uploaded in one Put Blob (how this
        # store writes below 16 MiB), not for one committed from a block list.
        settings = info.get("content_settings") or {}
        return md5_hex(settings.get("content_md5"))

    def _connect(self, cache_options: Mapping[str, bool]) -> AbstractFileSystem:
        # Imported first so that a missing adlfs is reported as such, whatever the config.
        from cargohold_azure import _client

        credentials = resolve_credentials(self.config, os.environ, self.name)
        self._credentials = credentials
        if credentials.method in _TOKEN_METHODS and (credentials.endpoint or "").startswith(
            "http://"
        ):
            # The SDK refuses to send a bearer token over plain HTTP; say so up front.
            raise StoreAuthenticationError(
                self.message(
                    f"a {credentials.method.value} needs an https:// endpoint, but "
                    f"account_url is {credentials.endpoint}; use an account key, SAS token "
                    "or connection string with an http:// endpoint"
                )
            )
        filesystem: AbstractFileSystem = _client.create_filesystem(
            self.config, credentials, cache_options
        )
        return filesystem

    def _translate_cause(self, cause: BaseException) -> Exception | None:
        return errors.translate(self, cause)

    def list_resources(self) -> list[str]:
        # The account's containers these credentials can list: the ``azure`` connector's
        # resources.
        from fsspec.asyn import sync

        filesystem: Any = self.filesystem

        async def names() -> list[str]:
            return [c["name"] async for c in filesystem.service_client.list_containers()]

        result: list[str] = sync(filesystem.loop, names)
        return result
