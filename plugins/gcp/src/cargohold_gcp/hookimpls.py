"""Entry point of cargohold-gcp (group ``cargohold``): light, imports no cloud library.

Each hook imports what it registers only when the core calls it.
"""

from __future__ import annotations

from importlib import import_module

from cargohold.plugin_api import hookimpl

cargohold_flavors = hookimpl(
    lambda register: register(import_module("cargohold_gcp.flavor").GCPArtifactStoreFlavor)
)
cargohold_connector_types = hookimpl(
    lambda register: register(import_module("cargohold_gcp.credentials").GCP_CONNECTOR)
)
