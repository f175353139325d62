"""Test helpers for cargohold and for flavor authors.

``ArtifactStoreConformance`` is the suite every artifact-store flavor runs: subclass
it in a test module, provide a ``store`` fixture, and set capability flags.

Names are imported on first access: ``cargohold.testing.pytest_plugin`` is loaded in
every pytest session where cargohold is installed, and importing this package on the
way to it must not pull in pydantic or the stores.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cargohold import lazy

if TYPE_CHECKING:
    from cargohold.testing.conformance import ArtifactStoreConformance
    from cargohold.testing.helpers import expect_raises, read_bytes, write_bytes

__all__ = ["ArtifactStoreConformance", "expect_raises", "read_bytes", "write_bytes"]

_LOCATIONS = {
    "ArtifactStoreConformance": "cargohold.testing.conformance",
    "expect_raises": "cargohold.testing.helpers",
    "read_bytes": "cargohold.testing.helpers",
    "write_bytes": "cargohold.testing.helpers",
}


__getattr__, __dir__ = lazy.attributes(__name__, _LOCATIONS)
