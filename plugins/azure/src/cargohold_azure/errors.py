"""azure-core's exceptions as one-line cargohold errors: an endpoint that cannot be
reached, stops answering or keeps failing, refused credentials, a missing container.

Light: azure-core's exception classes are imported only when there is an exception to
look at, by then they have been loaded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cargohold.plugin_api import (
    CargoholdError,
    StoreAuthenticationError,
    StoreConnectionError,
    short_message,
)
from cargohold_azure.credentials import Method

if TYPE_CHECKING:
    from cargohold_azure.store import AzureArtifactStore

# Error codes the service sends when it rejects the credentials themselves.
_AUTH_CODES = {
    "AuthenticationFailed",
    "AuthorizationFailure",
    "InvalidAuthenticationInfo",
    "NoAuthenticationInformation",
}


class ContainerNotFoundError(CargoholdError, FileNotFoundError):
    """The container named by the store root does not exist."""


def translate(store: AzureArtifactStore, cause: BaseException) -> Exception | None:
    """A one-line cargohold error for ``cause``, or None if it is not azure-core's."""
    from azure.core.exceptions import (
        ClientAuthenticationError,
        HttpResponseError,
        ResourceNotFoundError,
        ServiceRequestError,
        ServiceResponseError,
    )

    endpoint = store.endpoint
    if isinstance(cause, ServiceRequestError):
        return StoreConnectionError(
            store.message(
                f"cannot reach the Azure blob endpoint {endpoint} ({short_message(cause)}); "
                "check account_url / account_name and the network"
            )
        )
    if isinstance(cause, ServiceResponseError):
        return StoreConnectionError(
            store.message(
                f"the Azure blob endpoint {endpoint} stopped answering "
                f"({short_message(cause)}); check the endpoint, or raise read_timeout for "
                "slow links"
            )
        )
    credentials = store.credentials
    if (
        isinstance(cause, ClientAuthenticationError)
        and credentials is not None
        and credentials.method is Method.DEFAULT_CREDENTIAL
    ):
        return StoreAuthenticationError(
            store.message(
                f"no credentials for {endpoint}: none in the config or the AZURE_STORAGE_* "
                "variables, and DefaultAzureCredential found no identity (managed "
                "identity, az login, ...); set account_key, sas_token, connection_string "
                "or a service principal"
            )
        )
    if isinstance(cause, ClientAuthenticationError) or (
        isinstance(cause, HttpResponseError)
        and (cause.status_code in (401, 403) or _code(cause) in _AUTH_CODES)
    ):
        method = "credentials"
        if credentials is not None:
            method = f"{credentials.method.value} from the {credentials.source}"
        return StoreAuthenticationError(
            store.message(
                f"{endpoint} refused the {method} ({_error_code(cause)}); check the key, "
                "token or service principal and its permissions on the container"
            )
        )
    if isinstance(cause, HttpResponseError) and (cause.status_code or 0) >= 500:
        return store.kept_failing(endpoint, _error_code(cause))
    if isinstance(cause, ResourceNotFoundError) and _code(cause) == "ContainerNotFound":
        container = store.root.body.split("/", 1)[0]
        return ContainerNotFoundError(
            store.message(
                f"container {container!r} does not exist at {endpoint}; create it (az "
                f"storage container create --name {container}) or fix the store path"
            )
        )
    return None


def _code(exc: BaseException) -> str | None:
    """The storage service's error code (``AuthenticationFailed``, ...), if it sent one."""
    code = getattr(exc, "error_code", None)
    return str(code) if code else None


def _error_code(exc: BaseException) -> str:
    code = _code(exc)
    status = getattr(exc, "status_code", None)
    parts = [str(p) for p in (status, code) if p]
    return " ".join(parts) or type(exc).__name__
