"""Config of the ``gcp`` flavor. Light: validates without gcsfs or google.* installed."""

from __future__ import annotations

from typing import ClassVar
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator

from cargohold.secrets import has_reference
from cargohold.stores.base import BaseArtifactStoreConfig

#: The ``token`` value that asks for unauthenticated access (public buckets, emulators).
ANONYMOUS_TOKEN = "anon"


class GCPArtifactStoreConfig(BaseArtifactStoreConfig):
    """A Google Cloud Storage bucket, or a prefix in one."""

    SUPPORTED_SCHEMES: ClassVar[set[str]] = {"gs://"}
    # GCS objects cannot be appended to: open(path, "a") is refused.
    IS_IMMUTABLE_FILESYSTEM: ClassVar[bool] = True

    path: str = Field(description="gs://bucket or gs://bucket/prefix")
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
    authentication_secret: str | None = Field(
        default=None, description="Name of a secret with a service-account JSON or an OAuth token."
    )
    connect_timeout: float = Field(
        default=5.0, gt=0, description="Seconds allowed to open a connection to the endpoint."
    )
    read_timeout: float = Field(
        default=60.0,
        gt=0,
        description="Seconds a request may wait for the server without receiving any data.",
    )
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

    @field_validator("endpoint_url")
    @classmethod
    def _check_endpoint(cls, value: str | None) -> str | None:
        if value is None or has_reference(value):
            return value  # checked when the reference is resolved, at each use
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"{value!r} is not an http:// or https:// URL")
        if parts.path.strip("/") or parts.query or parts.fragment:
            # gcsfs appends /storage/v1/... itself; a path here would be silently doubled.
            raise ValueError(f"{value!r} must be scheme://host[:port] with no path")
        return f"{parts.scheme}://{parts.netloc}"
