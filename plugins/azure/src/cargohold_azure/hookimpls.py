"""Entry point of cargohold-azure (group ``cargohold``): light, imports no cloud library.

Each hook imports what it registers only when the core calls it.
"""

from __future__ import annotations

from cargohold.plugin_api import registers

cargohold_flavors = registers("cargohold_azure.flavor:AzureArtifactStoreFlavor")
cargohold_connector_types = registers("cargohold_azure.connector:AZURE_CONNECTOR")
