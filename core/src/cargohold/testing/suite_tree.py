"""Conformance tests for directories: exists, isdir, listdir, glob, makedirs, mkdir,
rmtree and walk, on shallow, empty, deep and shuffled trees."""

from __future__ import annotations

import random

from cargohold.stores.base import BaseArtifactStore
from cargohold.testing.helpers import expect_raises, read_bytes, write_bytes
from cargohold.testing.suite_base import ConformanceBase


def _walked(store: BaseArtifactStore, top: str, topdown: bool = True) -> list[tuple[str, ...]]:
    """``walk`` as comparable tuples, names sorted: order within a directory is free."""
    return [
        (str(d), *sorted(map(str, ds)), "|", *sorted(map(str, fs)))
        for d, ds, fs in store.walk(top, topdown=topdown)
    ]


class TreeTests(ConformanceBase):
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
        with expect_raises(FileNotFoundError, "listdir() of a missing directory must raise"):
            store.listdir(f"{root}/no/such/dir")

    def test_listdir_of_a_file_raises(self, store: BaseArtifactStore, tree: str) -> None:
        with expect_raises(NotADirectoryError, "listdir() of a file must raise"):
            store.listdir(f"{tree}/a.txt")

    def test_glob_returns_full_paths(self, store: BaseArtifactStore, tree: str) -> None:
        found = sorted(map(str, store.glob(f"{tree}/*.txt")))
        assert found == [f"{tree}/a.txt"], f"glob() must return full matching paths, got {found!r}"
        deep = sorted(map(str, store.glob(f"{tree}/**/*.txt")))
        assert f"{tree}/sub/deeper/d.txt" in deep, f"glob('**') must match at any depth: {deep!r}"
        missing = store.glob(f"{tree}/*.nothing")
        assert list(missing) == [], f"glob() with no match must return [], got {missing!r}"

    def test_listing_order_does_not_depend_on_write_order(
        self, store: BaseArtifactStore, root: str
    ) -> None:
        names = [f"n{i:02d}" for i in range(12)]
        shuffled = names[:]
        random.Random(3).shuffle(shuffled)
        for name in shuffled:
            write_bytes(store, f"{root}/order/{name}", name.encode())
        listed = sorted(map(str, store.listdir(f"{root}/order")))
        assert listed == names, (
            f"listdir() must list every entry whatever the write order: {listed}"
        )
        ((_, _, files),) = list(store.walk(f"{root}/order"))
        assert sorted(map(str, files)) == names, "walk() must list every file whatever the order"
        globbed = sorted(map(str, store.glob(f"{root}/order/n*")))
        assert globbed == [f"{root}/order/{name}" for name in names], (
            f"glob() must find every match whatever the write order, got {globbed!r}"
        )

    # -- makedirs / mkdir / rmtree ------------------------------------------------------

    def test_makedirs_is_idempotent(self, store: BaseArtifactStore, root: str) -> None:
        store.makedirs(f"{root}/x/y/z")
        store.makedirs(f"{root}/x/y/z")
        if self.supports_empty_dirs:
            assert store.isdir(f"{root}/x/y/z"), "makedirs() must create every level"
        write_bytes(store, f"{root}/x/y/z/f", b"f")
        store.makedirs(f"{root}/x/y/z")
        assert store.isdir(f"{root}/x/y/z"), "a directory with a file in it is a directory"
        assert read_bytes(store, f"{root}/x/y/z/f") == b"f", "makedirs() must not touch contents"

    def test_mkdir_creates_one_level(self, store: BaseArtifactStore, root: str) -> None:
        if not self.supports_empty_dirs:
            self.skip_for("supports_empty_dirs", False, "the backend keeps no empty directories")
        store.mkdir(f"{root}/single")
        assert store.isdir(f"{root}/single"), "mkdir() must create the directory"
        with expect_raises(FileExistsError, "mkdir() of an existing directory must raise"):
            store.mkdir(f"{root}/single")

    def test_empty_directories_are_listed_walked_and_removed(
        self, store: BaseArtifactStore, root: str
    ) -> None:
        if not self.supports_empty_dirs:
            self.skip_for("supports_empty_dirs", False, "the backend keeps no empty directories")
        store.makedirs(f"{root}/e/empty")
        assert store.listdir(f"{root}/e") == ["empty"], "listdir() must list an empty directory"
        assert store.listdir(f"{root}/e/empty") == [], "listdir() of an empty directory is []"
        walked = _walked(store, f"{root}/e")
        assert walked == [(f"{root}/e", "empty", "|"), (f"{root}/e/empty", "|")], (
            f"walk() must visit empty directories, got {walked!r}"
        )
        store.rmtree(f"{root}/e/empty")
        assert not store.exists(f"{root}/e/empty"), "rmtree() must remove an empty directory"

    def test_rmtree_removes_everything_below(self, store: BaseArtifactStore, tree: str) -> None:
        store.rmtree(f"{tree}/sub")
        assert not store.exists(f"{tree}/sub/deeper/d.txt"), "rmtree() must delete the whole tree"
        assert not store.exists(f"{tree}/sub"), "rmtree() must delete the directory itself"
        assert store.exists(f"{tree}/a.txt"), "rmtree() must not touch siblings"

    def test_rmtree_missing_raises(self, store: BaseArtifactStore, root: str) -> None:
        with expect_raises(FileNotFoundError, "rmtree() of a missing directory must raise"):
            store.rmtree(f"{root}/no-such-tree")

    def test_rmtree_of_a_file_raises(self, store: BaseArtifactStore, tree: str) -> None:
        with expect_raises(NotADirectoryError, "rmtree() of a file must raise (use remove)"):
            store.rmtree(f"{tree}/a.txt")
        assert store.exists(f"{tree}/a.txt"), "a refused rmtree() must delete nothing"

    # -- walk ---------------------------------------------------------------------------

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
        assert sorted(_walked(store, tree, topdown=False)) == sorted(_walked(store, tree)), (
            "walk(topdown=False) must yield the same directories and names as top-down"
        )

    def test_walk_prunes_in_place(self, store: BaseArtifactStore, tree: str) -> None:
        visited = []
        for directory, dirnames, _ in store.walk(tree):
            visited.append(str(directory))
            dirnames.clear()
        assert visited == [tree], "walk(): clearing dirnames top-down must prune the walk"

    def test_walk_missing_top_calls_onerror(self, store: BaseArtifactStore, tree: str) -> None:
        for top in (f"{tree}/absent", f"{tree}/a.txt"):
            errors: list[BaseException] = []
            assert list(store.walk(top, onerror=errors.append)) == [], (
                f"walk() of a missing directory or a file must yield nothing ({top})"
            )
            assert errors and isinstance(errors[0], OSError), (
                f"walk() must report a missing directory or a file to onerror ({top})"
            )
        assert list(store.walk(f"{tree}/absent")) == [], (
            "walk() of a missing directory without onerror must yield nothing and not raise"
        )

    def test_walk_deep_tree(self, store: BaseArtifactStore, root: str) -> None:
        levels = [f"level{i}" for i in range(20)]
        deepest = "/".join([root, "deep", *levels])
        write_bytes(store, f"{deepest}/leaf.txt", b"leaf")
        walked = list(store.walk(f"{root}/deep"))
        assert len(walked) == 21, f"walk() must visit all 21 directories, got {len(walked)}"
        assert str(walked[-1][0]) == deepest and list(walked[-1][2]) == ["leaf.txt"], (
            "walk() top-down must reach the deepest directory last"
        )
        bottom_up = [str(d) for d, _, _ in store.walk(f"{root}/deep", topdown=False)]
        assert bottom_up[0] == deepest and bottom_up[-1] == f"{root}/deep", (
            "walk(topdown=False) must start at the deepest directory and end at the top"
        )
        assert store.glob(f"{root}/deep/**/leaf.txt") == [f"{deepest}/leaf.txt"], (
            "glob('**') must reach 20 levels down"
        )
        assert store.size(f"{root}/deep") == 4, "size() must count files at any depth"
        store.rmtree(f"{root}/deep")
        assert not store.exists(f"{deepest}/leaf.txt"), "rmtree() must delete at any depth"
