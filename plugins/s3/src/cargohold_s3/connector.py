"""The ``aws`` connector type, for ``s3`` stores: its names; the cloud flavor base
derives the rest from the flavor. Light: no botocore."""

from __future__ import annotations

from cargohold_s3.credentials import AUTH_METHODS, store_fields
from cargohold_s3.flavor import S3ArtifactStoreFlavor

AWS_CONNECTOR = S3ArtifactStoreFlavor.connector_type(
    "aws",
    "Amazon Web Services, and S3-compatible servers through an endpoint override.",
    auth_methods=AUTH_METHODS,
    store_fields=store_fields,
)
