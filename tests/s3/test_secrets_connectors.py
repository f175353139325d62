"""Secrets and ``aws`` service connectors against a moto server that checks credentials."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from cargohold import Client
from cargohold.errors import CargoholdError, CargoholdWarning
from tests.s3.conftest import AuthServer
from tests.s3.helpers import admin_client
from tests.support.servers import RunningServer
from tests.support.transcript import Transcript


def round_trip(client: Client, store: str) -> None:
    payload = uuid.uuid4().hex
    target = client.get_artifact_store(store)
    with target.open("probe.txt", "w") as handle:
        handle.write(payload)
    with client.get_artifact_store(store).open("probe.txt") as handle:
        assert handle.read() == payload


def endpoint(server: AuthServer) -> str:
    return json.dumps({"endpoint_url": server.url})


def test_a_store_with_credentials_only_from_a_secret_sees_its_rotation(
    auth_moto: AuthServer,
) -> None:
    client = Client()
    with pytest.warns(CargoholdWarning, match="'aws' does not exist yet"):
        client.register_artifact_store(
            "guarded",
            "s3",
            {
                "path": f"s3://{auth_moto.bucket}/by-secret",
                "authentication_secret": "aws",
                "client_kwargs": {"endpoint_url": auth_moto.url},
                "retries": 0,
            },
        )
    with pytest.raises(CargoholdError, match="authentication_secret 'aws' does not exist"):
        client.get_artifact_store("guarded")
    client.secrets.create(
        "aws", {"aws_access_key_id": auth_moto.key, "aws_secret_access_key": auth_moto.secret}
    )
    round_trip(client, "guarded")

    client.secrets.update("aws", {"aws_secret_access_key": "rotated-but-wrong"})
    with pytest.raises(CargoholdError, match=r"credentials are wrong|rejected the credentials"):
        client.get_artifact_store("guarded").exists("probe.txt")
    client.secrets.update("aws", {"aws_secret_access_key": auth_moto.secret})
    round_trip(Client(), "guarded")  # and a new process, so to speak, sees it too


def test_references_in_fields_are_stored_as_written_and_resolved_at_use(
    auth_moto: AuthServer,
) -> None:
    client = Client()
    client.secrets.create("keys", {"id": auth_moto.key, "secret": auth_moto.secret})
    client.secrets.create("where", {"url": auth_moto.url})
    client.register_artifact_store(
        "by-reference",
        "s3",
        {
            "path": f"s3://{auth_moto.bucket}/by-reference",
            "key": "{{keys.id}}",
            "secret": "{{keys.secret}}",
            "client_kwargs": {"endpoint_url": "{{where.url}}"},
        },
    )
    record = client.artifact_store_record("by-reference")
    assert record.config["secret"] == "{{keys.secret}}"
    shown = client.describe_artifact_store("by-reference")["config"]
    assert shown["key"] == "{{keys.id}}"
    assert shown["client_kwargs"] == {"endpoint_url": "{{where.url}}"}
    round_trip(client, "by-reference")

    with pytest.raises(CargoholdError, match="refer to it"):
        client.secrets.delete("keys")
    client.secrets.update("keys", {"other": "x"}, remove_keys=("secret",))
    with pytest.raises(CargoholdError, match="key 'secret' of secret 'keys'"):
        client.get_artifact_store("by-reference")


def test_a_store_with_credentials_only_from_a_connector(auth_moto: AuthServer) -> None:
    client = Client()
    client.secrets.create("ci", {"secret": auth_moto.secret})
    client.connectors.register(
        "aws-ci",
        "aws",
        "secret-key",
        {
            "aws_access_key_id": auth_moto.key,
            "aws_secret_access_key": "{{ci.secret}}",
            "endpoint_url": auth_moto.url,
        },
    )
    # Its own key and secret are wrong: the connector comes first.
    with pytest.warns(CargoholdWarning, match="plain text"):
        client.register_artifact_store(
            "connected",
            "s3",
            {"path": f"s3://{auth_moto.bucket}/by-connector", "key": "nobody", "secret": "nothing"},
        )
    client.connectors.connect("connected", "aws-ci")
    assert client.describe_artifact_store("connected")["connector"] == "aws-ci"
    round_trip(client, "connected")
    assert client.connectors.verify("aws-ci") == [f"s3://{auth_moto.bucket}"]
    # The connector's secret rotates: the store and the connector follow at next use.
    client.secrets.update("ci", {"secret": "rotated-away"})
    with pytest.raises(CargoholdError, match="rejected the credentials"):
        client.connectors.verify("aws-ci")
    with pytest.raises(CargoholdError, match=r"credentials are wrong|rejected the credentials"):
        client.get_artifact_store("connected").exists("probe.txt")
    client.secrets.update("ci", {"secret": auth_moto.secret})
    round_trip(client, "connected")

    with pytest.raises(CargoholdError, match="is used by artifact store connected"):
        client.connectors.delete("aws-ci")
    client.connectors.disconnect("connected")
    with pytest.raises(CargoholdError):
        client.get_artifact_store("connected").exists("probe.txt")
    client.connectors.delete("aws-ci")


def test_connect_checks_the_resource(auth_moto: AuthServer) -> None:
    client = Client()
    settings = {
        "aws_access_key_id": auth_moto.key,
        "aws_secret_access_key": auth_moto.secret,
        "endpoint_url": auth_moto.url,
    }
    client.connectors.register("one-bucket", "aws", "secret-key", settings, resource_id="elsewhere")
    client.connectors.register("any-bucket", "aws", "secret-key", settings)
    client.register_artifact_store("missing", "s3", {"path": "s3://not-there/x"})
    with pytest.raises(CargoholdError, match="gives access to s3://elsewhere only"):
        client.connectors.connect("missing", "one-bucket")
    with pytest.raises(CargoholdError, match="cannot reach s3://not-there"):
        client.connectors.connect("missing", "any-bucket")
    assert client.artifact_store_record("missing").connector is None


def test_verify_and_list_resources_from_the_command_line(
    auth_moto: AuthServer, tmp_path: Any
) -> None:
    run = Transcript().run
    run(
        "service-connector", "register", "good", "--type", "aws", "--auth-method", "secret-key",
        f"--aws_access_key_id={auth_moto.key}",
        f"--aws_secret_access_key={auth_moto.secret}",
        f"--endpoint_url={auth_moto.url}",
    )  # fmt: skip
    run(
        "service-connector", "register", "bad", "--type", "aws", "--auth-method", "secret-key",
        f"--aws_access_key_id={auth_moto.key}", "--aws_secret_access_key=wrong",
        f"--endpoint_url={auth_moto.url}",
    )  # fmt: skip
    result = run("service-connector", "verify", "good")
    assert f"s3://{auth_moto.bucket}" in result.stdout
    failed = run("service-connector", "verify", "bad", ok=False)
    message = failed.stderr.strip()
    assert message.startswith("Error: ") and len(message.splitlines()) == 1, message
    assert "service connector 'bad'" in message and "rejected the credentials" in message

    table = run("service-connector", "list-resources", "--resource-type", "s3-bucket").stdout
    header, *rows = table.splitlines()
    assert header.split() == ["ID", "NAME", "TYPE", "RESOURCE_TYPE", "RESOURCES"]
    good = next(row for row in rows if " good " in row)
    assert "aws" in good and "s3-bucket" in good and f"s3://{auth_moto.bucket}" in good
    assert any(" bad " in row and "error:" in row for row in rows)


def test_sts_token_reaches_the_filesystem(moto: RunningServer) -> None:
    admin_client(moto.url).create_bucket(Bucket="sts-bucket")
    client = Client()
    client.connectors.register(
        "temporary",
        "aws",
        "sts-token",
        {
            "aws_access_key_id": "ASIATEMPORARY",
            "aws_secret_access_key": "temporary-secret",
            "aws_session_token": "session-token-value",
            "endpoint_url": moto.url,
        },
        resource_id="s3://sts-bucket",
    )
    client.register_artifact_store("sts", "s3", {"path": "s3://sts-bucket/x"})
    client.connectors.connect("sts", "temporary")
    store = client.get_artifact_store("sts")
    assert store.filesystem.token == "session-token-value"  # type: ignore[attr-defined]
    assert store.filesystem.key == "ASIATEMPORARY"  # type: ignore[attr-defined]
    round_trip(client, "sts")
    assert client.connectors.verify("temporary") == ["s3://sts-bucket"]


def test_a_secret_that_does_not_fit_the_flavor_is_refused(auth_moto: AuthServer) -> None:
    client = Client()
    client.secrets.create("partial", {"aws_access_key_id": "x", "colour": "red"})
    with pytest.raises(CargoholdError) as caught:
        client.register_artifact_store(
            "s", "s3", {"path": "s3://b/x", "authentication_secret": "partial"}
        )
    message = str(caught.value)
    assert "unknown field 'colour'" in message
    assert "aws_secret_access_key: required" in message
    assert client.list_artifact_stores()[0].name == "default"
