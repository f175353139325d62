"""A flavor that lives in the user's repository, registered by dotted path."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

FLAVOR_MODULE = """
from typing import ClassVar

from cargohold import BaseArtifactStoreConfig, BaseArtifactStoreFlavor


class VaultConfig(BaseArtifactStoreConfig):
    SUPPORTED_SCHEMES: ClassVar[set[str]] = {"vault://"}


class VaultFlavor(BaseArtifactStoreFlavor):
    @property
    def name(self) -> str:
        return "vault"

    @property
    def config_class(self):
        return VaultConfig

    @property
    def implementation_class(self):
        from my_flavors.store import VaultStore

        return VaultStore
"""

STORE_MODULE = """
import vault_sdk_that_is_not_installed  # the heavy dependency

from cargohold import BaseArtifactStore


class VaultStore(BaseArtifactStore):
    pass
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "my_flavors").mkdir(parents=True)
    (root / "my_flavors" / "__init__.py").write_text("")
    (root / "my_flavors" / "flavor.py").write_text(textwrap.dedent(FLAVOR_MODULE))
    (root / "my_flavors" / "store.py").write_text(textwrap.dedent(STORE_MODULE))
    (root / "pipelines" / "deep").mkdir(parents=True)
    return root


def cargohold(cwd: Path, config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CARGOHOLD_CONFIG_DIR": str(config)}
    return subprocess.run(
        [sys.executable, "-m", "cargohold", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=60,
    )


def test_repository_flavor_from_a_subdirectory(repo: Path, tmp_path: Path) -> None:
    config = tmp_path / "config"
    assert cargohold(repo, config, "init").returncode == 0
    here = repo / "pipelines" / "deep"

    registered = cargohold(
        here, config, "artifact-store", "flavor", "register", "my_flavors.flavor.VaultFlavor"
    )
    assert registered.returncode == 0, registered.stderr
    listed = json.loads(
        cargohold(here, config, "artifact-store", "flavor", "list", "-o", "json").stdout
    )
    vault = next(row for row in listed if row["name"] == "vault")
    assert vault["schemes"] == ["vault://"] and vault["dependencies"] == "ready"

    store = cargohold(
        here,
        config,
        "artifact-store",
        "register",
        "secrets",
        "-f",
        "vault",
        "--path=vault://kv/app",
    )
    assert store.returncode == 0, store.stderr
    bad = cargohold(
        here, config, "artifact-store", "register", "x", "-f", "vault", "--path=s3://kv"
    )
    assert bad.returncode == 1 and "accepted: vault://" in bad.stderr

    used = cargohold(here, config, "artifact-store", "verify", "secrets")
    assert used.returncode == 1
    assert "module 'vault_sdk_that_is_not_installed' is not available" in used.stderr
    assert "Traceback" not in used.stderr


def test_missing_module_through_the_api(repo: Path, tmp_path: Path, monkeypatch) -> None:
    from cargohold.client import Client
    from cargohold.errors import MissingDependencyError

    monkeypatch.chdir(repo)
    (repo / ".cargohold").mkdir()
    client = Client(tmp_path / "config")
    client.register_flavor("my_flavors.flavor.VaultFlavor")
    client.register_artifact_store("secrets", "vault", {"path": "vault://kv"})
    with pytest.raises(MissingDependencyError, match="vault_sdk_that_is_not_installed"):
        client.get_artifact_store("secrets")
    assert "vault_sdk_that_is_not_installed" not in sys.modules
    sys.modules.pop("my_flavors.flavor", None)
    sys.modules.pop("my_flavors", None)


def test_a_flavor_that_went_away_is_listed_as_broken(repo: Path, tmp_path: Path) -> None:
    config = tmp_path / "config"
    cargohold(repo, config, "init")
    assert (
        cargohold(
            repo, config, "artifact-store", "flavor", "register", "my_flavors.flavor.VaultFlavor"
        ).returncode
        == 0
    )
    (repo / "my_flavors" / "flavor.py").unlink()
    listed = cargohold(repo, config, "artifact-store", "flavor", "list", "-o", "json")
    assert listed.returncode == 0, listed.stderr
    vault = next(row for row in json.loads(listed.stdout) if row["name"] == "vault")
    assert vault["dependencies"].startswith("broken: ")


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("my_flavors.flavor.Nothing", "has no attribute 'Nothing'"),
        ("my_flavors.flavor.VaultConfig", "is not a flavor class"),
        ("no_such_package.Flavor", "no module named 'no_such_package'"),
        ("Flavor", "not a dotted path"),
    ],
)
def test_bad_flavor_paths(repo: Path, tmp_path: Path, source: str, message: str) -> None:
    result = cargohold(repo, tmp_path / "config", "artifact-store", "flavor", "register", source)
    assert result.returncode == 1
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
