"""Test helpers for cargohold and for flavor authors.

``ArtifactStoreConformance`` is the suite every artifact-store flavor runs: subclass
it in a test module, provide a ``store`` fixture, and set capability flags.
"""

from cargohold.testing.conformance import ArtifactStoreConformance, read_bytes, write_bytes

__all__ = ["ArtifactStoreConformance", "read_bytes", "write_bytes"]
