"""Config of the ``s3`` flavor. Light: validates without s3fs or botocore installed."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field, SecretStr

from cargohold.stores.base import BaseArtifactStoreConfig


class S3ArtifactStoreConfig(BaseArtifactStoreConfig):
    """An S3 bucket (or a prefix in one), on AWS or any S3-compatible server."""

    SUPPORTED_SCHEMES: ClassVar[set[str]] = {"s3://"}

    path: str = Field(description="s3://bucket or s3://bucket/prefix")
    key: SecretStr | None = Field(default=None, description="AWS access key id.")
    secret: SecretStr | None = Field(default=None, description="AWS secret access key.")
    token: SecretStr | None = Field(default=None, description="AWS session token.")
    client_kwargs: dict[str, Any] | None = Field(
        default=None,
        description="Passed to the botocore client, e.g. endpoint_url, region_name.",
    )
    config_kwargs: dict[str, Any] | None = Field(
        default=None, description="Passed to botocore.config.Config (timeouts, retries, ...)."
    )
    s3_additional_kwargs: dict[str, Any] | None = Field(
        default=None,
        description="Added to every S3 request, e.g. ServerSideEncryption, ACL.",
    )
    authentication_secret: str | None = Field(
        default=None,
        description="Name of a secret with aws_access_key_id, aws_secret_access_key, "
        "aws_session_token, region.",
    )
