"""fileio dispatches each path to the mounted store that owns it."""

from __future__ import annotations

import pytest

from cargohold import fileio
from cargohold.errors import NoStoreForPathError
from cargohold.stores.builtin_flavors import (
    LocalArtifactStoreConfig,
    LocalArtifactStoreFlavor,
    MemoryArtifactStoreConfig,
    MemoryArtifactStoreFlavor,
)


def local(path) -> object:
    return LocalArtifactStoreFlavor().create_store(LocalArtifactStoreConfig(path=str(path)))


def memory(path: str) -> object:
    return MemoryArtifactStoreFlavor().create_store(MemoryArtifactStoreConfig(path=path))


@pytest.fixture(autouse=True)
def _no_leftover_mounts():
    yield
    for store in fileio.mounted_stores():
        fileio.unmount(store)


def test_longest_root_wins(tmp_path) -> None:
    outer, inner = local(tmp_path / "data"), local(tmp_path / "data" / "inner")
    fileio.mount(outer)
    fileio.mount(inner)
    assert fileio.store_for(str(tmp_path / "data" / "inner" / "x")) is inner
    assert fileio.store_for(str(tmp_path / "data" / "other")) is outer
    assert fileio.store_for(str(tmp_path / "data" / "inner2" / "x")) is outer


def test_two_stores_of_one_scheme_keep_their_own_roots(tmp_path) -> None:
    first, second = memory("memory://bucket-a"), memory("memory://bucket-b")
    with fileio.mounted(first), fileio.mounted(second):
        with fileio.open("memory://bucket-a/f.txt", "w") as handle:
            handle.write("a")
        with fileio.open("memory://bucket-b/f.txt", "w") as handle:
            handle.write("b")
        assert fileio.store_for("memory://bucket-a/f.txt") is first
        assert fileio.store_for("memory://bucket-b/f.txt") is second
        with fileio.open("memory://bucket-a/f.txt") as handle:
            assert handle.read() == "a"
        fileio.rmtree("memory://bucket-a")
        fileio.rmtree("memory://bucket-b")


def test_unowned_path_is_a_clear_error(tmp_path) -> None:
    fileio.mount(local(tmp_path / "data"))
    with pytest.raises(NoStoreForPathError, match="no mounted store contains"):
        fileio.exists(str(tmp_path / "elsewhere"))
    with pytest.raises(NoStoreForPathError):
        fileio.open("s3://bucket/key")


def test_every_operation_dispatches(tmp_path) -> None:
    store = local(tmp_path / "data")
    root = store.path
    with fileio.mounted(store):
        fileio.makedirs(f"{root}/d")
        with fileio.open(f"{root}/d/a.txt", "w") as handle:
            handle.write("hello")
        assert fileio.exists(f"{root}/d/a.txt") and fileio.isdir(f"{root}/d")
        assert fileio.listdir(f"{root}/d") == ["a.txt"]
        assert fileio.glob(f"{root}/d/*.txt") == [f"{root}/d/a.txt"]
        assert fileio.size(f"{root}/d/a.txt") == 5
        assert fileio.stat(f"{root}/d/a.txt")["size"] == 5
        fileio.copy(f"{root}/d/a.txt", f"{root}/d/b.txt")
        fileio.rename(f"{root}/d/b.txt", f"{root}/d/c.txt")
        assert sorted(fileio.listdir(f"{root}/d")) == ["a.txt", "c.txt"]
        assert [d for d, _, _ in fileio.walk(root)] == [root, f"{root}/d"]
        fileio.mkdir(f"{root}/e")
        fileio.remove(f"{root}/d/c.txt")
        fileio.rmtree(f"{root}/d")
        assert fileio.listdir(root) == ["e"]


def test_copy_and_rename_between_stores(tmp_path) -> None:
    disk, ram = local(tmp_path / "disk"), memory("memory://between")
    with fileio.mounted(disk), fileio.mounted(ram):
        with fileio.open(f"{disk.path}/model.bin", "wb") as handle:
            handle.write(b"\x00" * 10_000)
        fileio.copy(f"{disk.path}/model.bin", "memory://between/model.bin")
        with pytest.raises(FileExistsError):
            fileio.copy(f"{disk.path}/model.bin", "memory://between/model.bin")
        fileio.rename("memory://between/model.bin", f"{disk.path}/back.bin")
        assert not fileio.exists("memory://between/model.bin")
        assert fileio.size(f"{disk.path}/back.bin") == 10_000
