"""``AzureArtifactStore``: Azure Blob Storage through adlfs.

Importing this module imports neither adlfs nor azure.*: the filesystem, and the
credentials behind it, are built on the first I/O. Until then a store can be
created, listed and described offline and without the cloud libraries.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

from cargohold.errors import (
    CargoholdError,
    StoreAuthenticationError,
    StoreConnectionError,
    exception_chain,
)
from cargohold.stores.fsspec import BufferedUpload, FsspecArtifactStore, md5_hex
from cargohold_azure.auth import Credentials, Method, resolve_credentials
from cargohold_azure.config import AzureArtifactStoreConfig

if TYPE_CHECKING:
    from fsspec import AbstractFileSystem

_COPY_CHUNK = 8 << 20
_TOKEN_METHODS = {Method.SERVICE_PRINCIPAL, Method.DEFAULT_CREDENTIAL}
_QUERY = re.compile(r"\?[^\s\]\)'\"]*")
# Error codes the service sends when it rejects the credentials themselves.
_AUTH_CODES = {
    "AuthenticationFailed",
    "AuthorizationFailure",
    "InvalidAuthenticationInfo",
    "NoAuthenticationInformation",
}


class ContainerNotFoundError(CargoholdError, FileNotFoundError):
    """The container named by the store root does not exist."""


class AzureArtifactStore(FsspecArtifactStore):
    """Artifacts in an Azure Blob Storage container (``az://`` or ``abfs://``)."""

    _credentials: Credentials | None = None

    @property
    def azure_config(self) -> AzureArtifactStoreConfig:
        return cast(AzureArtifactStoreConfig, self.config)

    def _create_filesystem(self) -> AbstractFileSystem:
        # Imported first so that a missing adlfs is reported as such, whatever the config.
        from cargohold_azure.filesystem import create_filesystem

        credentials = resolve_credentials(self.azure_config, os.environ, self.name)
        self._credentials = credentials
        if credentials.method in _TOKEN_METHODS and (credentials.endpoint or "").startswith(
            "http://"
        ):
            # The SDK refuses to send a bearer token over plain HTTP; say so up front.
            raise StoreAuthenticationError(
                f"store {self.name!r}: a {credentials.method.value} needs an https:// "
                f"endpoint, but account_url is {credentials.endpoint}; use an account "
                "key, SAS token or connection string with an http:// endpoint"
            )
        return cast("AbstractFileSystem", create_filesystem(self.azure_config, self._credentials))

    def _open_writer(self, path: str, mode: str) -> BufferedUpload:
        # adlfs's own file stages a block and commits a block list even for a few
        # bytes: two requests where one (Put Blob) will do, and retried as one.
        writer = self._buffered_writer(path)
        # Blob storage cannot append to a block blob (adlfs's "ab" makes an append
        # blob, which later "wb" writes and most tools cannot extend). Append as a
        # rewrite instead: a new upload starting with the old bytes, committed on
        # close, so a failed append leaves the previous object untouched.
        if mode == "ab" and self.filesystem.isfile(path):
            try:
                with self.filesystem.open(path, "rb") as old:
                    shutil.copyfileobj(old, writer, _COPY_CHUNK)
            except BaseException:
                writer.discard()
                raise
        return writer

    def listed_md5(self, info: Mapping[str, Any]) -> str | None:
        # The service records Content-MD5 for a blob uploaded in one Put Blob (how this
        # store writes below 16 MiB), not for one committed from a block list.
        settings = info.get("content_settings") or {}
        return md5_hex(settings.get("content_md5"))

    # -- errors ------------------------------------------------------------------

    def _translate_error(self, exc: Exception) -> Exception | None:
        try:
            from azure.core.exceptions import (
                ClientAuthenticationError,
                HttpResponseError,
                ResourceNotFoundError,
                ServiceRequestError,
                ServiceResponseError,
            )
        except ImportError:
            return None
        endpoint = self._endpoint()
        for cause in exception_chain(exc):
            if isinstance(cause, ServiceRequestError):
                return StoreConnectionError(
                    f"store {self.name!r}: cannot reach the Azure blob endpoint {endpoint} "
                    f"({_reason(cause)}); check account_url / account_name and the network"
                )
            if isinstance(cause, ServiceResponseError):
                return StoreConnectionError(
                    f"store {self.name!r}: the Azure blob endpoint {endpoint} stopped "
                    f"answering ({_reason(cause)}); check the endpoint, or raise "
                    "read_timeout for slow links"
                )
            if (
                isinstance(cause, ClientAuthenticationError)
                and self._credentials is not None
                and self._credentials.method is Method.DEFAULT_CREDENTIAL
            ):
                return StoreAuthenticationError(
                    f"store {self.name!r}: no credentials for {endpoint}: none in the "
                    "config or the AZURE_STORAGE_* variables, and DefaultAzureCredential "
                    "found no identity (managed identity, az login, ...); set account_key, "
                    "sas_token, connection_string or a service principal"
                )
            if isinstance(cause, ClientAuthenticationError) or (
                isinstance(cause, HttpResponseError)
                and (cause.status_code in (401, 403) or _code(cause) in _AUTH_CODES)
            ):
                return StoreAuthenticationError(
                    f"store {self.name!r}: {endpoint} refused the {self._method()} "
                    f"({_error_code(cause)}); check the key, token or service principal "
                    "and its permissions on the container"
                )
            if isinstance(cause, HttpResponseError) and (cause.status_code or 0) >= 500:
                return StoreConnectionError(
                    f"store {self.name!r}: {endpoint} kept failing ({_error_code(cause)}) "
                    f"after {self.azure_config.retry_total} retries; try again later, or "
                    "raise retry_total"
                )
            if isinstance(cause, ResourceNotFoundError) and _code(cause) == "ContainerNotFound":
                container = self.root.body.split("/", 1)[0]
                return ContainerNotFoundError(
                    f"store {self.name!r}: container {container!r} does not exist at "
                    f"{endpoint}; create it (az storage container create --name "
                    f"{container}) or fix the store path"
                )
        return None

    def _endpoint(self) -> str:
        credentials = self._credentials
        if credentials is not None and credentials.endpoint:
            return credentials.endpoint
        config = self.azure_config
        if config.account_url:
            return config.account_url.split("?", 1)[0].rstrip("/")
        if config.account_name:
            return f"https://{config.account_name}.blob.core.windows.net"
        return "(from the connection string)"

    def _method(self) -> str:
        credentials = self._credentials
        if credentials is None:
            return "credentials"
        return f"{credentials.method.value} from the {credentials.source}"


def _reason(exc: BaseException) -> str:
    """The first line of the SDK's message, which names the host and the socket error."""
    lines = str(getattr(exc, "message", None) or exc).strip().splitlines()
    if not lines:
        return type(exc).__name__
    # A URL's query string may carry a SAS signature: never repeat it.
    return _QUERY.sub("?...", lines[0])[:200]


def _code(exc: BaseException) -> str | None:
    """The storage service's error code (``AuthenticationFailed``, ...), if it sent one."""
    code = getattr(exc, "error_code", None)
    return str(code) if code else None


def _error_code(exc: BaseException) -> str:
    code = _code(exc)
    status = getattr(exc, "status_code", None)
    parts = [str(p) for p in (status, code) if p]
    return " ".join(parts) or type(exc).__name__


def list_containers(store: AzureArtifactStore) -> list[str]:
    """The account's containers these credentials can list: the ``azure`` connector's
    resources."""
    from fsspec.asyn import sync

    filesystem: Any = store.filesystem

    async def names() -> list[str]:
        return [c["name"] async for c in filesystem.service_client.list_containers()]

    result: list[str] = sync(filesystem.loop, names)
    return result
