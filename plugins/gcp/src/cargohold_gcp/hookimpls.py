"""Entry point of cargohold-gcp (group ``cargohold``): light, imports no cloud library."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cargohold.hookspecs import hookimpl
from cargohold.integrations import Integration


@hookimpl
def cargohold_flavors(register: Callable[[type[Any]], None]) -> None:
    from cargohold_gcp.flavor import GCPArtifactStoreFlavor

    register(GCPArtifactStoreFlavor)


@hookimpl
def cargohold_integrations(register: Callable[[Integration], None]) -> None:
    register(
        Integration(
            name="gcp",
            distribution="cargohold-gcp",
            flavors=("gcp",),
            description="Google Cloud Storage via gcsfs.",
        )
    )


@hookimpl
def cargohold_connector_types(register: Callable[[Any], None]) -> None:
    from cargohold_gcp.credentials import GCP_CONNECTOR

    register(GCP_CONNECTOR)
