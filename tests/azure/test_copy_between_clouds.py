"""`artifact-store copy` between two clouds: artifacts saved on S3 (moto) are copied to
Azure (Azurite), both servers real, and load from Azure afterwards."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

import cargohold
from cargohold import Client
from cargohold.errors import CargoholdWarning
from tests.s3.helpers import admin_client
from tests.support.emulators import ACCOUNT_KEY, ACCOUNT_NAME, Azurite, start_moto
from tests.support.servers import RunningServer


@pytest.fixture(scope="module")
def moto(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with start_moto(tmp_path_factory.mktemp("moto") / "server.log") as server:
        yield server


@pytest.fixture
def client(moto: RunningServer, azurite: Azurite) -> Client:
    admin_client(moto.url).create_bucket(Bucket="team")
    container = azurite.new_container()
    client = Client()
    # Throwaway emulator keys in plain text are the point of this set-up.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CargoholdWarning)
        client.register_artifact_store(
            "s3",
            "s3",
            {
                "path": "s3://team/runs",
                "key": "testing",
                "secret": "testing",
                "client_kwargs": {"endpoint_url": moto.url},
            },
        )
        client.register_artifact_store(
            "azure",
            "azure",
            {
                "path": f"az://{container}/runs",
                "account_name": ACCOUNT_NAME,
                "account_key": ACCOUNT_KEY,
                "account_url": azurite.account_url,
            },
        )
    return client


def test_artifacts_copied_from_s3_to_azure_load_there(client: Client, tmp_path: Path) -> None:
    folder = tmp_path / "shards"
    folder.mkdir()
    for number in range(20):
        (folder / f"shard-{number:02d}.bin").write_bytes(bytes([number]) * (1000 + number))
    client.artifacts.save({"accuracy": 0.93, "labels": ["cat", "dog"]}, "metrics", store="s3")
    client.artifacts.save(b"\x00weights\r\n" * 1000, "model", store="s3")
    client.artifacts.save(folder, "shards", store="s3")
    source = client.artifacts.versions(store="s3")
    before = {v.name: v for v in source}
    assert {v.store for v in before.values()} == {"s3"} and len(before) == 3

    report = client.artifacts.copy("s3", "azure")

    assert (report.versions, report.copied, report.skipped) == (3, report.files, 0)
    after = {v.name: v for v in client.artifacts.versions(store="azure")}
    assert sorted(after) == sorted(before)
    assert {v.store for v in after.values()} == {"azure"}
    azure_root = client.get_artifact_store("azure").path
    for name, version in after.items():
        assert version.uri == f"{azure_root}/artifacts/{name}/{before[name].version}"
        assert version.checksum == before[name].checksum
    assert cargohold.load_artifact("metrics", store="azure") == {
        "accuracy": 0.93,
        "labels": ["cat", "dog"],
    }
    assert cargohold.load_artifact("model", store="azure") == b"\x00weights\r\n" * 1000
    loaded = Path(cargohold.load_artifact("shards", store="azure"))
    assert sorted(p.name for p in loaded.iterdir()) == sorted(p.name for p in folder.iterdir())
    assert (loaded / "shard-07.bin").read_bytes() == bytes([7]) * 1007
    # The source keeps its versions and files; a copy back finds them all already there.
    assert client.artifacts.versions(store="s3") == source
    s3_store = client.get_artifact_store("s3")
    assert s3_store.exists(f"{before['model'].uri}/{before['model'].files[0].path}")
    back = client.artifacts.copy("azure", "s3")
    assert (back.versions, back.copied) == (0, 0)
    assert client.artifacts.versions(store="s3") == source
