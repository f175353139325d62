"""Registry commands through the real CLI process (bad input: test_bad_input_catalogue.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml


@pytest.fixture
def cli(tmp_path):
    config = tmp_path / "config"
    env = {**os.environ, "CARGOHOLD_CONFIG_DIR": str(config)}
    env.pop("CARGOHOLD_LOAD_PLUGINS", None)

    def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "cargohold", *args],
            capture_output=True,
            text=True,
            env=env,
            cwd=cwd or tmp_path,
            timeout=60,
            stdin=subprocess.DEVNULL,
        )

    run.config = config  # type: ignore[attr-defined]
    return run


def test_seed_workflow(cli) -> None:
    assert (
        cli(
            "artifact-store", "register", "remote_store", "-f", "s3", "--path=s3://bucket-name"
        ).returncode
        == 0
    )
    assert cli("stack", "register", "my_stack", "-a", "remote_store", "--set").returncode == 0
    stacks = json.loads(cli("stack", "list", "-o", "json").stdout)
    assert {"active": True, "name": "my_stack", "artifact_store": "remote_store"} in stacks
    described = json.loads(cli("stack", "describe", "-o", "json").stdout)
    assert described["name"] == "my_stack" and described["artifact_store"] == "remote_store"


def test_register_parses_json_fields(cli) -> None:
    result = cli(
        "artifact-store",
        "register",
        "minio",
        "-f",
        "s3",
        "--path=s3://data",
        '--client_kwargs={"endpoint_url": "http://127.0.0.1:9000"}',
        "--s3-additional-kwargs",
        '{"ServerSideEncryption": "AES256"}',
    )
    assert result.returncode == 0, result.stderr
    config = json.loads(cli("artifact-store", "describe", "minio", "-o", "json").stdout)["config"]
    assert config["client_kwargs"] == {"endpoint_url": "http://127.0.0.1:9000"}
    assert config["s3_additional_kwargs"] == {"ServerSideEncryption": "AES256"}


def test_export_and_import_round_trip(cli, tmp_path) -> None:
    cli(
        "artifact-store",
        "register",
        "remote",
        "-f",
        "s3",
        "--path=s3://bucket",
        "--key=AKIA1",
        "--secret=topsecret",
    )
    cli("stack", "register", "prod", "-a", "remote")
    exported = cli("stack", "export", "prod", str(tmp_path / "prod.yaml"))
    assert exported.returncode == 0, exported.stderr
    assert "remote.key, remote.secret" in exported.stderr
    text = (tmp_path / "prod.yaml").read_text()
    assert "topsecret" not in text and "AKIA1" not in text
    assert yaml.safe_load(text)["components"]["artifact_store"]["flavor"] == "s3"
    imported = cli("stack", "import", str(tmp_path / "prod.yaml"), "--name", "prod2")
    assert imported.returncode == 0, imported.stderr
    assert "prod2" in cli("stack", "list").stdout


def test_init_marks_the_repository(cli, tmp_path) -> None:
    (tmp_path / "repo").mkdir()
    result = cli("init", cwd=tmp_path / "repo")
    assert result.returncode == 0
    assert (tmp_path / "repo" / ".cargohold").is_dir()
