"""Config of the ``gcp`` flavor. Light: validates without gcsfs or google.* installed."""

from __future__ import annotations

from typing import ClassVar
from urllib.parse import SplitResult

from pydantic import Field, SecretStr, field_validator

from cargohold.plugin_api import (
    CloudArtifactStoreConfig,
    authentication_secret_field,
    endpoint_check,
)

#: The ``token`` value that asks for unauthenticated access (public buckets, emulators).
ANONYMOUS_TOKEN = "anon"


def _host_only(value: str, parts: SplitResult) -> str:
    if parts.path.strip("/") or parts.query or parts.fragment:
        # gcsfs appends /storage/v1/... itself; a path here would be silently doubled.
        raise ValueError(f"{value!r} must be scheme://host[:port] with no path")
    return f"{parts.scheme}://{parts.netloc}"


class GCPArtifactStoreConfig(CloudArtifactStoreConfig):
    """A Google Cloud Storage bucket, or a prefix in one; ``connect_timeout`` and
    ``read_timeout`` keep the cloud base's defaults (5 and 60 s)."""

    SUPPORTED_SCHEMES: ClassVar[set[str]] = {"gs://"}
    # GCS objects cannot be appended to: open(path, "a") is refused.
    IS_IMMUTABLE_FILESYSTEM: ClassVar[bool] = True
    CREDENTIAL_FIELDS: ClassVar[frozenset[str]] = frozenset({"token"})

    path: str = Field(description="gs://bucket or gs://bucket/prefix")
    authentication_secret: str | None = authentication_secret_field(
        "with a service-account JSON or an OAuth token"
    )
    project: str | None = Field(default=None, description="Google Cloud project id.")
    token: SecretStr | None = Field(
        default=None,
        description="Service-account key: its JSON content, or the path of the key file; "
        f"{ANONYMOUS_TOKEN!r} for unauthenticated access (public buckets, emulators).",
    )
    endpoint_url: str | None = Field(
        default=None,
        description="Storage endpoint override (scheme://host[:port]), for emulators and "
        "private endpoints.",
    )
    _check_endpoint = field_validator("endpoint_url")(endpoint_check(_host_only))
    retries: int = Field(
        default=3,
        ge=0,
        le=10,
        description="Retries of a request after a transient failure (HTTP 408, 429, 5xx, "
        "dropped or refused connection), with a short exponential backoff.",
    )
    max_concurrency: int = Field(
        default=32,
        ge=1,
        description="Most requests in flight at once in a batch operation (bulk delete, "
        "copy or read of many files).",
    )
