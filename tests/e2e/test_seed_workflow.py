"""The seed workflow on a machine where the S3 plugin is installed without s3fs."""

from __future__ import annotations

import json

from tests.support.venvs import Venv


def test_seed_workflow_without_cloud_libraries(bare_venv: Venv, tmp_path) -> None:
    venv = bare_venv
    env = {"CARGOHOLD_CONFIG_DIR": str(tmp_path / "config")}
    missing = venv.run(venv.python, "-c", "import s3fs")
    assert missing.returncode != 0, "this environment must not have s3fs"

    def cargohold(*args: str):
        return venv.run(venv.bin("cargohold"), *args, env=env)

    steps = [
        ("artifact-store", "register", "remote_store", "-f", "s3", "--path=s3://bucket-name"),
        ("stack", "register", "my_stack", "-a", "remote_store", "--set"),
    ]
    for step in steps:
        result = cargohold(*step)
        assert result.returncode == 0, (step, result.stderr)
    stacks = json.loads(cargohold("stack", "list", "-o", "json").stdout)
    assert {"active": True, "name": "my_stack", "artifact_store": "remote_store"} in stacks
    flavors = json.loads(cargohold("artifact-store", "flavor", "list", "-o", "json").stdout)
    s3 = next(row for row in flavors if row["name"] == "s3")
    assert "s3fs" in s3["dependencies"] and "not installed" in s3["dependencies"]

    used = cargohold("artifact-store", "verify", "remote_store")
    assert used.returncode == 1
    assert "cargohold integration install s3" in used.stderr
    assert "Traceback" not in used.stderr
