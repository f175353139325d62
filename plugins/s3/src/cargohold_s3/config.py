"""Config of the ``s3`` flavor. Light: validates without s3fs or botocore installed."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field, SecretStr, field_validator, model_validator

from cargohold.plugin_api import (
    CloudArtifactStoreConfig,
    authentication_secret_field,
    read_timeout_field,
)
from cargohold_s3.credentials import S3AuthenticationSecret

# botocore accepts credentials as client arguments too; there they would be shown
# unmasked wherever the config is printed, so they are only accepted as secret fields.
_CREDENTIAL_CLIENT_KWARGS = frozenset(
    {"aws_access_key_id", "aws_secret_access_key", "aws_session_token"}
)


_MiB = 2**20


class S3ArtifactStoreConfig(CloudArtifactStoreConfig):
    """An S3 bucket (or a prefix in one), on AWS or any S3-compatible server."""

    SUPPORTED_SCHEMES: ClassVar[set[str]] = {"s3://"}
    CREDENTIAL_FIELDS: ClassVar[frozenset[str]] = frozenset({"key", "secret", "token"})

    path: str = Field(description="s3://bucket or s3://bucket/prefix")
    authentication_secret: str | None = authentication_secret_field(S3AuthenticationSecret)
    key: SecretStr | None = Field(default=None, description="AWS access key id.")
    secret: SecretStr | None = Field(default=None, description="AWS secret access key.")
    token: SecretStr | None = Field(default=None, description="AWS session token.")
    client_kwargs: dict[str, Any] | None = Field(
        default=None,
        description="Passed to the botocore client, e.g. endpoint_url, region_name.",
    )
    config_kwargs: dict[str, Any] | None = Field(
        default=None,
        description="Passed to botocore.config.Config; its keys override connect_timeout, "
        "read_timeout and retries.",
    )
    s3_additional_kwargs: dict[str, Any] | None = Field(
        default=None,
        description="Added to every S3 request, e.g. ServerSideEncryption, ACL.",
    )
    read_timeout: float = read_timeout_field(15.0)
    multipart_chunksize: int = Field(
        default=16 * _MiB,
        ge=5 * _MiB,
        le=5 * 1024 * _MiB,
        description="Bytes per part of a multipart upload (S3's limits: 5 MiB to 5 GiB). "
        "A write holds about four parts in memory, and an object has at most 10,000 parts "
        "(156 GiB at the default 16 MiB): raise it for larger objects.",
    )
    retries: int = Field(
        default=2,
        ge=0,
        le=10,
        description="Retries of a request after a transient failure (refused or dropped "
        "connection, timeout, throttling, 5xx), with a short exponential backoff.",
    )

    @field_validator("client_kwargs")
    @classmethod
    def _no_credentials_in_client_kwargs(
        cls, value: dict[str, Any] | None
    ) -> dict[str, Any] | None:
        found = sorted(_CREDENTIAL_CLIENT_KWARGS & set(value or {}))
        if found:
            raise ValueError(
                f"credentials do not belong in client_kwargs ({', '.join(found)}); "
                "use the key, secret and token fields, which are kept masked"
            )
        return value

    @model_validator(mode="after")
    def _credentials_come_in_pairs(self) -> S3ArtifactStoreConfig:
        if (self.key is None) != (self.secret is None):
            given, missing = ("key", "secret") if self.secret is None else ("secret", "key")
            raise ValueError(
                f"{given} is set but {missing} is not: give both, or neither to use the "
                "AWS environment (variables, profiles, instance roles)"
            )
        if self.token is not None and self.key is None:
            raise ValueError("token is set without key and secret: a session token needs both")
        return self
