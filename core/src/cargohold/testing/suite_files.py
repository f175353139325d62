"""Conformance tests for file operations: open, copyfile, rename, remove, stat, size."""

from __future__ import annotations

import random
from typing import Any

import pytest

from cargohold.errors import UnsupportedOperationError
from cargohold.stores.base import BaseArtifactStore
from cargohold.testing.helpers import expect_raises, read_bytes, write_bytes
from cargohold.testing.suite_base import ConformanceBase


class _Boom(Exception):
    """Raised inside a ``with`` block to interrupt a write."""


class OpenTests(ConformanceBase):
    """``open`` in every mode, with empty, large and interrupted writes."""

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
        with store.open(f"{root}/text.txt") as handle:
            assert handle.read() == text, "open(): the default mode must be 'r' (text)"
        assert read_bytes(store, f"{root}/text.txt") == text.encode("utf-8"), (
            "open(): text mode must encode as UTF-8"
        )

    def test_open_missing_file_for_reading_raises(
        self, store: BaseArtifactStore, root: str
    ) -> None:
        for mode in ("rb", "r"):
            with expect_raises(
                FileNotFoundError, f"open(mode={mode!r}) of a missing file must raise"
            ):
                store.open(f"{root}/missing.bin", mode)

    def test_open_write_replaces_existing_content(
        self, store: BaseArtifactStore, root: str
    ) -> None:
        write_bytes(store, f"{root}/f.bin", b"a long first version")
        write_bytes(store, f"{root}/f.bin", b"short")
        assert read_bytes(store, f"{root}/f.bin") == b"short", "open('wb') must replace, not patch"

    def test_open_empty_file(self, store: BaseArtifactStore, root: str) -> None:
        write_bytes(store, f"{root}/empty", b"")
        assert store.exists(f"{root}/empty"), "open('wb'): an empty write must create the file"
        assert read_bytes(store, f"{root}/empty") == b"", "open('rb'): an empty file reads b''"
        assert store.size(f"{root}/empty") == 0, "size(): an empty file has size 0"

    def test_empty_file_is_listed_copied_and_walked(
        self, store: BaseArtifactStore, root: str
    ) -> None:
        write_bytes(store, f"{root}/e/empty", b"")
        assert store.listdir(f"{root}/e") == ["empty"], "listdir(): an empty file is an entry"
        assert not store.isdir(f"{root}/e/empty"), "isdir(): an empty file is not a directory"
        store.copyfile(f"{root}/e/empty", f"{root}/e/empty2")
        assert read_bytes(store, f"{root}/e/empty2") == b"", "copyfile(): an empty file copies"
        ((_, _, files),) = list(store.walk(f"{root}/e"))
        assert sorted(map(str, files)) == ["empty", "empty2"], (
            f"walk(): empty files are files, got {files!r}"
        )

    def test_open_large_file_round_trip(
        self, store: BaseArtifactStore, root: str, request: pytest.FixtureRequest
    ) -> None:
        payload = random.Random(7).randbytes(self.large_size(request))
        with store.open(f"{root}/large.bin", "wb") as handle:
            for start in range(0, len(payload), 1 << 20):
                handle.write(payload[start : start + (1 << 20)])
        assert store.size(f"{root}/large.bin") == len(payload), (
            "size(): a large file must report every byte written"
        )
        assert read_bytes(store, f"{root}/large.bin") == payload, (
            "open(): large file must round-trip"
        )
        store.copyfile(f"{root}/large.bin", f"{root}/large-copy.bin")
        assert read_bytes(store, f"{root}/large-copy.bin") == payload, (
            "copyfile(): a large file must copy whole"
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
        for mode in ("xb", "x"):
            with expect_raises(
                FileExistsError, f"open(mode={mode!r}) of an existing file must raise"
            ):
                store.open(f"{root}/once.bin", mode)
        assert read_bytes(store, f"{root}/once.bin") == b"1", "a refused open('x') must not write"
        with store.open(f"{root}/new.bin", "xb") as handle:
            handle.write(b"2")
        with store.open(f"{root}/new.txt", "x") as handle:
            handle.write("3")
        assert read_bytes(store, f"{root}/new.bin") == b"2", "open('xb') must create a new file"
        assert read_bytes(store, f"{root}/new.txt") == b"3", "open('x') must create a new file"

    def test_open_append(self, store: BaseArtifactStore, root: str) -> None:
        write_bytes(store, f"{root}/log.txt", b"one\n")
        if not self.supports_append:
            with expect_raises(
                UnsupportedOperationError,
                "open('ab') must be refused when supports_append = False",
            ):
                store.open(f"{root}/log.txt", "ab")
            assert read_bytes(store, f"{root}/log.txt") == b"one\n", "refused append must not write"
            return
        with store.open(f"{root}/log.txt", "ab") as handle:
            handle.write(b"two\n")
        assert read_bytes(store, f"{root}/log.txt") == b"one\ntwo\n", "open('ab') must append"

    def test_open_text_append(self, store: BaseArtifactStore, root: str) -> None:
        if not self.supports_append:
            self.skip_for("supports_append", False, "the backend cannot append")
        with store.open(f"{root}/notes.txt", "a") as handle:
            handle.write("première\n")
        with store.open(f"{root}/notes.txt", "a") as handle:
            handle.write("deuxième\n")
        with store.open(f"{root}/notes.txt", "r") as handle:
            assert handle.read() == "première\ndeuxième\n", (
                "open('a') must create a missing file, then append UTF-8 text"
            )

    def test_open_rejects_unknown_mode(self, store: BaseArtifactStore, root: str) -> None:
        with expect_raises(ValueError, "open(mode='rw+') must refuse an unknown mode"):
            store.open(f"{root}/f", "rw+")


class CopyAndRenameTests(ConformanceBase):
    """``copyfile`` and ``rename``: what they move and when they refuse."""

    def test_copyfile_copies(self, store: BaseArtifactStore, tree: str) -> None:
        store.copyfile(f"{tree}/a.txt", f"{tree}/copy/a2.txt")
        assert read_bytes(store, f"{tree}/copy/a2.txt") == b"alpha", (
            "copyfile() must copy the bytes"
        )
        assert read_bytes(store, f"{tree}/a.txt") == b"alpha", "copyfile() must keep the source"

    def test_copyfile_refuses_to_overwrite_by_default(
        self, store: BaseArtifactStore, tree: str
    ) -> None:
        with expect_raises(
            FileExistsError, "copyfile() onto an existing file without overwrite=True must raise"
        ):
            store.copyfile(f"{tree}/a.txt", f"{tree}/b.bin")
        assert read_bytes(store, f"{tree}/b.bin") == b"\x00\x01\x02", (
            "copyfile(overwrite=False) must leave an existing destination alone"
        )
        store.copyfile(f"{tree}/a.txt", f"{tree}/b.bin", overwrite=True)
        assert read_bytes(store, f"{tree}/b.bin") == b"alpha", (
            "copyfile(overwrite=True) must replace"
        )

    def test_copyfile_missing_source_raises(self, store: BaseArtifactStore, tree: str) -> None:
        with expect_raises(FileNotFoundError, "copyfile() of a missing source must raise"):
            store.copyfile(f"{tree}/ghost", f"{tree}/g2")
        assert not store.exists(f"{tree}/g2"), "a failed copyfile() must create nothing"

    def test_copyfile_refuses_directories(self, store: BaseArtifactStore, tree: str) -> None:
        with expect_raises(IsADirectoryError, "copyfile() of a directory source must raise"):
            store.copyfile(f"{tree}/sub", f"{tree}/sub2")
        with expect_raises(
            IsADirectoryError, "copyfile() onto a directory must raise, even with overwrite=True"
        ):
            store.copyfile(f"{tree}/a.txt", f"{tree}/sub", overwrite=True)
        assert read_bytes(store, f"{tree}/sub/c.txt") == b"charlie", (
            "a refused copyfile() must leave the destination directory alone"
        )

    def test_rename_moves_file(self, store: BaseArtifactStore, tree: str) -> None:
        store.rename(f"{tree}/a.txt", f"{tree}/moved/a.txt")
        assert not store.exists(f"{tree}/a.txt"), "rename() must remove the source"
        assert read_bytes(store, f"{tree}/moved/a.txt") == b"alpha", "rename() must keep the bytes"

    def test_rename_refuses_to_overwrite_by_default(
        self, store: BaseArtifactStore, tree: str
    ) -> None:
        with expect_raises(
            FileExistsError, "rename() onto an existing file without overwrite=True must raise"
        ):
            store.rename(f"{tree}/a.txt", f"{tree}/b.bin")
        assert read_bytes(store, f"{tree}/a.txt") == b"alpha", "a refused rename() keeps the source"
        assert read_bytes(store, f"{tree}/b.bin") == b"\x00\x01\x02", (
            "rename(overwrite=False) must leave an existing destination alone"
        )
        store.rename(f"{tree}/a.txt", f"{tree}/b.bin", overwrite=True)
        assert read_bytes(store, f"{tree}/b.bin") == b"alpha", "rename(overwrite=True) must replace"
        assert not store.exists(f"{tree}/a.txt"), "rename(overwrite=True) must remove the source"

    def test_rename_missing_source_raises(self, store: BaseArtifactStore, tree: str) -> None:
        with expect_raises(FileNotFoundError, "rename() of a missing source must raise"):
            store.rename(f"{tree}/ghost", f"{tree}/g2")

    def test_rename_directory_moves_the_tree(self, store: BaseArtifactStore, tree: str) -> None:
        store.rename(f"{tree}/sub", f"{tree}/renamed")
        assert read_bytes(store, f"{tree}/renamed/deeper/d.txt") == b"delta!", (
            "rename() of a directory must move everything under it"
        )
        assert not store.exists(f"{tree}/sub/c.txt"), "rename() of a directory must empty it"

    def test_rename_directory_never_replaces(self, store: BaseArtifactStore, tree: str) -> None:
        with expect_raises(
            FileExistsError, "rename() of a directory onto a file must raise, even with overwrite"
        ):
            store.rename(f"{tree}/sub", f"{tree}/a.txt", overwrite=True)
        with expect_raises(
            IsADirectoryError, "rename() onto an existing directory must raise, even with overwrite"
        ):
            store.rename(f"{tree}/b.bin", f"{tree}/sub", overwrite=True)
        assert read_bytes(store, f"{tree}/a.txt") == b"alpha", "a refused rename() keeps the file"
        assert read_bytes(store, f"{tree}/sub/c.txt") == b"charlie", (
            "a refused rename() keeps the directory"
        )

    def test_rename_into_itself_or_onto_itself(self, store: BaseArtifactStore, tree: str) -> None:
        with expect_raises(ValueError, "rename() of a directory into itself must raise"):
            store.rename(f"{tree}/sub", f"{tree}/sub/inner")
        store.rename(f"{tree}/a.txt", f"{tree}/a.txt")
        assert read_bytes(store, f"{tree}/a.txt") == b"alpha", "rename(p, p) must change nothing"


class RemoveAndInfoTests(ConformanceBase):
    """``remove``, ``stat`` and ``size``."""

    def test_remove_file(self, store: BaseArtifactStore, tree: str) -> None:
        store.remove(f"{tree}/a.txt")
        assert not store.exists(f"{tree}/a.txt"), "remove() must delete the file"
        assert store.exists(f"{tree}/b.bin"), "remove() must not touch siblings"

    def test_remove_missing_raises(self, store: BaseArtifactStore, root: str) -> None:
        with expect_raises(FileNotFoundError, "remove() of a missing file must raise"):
            store.remove(f"{root}/ghost")

    def test_remove_directory_raises(self, store: BaseArtifactStore, tree: str) -> None:
        with expect_raises(IsADirectoryError, "remove() of a directory must raise (use rmtree)"):
            store.remove(f"{tree}/sub")
        assert store.exists(f"{tree}/sub/c.txt"), "a refused remove() must delete nothing"

    def test_stat_reports_size_and_type(self, store: BaseArtifactStore, tree: str) -> None:
        info: Any = store.stat(f"{tree}/a.txt")
        size = info["size"] if isinstance(info, dict) else info.st_size
        assert size == 5, f"stat() of a 5-byte file must report size 5, got {size!r}"
        if isinstance(info, dict):
            assert info.get("type") == "file", f"stat() of a file must say type 'file': {info!r}"
            directory = store.stat(f"{tree}/sub")
            assert directory.get("type") == "directory", (
                f"stat() of a directory must say type 'directory', got {directory!r}"
            )

    def test_stat_missing_raises(self, store: BaseArtifactStore, root: str) -> None:
        with expect_raises(FileNotFoundError, "stat() of a missing path must raise"):
            store.stat(f"{root}/ghost")

    def test_size_of_file_and_directory(self, store: BaseArtifactStore, tree: str) -> None:
        assert store.size(f"{tree}/a.txt") == 5, "size() of a 5-byte file must be 5"
        assert store.size(f"{tree}/sub") == len(b"charlie") + len(b"delta!"), (
            "size() of a directory is the total size of the files under it"
        )

    def test_size_missing_raises(self, store: BaseArtifactStore, root: str) -> None:
        with expect_raises(FileNotFoundError, "size() of a missing path must raise"):
            store.size(f"{root}/ghost")
