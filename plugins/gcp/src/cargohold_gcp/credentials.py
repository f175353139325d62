"""Credentials of the ``gcp`` flavor from an ``authentication_secret`` and from
``gcp`` service connectors (whose type ``connector.py`` declares). Light: pydantic
only, no google.*.

Both end as the store's own config fields (token, project, endpoint_url).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from pydantic import Field, SecretStr, field_validator

from cargohold.plugin_api import (
    AuthenticationSecret,
    AuthMethodSettings,
    EndpointOverride,
    has_reference,
)
from cargohold_gcp.config import ANONYMOUS_TOKEN

_KEY_FIELDS = ("client_email", "private_key")


def _check_service_account(value: SecretStr) -> SecretStr:
    text = value.get_secret_value()
    if has_reference(text):
        return value
    try:
        info = json.loads(text)
    except ValueError:
        # Never quote the text: it is a private key.
        raise ValueError(
            "is not JSON; give the content of the key file (--KEY=@key.json)"
        ) from None
    if not isinstance(info, dict) or info.get("type") != "service_account":
        raise ValueError('is not a service-account key (its "type" must be "service_account")')
    missing = [name for name in _KEY_FIELDS if not info.get(name)]
    if missing:
        raise ValueError(f"the service-account key lacks {', '.join(missing)}")
    return value


class GCPAuthenticationSecret(AuthenticationSecret):
    """The keys an ``authentication_secret`` of a gcp store holds."""

    token: SecretStr = Field(description="Service-account key JSON, or an OAuth token file path.")
    project: str | None = None

    def config_fields(self) -> dict[str, Any]:
        fields: dict[str, Any] = {"token": self.token.get_secret_value()}
        if self.project:
            fields["project"] = self.project
        return fields


class GCPImplicitSettings(AuthMethodSettings, auth_method="implicit"):
    """Application Default Credentials where the store runs."""

    project: str | None = Field(default=None, description="Google Cloud project id.")
    endpoint_url: EndpointOverride = Field(
        default=None, description="Storage endpoint override, for emulators and private endpoints."
    )


class GCPAnonymousSettings(GCPImplicitSettings, auth_method="anonymous"):
    """No credentials: public buckets, and emulators such as fake-gcs-server."""


class GCPServiceAccountSettings(GCPImplicitSettings, auth_method="service-account"):
    """A service-account key (the JSON key file's content)."""

    service_account_json: SecretStr = Field(description="Content of the JSON key file.")
    _key = field_validator("service_account_json")(_check_service_account)


#: The ``gcp`` connector type's auth methods, in the order it lists them.
AUTH_METHODS = (GCPImplicitSettings, GCPServiceAccountSettings, GCPAnonymousSettings)


def store_fields(method: str, settings: Mapping[str, Any]) -> dict[str, Any]:
    """The gcp config fields for an auth method's (resolved) settings."""
    fields = {key: settings[key] for key in ("project", "endpoint_url") if settings.get(key)}
    if method == "service-account":
        fields["token"] = settings["service_account_json"]
    elif method == "anonymous":
        fields["token"] = ANONYMOUS_TOKEN
    return fields
