"""One fake-gcs-server for the whole session; each test gets its own bucket."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from cargohold_gcp.config import GCPArtifactStoreConfig
from cargohold_gcp.flavor import GCPArtifactStoreFlavor
from cargohold_gcp.store import GCPArtifactStore
from tests.support.emulators import start_fake_gcs
from tests.support.servers import RunningServer

StoreFactory = Callable[..., GCPArtifactStore]


@pytest.fixture(scope="session")
def gcs_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with start_fake_gcs(tmp_path_factory.mktemp("fake-gcs-server") / "server.log") as server:
        yield server


def gcp_store(path: str, **fields: Any) -> GCPArtifactStore:
    """A store made the way users make one: flavor, validated config, create_store."""
    flavor = GCPArtifactStoreFlavor()
    config = flavor.validate_config({"path": path, **fields})
    assert isinstance(config, GCPArtifactStoreConfig)
    store = flavor.create_store(config)
    assert isinstance(store, GCPArtifactStore)
    return store


@pytest.fixture
def make_store(gcs_server: RunningServer) -> StoreFactory:
    """``make_store(**fields)``: a store on a new, empty bucket of the session's server."""

    def make(**fields: Any) -> GCPArtifactStore:
        bucket = f"test-{uuid.uuid4().hex[:16]}"
        options = {"endpoint_url": gcs_server.url, "token": "anon", "project": "test", **fields}
        store = gcp_store(f"gs://{bucket}/root", **options)
        store.filesystem.mkdir(bucket)
        return store

    return make
