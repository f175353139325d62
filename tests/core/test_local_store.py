"""The built-in stores pass the conformance suite, plus local-only guarantees."""

from __future__ import annotations

import os
import stat

import pytest

from cargohold.errors import PathOutsideStoreError
from cargohold.stores.base import BaseArtifactStore
from cargohold.stores.builtin_flavors import (
    LocalArtifactStoreConfig,
    LocalArtifactStoreFlavor,
    MemoryArtifactStoreConfig,
    MemoryArtifactStoreFlavor,
)
from cargohold.testing import ArtifactStoreConformance


def local_store(path: str) -> BaseArtifactStore:
    return LocalArtifactStoreFlavor().create_store(LocalArtifactStoreConfig(path=path))


class TestLocalStoreConformance(ArtifactStoreConformance):
    @pytest.fixture
    def store(self, tmp_path) -> BaseArtifactStore:
        return local_store(str(tmp_path / "root"))


class TestMemoryStoreConformance(ArtifactStoreConformance):
    supports_empty_dirs = True

    @pytest.fixture
    def store(self, request) -> BaseArtifactStore:
        root = f"memory://conformance/{request.node.name}"
        store = MemoryArtifactStoreFlavor().create_store(MemoryArtifactStoreConfig(path=root))
        yield store
        if store.exists(root):
            store.rmtree(root)


def test_outside_write_touches_nothing(tmp_path) -> None:
    store = local_store(str(tmp_path / "root"))
    with pytest.raises(PathOutsideStoreError):
        store.open(str(tmp_path / "root2" / "f"), "wb")
    with pytest.raises(PathOutsideStoreError):
        store.makedirs(str(tmp_path / "root" / ".." / "elsewhere"))
    assert sorted(os.listdir(tmp_path)) == [], "nothing may be created outside (or at) the root"


def test_write_is_invisible_until_closed(tmp_path) -> None:
    store = local_store(str(tmp_path / "root"))
    target = tmp_path / "root" / "model.bin"
    handle = store.open(str(target), "wb")
    handle.write(b"x" * 4096)
    handle.flush()
    assert not target.exists(), "a reader must never see a half-written file"
    handle.close()
    assert target.read_bytes() == b"x" * 4096


def test_failed_write_leaves_no_temporary_file(tmp_path) -> None:
    store = local_store(str(tmp_path / "root"))
    with pytest.raises(RuntimeError), store.open(str(tmp_path / "root" / "f.bin"), "wb") as f:
        f.write(b"abc")
        raise RuntimeError("interrupted")
    assert os.listdir(tmp_path / "root") == []


def test_written_files_get_the_usual_permissions(tmp_path) -> None:
    store = local_store(str(tmp_path / "root"))
    with store.open(str(tmp_path / "root" / "f.txt"), "w") as handle:
        handle.write("x")
    mode = stat.S_IMODE(os.stat(tmp_path / "root" / "f.txt").st_mode)
    umask = os.umask(0)
    os.umask(umask)
    assert mode == 0o666 & ~umask, f"expected {oct(0o666 & ~umask)}, got {oct(mode)}"


def test_default_root_is_under_the_config_dir(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("CARGOHOLD_CONFIG_DIR", str(tmp_path / "cfg"))
    config = LocalArtifactStoreConfig()
    assert config.path == str(tmp_path / "cfg" / "local_stores" / "default")


def test_relative_root_is_made_absolute(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert LocalArtifactStoreConfig(path="data").path == str(tmp_path / "data")


def test_file_scheme_paths_are_the_same_files(tmp_path) -> None:
    store = local_store(str(tmp_path / "root"))
    with store.open(f"file://{tmp_path}/root/a.txt", "w") as handle:
        handle.write("via file://")
    assert (tmp_path / "root" / "a.txt").read_text() == "via file://"


def test_writing_over_a_directory_is_refused(tmp_path) -> None:
    store = local_store(str(tmp_path / "root"))
    (tmp_path / "root" / "d").mkdir(parents=True)
    with pytest.raises(IsADirectoryError):
        store.open(str(tmp_path / "root" / "d"), "wb")
    assert os.listdir(tmp_path / "root") == ["d"]
