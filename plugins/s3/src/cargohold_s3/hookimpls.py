"""Entry point of cargohold-s3 (group ``cargohold``): light, imports no cloud library.

Each hook imports what it registers only when the core calls it.
"""

from __future__ import annotations

from importlib import import_module

from cargohold.plugin_api import hookimpl

cargohold_flavors = hookimpl(
    lambda register: register(import_module("cargohold_s3.flavor").S3ArtifactStoreFlavor)
)
cargohold_connector_types = hookimpl(
    lambda register: register(import_module("cargohold_s3.credentials").AWS_CONNECTOR)
)
