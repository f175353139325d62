"""Azurite (npm ``azurite``) on a free loopback port, once per test session.

CI starts from a fresh clone, so the session installs Azurite into the gitignored
``.cache/azurite`` of the checkout when it is not there yet.
"""

from __future__ import annotations

import shutil
import subprocess
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.support.servers import free_port, http_answers, running_server
from tests.support.venvs import REPO

AZURITE_DIR = REPO / ".cache" / "azurite"
AZURITE_BLOB = AZURITE_DIR / "node_modules" / ".bin" / "azurite-blob"
NPM_INSTALL_TIMEOUT = 300

# Azurite's well-known development account: public constants, published by Microsoft.
ACCOUNT_NAME = "devstoreaccount1"
ACCOUNT_KEY = (
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
)

AZURE_ENV = (
    "AZURE_STORAGE_ACCOUNT_NAME",
    "AZURE_STORAGE_ACCOUNT_KEY",
    "AZURE_STORAGE_SAS_TOKEN",
    "AZURE_STORAGE_CONNECTION_STRING",
    "AZURE_STORAGE_CLIENT_ID",
    "AZURE_STORAGE_CLIENT_SECRET",
    "AZURE_STORAGE_TENANT_ID",
    "AZURE_STORAGE_ANON",
)


def install_azurite() -> Path:
    """Return the ``azurite-blob`` launcher, installing Azurite with npm if needed."""
    if AZURITE_BLOB.exists():
        return AZURITE_BLOB
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail("the Azure tests need Node.js and npm on PATH to install Azurite")
    command = [npm, "install", "--prefix", str(AZURITE_DIR), "--no-audit", "--no-fund", "azurite@3"]
    try:
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=NPM_INSTALL_TIMEOUT
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"`{' '.join(command)}` did not finish in {NPM_INSTALL_TIMEOUT}s")
    if result.returncode != 0 or not AZURITE_BLOB.exists():
        pytest.fail(
            f"`{' '.join(command)}` failed (exit {result.returncode}):\n"
            f"{(result.stderr or result.stdout)[-2000:]}"
        )
    return AZURITE_BLOB


@dataclass(frozen=True)
class Azurite:
    port: int

    @property
    def account_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/{ACCOUNT_NAME}"

    @property
    def connection_string(self) -> str:
        return (
            f"DefaultEndpointsProtocol=http;AccountName={ACCOUNT_NAME};"
            f"AccountKey={ACCOUNT_KEY};BlobEndpoint={self.account_url};"
        )

    def service_client(self) -> Any:
        """A plain synchronous SDK client, for test setup (containers, SAS tokens)."""
        from azure.storage.blob import BlobServiceClient

        return BlobServiceClient.from_connection_string(self.connection_string)

    def new_container(self) -> str:
        name = f"t{uuid.uuid4().hex[:20]}"
        self.service_client().create_container(name)
        return name


@pytest.fixture(scope="session")
def azurite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Azurite]:
    launcher = install_azurite()
    port = free_port()
    command = [
        str(launcher),
        "--blobHost", "127.0.0.1",
        "--blobPort", str(port),
        "--inMemoryPersistence",
        "--skipApiVersionCheck",
        "--loose",
        "--disableTelemetry",
        "--silent",
    ]  # fmt: skip
    log = tmp_path_factory.mktemp("azurite") / "azurite.log"
    ready = http_answers(f"http://127.0.0.1:{port}/{ACCOUNT_NAME}?comp=list")
    with running_server(command, port, ready, log, timeout=60):
        yield Azurite(port)


@pytest.fixture(autouse=True)
def _no_ambient_azure_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests decide which AZURE_STORAGE_* variables exist; the machine's do not leak in."""
    for name in AZURE_ENV:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def session_container(azurite: Azurite) -> str:
    return azurite.new_container()


@pytest.fixture
def make_store() -> Callable[..., Any]:
    """Build an azure store through the flavor, as the registry would."""
    from cargohold_azure.flavor import AzureArtifactStoreFlavor

    def make(**values: Any) -> Any:
        flavor = AzureArtifactStoreFlavor()
        return flavor.create_store(flavor.validate_config(values))  # type: ignore[arg-type]

    return make
