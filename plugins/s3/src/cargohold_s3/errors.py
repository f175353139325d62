"""botocore's exceptions as one-line cargohold errors, for the failures S3 users meet
first: wrong endpoint, wrong keys, missing bucket.

botocore and s3fs report these as long messages (a URL with its query string, an XML
error code) or, for requests without a response body such as HEAD, as a bare ``403``.
Here they become errors that say what is wrong and what to change. Light: botocore is
imported only when there is an exception to look at, by then it has been loaded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cargohold.plugin_api import (
    StoreAuthenticationError,
    StoreConnectionError,
    exception_chain,
    scrub_url_secrets,
)

if TYPE_CHECKING:
    from cargohold_s3.store import S3ArtifactStore

# Error codes S3 (and S3-compatible servers) return for credentials they do not accept.
_CREDENTIAL_CODES = frozenset(
    {
        "InvalidAccessKeyId",
        "SignatureDoesNotMatch",
        "ExpiredToken",
        "InvalidToken",
        "TokenRefreshRequired",
        "InvalidClientTokenId",
        "UnrecognizedClientException",
    }
)
# Refused although the request was signed: the key may be valid but lack permission.
# HEAD responses carry no body, so they only ever say "403".
_FORBIDDEN_CODES = frozenset({"AccessDenied", "AllAccessDisabled", "403"})
# The request reached S3, but for a region other than the bucket's.
_REGION_CODES = frozenset(
    {"PermanentRedirect", "AuthorizationHeaderMalformed", "IllegalLocationConstraintException"}
)


def endpoint(store: S3ArtifactStore) -> str:
    """The endpoint as a message names it: never with a credential or query string."""
    url = (store.config.client_kwargs or {}).get("endpoint_url")
    if not url:
        return "the AWS S3 endpoint"
    return f"the endpoint {scrub_url_secrets(str(url))}"


def translate(store: S3ArtifactStore, cause: BaseException) -> Exception | None:
    """A one-line cargohold error for ``cause``, or None if it is not botocore's."""
    from botocore import exceptions

    config = store.config
    if isinstance(cause, exceptions.ProxyConnectionError):
        return StoreConnectionError(
            store.message(
                f"cannot reach the proxy on the way to {endpoint(store)}; check "
                "HTTP_PROXY/HTTPS_PROXY and NO_PROXY, or client_kwargs.endpoint_url"
            )
        )
    if isinstance(cause, exceptions.ConnectTimeoutError):
        return StoreConnectionError(
            store.message(
                f"no connection to {endpoint(store)} within {config.connect_timeout:g} s; "
                "check client_kwargs.endpoint_url and the network (connect_timeout and "
                "retries set how long to wait)"
            )
        )
    if isinstance(cause, exceptions.EndpointConnectionError):
        return StoreConnectionError(
            store.message(
                f"cannot connect to {endpoint(store)} (connection refused, or the host "
                "name does not resolve); check client_kwargs.endpoint_url and that the "
                "server is running"
            )
        )
    if isinstance(cause, exceptions.ReadTimeoutError):
        return StoreConnectionError(
            store.message(
                f"{endpoint(store)} accepted the connection but sent nothing for "
                f"{config.read_timeout:g} s; check the server, or raise read_timeout"
            )
        )
    if isinstance(cause, exceptions.NoCredentialsError | exceptions.PartialCredentialsError):
        return StoreAuthenticationError(
            store.message(
                "no usable AWS credentials were found; set key and secret in the store "
                "config, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, a profile "
                "(AWS_PROFILE) or an instance role"
            )
        )
    if isinstance(cause, exceptions.ClientError):
        return _client_error(store, cause)
    return None


def _client_error(store: S3ArtifactStore, cause: BaseException) -> Exception | None:
    code, status = _error_code(cause), _status(cause)
    if status is not None and status >= 500:
        # Still failing after botocore's retries: a server or network problem.
        detail = f"HTTP {status}" + (f" {code}" if code and code != str(status) else "")
        return store.kept_failing(endpoint(store), detail)
    if code in _CREDENTIAL_CODES:
        return StoreAuthenticationError(
            store.message(
                f"{endpoint(store)} rejected the credentials ({code}); check key, secret "
                "and token (or the AWS environment they come from)"
            )
        )
    if code in _FORBIDDEN_CODES:
        return StoreAuthenticationError(
            store.message(
                f"{endpoint(store)} refused access to bucket {store.bucket!r} ({code}); "
                "the credentials are wrong, expired, or lack permission for it"
            )
        )
    if code == "NoSuchBucket":
        return FileNotFoundError(
            store.message(
                f"bucket {store.bucket!r} does not exist at {endpoint(store)}; create it, "
                "or fix the bucket in the store path"
            )
        )
    if code in _REGION_CODES:
        return StoreConnectionError(
            store.message(
                f"bucket {store.bucket!r} is in another region ({code}); set "
                "client_kwargs.region_name to the bucket's region"
            )
        )
    return None


def precondition_failed(exc: BaseException) -> bool:
    """Whether S3 refused a conditional write because its condition failed (412): for
    ``If-None-Match: *``, the key exists. s3fs raises FileExistsError only when the
    answer names the condition, which not every S3-compatible server does."""
    return any(
        _error_code(cause) == "PreconditionFailed" or _status(cause) == 412
        for cause in exception_chain(exc)
    )


def conditional_conflict(exc: BaseException) -> bool:
    """Whether S3 answered a conditional write with 409 ConditionalRequestConflict:
    another conditional write to the key was in flight, and a retry settles it."""
    return any(_error_code(cause) == "ConditionalRequestConflict" for cause in exception_chain(exc))


def _error_code(exc: BaseException) -> str | None:
    response = getattr(exc, "response", None)
    if not isinstance(response, dict):
        return None
    error = response.get("Error") or {}
    code = error.get("Code") if isinstance(error, dict) else None
    return str(code) if code is not None else None


def _status(exc: BaseException) -> int | None:
    response = getattr(exc, "response", None)
    metadata = response.get("ResponseMetadata") if isinstance(response, dict) else None
    status = metadata.get("HTTPStatusCode") if isinstance(metadata, dict) else None
    return status if isinstance(status, int) else None
