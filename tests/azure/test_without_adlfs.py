"""With the plugin installed but adlfs absent, everything but I/O still works."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from tests.support.venvs import Venv

FIRST_IO = textwrap.dedent(
    """
    import json, sys
    from cargohold.flavors import StackComponentType
    from cargohold.plugins import load_plugins

    flavor = load_plugins().flavors.get("azure", StackComponentType.ARTIFACT_STORE)
    config = flavor.validate_config(
        {"path": "abfs://container/prefix", "account_name": "acct", "account_key": "a2V5"}
    )
    store = flavor.create_store(config, name="models")
    try:
        store.exists("abfs://container/prefix/model.bin")
    except Exception as error:
        outcome = {"type": type(error).__name__, "message": str(error)}
    else:
        outcome = {"type": None, "message": ""}
    outcome["store"] = repr(store)
    outcome["heavy"] = sorted(
        m for m in sys.modules if m.split(".")[0] in {"adlfs", "azure", "aiohttp"}
    )
    print(json.dumps(outcome))
    """
)


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Venv:
    venv = Venv(tmp_path_factory.mktemp("no-adlfs") / "venv")
    venv.install_core()
    venv.install_plugin_without_heavy_deps("azure")
    probe = venv.run(venv.python, "-c", "import adlfs")
    assert probe.returncode != 0, "the throwaway venv must not have adlfs"
    return venv


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"CARGOHOLD_CONFIG_DIR": str(tmp_path / "config")}


def test_flavor_is_listed(venv: Venv, env: dict[str, str]) -> None:
    result = venv.run(venv.bin("cargohold"), "artifact-store", "flavor", "list", env=env)
    assert result.returncode == 0, result.stderr
    assert "azure" in result.stdout, result.stdout


def test_store_is_created_and_first_io_names_the_fix(venv: Venv, env: dict[str, str]) -> None:
    result = venv.run(venv.python, "-c", FIRST_IO, env=env)
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout)
    assert outcome["type"] == "MissingDependencyError", outcome
    assert "cargohold integration install azure" in outcome["message"], outcome
    assert "\n" not in outcome["message"]
    assert "name='models'" in outcome["store"]
    assert outcome["heavy"] == []
