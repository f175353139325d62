"""gcsfs's and google-auth's exceptions as one-line cargohold errors: refused
credentials, missing permissions, an endpoint that cannot be reached or keeps failing.

Light: the libraries' exception classes are imported only when there is an exception
to look at, by then they have been loaded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cargohold.plugin_api import (
    StoreAuthenticationError,
    StoreConnectionError,
    scrub_url_secrets,
    short_message,
)

if TYPE_CHECKING:
    from cargohold_gcp.store import GCPArtifactStore

_DEFAULT_ENDPOINT = "https://storage.googleapis.com"
# Answers about the paths, not about the endpoint or the credentials, although gcsfs
# raises them from an HttpError of its own (a 404, a 412).
PATH_ANSWERS: tuple[type[Exception], ...] = (
    FileNotFoundError,
    FileExistsError,
    IsADirectoryError,
    NotADirectoryError,
    ValueError,
    TypeError,
)


def endpoint(store: GCPArtifactStore) -> str:
    """The endpoint as a message names it: never with a credential or query string."""
    return scrub_url_secrets(store.endpoint_override or _DEFAULT_ENDPOINT)


def translate(store: GCPArtifactStore, cause: BaseException) -> Exception | None:
    """A one-line cargohold error for ``cause``, or None if it means nothing here."""
    import asyncio

    import aiohttp
    import requests
    from fsspec.exceptions import FSTimeoutError
    from gcsfs.retry import HttpError
    from google.auth.exceptions import RefreshError, TransportError

    if isinstance(cause, RefreshError) or (isinstance(cause, HttpError) and cause.code == 401):
        return StoreAuthenticationError(
            store.message(
                f"{endpoint(store)} refused the credentials ({short_message(cause)}); "
                "check token or Application Default Credentials"
            )
        )
    if type(cause) is OSError and str(cause).startswith("Forbidden"):
        return StoreAuthenticationError(
            store.message(
                f"permission denied on {store.path} ({short_message(cause, lines=2)}); "
                "grant the account access to the bucket"
            )
        )
    if isinstance(cause, HttpError) and cause.code is not None:
        return store.kept_failing(endpoint(store), short_message(cause))
    if isinstance(
        cause,
        (
            aiohttp.ClientError,
            asyncio.TimeoutError,
            FSTimeoutError,
            ConnectionError,
            TransportError,
            requests.exceptions.ConnectionError,
        ),
    ):
        return StoreConnectionError(
            store.message(
                f"cannot reach Google Cloud Storage at {endpoint(store)} "
                f"({short_message(cause)}); check endpoint_url, the network and proxies, "
                "or raise connect_timeout"
            )
        )
    return None
