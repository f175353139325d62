"""The surface of cargohold that plugin distributions build on.

A flavor distribution (the first-party ``cargohold-s3``, ``-gcp`` and ``-azure``, or
a third party's) imports from here, or from the ``cargohold`` package itself, and
from nowhere else in the core: what is listed in ``__all__`` is kept stable within a
major version, and a test pins it, so changing it is a deliberate act with a line in
CHANGELOG.md. Everything else in the core may move between releases.

Names are imported on first access: a plugin's entry-point module can import
``hookimpl`` or ``registers`` from here without pulling in pydantic or any store code.
"""

from __future__ import annotations

from cargohold import lazy

# Not `from typing import TYPE_CHECKING`: plugin modules import this on the way to
# their flavor list, and typing costs more than the rest of the module.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from cargohold.connectors.types import (
        AuthMethod,
        ConnectorType,
        ResourceType,
        check_endpoint,
    )
    from cargohold.errors import (
        CargoholdError,
        StoreAuthenticationError,
        StoreConnectionError,
        exception_chain,
    )
    from cargohold.hookspecs import hookimpl
    from cargohold.integrations import Integration
    from cargohold.paths import PathType
    from cargohold.secrets.references import has_reference
    from cargohold.secrets.stored import plain_values
    from cargohold.stores.base import (
        BaseArtifactStore,
        BaseArtifactStoreConfig,
        BaseArtifactStoreFlavor,
        ListedFile,
    )
    from cargohold.stores.cloud import (
        AuthenticationSecret,
        AuthMethodSettings,
        CloudArtifactStore,
        CloudArtifactStoreConfig,
        CloudArtifactStoreFlavor,
        CredentialModel,
        EndpointOverride,
        authentication_secret_field,
        connect_timeout_field,
        endpoint_check,
        read_timeout_field,
        scrub_url_secrets,
        short_message,
        store_message,
    )
    from cargohold.stores.fsspec import (
        BufferedUpload,
        FsspecArtifactStore,
        md5_hex,
    )

__all__ = [
    "AuthMethod",
    "AuthMethodSettings",
    "AuthenticationSecret",
    "BaseArtifactStore",
    "BaseArtifactStoreConfig",
    "BaseArtifactStoreFlavor",
    "BufferedUpload",
    "CargoholdError",
    "CloudArtifactStore",
    "CloudArtifactStoreConfig",
    "CloudArtifactStoreFlavor",
    "ConnectorType",
    "CredentialModel",
    "EndpointOverride",
    "FsspecArtifactStore",
    "Integration",
    "ListedFile",
    "PathType",
    "ResourceType",
    "StoreAuthenticationError",
    "StoreConnectionError",
    "authentication_secret_field",
    "check_endpoint",
    "connect_timeout_field",
    "endpoint_check",
    "exception_chain",
    "has_reference",
    "hookimpl",
    "md5_hex",
    "plain_values",
    "read_timeout_field",
    "registers",
    "scrub_url_secrets",
    "short_message",
    "store_message",
]

_LOCATIONS = {
    "AuthMethod": "cargohold.connectors.types",
    "ConnectorType": "cargohold.connectors.types",
    "ResourceType": "cargohold.connectors.types",
    "check_endpoint": "cargohold.connectors.types",
    "CargoholdError": "cargohold.errors",
    "StoreAuthenticationError": "cargohold.errors",
    "StoreConnectionError": "cargohold.errors",
    "exception_chain": "cargohold.errors",
    "hookimpl": "cargohold.hookspecs",
    "Integration": "cargohold.integrations",
    "PathType": "cargohold.paths",
    "has_reference": "cargohold.secrets.references",
    "plain_values": "cargohold.secrets.stored",
    "BaseArtifactStore": "cargohold.stores.base",
    "BaseArtifactStoreConfig": "cargohold.stores.base",
    "BaseArtifactStoreFlavor": "cargohold.stores.base",
    "BufferedUpload": "cargohold.stores.fsspec",
    "FsspecArtifactStore": "cargohold.stores.fsspec",
    "ListedFile": "cargohold.stores.base",
    "md5_hex": "cargohold.stores.fsspec",
    # -- the base of fsspec-backed cloud stores (cargohold.stores.cloud) ----------
    "AuthenticationSecret": "cargohold.stores.cloud",
    "AuthMethodSettings": "cargohold.stores.cloud",
    "CloudArtifactStore": "cargohold.stores.cloud",
    "CloudArtifactStoreConfig": "cargohold.stores.cloud",
    "CloudArtifactStoreFlavor": "cargohold.stores.cloud",
    "CredentialModel": "cargohold.stores.cloud",
    "EndpointOverride": "cargohold.stores.cloud",
    "authentication_secret_field": "cargohold.stores.cloud",
    "connect_timeout_field": "cargohold.stores.cloud",
    "endpoint_check": "cargohold.stores.cloud",
    "read_timeout_field": "cargohold.stores.cloud",
    "scrub_url_secrets": "cargohold.stores.cloud",
    "short_message": "cargohold.stores.cloud",
    "store_message": "cargohold.stores.cloud",
}


def registers(*specs: str) -> Callable[[Callable[[Any], None]], None]:
    """A hook implementation that registers what each ``"package.module:Attribute"``
    spec names, imported only when the core calls the hook, so that the entry-point
    module stays light: ``cargohold_flavors = registers("acme.flavor:AcmeFlavor")``."""
    from cargohold.hookspecs import hookimpl

    def register_each(register: Callable[[Any], None]) -> None:
        from cargohold.dotted import import_object

        for spec in specs:
            register(import_object(spec))

    return hookimpl(register_each)


__getattr__, __dir__ = lazy.attributes(__name__, _LOCATIONS)
