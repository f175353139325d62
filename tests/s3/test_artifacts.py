"""Artifacts on the S3 emulator, and `artifact-store copy` from the local store to it."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

import cargohold
from cargohold import Client
from tests.core.test_artifacts import SAMPLES, check_round_trip
from tests.support.servers import RunningServer

SMALL_FILES = 1000
LARGE_FILE = 256 << 20


def register_s3(client: Client, name: str, moto: RunningServer, path: str) -> None:
    values = {
        "path": path,
        "key": "testing",
        "secret": "testing",
        "client_kwargs": {"endpoint_url": moto.url},
    }
    client.register_artifact_store(name, "s3", values)


@pytest.mark.parametrize("kind", SAMPLES)
def test_every_builtin_materializer_round_trips_on_s3(
    kind: str, moto: RunningServer, bucket: str, tmp_path: Path
) -> None:
    client = Client()
    register_s3(client, "remote", moto, f"s3://{bucket}/team")
    client.register_stack("remote", "remote", set_active=True)
    check_round_trip(client, kind, tmp_path)


def copy_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "cargohold", "artifact-store", "copy", *args]


def objects_under(admin: Any, bucket: str, prefix: str) -> dict[str, int]:
    pages = admin.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
    return {item["Key"]: item["Size"] for page in pages for item in page.get("Contents", [])}


def data_under(admin: Any, bucket: str, prefix: str) -> dict[str, int]:
    """The artifacts' files under ``prefix``, without the catalogue's claims and manifests."""
    return {
        key: size
        for key, size in objects_under(admin, bucket, prefix).items()
        if "/artifacts/.catalog/" not in key
    }


def s3_sha256(admin: Any, bucket: str, key: str) -> str:
    digest = hashlib.sha256()
    for chunk in admin.get_object(Bucket=bucket, Key=key)["Body"].iter_chunks(8 << 20):
        digest.update(chunk)
    return digest.hexdigest()


def test_copy_to_s3_killed_halfway_then_rerun_copies_only_what_is_missing(
    moto: RunningServer, bucket: str, admin: Any, tmp_path: Path
) -> None:
    many = tmp_path / "many"
    many.mkdir()
    for index in range(SMALL_FILES):
        (many / f"part-{index:04d}.txt").write_bytes(os.urandom(64) * (1 + index % 64))
    large = tmp_path / "large.bin"
    block = os.urandom(1 << 20)
    with large.open("wb") as handle:
        for _ in range(LARGE_FILE >> 20):
            handle.write(block)
    client = Client()
    register_s3(client, "remote", moto, f"s3://{bucket}/team")
    cargohold.save_artifact(many, "shards")
    cargohold.save_artifact(large, "weights")
    source = cargohold.list_artifacts()
    before = {v.name: v for v in source}

    # Killed halfway: some files are there, but no version that is not whole is
    # visible in the destination, and the source is as it was.
    killed = subprocess.Popen(copy_command("default", "remote", "--workers", "4"))
    deadline = time.monotonic() + 120
    while len(data_under(admin, bucket, "team/")) < SMALL_FILES // 3:
        assert killed.poll() is None and time.monotonic() < deadline, "copy ended too early"
        time.sleep(0.2)
    killed.send_signal(signal.SIGKILL)
    killed.wait(timeout=30)
    partial = data_under(admin, bucket, "team/")
    assert 0 < len(partial) < SMALL_FILES + 1
    visible = cargohold.list_artifacts(store="remote")
    assert "shards" not in {v.name for v in visible}, "shards cannot be whole there yet"
    for version in visible:
        assert version.checksum == before[version.name].checksum
    assert cargohold.list_artifacts() == source
    assert (
        cargohold.load_artifact("shards").joinpath("part-0001.txt").read_bytes()
        == (many / "part-0001.txt").read_bytes()
    )

    # The rerun finishes the job and verifies every file.
    rerun = subprocess.run(copy_command("default", "remote"), capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    assert f"all {SMALL_FILES + 1} verified" in rerun.stdout
    copied = data_under(admin, bucket, "team/artifacts/")
    assert len(copied) == SMALL_FILES + 1
    assert f"{SMALL_FILES + 1 - len(partial)} file(s) copied" in rerun.stdout
    assert f"{len(partial)} already there" in rerun.stdout
    after = {v.name: v for v in cargohold.list_artifacts(store="remote")}
    assert sorted(after) == ["shards", "weights"]
    assert {v.store for v in after.values()} == {"remote"}
    assert all(after[name].checksum == before[name].checksum for name in before)
    assert cargohold.list_artifacts() == source, "the source keeps its versions"
    key = "team/artifacts/weights/1/file/large.bin"
    assert copied[key] == LARGE_FILE
    assert s3_sha256(admin, bucket, key) == hashlib.sha256(large.read_bytes()).hexdigest()
    assert Path(before["weights"].uri, "file", "large.bin").stat().st_size == LARGE_FILE
    loaded = cargohold.load_artifact("shards", store="remote")
    assert loaded.joinpath("part-0999.txt").read_bytes() == (many / "part-0999.txt").read_bytes()

    # Run again, everything is in place: nothing to copy, nothing changes.
    everything = objects_under(admin, bucket, "team/")
    noop = subprocess.run(copy_command("default", "remote"), capture_output=True, text=True)
    assert noop.returncode == 0, noop.stderr
    assert "Copied 0 artifact version(s)" in noop.stdout
    assert objects_under(admin, bucket, "team/") == everything


def test_copy_from_s3_to_the_local_store(moto: RunningServer, bucket: str) -> None:
    client = Client()
    register_s3(client, "remote", moto, f"s3://{bucket}/team")
    client.artifacts.save({"rows": [1, 2, 3]}, "table", store="remote")
    client.artifacts.save(b"\x00" * 100_000, "blob", store="remote")
    remote = client.artifacts.versions(store="remote")
    report = client.artifacts.copy("remote", "default", workers=2)
    assert (report.versions, report.copied, report.skipped) == (2, 3, 0)
    local = client.artifacts.versions()
    assert [(v.ref, v.checksum, v.store) for v in local] == [
        (v.ref, v.checksum, "default") for v in remote
    ]
    assert client.artifacts.versions(store="remote") == remote
    assert cargohold.load_artifact("table") == {"rows": [1, 2, 3]}
    assert Path(client.artifacts.get("blob").uri, "data.bin").read_bytes() == b"\x00" * 100_000
