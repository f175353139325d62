"""Entry point of cargohold-azure (group ``cargohold``): light, imports no cloud library."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cargohold.hookspecs import hookimpl
from cargohold.integrations import Integration


@hookimpl
def cargohold_flavors(register: Callable[[type[Any]], None]) -> None:
    from cargohold_azure.flavor import AzureArtifactStoreFlavor

    register(AzureArtifactStoreFlavor)


@hookimpl
def cargohold_integrations(register: Callable[[Integration], None]) -> None:
    register(
        Integration(
            name="azure",
            distribution="cargohold-azure",
            flavors=("azure",),
            description="Azure Blob Storage via adlfs.",
        )
    )


@hookimpl
def cargohold_connector_types(register: Callable[[Any], None]) -> None:
    from cargohold_azure.credentials import AZURE_CONNECTOR

    register(AZURE_CONNECTOR)
