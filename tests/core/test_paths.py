"""Containment: what is inside a store root, and what is refused."""

from __future__ import annotations

import pytest

from cargohold.errors import InvalidPathError, PathOutsideStoreError
from cargohold.paths import StoreRoot

S3 = StoreRoot.parse("s3://b/root", ["s3://"])
LOCAL = StoreRoot.parse("/data/root", ["", "file://"])
AZURE = StoreRoot.parse("az://container/prefix", ["az://", "abfs://"])


@pytest.mark.parametrize(
    ("root", "path", "expected"),
    [
        (S3, "s3://b/root/x", "s3://b/root/x"),
        (S3, "s3://b/root", "s3://b/root"),
        (S3, "s3://b/root/", "s3://b/root"),
        (S3, "s3://b/root/a/../b", "s3://b/root/b"),
        (S3, "s3://b/root/./a//b/", "s3://b/root/a/b"),
        (S3, "S3://b/root/x", "s3://b/root/x"),
        (S3, "x/y", "s3://b/root/x/y"),
        (S3, ".", "s3://b/root"),
        (LOCAL, "/data/root/x", "/data/root/x"),
        (LOCAL, "//data/root/x", "/data/root/x"),
        (LOCAL, "file:///data/root/x", "file:///data/root/x"),
        (LOCAL, "a/b", "/data/root/a/b"),
        (AZURE, "abfs://container/prefix/f", "abfs://container/prefix/f"),
        (AZURE, "az://container/prefix/f", "az://container/prefix/f"),
    ],
)
def test_inside_paths_are_folded(root: StoreRoot, path: str, expected: str) -> None:
    assert root.resolve(path) == expected
    assert root.resolve(expected) == expected, "resolving is idempotent"


@pytest.mark.parametrize(
    ("root", "path"),
    [
        (S3, "s3://b/root2"),
        (S3, "s3://b/root2/x"),
        (S3, "s3://b/rootx"),
        (S3, "s3://b/root/../x"),
        (S3, "s3://b/root/../../x"),
        (S3, "s3://b/root/a/../../root2/x"),
        (S3, "s3://other/root/x"),
        (S3, "gs://b/root/x"),
        (S3, "/b/root/x"),
        (S3, "../x"),
        (S3, "a/../../x"),
        (LOCAL, "/data/root2"),
        (LOCAL, "/data/root2/x"),
        (LOCAL, "/data/root/../root2/x"),
        (LOCAL, "/etc/passwd"),
        (LOCAL, "/data/root/../../etc/passwd"),
        (LOCAL, "s3://data/root/x"),
        (LOCAL, "../x"),
        (AZURE, "az://container/prefix2/f"),
        (AZURE, "s3://container/prefix/f"),
    ],
)
def test_outside_paths_are_refused(root: StoreRoot, path: str) -> None:
    with pytest.raises(PathOutsideStoreError, match="outside the store root"):
        root.resolve(path)
    assert not root.contains(path)


@pytest.mark.parametrize("path", ["", "s3://b/root/a\x00b", "s3://b/root\\..\\x", b""])
def test_malformed_paths_are_rejected(path: str) -> None:
    with pytest.raises(InvalidPathError):
        S3.resolve(path)


def test_bytes_paths_are_decoded() -> None:
    assert S3.resolve(b"s3://b/root/x") == "s3://b/root/x"


def test_root_of_a_whole_bucket_and_of_the_filesystem() -> None:
    bucket = StoreRoot.parse("s3://b", ["s3://"])
    assert bucket.resolve("s3://b/any/key") == "s3://b/any/key"
    assert not bucket.contains("s3://bb/key")
    everything = StoreRoot.parse("/", [""])
    assert everything.resolve("/etc/hosts") == "/etc/hosts"


@pytest.mark.parametrize(
    ("root", "schemes"),
    [("relative/dir", [""]), ("gs://b", ["s3://"]), ("s3://", ["s3://"]), ("s3://..", ["s3://"])],
)
def test_bad_roots_are_rejected(root: str, schemes: list[str]) -> None:
    with pytest.raises(InvalidPathError):
        StoreRoot.parse(root, schemes)
