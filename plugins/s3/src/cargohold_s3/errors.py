"""One-line errors for the failures S3 users meet first: wrong endpoint, wrong keys,
missing bucket.

botocore and s3fs report these as long messages (a URL with its query string, an XML
error code) or, for requests without a response body such as HEAD, as a bare
``403``. Here they become errors that say what is wrong and what to change. The
module imports no cloud library: botocore's exception classes are looked up only
if botocore is already loaded, which it is whenever one of them was raised.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from cargohold.errors import StoreAuthenticationError, StoreConnectionError, exception_chain

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


@dataclass(frozen=True)
class ErrorContext:
    """What a message may name: never a credential."""

    store: str
    bucket: str
    endpoint_url: str | None
    connect_timeout: float
    read_timeout: float
    retries: int = 0

    @property
    def endpoint(self) -> str:
        if self.endpoint_url is None:
            return "the AWS S3 endpoint"
        return f"the endpoint {safe_url(self.endpoint_url)}"


def safe_url(url: str) -> str:
    """``url`` without user info, so ``http://user:pass@host`` never reaches a message."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "(unparseable endpoint_url)"
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


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


def translate(exc: Exception, context: ErrorContext) -> Exception | None:
    """A one-line cargohold error for ``exc``, or None to let it propagate unchanged."""
    botocore = sys.modules.get("botocore.exceptions")
    if botocore is None:
        return None
    who = f"artifact store {context.store!r}"
    for cause in exception_chain(exc):
        if isinstance(cause, botocore.ProxyConnectionError):
            return StoreConnectionError(
                f"{who}: cannot reach the proxy on the way to {context.endpoint}; check "
                "HTTP_PROXY/HTTPS_PROXY and NO_PROXY, or client_kwargs.endpoint_url"
            )
        if isinstance(cause, botocore.ConnectTimeoutError):
            return StoreConnectionError(
                f"{who}: no connection to {context.endpoint} within "
                f"{context.connect_timeout:g} s; check client_kwargs.endpoint_url and the "
                "network (connect_timeout and retries set how long to wait)"
            )
        if isinstance(cause, botocore.EndpointConnectionError):
            return StoreConnectionError(
                f"{who}: cannot connect to {context.endpoint} (connection refused, or "
                "the host name does not resolve); check client_kwargs.endpoint_url and "
                "that the server is running"
            )
        if isinstance(cause, botocore.ReadTimeoutError):
            return StoreConnectionError(
                f"{who}: {context.endpoint} accepted the connection but sent nothing for "
                f"{context.read_timeout:g} s; check the server, or raise read_timeout"
            )
        if isinstance(cause, botocore.NoCredentialsError | botocore.PartialCredentialsError):
            return StoreAuthenticationError(
                f"{who}: no usable AWS credentials were found; set key and secret in the "
                "store config, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, a profile "
                "(AWS_PROFILE) or an instance role"
            )
        if isinstance(cause, botocore.ClientError):
            status = _status(cause)
            if status is not None and status >= 500:
                # Still failing after botocore's retries: a server or network problem.
                code = _error_code(cause)
                detail = f"HTTP {status}" + (f" {code}" if code and code != str(status) else "")
                return StoreConnectionError(
                    f"{who}: {context.endpoint} kept failing ({detail}) after "
                    f"{context.retries} retries; try again later, or raise retries"
                )
            return _client_error(_error_code(cause), who, context)
    return None


def _client_error(code: str | None, who: str, context: ErrorContext) -> Exception | None:
    if code in _CREDENTIAL_CODES:
        return StoreAuthenticationError(
            f"{who}: {context.endpoint} rejected the credentials ({code}); check key, "
            "secret and token (or the AWS environment they come from)"
        )
    if code in _FORBIDDEN_CODES:
        return StoreAuthenticationError(
            f"{who}: {context.endpoint} refused access to bucket {context.bucket!r} "
            f"({code}); the credentials are wrong, expired, or lack permission for it"
        )
    if code == "NoSuchBucket":
        return FileNotFoundError(
            f"{who}: bucket {context.bucket!r} does not exist at {context.endpoint}; "
            "create it, or fix the bucket in the store path"
        )
    if code in {
        "PermanentRedirect",
        "AuthorizationHeaderMalformed",
        "IllegalLocationConstraintException",
    }:
        return StoreConnectionError(
            f"{who}: bucket {context.bucket!r} is in another region ({code}); set "
            "client_kwargs.region_name to the bucket's region"
        )
    return None
