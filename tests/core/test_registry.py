"""The Client's registry API: stores, stacks, defaults, validation before writing."""

from __future__ import annotations

import os
import stat

import pytest

from cargohold.client import Client
from cargohold.errors import (
    AlreadyExistsError,
    CargoholdError,
    ConfigValidationError,
    FlavorNotFoundError,
    NotFoundError,
)
from cargohold.stores.local import LocalArtifactStore


@pytest.fixture
def client(tmp_path) -> Client:
    return Client(tmp_path / "config")


def test_first_use_has_a_default_stack_with_a_local_store(client: Client, tmp_path) -> None:
    stack = client.active_stack()
    assert stack.name == "default"
    assert stack.components == {"artifact_store": "default"}
    store = client.get_artifact_store()
    assert isinstance(store, LocalArtifactStore)
    assert store.path == str(tmp_path / "config" / "local_stores" / "default")
    with store.open("hello.txt", "w") as handle:
        handle.write("zero set-up")
    assert (tmp_path / "config" / "local_stores" / "default" / "hello.txt").exists()


def test_state_file_is_private(client: Client, tmp_path) -> None:
    client.list_stacks()
    assert stat.S_IMODE(os.stat(tmp_path / "config" / "cargohold.db").st_mode) == 0o600
    assert stat.S_IMODE(os.stat(tmp_path / "config").st_mode) == 0o700


def test_register_describe_update_rename_delete(client: Client) -> None:
    sse = {"ServerSideEncryption": "AES256"}
    client.register_artifact_store(
        "remote", "s3", {"path": "s3://bucket/prefix/", "s3_additional_kwargs": sse}
    )
    record = client.artifact_store_record("remote")
    assert record.config == {"path": "s3://bucket/prefix", "s3_additional_kwargs": sse}
    client.update_artifact_store("remote", {"client_kwargs": {"endpoint_url": "http://x:9"}})
    client.update_artifact_store("remote", {"s3_additional_kwargs": None})
    record = client.artifact_store_record("remote")
    assert record.config == {
        "path": "s3://bucket/prefix",
        "client_kwargs": {"endpoint_url": "http://x:9"},
    }
    client.rename_artifact_store("remote", "renamed")
    assert [r.name for r in client.list_artifact_stores()] == ["default", "renamed"]
    client.delete_artifact_store("renamed")
    with pytest.raises(NotFoundError, match="no artifact store named 'renamed'"):
        client.artifact_store_record("renamed")


def test_secrets_stay_out_of_repr_and_describe(client: Client) -> None:
    client.register_artifact_store(
        "remote", "s3", {"path": "s3://bucket", "key": "AKIA-SHOULD-NOT-SHOW", "secret": "hush"}
    )
    record = client.artifact_store_record("remote")
    assert "hush" not in repr(record) and "AKIA-SHOULD-NOT-SHOW" not in repr(record)
    shown = client.describe_artifact_store("remote")
    assert "hush" not in str(shown) and "AKIA-SHOULD-NOT-SHOW" not in str(shown)
    client.register_stack("s", "remote")
    exported, omitted = client.export_stack("s")
    assert "hush" not in str(exported)
    assert sorted(omitted) == ["remote.key", "remote.secret"]


def test_validation_happens_before_writing(client: Client) -> None:
    with pytest.raises(ConfigValidationError, match="unsupported scheme"):
        client.register_artifact_store("bad", "s3", {"path": "gs://bucket"})
    with pytest.raises(FlavorNotFoundError):
        client.register_artifact_store("bad", "nope", {"path": "s3://bucket"})
    with pytest.raises(CargoholdError, match="invalid artifact store name"):
        client.register_artifact_store("bad name!", "local", {"path": "/tmp/x"})
    assert [r.name for r in client.list_artifact_stores()] == ["default"]
    client.register_artifact_store("dup", "local", {"path": "/tmp/dup"})
    with pytest.raises(AlreadyExistsError, match="already exists"):
        client.register_artifact_store("dup", "local", {"path": "/tmp/dup2"})


def test_stacks(client: Client) -> None:
    client.register_artifact_store("a", "memory", {"path": "memory://a"})
    client.register_artifact_store("b", "memory", {"path": "memory://b"})
    client.register_stack("s1", "a", set_active=True)
    assert client.active_stack().name == "s1"
    assert client.get_artifact_store().path == "memory://a"
    client.update_stack("s1", "b")
    assert client.get_artifact_store().path == "memory://b"
    with pytest.raises(CargoholdError, match="used by stack s1"):
        client.delete_artifact_store("b")
    with pytest.raises(CargoholdError, match="is the active stack"):
        client.delete_stack("s1")
    client.set_active_stack("default")
    client.delete_stack("s1")
    client.delete_artifact_store("b")
    assert [s.name for s in client.list_stacks()] == ["default"]


def test_export_then_import_under_a_new_name(client: Client, tmp_path) -> None:
    client.register_artifact_store(
        "remote",
        "s3",
        {
            "path": "s3://bucket",
            "key": "{{aws.key_id}}",
            "secret": "{{aws.secret_key}}",
            "token": "plain-session-token",
        },
    )
    client.register_stack("prod", "remote")
    data, omitted = client.export_stack("prod")
    config = data["components"]["artifact_store"]["config"]
    assert config["key"] == "{{aws.key_id}}", "secret references are exported"
    assert "plain-session-token" not in str(data)
    assert omitted == ["remote.token"]
    other = Client(tmp_path / "elsewhere")
    imported = other.import_stack(data, name="prod-copy")
    assert imported.components == {"artifact_store": "remote"}
    assert other.artifact_store_record("remote").config == {
        "path": "s3://bucket",
        "key": "{{aws.key_id}}",
        "secret": "{{aws.secret_key}}",
    }
    with pytest.raises(AlreadyExistsError, match="--name"):
        other.import_stack(data, name="prod-copy")
    again = client.import_stack(data, name="prod-again")
    assert again.components == {"artifact_store": "remote"}, "the existing store is reused"


def test_verify_reports_each_step(client: Client, tmp_path) -> None:
    report = client.verify_artifact_store("default")
    assert report.ok
    assert [s.name for s in report.steps] == [
        "resolve credentials",
        "write",
        "read",
        "list",
        "delete",
    ]
    assert os.listdir(tmp_path / "config" / "local_stores" / "default") == [], "probe cleaned up"
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the store's root should be")
    client.register_artifact_store("broken", "local", {"path": str(blocked)})
    report = client.verify_artifact_store("broken")
    assert not report.ok
    assert report.failure is not None and report.failure.name == "write"
    assert "\n" not in report.failure.detail


def test_the_store_overview_lists_every_store_with_its_path_and_stacks(client: Client) -> None:
    for name in ("b-store", "a-store"):
        client.register_artifact_store(name, "memory", {"path": f"memory://{name}"})
    client.register_stack("team", "a-store")
    expected = [
        {"name": "a-store", "flavor": "memory", "path": "memory://a-store", "stacks": ["team"]},
        {"name": "b-store", "flavor": "memory", "path": "memory://b-store", "stacks": []},
    ]
    overview = [row for row in client.artifact_store_overview() if row["name"] != "default"]
    assert overview == expected

    # An SQLite without its JSON functions gets the same answer, decoded in Python.
    def missing(*_: object) -> None:
        raise RuntimeError("no such function")

    client.registry.db.read().create_function("json_extract", 2, missing)
    overview = [row for row in client.artifact_store_overview() if row["name"] != "default"]
    assert overview == expected
