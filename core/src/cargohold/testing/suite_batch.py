"""Conformance tests for the batch operations: list_files, delete_files, read_bytes.

``BaseArtifactStore`` gives every store working defaults built from the basic
methods, so these hold for a store that overrides none of them as much as for one
that batches through its backend.
"""

from __future__ import annotations

import contextlib
import random
import re

from cargohold.errors import PathOutsideStoreError
from cargohold.stores.base import BaseArtifactStore, ListedFile
from cargohold.testing.helpers import expect_raises, read_bytes, write_bytes
from cargohold.testing.suite_base import TREE_FILES, ConformanceBase

_MD5_HEX = re.compile(r"[0-9a-f]{32}")


def _outside(root: str) -> list[str]:
    """Paths that escape ``root`` in each of the ways the containment check knows."""
    return [f"{root}2/file", f"{root}/../escape", "../escape", "otherscheme://bucket/file"]


class BatchTests(ConformanceBase):
    # -- list_files ---------------------------------------------------------------------

    def test_list_files_lists_every_file_at_any_depth(
        self, store: BaseArtifactStore, tree: str
    ) -> None:
        listed = store.list_files(tree)
        expected = {f"{tree}/{relative}": len(data) for relative, data in TREE_FILES.items()}
        assert {path: entry.size for path, entry in listed.items()} == expected, (
            f"list_files() must give every file under top, at any depth, keyed by its "
            f"full path, with its size; got {listed!r}"
        )
        for path, entry in listed.items():
            assert isinstance(entry, ListedFile), f"list_files(): {path} must map to a ListedFile"
            assert entry.md5 is None or _MD5_HEX.fullmatch(entry.md5), (
                f"list_files(): an MD5 is None or 32 lower-case hex digits, got {entry.md5!r}"
            )
        assert store.list_files(f"{tree}/sub") == {
            path: entry for path, entry in listed.items() if path.startswith(f"{tree}/sub/")
        }, "list_files() of a subdirectory must give exactly the files under it"

    def test_list_files_paths_match_walk(self, store: BaseArtifactStore, tree: str) -> None:
        walked = {f"{d!s}/{name!s}" for d, _, names in store.walk(tree) for name in names}
        assert set(store.list_files(tree)) == walked, (
            "list_files() must key each file by the path walk() gives it"
        )
        relative = tree.rsplit("/", 1)[1]
        assert store.list_files(relative) == store.list_files(tree), (
            "list_files(): a relative top must be taken relative to the store root"
        )

    def test_list_files_of_a_missing_top_or_a_file_is_empty(
        self, store: BaseArtifactStore, tree: str
    ) -> None:
        assert store.list_files(f"{tree}/absent") == {}, (
            "list_files() of a missing directory must be {} (nothing is under it)"
        )
        assert store.list_files(f"{tree}/a.txt") == {}, (
            "list_files() of a file must be {} (no file is under a file)"
        )

    def test_list_files_shows_empty_files_and_no_directories(
        self, store: BaseArtifactStore, root: str
    ) -> None:
        write_bytes(store, f"{root}/e/empty", b"")
        write_bytes(store, f"{root}/e/d/full", b"full")
        if self.supports_empty_dirs:
            store.makedirs(f"{root}/e/hollow")
        listed = {path: entry.size for path, entry in store.list_files(f"{root}/e").items()}
        assert listed == {f"{root}/e/empty": 0, f"{root}/e/d/full": 4}, (
            f"list_files() must list empty files (size 0) and no directories, got {listed!r}"
        )

    def test_list_files_takes_glob_characters_literally(
        self, store: BaseArtifactStore, root: str
    ) -> None:
        for name in ("d/x", "e/y", "[de]/z"):
            write_bytes(store, f"{root}/lit/{name}", name.encode())
        assert set(store.list_files(f"{root}/lit/[de]")) == {f"{root}/lit/[de]/z"}, (
            "list_files() must list the directory named, not what a glob of it matches"
        )

    # -- delete_files -------------------------------------------------------------------

    def test_delete_files_deletes_exactly_the_files_given(
        self, store: BaseArtifactStore, tree: str
    ) -> None:
        store.delete_files([f"{tree}/a.txt", f"{tree}/sub/c.txt", "t/sub/deeper/d.txt"])
        assert set(store.list_files(tree)) == {f"{tree}/b.bin"}, (
            "delete_files() must delete every file given (relative paths too) and nothing else"
        )
        assert read_bytes(store, f"{tree}/b.bin") == b"\x00\x01\x02", (
            "delete_files() must leave other files' content alone"
        )

    def test_delete_files_of_many_files(self, store: BaseArtifactStore, root: str) -> None:
        names = [f"{root}/many/{index:03d}" for index in range(60)]
        for name in names:
            write_bytes(store, name, b"m")
        doomed = names[::2]
        store.delete_files(doomed)
        assert set(store.list_files(f"{root}/many")) == set(names[1::2]), (
            "delete_files() of many files must delete exactly those"
        )
        store.delete_files([])  # nothing to do, and no error

    def test_delete_files_takes_glob_characters_literally(
        self, store: BaseArtifactStore, root: str
    ) -> None:
        for name in ("a1.txt", "a[1].txt", "star*", "starry", "q?", "qq"):
            write_bytes(store, f"{root}/lit/{name}", name.encode())
        store.delete_files([f"{root}/lit/a[1].txt", f"{root}/lit/star*", f"{root}/lit/q?"])
        left = {path.rsplit("/", 1)[1] for path in store.list_files(f"{root}/lit")}
        assert left == {"a1.txt", "starry", "qq"}, (
            f"delete_files() must delete the paths given, not what globs of them match: {left}"
        )

    def test_delete_files_skips_what_is_missing(self, store: BaseArtifactStore, tree: str) -> None:
        store.delete_files([f"{tree}/ghost", f"{tree}/a.txt", f"{tree}/a.txt"])
        assert not store.exists(f"{tree}/a.txt"), (
            "delete_files() must delete the files that exist when others in the list do not"
        )
        store.delete_files([f"{tree}/ghost", f"{tree}/a.txt"])  # all gone: no error
        assert store.exists(f"{tree}/b.bin"), "delete_files() must not touch other files"

    def test_delete_files_never_removes_a_directory(
        self, store: BaseArtifactStore, tree: str
    ) -> None:
        # A store may refuse a directory in the list or pass over it; either is allowed.
        with contextlib.suppress(OSError, ValueError):
            store.delete_files([f"{tree}/sub"])
        assert set(store.list_files(f"{tree}/sub")) == {
            f"{tree}/sub/c.txt",
            f"{tree}/sub/deeper/d.txt",
        }, "delete_files() of a directory must not delete what is under it (that is rmtree)"

    def test_delete_files_checks_every_path_before_deleting(
        self, store: BaseArtifactStore, tree: str, root: str
    ) -> None:
        for outside in _outside(root):
            with expect_raises(
                PathOutsideStoreError,
                f"delete_files() with {outside!r} (outside the root) in the list must raise",
            ):
                store.delete_files([f"{tree}/a.txt", outside, f"{tree}/b.bin"])
        assert store.exists(f"{tree}/a.txt") and store.exists(f"{tree}/b.bin"), (
            "delete_files() refused for one path outside the root must delete nothing"
        )
        with expect_raises(TypeError, "delete_files() of a single str (not a list) must raise"):
            store.delete_files(f"{tree}/a.txt")
        assert store.exists(f"{tree}/a.txt"), "a refused delete_files() must delete nothing"

    # -- read_bytes ---------------------------------------------------------------------

    def test_read_bytes_reads_ranges(self, store: BaseArtifactStore, root: str) -> None:
        payload = random.Random(11).randbytes(300_000)
        write_bytes(store, f"{root}/r.bin", payload)
        path = f"{root}/r.bin"
        for start, end in [(0, None), (0, 1), (1, 10), (65_536, 200_003), (299_999, None)]:
            assert store.read_bytes(path, start, end) == payload[start:end], (
                f"read_bytes(path, {start}, {end}) must be the file's bytes [{start}:{end}]"
            )
        assert store.read_bytes(path) == payload, "read_bytes(path) must read the whole file"
        assert store.read_bytes(path, end=5) == payload[:5], "read_bytes(): start defaults to 0"
        assert store.read_bytes("r.bin", 2, 4) == payload[2:4], (
            "read_bytes(): a relative path must be taken relative to the store root"
        )

    def test_read_bytes_past_the_end_and_empty_ranges(
        self, store: BaseArtifactStore, root: str
    ) -> None:
        write_bytes(store, f"{root}/short", b"0123456789")
        path = f"{root}/short"
        assert store.read_bytes(path, 5, 1000) == b"56789", (
            "read_bytes(): a range past the end of the file must stop at the end"
        )
        assert store.read_bytes(path, 10) == b"" and store.read_bytes(path, 12, 20) == b"", (
            "read_bytes(): a range that starts at or past the end reads b'', as data[10:] does"
        )
        assert store.read_bytes(path, 4, 4) == b"", "read_bytes(): an empty range reads b''"
        assert store.read_bytes(path, 6, 2) == b"", (
            "read_bytes(): end before start reads b'' (as data[6:2] does), never the whole file"
        )
        with expect_raises(ValueError, "read_bytes() with a negative offset must raise"):
            store.read_bytes(path, -3)

    def test_read_bytes_of_an_empty_file(self, store: BaseArtifactStore, root: str) -> None:
        write_bytes(store, f"{root}/empty", b"")
        assert store.read_bytes(f"{root}/empty") == b"", "read_bytes() of an empty file is b''"

    def test_read_bytes_of_a_missing_file_raises(self, store: BaseArtifactStore, root: str) -> None:
        with expect_raises(FileNotFoundError, "read_bytes() of a missing file must raise"):
            store.read_bytes(f"{root}/ghost", 0, 10)
        with expect_raises(
            FileNotFoundError, "read_bytes() of a missing file must raise, even for an empty range"
        ):
            store.read_bytes(f"{root}/ghost", 3, 3)

    # -- containment --------------------------------------------------------------------

    def test_batch_methods_reject_paths_outside_root(
        self, store: BaseArtifactStore, root: str
    ) -> None:
        for outside in _outside(root):
            with expect_raises(
                PathOutsideStoreError, f"list_files({outside!r}) is outside the root and must raise"
            ):
                store.list_files(outside)
            with expect_raises(
                PathOutsideStoreError, f"read_bytes({outside!r}) is outside the root and must raise"
            ):
                store.read_bytes(outside, 0, 1)
            with expect_raises(
                PathOutsideStoreError,
                f"delete_files([{outside!r}]) is outside the root and must raise",
            ):
                store.delete_files([outside])
