"""The CLI: output formats, one-line errors, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from cargohold.cli import cli


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.setenv("CARGOHOLD_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.delenv("CARGOHOLD_LOAD_PLUGINS", raising=False)
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(cli, list(args))

    return invoke


def test_version(run) -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert result.output.startswith("cargohold, version ")


def test_flavor_list_table_and_json_agree(run) -> None:
    table = run("artifact-store", "flavor", "list")
    as_json = run("artifact-store", "flavor", "list", "--output", "json")
    assert table.exit_code == as_json.exit_code == 0
    rows = json.loads(as_json.output)
    assert [row["name"] for row in rows] == ["azure", "gcp", "local", "memory", "s3"]
    assert table.output.splitlines()[0].split() == [
        "NAME",
        "SCHEMES",
        "INTEGRATION",
        "PLUGIN",
        "DEPENDENCIES",
    ]
    s3 = next(row for row in rows if row["name"] == "s3")
    assert s3["schemes"] == ["s3://"] and s3["integration"] == "s3" and s3["plugin"] == "s3"
    local = next(row for row in rows if row["name"] == "local")
    assert local["dependencies"] == "ready"


def test_flavor_describe_lists_fields_types_defaults_and_secrets(run) -> None:
    result = run("artifact-store", "flavor", "describe", "s3", "-o", "json")
    assert result.exit_code == 0, result.output
    details = json.loads(result.output)
    assert details["integration"] == "s3"
    assert details["schemes"] == ["s3://"]
    assert details["implementation"] == "cargohold_s3.store:S3ArtifactStore"
    fields = {field["name"]: field for field in details["config"]}
    assert fields["path"]["required"] is True
    assert fields["secret"]["secret"] is True and fields["client_kwargs"]["secret"] is False
    assert fields["client_kwargs"]["type"] == "dict[str, Any] | None"
    assert "endpoint_url" in fields["client_kwargs"]["description"]
    table = run("artifact-store", "flavor", "describe", "gcp")
    assert table.exit_code == 0
    assert "IMMUTABLE       yes" in table.output
    assert "Config fields:" in table.output


def test_unknown_flavor_is_a_one_line_error(run) -> None:
    result = run("artifact-store", "flavor", "describe", "nope")
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Error: unknown artifact_store flavor 'nope'; available: azure, gcp")


def test_bad_output_format_is_a_usage_error(run) -> None:
    result = run("plugins", "list", "--output", "yaml")
    assert result.exit_code == 2
    assert "'yaml' is not one of 'table', 'json'" in result.output


def test_no_traceback_from_the_real_process(tmp_path) -> None:
    env = {**os.environ, "CARGOHOLD_CONFIG_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "cargohold", "artifact-store", "flavor", "describe", "nope"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
