"""Secrets, references and connectors, offline: nothing here reaches a server."""

from __future__ import annotations

import base64
import json
import logging
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from cargohold import Client
from cargohold.cli import cli
from cargohold.errors import CargoholdError, CargoholdWarning
from cargohold.secrets.redaction import redact, remember
from cargohold.secrets.references import references, resolve
from cargohold.secrets.values import parse_values
from tests.core.test_laziness import HEAVY


def test_references_are_found_in_nested_values_and_split_at_the_last_dot() -> None:
    value = {"a": "{{team.aws.key_id}}", "b": ["x{{ s.k }}y", 3], "c": "{{not a ref}}"}
    assert references(value) == [("team.aws", "key_id"), ("s", "k")]
    lookup = {"team.aws": {"key_id": "ID"}, "s": {"k": "K"}}.get
    assert resolve(value, lookup, "here") == {"a": "ID", "b": ["xKy", 3], "c": "{{not a ref}}"}
    with pytest.raises(CargoholdError, match=r"here refers to secret 'gone'.*secret create gone"):
        resolve("{{gone.k}}", lookup, "here")
    with pytest.raises(CargoholdError, match="key 'other' of secret 's', which has only k"):
        resolve("{{s.other}}", lookup, "here")


def test_values_come_from_options_files_and_documents(tmp_path: Path) -> None:
    (tmp_path / "token").write_text("from-a-file\n")
    (tmp_path / "values.yaml").write_text("region: eu-west-1\nport: 9000\n")
    values = parse_values(
        {"token": f"@{tmp_path / 'token'}", "literal": "@@at-sign", "plain": "v"},
        f"@{tmp_path / 'values.yaml'}",
    )
    assert values == {
        "region": "eu-west-1",
        "port": "9000",
        "token": "from-a-file",
        "literal": "@at-sign",
        "plain": "v",
    }
    assert parse_values({}, '{"k": "v"}') == {"k": "v"}


def test_redaction_covers_messages_log_records_and_encodings(
    caplog: pytest.LogCaptureFixture,
) -> None:
    value = "p@ss/word+redaction-test"
    remember(value)
    assert redact(f"x {value} y") == "x [secret] y"
    encoded = base64.b64encode(value.encode()).decode()
    assert redact(f"Basic {encoded}") == "Basic [secret]"
    assert redact("p%40ss%2Fword%2Bredaction-test") == "[secret]"
    with caplog.at_level(logging.DEBUG, logger="botocore.test"):
        logging.getLogger("botocore.test").debug("Authorization: %s", value)
    assert value not in caplog.text and "Authorization: [secret]" in caplog.text


def test_secret_commands_never_print_values_unless_asked(tmp_path: Path) -> None:
    (tmp_path / "key").write_text("file-value-1234\n")
    runner = CliRunner()
    created = runner.invoke(
        cli, ["secret", "create", "s", "--a=inline-value-5678", f"--b=@{tmp_path / 'key'}"]
    )
    assert created.exit_code == 0, created.output
    outputs = [
        runner.invoke(cli, args)
        for args in (
            ["secret", "list"],
            ["secret", "list", "-o", "json"],
            ["secret", "get", "s"],
            ["secret", "get", "s", "-o", "json"],
        )
    ]
    text = created.output + "".join(result.output for result in outputs)
    assert "inline-value-5678" not in text and "file-value-1234" not in text
    revealed = runner.invoke(cli, ["secret", "get", "s", "--reveal", "-o", "json"])
    assert json.loads(revealed.stdout)["values"] == {
        "a": "inline-value-5678",
        "b": "file-value-1234",
    }
    assert "printing the values of secret 's'" in revealed.stderr
    record = Client().secrets.get("s")
    assert "inline-value-5678" not in repr(record)


def test_stores_keep_references_and_describe_shows_them() -> None:
    client = Client()
    with pytest.warns(CargoholdWarning, match="refers to secret 'aws', which does not exist"):
        client.register_artifact_store(
            "ref",
            "azure",
            {
                "path": "az://c",
                "account_name": "acct",
                "account_key": "{{aws.key}}",
                "account_url": "{{aws.url}}",
            },
        )
    assert client.artifact_store_record("ref").config["account_url"] == "{{aws.url}}"
    shown = client.describe_artifact_store("ref")["config"]
    assert shown["account_key"] == "{{aws.key}}" and shown["account_url"] == "{{aws.url}}"
    with pytest.warns(CargoholdWarning, match="account_key given in plain text"):
        client.register_artifact_store(
            "plain", "azure", {"path": "az://c", "account_name": "a", "account_key": "k3y-v4lue"}
        )
    assert client.describe_artifact_store("plain")["config"]["account_key"] == "**********"
    # The flavor catalog and the config class (a host of one's own) show the same.
    from cargohold.plugins import load_plugins

    by_class = Client(plugins=load_plugins())
    for name in ("ref", "plain"):
        assert by_class.describe_artifact_store(name) == client.describe_artifact_store(name)
    client.secrets.create("aws", {"key": "k", "url": "not a url"})
    with pytest.raises(CargoholdError, match="account_url"):
        client.get_artifact_store("ref")
    client.secrets.update("aws", {"url": "http://127.0.0.1:1/acct"})
    store = client.get_artifact_store("ref")
    assert store.config.account_url == "http://127.0.0.1:1/acct"  # type: ignore[attr-defined]


def test_export_keeps_the_connector_link_and_import_restores_it(tmp_path: Path) -> None:
    client = Client()
    with pytest.warns(CargoholdWarning):
        client.connectors.register(
            "aws-x", "aws", "secret-key", {"aws_access_key_id": "a", "aws_secret_access_key": "b"},
            resource_id="bucket",
        )  # fmt: skip
    client.register_artifact_store("s", "s3", {"path": "s3://bucket/x"})
    client.connectors.connect("s", "aws-x")
    client.register_stack("st", "s")
    data, _ = client.export_stack("st")
    assert data["components"]["artifact_store"]["connector"] == "aws-x"
    other = Client(tmp_path / "other")
    with pytest.raises(CargoholdError, match="no service connector named 'aws-x'"):
        other.import_stack(data)
    assert [s.name for s in other.list_stacks()] == ["default"]
    other.connectors.register("aws-x", "aws", "implicit", {}, resource_id="s3://bucket")
    other.import_stack(data)
    assert other.describe_artifact_store("s")["connector"] == "aws-x"


def test_registering_secrets_and_connectors_imports_no_cloud_library() -> None:
    code = textwrap.dedent(
        """
        import sys
        from cargohold import Client
        client = Client()
        client.secrets.create("aws", {"aws_access_key_id": "a", "aws_secret_access_key": "b"})
        client.register_artifact_store(
            "s", "s3", {"path": "s3://b/x", "authentication_secret": "aws"})
        client.connectors.register("c", "azure", "sas-token",
            {"sas_token": "{{aws.aws_access_key_id}}", "account_name": "a"}, resource_id="c")
        client.register_artifact_store("z", "azure", {"path": "az://c/x"})
        client.connectors.connect("z", "c")
        client.describe_artifact_store("z")
        client.connectors.describe("c")
        print(",".join(sorted(m for m in sys.modules if m.split(".")[0] in HEAVY)))
        """
    ).replace("HEAVY", repr(set(HEAVY)))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""
