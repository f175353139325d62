"""The shared conformance suite, on a gcp store talking to fake-gcs-server."""

from __future__ import annotations

import pytest

from cargohold.stores.base import BaseArtifactStore
from cargohold.testing import ArtifactStoreConformance
from cargohold_gcp.config import GCPArtifactStoreConfig
from tests.gcp.conftest import StoreFactory


class TestGCPStoreConformance(ArtifactStoreConformance):
    # GCS has objects, not directories: a prefix exists only while objects sit under it.
    supports_empty_dirs = False
    # Read from the config class, as any other code would.
    supports_append = not GCPArtifactStoreConfig.IS_IMMUTABLE_FILESYSTEM

    @pytest.fixture
    def store(self, make_store: StoreFactory) -> BaseArtifactStore:
        return make_store()


def test_config_declares_objects_immutable() -> None:
    assert GCPArtifactStoreConfig.IS_IMMUTABLE_FILESYSTEM is True
