"""Conformance tests for paths: containment in the root, relative and dotted paths,
bytes, unicode names and names that look like glob patterns."""

from __future__ import annotations

import os

import pytest

from cargohold.errors import PathOutsideStoreError
from cargohold.stores.base import PATH_ARGUMENTS, BaseArtifactStore
from cargohold.testing.helpers import expect_raises, read_bytes, write_bytes
from cargohold.testing.suite_base import ConformanceBase

# Every interface method that takes one path; copyfile and rename have their own test.
SINGLE_PATH_METHODS = sorted(name for name, args in PATH_ARGUMENTS.items() if len(args) == 1)


class PathTests(ConformanceBase):
    def test_relative_paths_resolve_under_root(self, store: BaseArtifactStore, root: str) -> None:
        write_bytes(store, "rel/inside.txt", b"r")
        assert read_bytes(store, f"{root}/rel/inside.txt") == b"r", (
            "open(): a relative path must be taken relative to the store root"
        )

    def test_dot_segments_are_folded(self, store: BaseArtifactStore, root: str) -> None:
        write_bytes(store, f"{root}/a/./b/../c.txt", b"c")
        assert read_bytes(store, f"{root}/a/c.txt") == b"c", (
            "open(): '.' and '..' inside the root must be folded before use"
        )

    @pytest.mark.parametrize("method", SINGLE_PATH_METHODS)
    def test_every_method_rejects_paths_outside_root(
        self, store: BaseArtifactStore, root: str, method: str
    ) -> None:
        outside = [
            f"{root}2/file",
            f"{root}/../escape",
            f"{root}/a/../../escape",
            "../escape",
            "otherscheme://bucket/file",
        ]
        for path in outside:
            with expect_raises(
                PathOutsideStoreError, f"{method}({path!r}) is outside the root and must raise"
            ):
                result = getattr(store, method)(path)
                if method == "walk":
                    list(result)

    def test_two_path_methods_check_both_paths(self, store: BaseArtifactStore, tree: str) -> None:
        outside = f"{tree.rsplit('/', 1)[0]}2/stolen"
        for method in ("copyfile", "rename"):
            with expect_raises(
                PathOutsideStoreError, f"{method}() to a destination outside the root must raise"
            ):
                getattr(store, method)(f"{tree}/a.txt", outside)
            with expect_raises(
                PathOutsideStoreError, f"{method}() from a source outside the root must raise"
            ):
                getattr(store, method)(outside, f"{tree}/x")
        assert store.exists(f"{tree}/a.txt"), "a refused copy or rename must not touch the source"
        assert not store.exists(f"{tree}/x"), "a refused copy or rename must create nothing"

    def test_glob_rejects_patterns_outside_root(self, store: BaseArtifactStore, root: str) -> None:
        with expect_raises(
            PathOutsideStoreError, "glob() of a pattern outside the root must raise"
        ):
            store.glob(f"{root}/../*")

    def test_bytes_paths_are_accepted(self, store: BaseArtifactStore, root: str) -> None:
        write_bytes(store, f"{root}/bytes.txt", b"b")
        assert store.exists(os.fsencode(f"{root}/bytes.txt")), "exists(): paths may be bytes"
        with store.open(os.fsencode(f"{root}/bytes.txt"), "rb") as handle:
            assert handle.read() == b"b", "open(): paths may be bytes"

    def test_open_unicode_names(self, store: BaseArtifactStore, root: str) -> None:
        name = f"{root}/ünïcødé/数据 file (1).txt"
        write_bytes(store, name, b"u")
        assert store.exists(name), "exists(): a unicode name must be found as written"
        assert "数据 file (1).txt" in store.listdir(f"{root}/ünïcødé"), (
            "listdir(): unicode names must come back as written"
        )

    def test_unicode_names_through_every_method(self, store: BaseArtifactStore, root: str) -> None:
        top = f"{root}/données"
        write_bytes(store, f"{top}/été/🚢.bin", b"ship")
        store.copyfile(f"{top}/été/🚢.bin", f"{top}/été/⛴.bin")
        store.rename(f"{top}/été/⛴.bin", f"{top}/冬/⛴.bin")
        walked = [(str(d), sorted(map(str, fs))) for d, _, fs in store.walk(top)]
        assert walked == [(top, []), (f"{top}/été", ["🚢.bin"]), (f"{top}/冬", ["⛴.bin"])], (
            f"walk(): unicode directory and file names must come back as written, got {walked!r}"
        )
        assert store.glob(f"{top}/*/⛴.bin") == [f"{top}/冬/⛴.bin"], (
            "glob(): unicode names must match and come back as written"
        )
        info = store.stat(f"{top}/冬/⛴.bin")
        if isinstance(info, dict):
            assert str(info["name"]).endswith("冬/⛴.bin"), f"stat(): name as written: {info!r}"
        store.remove(f"{top}/冬/⛴.bin")
        store.rmtree(f"{top}/été")
        assert not store.exists(f"{top}/été/🚢.bin"), "rmtree(): unicode trees must be removed"

    def test_glob_characters_in_names_are_literal(
        self, store: BaseArtifactStore, root: str
    ) -> None:
        for name in ("d/x", "e/y", "[de]/z", "a1.txt", "a[1].txt", "star*/q?.txt"):
            write_bytes(store, f"{root}/lit/{name}", name.encode())
        store.rename(f"{root}/lit/a[1].txt", f"{root}/lit/moved[1].txt")
        assert read_bytes(store, f"{root}/lit/a1.txt") == b"a1.txt", (
            "rename() must move the path given, not every path a glob of it matches"
        )
        assert read_bytes(store, f"{root}/lit/moved[1].txt") == b"a[1].txt", (
            "rename() must move a name with glob characters"
        )
        store.rmtree(f"{root}/lit/[de]")
        assert store.exists(f"{root}/lit/d/x") and store.exists(f"{root}/lit/e/y"), (
            "rmtree() must delete the directory named, not what a glob of it matches"
        )
        assert not store.exists(f"{root}/lit/[de]/z"), "rmtree() must delete the named directory"
        store.rename(f"{root}/lit/star*", f"{root}/lit/plain")
        assert read_bytes(store, f"{root}/lit/plain/q?.txt") == b"star*/q?.txt", (
            "rename() must move a directory whose name has glob characters"
        )
        remaining = set(map(str, store.listdir(f"{root}/lit")))
        assert {"a1.txt", "d", "e", "moved[1].txt"} <= remaining, (
            f"listdir() must list names with glob characters, got {remaining!r}"
        )
        assert not remaining & {"a[1].txt", "[de]", "star*"}, (
            "rename() and rmtree() must leave nothing behind at the old names"
        )
