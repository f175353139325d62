"""Azurite (npm ``azurite``) on a free loopback port, once per test session.

CI starts from a fresh clone, so the session installs Azurite into the gitignored
``.cache/azurite`` of the checkout when it is not there yet (tests/support/emulators.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.support.emulators import Azurite, start_azurite

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


@pytest.fixture(scope="session")
def azurite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Azurite]:
    with start_azurite(tmp_path_factory.mktemp("azurite") / "azurite.log") as server:
        yield server


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
