"""How `artifact-store copy` verifies what it wrote to S3: from the MD5 the server
reports in one listing when it can, by reading the file back when it cannot."""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path
from types import TracebackType
from typing import Any

import pytest

from cargohold import Client
from cargohold.artifacts.versions import ArtifactVersion
from cargohold.errors import CargoholdError
from cargohold.stores.fsspec import md5_hex
from cargohold.transfer import CopyPlan, CopyReport, copy_files
from cargohold_s3.store import S3ArtifactStore
from tests.s3.conftest import MakeStore
from tests.s3.helpers import RequestLog

FILES = 40


def object_gets(logged: list[tuple[str, str]], bucket: str) -> int:
    """Downloads of objects: GETs of a key, not listings of the bucket."""
    return sum(
        1
        for method, target in logged
        if method == "GET" and target.startswith(f"/{bucket}/") and "list-type" not in target
    )


def lists(logged: list[tuple[str, str]]) -> int:
    return sum(1 for method, target in logged if method == "GET" and "list-type" in target)


def puts(logged: list[tuple[str, str]]) -> int:
    return sum(1 for method, _ in logged if method == "PUT")


class _FlipFirstByte:
    """A write handle that alters the first byte on its way out, as a bad link would."""

    def __init__(self, handle: Any) -> None:
        self._handle = handle
        self._first = True

    def __enter__(self) -> _FlipFirstByte:
        self._handle.__enter__()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> Any:
        return self._handle.__exit__(kind, error, trace)

    def write(self, data: bytes) -> int:
        if self._first and data:
            self._first = False
            data = bytes([data[0] ^ 0xFF]) + bytes(data[1:])
        return int(self._handle.write(data))


class CorruptingStore(S3ArtifactStore):
    def open(self, path: Any, mode: str = "r") -> Any:
        handle = super().open(path, mode)
        return _FlipFirstByte(handle) if "w" in mode else handle


class SilentStore(S3ArtifactStore):
    """A store whose listings carry no MD5, like a server that does not report one."""

    def listed_md5(self, info: Any) -> str | None:
        return None


@pytest.fixture
def saved(tmp_path: Path) -> tuple[Client, ArtifactVersion]:
    folder = tmp_path / "shards"
    folder.mkdir()
    for number in range(FILES):
        (folder / f"{number:03d}.bin").write_bytes(os.urandom(3000 + number))
    client = Client()
    return client, client.artifacts.save(folder, "shards")


@pytest.fixture
def target(make_store: MakeStore, bucket: str) -> S3ArtifactStore:
    return make_store(f"s3://{bucket}/team")


def plan_to(client: Client, version: ArtifactVersion, target: S3ArtifactStore) -> CopyPlan:
    return CopyPlan(
        client.get_artifact_store("default"),
        target,
        [version],
        lambda v: f"{target.path}/artifacts/{v.name}/{v.version}",
    )


def copy_logged(
    request_log: RequestLog, plan: CopyPlan
) -> tuple[CopyReport, list[tuple[str, str]]]:
    """Run the copy; return its report and the requests the server saw meanwhile."""
    request_log.start()
    report = copy_files(plan)
    return report, request_log.stop()


def test_a_copy_to_s3_is_verified_from_one_listing_without_downloading(
    saved: tuple[Client, ArtifactVersion], target: S3ArtifactStore, request_log: RequestLog
) -> None:
    client, version = saved
    bucket = target.bucket
    report, logged = copy_logged(request_log, plan_to(client, version, target))
    assert (report.copied, report.skipped) == (FILES, 0)
    assert puts(logged) == FILES
    assert object_gets(logged, bucket) == 0, "a copy the listing vouches for is not read back"
    assert lists(logged) <= 2  # what is there already, and the check afterwards
    # The copies hold the recorded bytes.
    for entry in version.files:
        data = target.read_bytes(f"{target.path}/artifacts/shards/1/{entry.path}")
        assert hashlib.sha256(data).hexdigest() == entry.sha256

    # A rerun finds every file in place from the listing and the local source.
    again, logged = copy_logged(request_log, plan_to(client, version, target))
    assert (again.copied, again.skipped) == (0, FILES)
    assert puts(logged) == 0 and object_gets(logged, bucket) == 0


def test_bytes_altered_on_the_way_are_caught_and_the_copy_removed(
    saved: tuple[Client, ArtifactVersion], target: S3ArtifactStore
) -> None:
    client, version = saved
    good, corrupting = target, CorruptingStore(target.config, name="remote")
    with pytest.raises(CargoholdError, match=f"{FILES} of {FILES} files read back with a "):
        copy_files(plan_to(client, version, corrupting))
    # Every bad copy was removed: none is left to block a rerun, which then succeeds.
    assert good.list_files(f"{good.path}/artifacts") == {}
    assert copy_files(plan_to(client, version, good)).copied == FILES


def test_without_an_md5_in_the_listing_every_copy_is_read_back(
    saved: tuple[Client, ArtifactVersion], target: S3ArtifactStore, request_log: RequestLog
) -> None:
    client, version = saved
    silent = SilentStore(target.config, name="remote")
    report, logged = copy_logged(request_log, plan_to(client, version, silent))
    assert report.copied == FILES
    assert object_gets(logged, target.bucket) == FILES


def test_md5_forms_the_listings_use() -> None:
    digest = hashlib.md5(b"cargo", usedforsecurity=False)
    hex_form = digest.hexdigest()
    assert md5_hex(hex_form.upper()) == hex_form  # an S3 ETag, quotes removed
    assert md5_hex(digest.digest()) == hex_form  # Azure's Content-MD5
    assert md5_hex(bytearray(digest.digest())) == hex_form
    assert md5_hex(base64.b64encode(digest.digest()).decode()) == hex_form  # GCS's md5Hash
    for not_an_md5 in ("", None, f"{hex_form}-3", "0x8D9A1B2C3D4E5F6", b"short"):
        assert md5_hex(not_an_md5) is None
