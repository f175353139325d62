"""The ``gcp`` connector type, for ``gcp`` stores: its names; the cloud flavor base
derives the rest from the flavor. Light: no google.*."""

from __future__ import annotations

from cargohold_gcp.credentials import AUTH_METHODS, store_fields
from cargohold_gcp.flavor import GCPArtifactStoreFlavor

GCP_CONNECTOR = GCPArtifactStoreFlavor.connector_type(
    "gcp",
    "Google Cloud, and GCS emulators through an endpoint override.",
    auth_methods=AUTH_METHODS,
    store_fields=store_fields,
)
