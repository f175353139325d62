"""The ``azure`` connector type, for ``azure`` stores: its names; the cloud flavor base
derives the rest from the flavor. Light: no azure.*.

Its settings are named like the store's fields, so it needs no ``store_fields``. Of the
two schemes the config accepts, which name the same containers, resource ids take
``az://``.
"""

from __future__ import annotations

from cargohold_azure.credentials import AUTH_METHODS
from cargohold_azure.flavor import AzureArtifactStoreFlavor

AZURE_CONNECTOR = AzureArtifactStoreFlavor.connector_type(
    "azure",
    "Microsoft Azure Blob Storage, and Azurite through an account URL.",
    auth_methods=AUTH_METHODS,
    scheme="az://",
)
