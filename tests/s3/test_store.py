"""S3-specific behaviour of the store, checked against the moto server."""

from __future__ import annotations

import random
from typing import Any

import pytest

from cargohold.errors import CargoholdError
from cargohold.testing import read_bytes as read
from cargohold.testing import write_bytes as write
from tests.s3.conftest import MakeStore
from tests.s3.helpers import RequestLog


def test_additional_kwargs_reach_the_object(make_store: MakeStore, bucket: str, admin: Any) -> None:
    store = make_store(
        f"s3://{bucket}/sse", s3_additional_kwargs={"ServerSideEncryption": "AES256"}
    )
    write(store, f"s3://{bucket}/sse/model.bin", b"weights")
    head = admin.head_object(Bucket=bucket, Key="sse/model.bin")
    assert head["ServerSideEncryption"] == "AES256"
    assert read(store, f"s3://{bucket}/sse/model.bin") == b"weights"


def test_large_writes_are_multipart(
    make_store: MakeStore, bucket: str, admin: Any, request_log: RequestLog
) -> None:
    store = make_store(f"s3://{bucket}/big")
    # A write that outgrows one part (multipart_chunksize, 16 MiB by default) goes up
    # as a multipart upload.
    payload = random.Random(1).randbytes(17 * 2**20)
    request_log.start()
    with store.open("blob.bin", "wb") as handle:
        for start in range(0, len(payload), 8 * 2**20):
            handle.write(payload[start : start + 8 * 2**20])
    logged = request_log.stop()
    assert any(m == "POST" and "?uploads" in t for m, t in logged), logged
    etag = admin.head_object(Bucket=bucket, Key="big/blob.bin")["ETag"]
    # A multipart object's ETag ends in "-<number of parts>".
    assert "-" in etag, f"expected a multipart upload, ETag {etag}"
    assert store.size("blob.bin") == len(payload)


@pytest.fixture
def tree(make_store: MakeStore, bucket: str) -> Any:
    store = make_store(f"s3://{bucket}/root")
    for relative in ("a/1", "a/2", "a/b/3", "a/b/c/4", "a/b/c/d/5", "a2/sibling"):
        write(store, relative, relative.encode())
    return store


def listings(logged: list[tuple[str, str]]) -> list[str]:
    return [t for m, t in logged if m == "GET" and "list-type=2" in t]


def test_walk_lists_once_without_per_directory_calls(tree: Any, request_log: RequestLog) -> None:
    request_log.start()
    walked = list(tree.walk("a"))
    lists = listings(request_log.stop())
    assert len(walked) == 4
    recursive = [t for t in lists if "delimiter=/" not in t]
    assert len(recursive) == 1, f"walk() must list recursively once, got {lists}"
    assert len(lists) <= 2, f"walk() made per-directory listings: {lists}"


def test_rmtree_deletes_in_one_batch(tree: Any, request_log: RequestLog) -> None:
    request_log.start()
    tree.rmtree("a")
    logged = request_log.stop()
    assert [t for m, t in logged if m == "POST" and "?delete" in t], logged
    assert not [t for m, t in logged if m == "DELETE"], f"per-object deletes: {logged}"
    assert not tree.exists("a/b/c/d/5")
    assert read(tree, "a2/sibling") == b"a2/sibling", "rmtree('a') must not touch 'a2'"


def test_copy_and_rename_are_server_side(tree: Any, request_log: RequestLog) -> None:
    request_log.start()
    tree.copyfile("a/1", "copied/1")
    tree.rename("a/b", "moved")
    tree.rename("a/2", "moved-2")
    logged = request_log.stop()
    downloads = [t for m, t in logged if m == "GET" and "list-type" not in t]
    assert not downloads, f"copies must not download objects: {downloads}"
    assert not [t for m, t in logged if m == "DELETE" and "/moved" in t]
    assert read(tree, "copied/1") == b"a/1"
    assert read(tree, "moved/c/d/5") == b"a/b/c/d/5"
    assert read(tree, "moved-2") == b"a/2"
    assert not tree.exists("a/b/3") and not tree.exists("a/2")


def test_glob_characters_in_keys_are_literal(make_store: MakeStore, bucket: str) -> None:
    # fsspec reads "[1]" as a character class: a careless move or delete of
    # "a[1].txt" hits "a1.txt" instead.
    store = make_store(f"s3://{bucket}/g")
    write(store, "a1.txt", b"bystander")
    write(store, "a[1].txt", b"bracket")
    store.rename("a[1].txt", "moved.txt")
    assert read(store, "moved.txt") == b"bracket"
    assert read(store, "a1.txt") == b"bystander"
    for name in ("d/x", "e/y", "[de]/z", "[de]/w*?"):
        write(store, name, name.encode())
    store.rename("[de]", "renamed")
    assert sorted(map(str, store.listdir("renamed"))) == ["w*?", "z"]
    store.rmtree("renamed")
    assert read(store, "d/x") == b"d/x" and read(store, "e/y") == b"e/y"
    write(store, "[de]/z", b"z")
    store.rmtree("[de]")
    assert not store.exists("[de]/z")
    assert read(store, "d/x") == b"d/x" and read(store, "e/y") == b"e/y"


def test_rmtree_of_a_bucket_root_keeps_the_bucket(
    make_store: MakeStore, bucket: str, admin: Any
) -> None:
    store = make_store(f"s3://{bucket}")
    for index in range(3):
        write(store, f"f{index}/x", b"x")
    store.rmtree(f"s3://{bucket}")
    assert admin.list_objects_v2(Bucket=bucket).get("KeyCount") == 0
    admin.head_bucket(Bucket=bucket)  # still there
    store.rmtree(f"s3://{bucket}")  # emptying an empty root is no error


def test_makedirs_does_not_create_buckets(make_store: MakeStore, admin: Any) -> None:
    store = make_store("s3://no-such-bucket-here/prefix")
    with pytest.raises(FileNotFoundError, match="bucket 'no-such-bucket-here' does not exist"):
        store.makedirs("s3://no-such-bucket-here/prefix/dir")
    names = [b["Name"] for b in admin.list_buckets()["Buckets"]]
    assert "no-such-bucket-here" not in names


def test_missing_bucket_is_one_clear_line(make_store: MakeStore) -> None:
    store = make_store("s3://no-such-bucket-here")
    assert not store.exists("s3://no-such-bucket-here")
    assert not store.exists("s3://no-such-bucket-here/file")
    with pytest.raises(FileNotFoundError) as caught:
        write(store, "file", b"x")
    message = str(caught.value)
    assert "bucket 'no-such-bucket-here' does not exist" in message and "\n" not in message


def test_authentication_secret_is_refused_clearly_not_ignored(make_store: MakeStore) -> None:
    store = make_store("s3://bucket", authentication_secret="aws-prod", key=None, secret=None)
    # Built without Client, nothing reads the secret: refused, never ignored.
    with pytest.raises(
        CargoholdError, match=r"authentication_secret 'aws-prod' is read by cargohold\.Client"
    ):
        store.exists("s3://bucket/x")
