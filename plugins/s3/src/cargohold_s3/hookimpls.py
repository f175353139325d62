"""Entry point of cargohold-s3 (group ``cargohold``): light, imports no cloud library."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cargohold.hookspecs import hookimpl
from cargohold.integrations import Integration


@hookimpl
def cargohold_flavors(register: Callable[[type[Any]], None]) -> None:
    from cargohold_s3.flavor import S3ArtifactStoreFlavor

    register(S3ArtifactStoreFlavor)


@hookimpl
def cargohold_integrations(register: Callable[[Integration], None]) -> None:
    register(
        Integration(
            name="s3",
            distribution="cargohold-s3",
            flavors=("s3",),
            description="Amazon S3 and S3-compatible object storage (MinIO, Ceph, R2) via s3fs.",
        )
    )


@hookimpl
def cargohold_connector_types(register: Callable[[Any], None]) -> None:
    from cargohold_s3.credentials import AWS_CONNECTOR

    register(AWS_CONNECTOR)
