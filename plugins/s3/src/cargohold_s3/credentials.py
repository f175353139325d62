"""Credentials of the ``s3`` flavor from an ``authentication_secret`` and from ``aws``
service connectors (whose type ``connector.py`` declares). Light: pydantic only, no
botocore.

Both end as the store's own config fields (key, secret, token, client_kwargs), so a
store behaves the same whichever way its credentials came.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import Field, SecretStr

from cargohold.plugin_api import AuthenticationSecret, AuthMethodSettings, EndpointOverride


class S3AuthenticationSecret(AuthenticationSecret):
    """The keys an ``authentication_secret`` of an s3 store holds."""

    aws_access_key_id: SecretStr
    aws_secret_access_key: SecretStr
    aws_session_token: SecretStr | None = None
    region: str | None = None

    def config_fields(self) -> dict[str, Any]:
        settings: dict[str, Any] = {
            "aws_access_key_id": self.aws_access_key_id.get_secret_value(),
            "aws_secret_access_key": self.aws_secret_access_key.get_secret_value(),
            "region": self.region,
        }
        if self.aws_session_token is None:
            return store_fields("secret-key", settings)
        settings["aws_session_token"] = self.aws_session_token.get_secret_value()
        return store_fields("sts-token", settings)


class AWSImplicitSettings(AuthMethodSettings, auth_method="implicit"):
    """Credentials from the environment where the store runs (variables, profiles, roles)."""

    region: str | None = Field(default=None, description="AWS region, e.g. eu-west-1.")
    endpoint_url: EndpointOverride = Field(
        default=None,
        description="Endpoint override for S3-compatible servers, private endpoints, emulators.",
    )


class AWSSecretKeySettings(AWSImplicitSettings, auth_method="secret-key"):
    """An access key pair: the same key names as the s3 authentication secret."""

    aws_access_key_id: SecretStr
    aws_secret_access_key: SecretStr


class AWSSTSTokenSettings(AWSSecretKeySettings, auth_method="sts-token"):
    """Temporary credentials: an access key pair and its session token."""

    aws_session_token: SecretStr


#: The ``aws`` connector type's auth methods, in the order it lists them.
AUTH_METHODS = (AWSImplicitSettings, AWSSecretKeySettings, AWSSTSTokenSettings)


def store_fields(method: str, settings: Mapping[str, Any]) -> dict[str, Any]:
    """The s3 config fields for an auth method's (resolved) settings."""
    fields: dict[str, Any] = {}
    client_kwargs = {}
    if settings.get("endpoint_url"):
        client_kwargs["endpoint_url"] = settings["endpoint_url"]
    if settings.get("region"):
        client_kwargs["region_name"] = settings["region"]
    if client_kwargs:
        fields["client_kwargs"] = client_kwargs
    if method in ("secret-key", "sts-token"):
        fields["key"] = settings["aws_access_key_id"]
        fields["secret"] = settings["aws_secret_access_key"]
    if method == "sts-token":
        fields["token"] = settings["aws_session_token"]
    return fields
