"""The artifact-store conformance suite.

Usage::

    class TestMyStore(ArtifactStoreConformance):
        supports_append = False

        @pytest.fixture
        def store(self, tmp_path):
            return MyArtifactStore(MyConfig(path=...))

The ``store`` fixture returns a store whose root is empty and used by no other test.
Every assertion message names the method and what it must do, so a failure reads as
a statement of the contract that was broken.
"""

from __future__ import annotations

import os
import random
from typing import Any, ClassVar

import pytest

from cargohold.errors import PathOutsideStoreError, UnsupportedOperationError
from cargohold.stores.base import BaseArtifactStore


class _Boom(Exception):
    """Raised inside a ``with`` block to interrupt a write."""


def write_bytes(store: BaseArtifactStore, path: str, data: bytes) -> None:
    """Write ``data`` to ``path`` in one ``with`` block."""
    with store.open(path, "wb") as handle:
        handle.write(data)


def read_bytes(store: BaseArtifactStore, path: str) -> bytes:
    """Read the whole of ``path``."""
    with store.open(path, "rb") as handle:
        data: bytes = handle.read()
    return data


class ArtifactStoreConformance:
    """Every interface method of an artifact store, as a flavor author must honour it."""

    #: The backend keeps directories that hold no files (object stores do not).
    supports_empty_dirs: ClassVar[bool] = True
    #: ``open(path, "a")`` appends; when False it must raise UnsupportedOperationError.
    supports_append: ClassVar[bool] = True
    #: Size of the file used by the large-file round trip.
    large_file_size: ClassVar[int] = 8 * 1024 * 1024

    @pytest.fixture
    def store(self) -> BaseArtifactStore:
        raise NotImplementedError("override the `store` fixture to return an empty store")

    @pytest.fixture
    def root(self, store: BaseArtifactStore) -> str:
        return store.path.rstrip("/")

    @pytest.fixture
    def tree(self, store: BaseArtifactStore, root: str) -> str:
        """root/t/{a.txt, b.bin, sub/c.txt, sub/deeper/d.txt}"""
        for relative, data in {
            "t/a.txt": b"alpha",
            "t/b.bin": b"\x00\x01\x02",
            "t/sub/c.txt": b"charlie",
            "t/sub/deeper/d.txt": b"delta!",
        }.items():
            write_bytes(store, f"{root}/{relative}", data)
        return f"{root}/t"

    # -- open ---------------------------------------------------------------------

    def test_open_binary_round_trip(self, store: BaseArtifactStore, root: str) -> None:
        payload = bytes(range(256)) * 4 + b"\r\n\r"
        write_bytes(store, f"{root}/bin/data.bin", payload)
        assert read_bytes(store, f"{root}/bin/data.bin") == payload, (
            "open(): bytes written in 'wb' must read back identical in 'rb'"
        )

    def test_open_text_round_trip_is_utf8(self, store: BaseArtifactStore, root: str) -> None:
        text = "naïve café — 数据 🚢\n"
        with store.open(f"{root}/text.txt", "w") as handle:
            handle.write(text)
        with store.open(f"{root}/text.txt", "r") as handle:
            assert handle.read() == text, "open(): text must round-trip as UTF-8"
        assert read_bytes(store, f"{root}/text.txt") == text.encode("utf-8"), (
            "open(): text mode must encode as UTF-8"
        )

    def test_open_missing_file_for_reading_raises(
        self, store: BaseArtifactStore, root: str
    ) -> None:
        with pytest.raises(FileNotFoundError):
            store.open(f"{root}/missing.bin", "rb")

    def test_open_write_replaces_existing_content(
        self, store: BaseArtifactStore, root: str
    ) -> None:
        write_bytes(store, f"{root}/f.bin", b"a long first version")
        write_bytes(store, f"{root}/f.bin", b"short")
        assert read_bytes(store, f"{root}/f.bin") == b"short", "open('wb') must replace, not patch"

    def test_open_empty_file(self, store: BaseArtifactStore, root: str) -> None:
        write_bytes(store, f"{root}/empty", b"")
        assert store.exists(f"{root}/empty"), "open('wb'): an empty write must create the file"
        assert read_bytes(store, f"{root}/empty") == b""
        assert store.size(f"{root}/empty") == 0, "size(): an empty file has size 0"

    def test_open_large_file_round_trip(self, store: BaseArtifactStore, root: str) -> None:
        payload = random.Random(7).randbytes(self.large_file_size)
        with store.open(f"{root}/large.bin", "wb") as handle:
            for start in range(0, len(payload), 1 << 20):
                handle.write(payload[start : start + (1 << 20)])
        assert store.size(f"{root}/large.bin") == len(payload)
        assert read_bytes(store, f"{root}/large.bin") == payload, (
            "open(): large file must round-trip"
        )

    def test_open_failed_write_leaves_nothing(self, store: BaseArtifactStore, root: str) -> None:
        with pytest.raises(_Boom), store.open(f"{root}/partial.bin", "wb") as handle:
            handle.write(b"x" * 1024)
            raise _Boom
        assert not store.exists(f"{root}/partial.bin"), (
            "open('wb'): a write interrupted by an exception must leave no file behind"
        )

    def test_open_failed_overwrite_keeps_old_content(
        self, store: BaseArtifactStore, root: str
    ) -> None:
        write_bytes(store, f"{root}/keep.bin", b"original")
        with pytest.raises(_Boom), store.open(f"{root}/keep.bin", "wb") as handle:
            handle.write(b"replacement that never finishes")
            raise _Boom
        assert read_bytes(store, f"{root}/keep.bin") == b"original", (
            "open('wb'): an interrupted overwrite must leave the previous content"
        )

    def test_open_exclusive_refuses_existing(self, store: BaseArtifactStore, root: str) -> None:
        write_bytes(store, f"{root}/once.bin", b"1")
        with pytest.raises(FileExistsError):
            store.open(f"{root}/once.bin", "xb")
        with store.open(f"{root}/new.bin", "xb") as handle:
            handle.write(b"2")
        assert read_bytes(store, f"{root}/new.bin") == b"2"

    def test_open_append(self, store: BaseArtifactStore, root: str) -> None:
        write_bytes(store, f"{root}/log.txt", b"one\n")
        if not self.supports_append:
            with pytest.raises(UnsupportedOperationError):
                store.open(f"{root}/log.txt", "ab")
            assert read_bytes(store, f"{root}/log.txt") == b"one\n", "refused append must not write"
            return
        with store.open(f"{root}/log.txt", "ab") as handle:
            handle.write(b"two\n")
        assert read_bytes(store, f"{root}/log.txt") == b"one\ntwo\n", "open('ab') must append"

    def test_open_rejects_unknown_mode(self, store: BaseArtifactStore, root: str) -> None:
        with pytest.raises(ValueError, match="mode"):
            store.open(f"{root}/f", "rw+")

    def test_open_unicode_names(self, store: BaseArtifactStore, root: str) -> None:
        name = f"{root}/ünïcødé/数据 file (1).txt"
        write_bytes(store, name, b"u")
        assert store.exists(name)
        assert "数据 file (1).txt" in store.listdir(f"{root}/ünïcødé"), (
            "listdir(): unicode names must come back as written"
        )

    # -- exists / isdir -----------------------------------------------------------------

    def test_exists_and_isdir(self, store: BaseArtifactStore, tree: str) -> None:
        assert store.exists(f"{tree}/a.txt") and not store.isdir(f"{tree}/a.txt"), (
            "exists()/isdir(): a file exists and is not a directory"
        )
        assert store.exists(f"{tree}/sub") and store.isdir(f"{tree}/sub"), (
            "exists()/isdir(): a directory holding files exists and is a directory"
        )
        assert not store.exists(f"{tree}/nope") and not store.isdir(f"{tree}/nope"), (
            "exists()/isdir(): a missing path neither exists nor is a directory"
        )

    # -- listdir / glob -----------------------------------------------------------------

    def test_listdir_returns_names_not_paths(self, store: BaseArtifactStore, tree: str) -> None:
        entries = store.listdir(tree)
        assert sorted(map(str, entries)) == ["a.txt", "b.bin", "sub"], (
            f"listdir() must return entry names (not full paths), got {entries!r}"
        )

    def test_listdir_missing_raises(self, store: BaseArtifactStore, root: str) -> None:
        with pytest.raises(FileNotFoundError):
            store.listdir(f"{root}/no/such/dir")

    def test_listdir_of_a_file_raises(self, store: BaseArtifactStore, tree: str) -> None:
        with pytest.raises(NotADirectoryError):
            store.listdir(f"{tree}/a.txt")

    def test_glob_returns_full_paths(self, store: BaseArtifactStore, tree: str) -> None:
        found = sorted(map(str, store.glob(f"{tree}/*.txt")))
        assert found == [f"{tree}/a.txt"], f"glob() must return full matching paths, got {found!r}"
        deep = sorted(map(str, store.glob(f"{tree}/**/*.txt")))
        assert f"{tree}/sub/deeper/d.txt" in deep, "glob('**') must match at any depth"

    # -- makedirs / mkdir -----------------------------------------------------------------

    def test_makedirs_is_idempotent(self, store: BaseArtifactStore, root: str) -> None:
        store.makedirs(f"{root}/x/y/z")
        store.makedirs(f"{root}/x/y/z")
        if self.supports_empty_dirs:
            assert store.isdir(f"{root}/x/y/z"), "makedirs() must create every level"
        write_bytes(store, f"{root}/x/y/z/f", b"f")
        assert store.isdir(f"{root}/x/y/z"), "a directory with a file in it is a directory"

    def test_mkdir_creates_one_level(self, store: BaseArtifactStore, root: str) -> None:
        if not self.supports_empty_dirs:
            pytest.skip("backend keeps no empty directories (supports_empty_dirs = False)")
        store.mkdir(f"{root}/single")
        assert store.isdir(f"{root}/single"), "mkdir() must create the directory"
        with pytest.raises(FileExistsError):
            store.mkdir(f"{root}/single")

    # -- remove / rmtree ------------------------------------------------------------------

    def test_remove_file(self, store: BaseArtifactStore, tree: str) -> None:
        store.remove(f"{tree}/a.txt")
        assert not store.exists(f"{tree}/a.txt"), "remove() must delete the file"
        assert store.exists(f"{tree}/b.bin"), "remove() must not touch siblings"

    def test_remove_missing_raises(self, store: BaseArtifactStore, root: str) -> None:
        with pytest.raises(FileNotFoundError):
            store.remove(f"{root}/ghost")

    def test_remove_directory_raises(self, store: BaseArtifactStore, tree: str) -> None:
        with pytest.raises(IsADirectoryError):
            store.remove(f"{tree}/sub")
        assert store.exists(f"{tree}/sub/c.txt"), "a refused remove() must delete nothing"

    def test_rmtree_removes_everything_below(self, store: BaseArtifactStore, tree: str) -> None:
        store.rmtree(f"{tree}/sub")
        assert not store.exists(f"{tree}/sub/deeper/d.txt"), "rmtree() must delete the whole tree"
        assert not store.exists(f"{tree}/sub"), "rmtree() must delete the directory itself"
        assert store.exists(f"{tree}/a.txt"), "rmtree() must not touch siblings"

    def test_rmtree_missing_raises(self, store: BaseArtifactStore, root: str) -> None:
        with pytest.raises(FileNotFoundError):
            store.rmtree(f"{root}/no-such-tree")

    def test_rmtree_of_a_file_raises(self, store: BaseArtifactStore, tree: str) -> None:
        with pytest.raises(NotADirectoryError):
            store.rmtree(f"{tree}/a.txt")
        assert store.exists(f"{tree}/a.txt")

    # -- copyfile / rename ----------------------------------------------------------------

    def test_copyfile_copies(self, store: BaseArtifactStore, tree: str) -> None:
        store.copyfile(f"{tree}/a.txt", f"{tree}/copy/a2.txt")
        assert read_bytes(store, f"{tree}/copy/a2.txt") == b"alpha", (
            "copyfile() must copy the bytes"
        )
        assert read_bytes(store, f"{tree}/a.txt") == b"alpha", "copyfile() must keep the source"

    def test_copyfile_refuses_to_overwrite_by_default(
        self, store: BaseArtifactStore, tree: str
    ) -> None:
        with pytest.raises(FileExistsError):
            store.copyfile(f"{tree}/a.txt", f"{tree}/b.bin")
        assert read_bytes(store, f"{tree}/b.bin") == b"\x00\x01\x02", (
            "copyfile(overwrite=False) must leave an existing destination alone"
        )
        store.copyfile(f"{tree}/a.txt", f"{tree}/b.bin", overwrite=True)
        assert read_bytes(store, f"{tree}/b.bin") == b"alpha", (
            "copyfile(overwrite=True) must replace"
        )

    def test_copyfile_missing_source_raises(self, store: BaseArtifactStore, tree: str) -> None:
        with pytest.raises(FileNotFoundError):
            store.copyfile(f"{tree}/ghost", f"{tree}/g2")
        assert not store.exists(f"{tree}/g2")

    def test_rename_moves_file(self, store: BaseArtifactStore, tree: str) -> None:
        store.rename(f"{tree}/a.txt", f"{tree}/moved/a.txt")
        assert not store.exists(f"{tree}/a.txt"), "rename() must remove the source"
        assert read_bytes(store, f"{tree}/moved/a.txt") == b"alpha", "rename() must keep the bytes"

    def test_rename_refuses_to_overwrite_by_default(
        self, store: BaseArtifactStore, tree: str
    ) -> None:
        with pytest.raises(FileExistsError):
            store.rename(f"{tree}/a.txt", f"{tree}/b.bin")
        assert read_bytes(store, f"{tree}/a.txt") == b"alpha", "a refused rename() keeps the source"
        assert read_bytes(store, f"{tree}/b.bin") == b"\x00\x01\x02", (
            "rename(overwrite=False) must leave an existing destination alone"
        )
        store.rename(f"{tree}/a.txt", f"{tree}/b.bin", overwrite=True)
        assert read_bytes(store, f"{tree}/b.bin") == b"alpha", "rename(overwrite=True) must replace"
        assert not store.exists(f"{tree}/a.txt")

    def test_rename_missing_source_raises(self, store: BaseArtifactStore, tree: str) -> None:
        with pytest.raises(FileNotFoundError):
            store.rename(f"{tree}/ghost", f"{tree}/g2")

    def test_rename_directory_moves_the_tree(self, store: BaseArtifactStore, tree: str) -> None:
        store.rename(f"{tree}/sub", f"{tree}/renamed")
        assert read_bytes(store, f"{tree}/renamed/deeper/d.txt") == b"delta!", (
            "rename() of a directory must move everything under it"
        )
        assert not store.exists(f"{tree}/sub/c.txt")

    # -- stat / size ------------------------------------------------------------------------

    def test_stat_reports_size_and_type(self, store: BaseArtifactStore, tree: str) -> None:
        info: Any = store.stat(f"{tree}/a.txt")
        size = info["size"] if isinstance(info, dict) else info.st_size
        assert size == 5, f"stat() of a 5-byte file must report size 5, got {size!r}"

    def test_stat_missing_raises(self, store: BaseArtifactStore, root: str) -> None:
        with pytest.raises(FileNotFoundError):
            store.stat(f"{root}/ghost")

    def test_size_of_file_and_directory(self, store: BaseArtifactStore, tree: str) -> None:
        assert store.size(f"{tree}/a.txt") == 5
        assert store.size(f"{tree}/sub") == len(b"charlie") + len(b"delta!"), (
            "size() of a directory is the total size of the files under it"
        )

    def test_size_missing_raises(self, store: BaseArtifactStore, root: str) -> None:
        with pytest.raises(FileNotFoundError):
            store.size(f"{root}/ghost")

    # -- walk ---------------------------------------------------------------------------------

    def test_walk_top_down(self, store: BaseArtifactStore, tree: str) -> None:
        walked = [
            (str(d), sorted(map(str, ds)), sorted(map(str, fs))) for d, ds, fs in store.walk(tree)
        ]
        assert walked == [
            (tree, ["sub"], ["a.txt", "b.bin"]),
            (f"{tree}/sub", ["deeper"], ["c.txt"]),
            (f"{tree}/sub/deeper", [], ["d.txt"]),
        ], f"walk() top-down must yield each directory before its children, got {walked!r}"

    def test_walk_bottom_up(self, store: BaseArtifactStore, tree: str) -> None:
        order = [str(d) for d, _, _ in store.walk(tree, topdown=False)]
        assert order == [f"{tree}/sub/deeper", f"{tree}/sub", tree], (
            f"walk(topdown=False) must yield children before parents, got {order!r}"
        )

    def test_walk_prunes_in_place(self, store: BaseArtifactStore, tree: str) -> None:
        visited = []
        for directory, dirnames, _ in store.walk(tree):
            visited.append(str(directory))
            dirnames.clear()
        assert visited == [tree], "walk(): clearing dirnames top-down must prune the walk"

    def test_walk_missing_top_calls_onerror(self, store: BaseArtifactStore, root: str) -> None:
        errors: list[BaseException] = []
        assert list(store.walk(f"{root}/absent", onerror=errors.append)) == [], (
            "walk() of a missing directory must yield nothing"
        )
        assert errors and isinstance(errors[0], OSError), "walk() must report it to onerror"

    def test_walk_deep_tree(self, store: BaseArtifactStore, root: str) -> None:
        levels = [f"level{i}" for i in range(20)]
        deepest = "/".join([root, "deep", *levels])
        write_bytes(store, f"{deepest}/leaf.txt", b"leaf")
        walked = list(store.walk(f"{root}/deep"))
        assert len(walked) == 21, f"walk() must visit all 21 directories, got {len(walked)}"
        assert str(walked[-1][0]) == deepest and list(walked[-1][2]) == ["leaf.txt"]

    def test_listing_order_does_not_depend_on_write_order(
        self, store: BaseArtifactStore, root: str
    ) -> None:
        names = [f"n{i:02d}" for i in range(12)]
        shuffled = names[:]
        random.Random(3).shuffle(shuffled)
        for name in shuffled:
            write_bytes(store, f"{root}/order/{name}", name.encode())
        assert sorted(map(str, store.listdir(f"{root}/order"))) == names
        ((_, _, files),) = list(store.walk(f"{root}/order"))
        assert sorted(map(str, files)) == names

    # -- paths --------------------------------------------------------------------------------

    def test_relative_paths_resolve_under_root(self, store: BaseArtifactStore, root: str) -> None:
        write_bytes(store, "rel/inside.txt", b"r")
        assert read_bytes(store, f"{root}/rel/inside.txt") == b"r", (
            "a relative path must be taken relative to the store root"
        )

    def test_dot_segments_are_folded(self, store: BaseArtifactStore, root: str) -> None:
        write_bytes(store, f"{root}/a/./b/../c.txt", b"c")
        assert read_bytes(store, f"{root}/a/c.txt") == b"c"

    @pytest.mark.parametrize(
        "method", ["open", "exists", "listdir", "remove", "rmtree", "stat", "size", "walk"]
    )
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
            with pytest.raises(PathOutsideStoreError):
                result = getattr(store, method)(path)
                if method == "walk":
                    list(result)

    def test_two_path_methods_check_both_paths(self, store: BaseArtifactStore, tree: str) -> None:
        outside = f"{tree.rsplit('/', 1)[0]}2/stolen"
        for method in ("copyfile", "rename"):
            with pytest.raises(PathOutsideStoreError):
                getattr(store, method)(f"{tree}/a.txt", outside)
            with pytest.raises(PathOutsideStoreError):
                getattr(store, method)(outside, f"{tree}/x")
        assert store.exists(f"{tree}/a.txt"), "a refused copy or rename must not touch the source"

    def test_glob_rejects_patterns_outside_root(self, store: BaseArtifactStore, root: str) -> None:
        with pytest.raises(PathOutsideStoreError):
            store.glob(f"{root}/../*")

    def test_bytes_paths_are_accepted(self, store: BaseArtifactStore, root: str) -> None:
        write_bytes(store, f"{root}/bytes.txt", b"b")
        assert store.exists(os.fsencode(f"{root}/bytes.txt")), "paths may be given as bytes"

    def test_glob_characters_in_names_are_literal(
        self, store: BaseArtifactStore, root: str
    ) -> None:
        for name in ("d/x", "e/y", "[de]/z", "a1.txt", "a[1].txt", "star*/q?.txt"):
            write_bytes(store, f"{root}/lit/{name}", name.encode())
        store.rename(f"{root}/lit/a[1].txt", f"{root}/lit/moved[1].txt")
        assert read_bytes(store, f"{root}/lit/a1.txt") == b"a1.txt", (
            "rename() must move the path given, not every path a glob of it matches"
        )
        assert read_bytes(store, f"{root}/lit/moved[1].txt") == b"a[1].txt"
        store.rmtree(f"{root}/lit/[de]")
        assert store.exists(f"{root}/lit/d/x") and store.exists(f"{root}/lit/e/y"), (
            "rmtree() must delete the directory named, not what a glob of it matches"
        )
        assert not store.exists(f"{root}/lit/[de]/z")
        store.rename(f"{root}/lit/star*", f"{root}/lit/plain")
        assert read_bytes(store, f"{root}/lit/plain/q?.txt") == b"star*/q?.txt"
        remaining = set(map(str, store.listdir(f"{root}/lit")))
        assert {"a1.txt", "d", "e", "moved[1].txt"} <= remaining
        assert not remaining & {"a[1].txt", "[de]", "star*"}, (
            "rename() and rmtree() must leave nothing behind at the old names"
        )
