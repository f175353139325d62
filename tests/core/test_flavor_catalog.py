"""The per-environment flavor catalog: same answers as loading the plugins, kept fresh."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from cargohold.client import Client
from cargohold.flavor_catalog import CACHE_ENV, MASK, cache_file
from cargohold.plugins import load_plugins

PLUGIN_MODULE = """
from typing import ClassVar

from cargohold import BaseArtifactStoreConfig, BaseArtifactStoreFlavor, hookimpl


class AcmeConfig(BaseArtifactStoreConfig):
    SUPPORTED_SCHEMES: ClassVar[set[str]] = {SCHEMES}


class AcmeFlavor(BaseArtifactStoreFlavor):
    name = "acme"
    implementation = "acme_catalog_plugin.store:AcmeStore"

    @property
    def config_class(self):
        return AcmeConfig


@hookimpl
def cargohold_flavors(register):
    register(AcmeFlavor)
"""

STORES = {
    "plain-s3": ("s3", {"path": "s3://bucket/prefix"}),
    "s3-with-keys": (
        "s3",
        {
            "path": "s3://bucket/keys",
            "key": "AKIACATALOGTEST",
            "secret": "catalog-secret-value",
            "client_kwargs": {"endpoint_url": "http://127.0.0.1:9"},
        },
    ),
    "gcs": ("gcp", {"path": "gs://bucket/x", "project": "p", "token": "anon"}),
    "azure-key": (
        "azure",
        {"path": "az://container/x", "account_name": "acct", "account_key": "azure-secret-key"},
    ),
    "mem": ("memory", {"path": "memory://catalog"}),
    "folder": ("local", {"path": "/tmp/cargohold-catalog-folder"}),
}


@pytest.fixture
def config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv(CACHE_ENV, raising=False)
    return tmp_path / "config"


def test_cached_answers_match_the_plugins_own(config_dir: Path) -> None:
    cached = Client(config_dir)
    for name, (flavor, values) in STORES.items():
        cached.register_artifact_store(name, flavor, values)
    cached.list_flavors()  # builds the catalog
    assert cache_file(config_dir).exists()

    fresh = Client(config_dir)  # reads the catalog written above
    direct = Client(config_dir, plugins=load_plugins())  # never uses a catalog
    assert fresh.list_flavors() == direct.list_flavors()
    for flavor in ("local", "memory", "s3", "gcp", "azure"):
        assert fresh.describe_flavor(flavor) == direct.describe_flavor(flavor), flavor
    for name in [*STORES, "default"]:
        assert fresh.describe_artifact_store(name) == direct.describe_artifact_store(name), name

    shown = fresh.describe_artifact_store("s3-with-keys")["config"]
    assert shown["secret"] == MASK and shown["key"] == MASK
    assert shown["client_kwargs"] == {"endpoint_url": "http://127.0.0.1:9"}
    assert "catalog-secret-value" not in cache_file(config_dir).read_text()
    assert fresh.describe_artifact_store("azure-key")["config"]["account_key"] == MASK


def test_the_catalog_file_is_private(config_dir: Path) -> None:
    Client(config_dir).list_flavors()
    assert cache_file(config_dir).stat().st_mode & 0o777 == 0o600
    assert config_dir.stat().st_mode & 0o777 == 0o700


def cli(site: Path, config_dir: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "PYTHONPATH": str(site),
        "CARGOHOLD_CONFIG_DIR": str(config_dir),
        **env,
    }
    environment.pop(CACHE_ENV, None)
    code = textwrap.dedent(
        """
        import json, sys
        from cargohold.cli import main
        sys.argv = ["cargohold", *sys.argv[1:]]
        try:
            main()
        finally:
            watched = ("pydantic", "pluggy", "cargohold.secrets")
            heavy = sorted(m for m in watched if m in sys.modules)
            print("LOADED:" + json.dumps(heavy), file=sys.stderr)
        """
    )
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
    )


def schemes_of_acme(result: subprocess.CompletedProcess[str]) -> list[str] | None:
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    return next((row["schemes"] for row in rows if row["name"] == "acme"), None)


def loaded(result: subprocess.CompletedProcess[str]) -> list[str]:
    line = next(x for x in result.stderr.splitlines() if x.startswith("LOADED:"))
    return list(json.loads(line.removeprefix("LOADED:")))


def install_acme(site: Path, schemes: str) -> Path:
    package = site / "acme_catalog_plugin"
    package.mkdir(parents=True, exist_ok=True)
    (package / "__init__.py").write_text(PLUGIN_MODULE.replace("{SCHEMES}", schemes))
    info = site / "acme_catalog_plugin-1.0.dist-info"
    info.mkdir(exist_ok=True)
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: acme-catalog-plugin\nVersion: 1.0\n"
    )
    (info / "entry_points.txt").write_text("[cargohold]\nacme = acme_catalog_plugin\n")
    return info


def test_a_warm_catalog_spares_the_imports_and_follows_the_environment(tmp_path: Path) -> None:
    site, config_dir = tmp_path / "site", tmp_path / "config"
    info = install_acme(site, '{"acme://"}')
    listing = ("artifact-store", "flavor", "list", "-o", "json")

    first = cli(site, config_dir, *listing)
    assert schemes_of_acme(first) == ["acme://"]
    assert {"pluggy", "pydantic"} <= set(loaded(first))

    warm = cli(site, config_dir, *listing)
    assert schemes_of_acme(warm) == ["acme://"]
    assert loaded(warm) == [], "a warm catalog must not load the plugins"
    # Nor does describe, which needs the secrets module only for a config with references.
    described = cli(site, config_dir, "artifact-store", "describe", "default")
    assert described.returncode == 0 and loaded(described) == []

    # An edit to a plugin's source (an editable install) is seen at once.
    install_acme(site, '{"acme://", "acme2://"}')
    assert schemes_of_acme(cli(site, config_dir, *listing)) == ["acme2://", "acme://"]

    # So is an uninstall, and a change of CARGOHOLD_LOAD_PLUGINS.
    for file in info.iterdir():
        file.unlink()
    info.rmdir()
    assert schemes_of_acme(cli(site, config_dir, *listing)) is None
    install_acme(site, '{"acme://"}')
    assert schemes_of_acme(cli(site, config_dir, *listing)) == ["acme://"]
    limited = cli(site, config_dir, *listing, CARGOHOLD_LOAD_PLUGINS="")
    assert schemes_of_acme(limited) is None


def test_a_damaged_catalog_is_rebuilt(config_dir: Path) -> None:
    expected = Client(config_dir).list_flavors()
    cache_file(config_dir).write_text("{not json")
    assert Client(config_dir).list_flavors() == expected
    assert json.loads(cache_file(config_dir).read_text())["catalog"]


def test_the_cache_can_be_turned_off(config_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CACHE_ENV, "0")
    assert Client(config_dir).list_flavors()
    assert not cache_file(config_dir).exists()
