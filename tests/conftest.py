"""Every test gets its own state directory: none reads or writes the user's."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def private_config_dir(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Set in os.environ, so the subprocesses a test starts inherit it too.
    monkeypatch.setenv("CARGOHOLD_CONFIG_DIR", str(tmp_path_factory.mktemp("config-dir")))


@pytest.fixture(autouse=True)
def forget_secret_values() -> Iterator[None]:
    """Values one test's secrets held are not redacted from the next test's messages."""
    yield
    import cargohold.secrets.redaction

    cargohold.secrets.redaction._known.clear()
