"""The flavor works up to the first I/O in an environment without gcsfs."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from tests.support.venvs import Venv

PROBE = textwrap.dedent(
    """
    import json, sys
    from cargohold.flavors import StackComponentType
    from cargohold.plugins import load_plugins

    host = load_plugins()
    flavor = host.flavors.get("gcp", StackComponentType.ARTIFACT_STORE)
    config = flavor.validate_config({"path": "gs://bucket/prefix", "token": "anon",
                                     "endpoint_url": "http://127.0.0.1:9"})
    store = flavor.create_store(config, name="models")
    try:
        store.exists("gs://bucket/prefix/model.bin")
    except Exception as error:
        outcome = {"type": type(error).__name__, "message": str(error)}
    else:
        outcome = {"type": None, "message": ""}
    outcome["store"] = repr(store)
    outcome["heavy"] = sorted(
        m for m in sys.modules if m.split(".")[0] in {"gcsfs", "google", "aiohttp"}
    )
    print(json.dumps(outcome))
    """
)


@pytest.mark.slow
def test_flavor_config_and_store_work_until_first_io(tmp_path: Path) -> None:
    venv = Venv(tmp_path / "venv")
    venv.install_core()
    venv.install_plugin_without_heavy_deps("gcp")
    env = {"CARGOHOLD_CONFIG_DIR": str(tmp_path / "config")}

    listed = venv.run(venv.bin("cargohold"), "artifact-store", "flavor", "list", env=env)
    assert listed.returncode == 0, listed.stderr
    row = next(line for line in listed.stdout.splitlines() if line.startswith("gcp "))
    assert "gs://" in row and "gcsfs" in row, f"the row must say gcsfs is missing: {row!r}"

    probed = venv.run(venv.python, "-c", PROBE, env=env)
    assert probed.returncode == 0, probed.stderr
    outcome = json.loads(probed.stdout)
    assert outcome["store"] == "GCPArtifactStore(name='models', path='gs://bucket/prefix')"
    assert outcome["type"] == "MissingDependencyError"
    assert "cargohold integration install gcp" in outcome["message"]
    assert "\n" not in outcome["message"]
    assert outcome["heavy"] == []
