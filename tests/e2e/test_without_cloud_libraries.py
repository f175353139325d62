"""Each cloud flavor works up to the first I/O where its cloud library is absent:
listed, config validated, store registered and created; the first I/O names the fix."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from tests.support.venvs import Venv

CASES = {
    "s3": (
        {"path": "s3://bucket/prefix", "client_kwargs": {"endpoint_url": "http://127.0.0.1:9"}},
        "s3fs",
        {"s3fs", "botocore", "boto3", "aiobotocore", "aiohttp"},
    ),
    "gcp": (
        {"path": "gs://bucket/prefix", "token": "anon", "endpoint_url": "http://127.0.0.1:9"},
        "gcsfs",
        {"gcsfs", "google", "aiohttp"},
    ),
    "azure": (
        {"path": "abfs://container/prefix", "account_name": "acct", "account_key": "a2V5"},
        "adlfs",
        {"adlfs", "azure", "aiohttp"},
    ),
}

FIRST_IO = textwrap.dedent(
    """
    import json, sys
    from cargohold import Client

    name, heavy = sys.argv[1], set(sys.argv[2].split(","))
    store = Client().get_artifact_store(name)
    outcome = {"store": repr(store), "type": None, "message": ""}
    try:
        store.exists(store.path + "/model.bin")
    except Exception as error:
        outcome.update(type=type(error).__name__, message=str(error))
    outcome["heavy"] = sorted(m for m in sys.modules if m.split(".")[0] in heavy)
    print(json.dumps(outcome))
    """
)


@pytest.mark.parametrize("flavor", sorted(CASES))
def test_everything_but_io_works_without_the_cloud_library(
    bare_venv: Venv, tmp_path: Path, flavor: str
) -> None:
    config, library, heavy = CASES[flavor]
    env = {"CARGOHOLD_CONFIG_DIR": str(tmp_path / "config")}

    def cargohold(*args: str):
        return bare_venv.run(bare_venv.bin("cargohold"), *args, env=env)

    listed = json.loads(cargohold("artifact-store", "flavor", "list", "-o", "json").stdout)
    row = next(row for row in listed if row["name"] == flavor)
    assert library in row["dependencies"] and "not installed" in row["dependencies"], row

    fields = [f"--{key}={json.dumps(v) if isinstance(v, dict) else v}" for key, v in config.items()]
    registered = cargohold("artifact-store", "register", "models", "-f", flavor, *fields)
    assert registered.returncode == 0, registered.stderr

    probed = bare_venv.run(bare_venv.python, "-c", FIRST_IO, "models", ",".join(heavy), env=env)
    assert probed.returncode == 0, probed.stderr
    outcome = json.loads(probed.stdout)
    assert outcome["store"].endswith(f"(name='models', path='{config['path']}')")
    assert outcome["type"] == "MissingDependencyError"
    assert f"cargohold integration install {flavor}" in outcome["message"]
    assert f"'{library}'" in outcome["message"]
    assert "\n" not in outcome["message"]
    assert outcome["heavy"] == [], "nothing heavy may be imported on the way"
