"""Entry point of cargohold-s3 (group ``cargohold``): light, imports no cloud library.

Each hook imports what it registers only when the core calls it.
"""

from __future__ import annotations

from cargohold.plugin_api import registers

cargohold_flavors = registers("cargohold_s3.flavor:S3ArtifactStoreFlavor")
cargohold_connector_types = registers("cargohold_s3.connector:AWS_CONNECTOR")
