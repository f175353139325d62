"""The built-in stores pass the conformance suite, plus local-only guarantees."""

from __future__ import annotations

import errno
import os
import stat
import subprocess
import sys

import pytest

from cargohold.errors import PathOutsideStoreError, UnsupportedOperationError
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


# -- create_new: a hard link from a finished temporary file ----------------------------


def test_create_new_leaves_one_file_with_the_usual_permissions(tmp_path) -> None:
    store = local_store(str(tmp_path / "root"))
    store.create_new("claims/1.claim", b"claim")
    with pytest.raises(FileExistsError, match=r"claims/1\.claim already exists"):
        store.create_new("claims/1.claim", b"another claim")
    created = tmp_path / "root" / "claims" / "1.claim"
    assert created.read_bytes() == b"claim"
    assert os.listdir(created.parent) == ["1.claim"], "no temporary file may be left behind"
    assert os.stat(created).st_nlink == 1, "the temporary name must be unlinked"
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(os.stat(created).st_mode) == 0o666 & ~umask


def test_create_new_refuses_a_directory(tmp_path) -> None:
    store = local_store(str(tmp_path / "root"))
    (tmp_path / "root" / "d").mkdir(parents=True)
    with pytest.raises(FileExistsError):
        store.create_new("d", b"x")
    assert os.listdir(tmp_path / "root") == ["d"]


def test_create_new_refuses_a_name_taken_after_the_first_check(tmp_path, monkeypatch) -> None:
    # Another writer takes the name between the store's shortcut check and its link:
    # the link itself must refuse.
    store = local_store(str(tmp_path / "root"))
    target = tmp_path / "root" / "1.claim"
    link = os.link

    def taken_first(source: str, destination: str) -> None:
        target.write_bytes(b"the other writer's")
        link(source, destination)

    monkeypatch.setattr(os, "link", taken_first)
    with pytest.raises(FileExistsError, match=r"1\.claim already exists"):
        store.create_new("1.claim", b"mine")
    assert target.read_bytes() == b"the other writer's"
    assert os.listdir(tmp_path / "root") == ["1.claim"]


def test_create_new_without_hard_links_says_so_and_leaves_nothing(tmp_path, monkeypatch) -> None:
    store = local_store(str(tmp_path / "root"))

    def no_hard_links(source: str, destination: str) -> None:
        raise PermissionError(errno.EPERM, "Operation not permitted", source, None, destination)

    monkeypatch.setattr(os, "link", no_hard_links)
    with pytest.raises(UnsupportedOperationError) as raised:
        store.create_new("1.claim", b"mine")
    message = str(raised.value)
    assert "\n" not in message and "has no hard links" in message
    assert os.listdir(tmp_path / "root") == []


CREATOR = """
import os, sys, time
from cargohold.stores.builtin_flavors import LocalArtifactStoreConfig
from cargohold.stores.local import LocalArtifactStore

store = LocalArtifactStore(LocalArtifactStoreConfig(path=sys.argv[1]))
store.exists(sys.argv[1])  # the filesystem is built before the start
print("ready", flush=True)
while not os.path.exists(sys.argv[2]):
    time.sleep(0.001)
try:
    store.create_new("race.claim", sys.argv[3].encode())
except FileExistsError:
    print("exists")
else:
    print("created")
"""


def test_create_new_has_one_winner_among_processes(tmp_path) -> None:
    root, go = tmp_path / "root", tmp_path / "go"
    creators = [
        subprocess.Popen(
            [sys.executable, "-c", CREATOR, str(root), str(go), f"process {n}"],
            stdout=subprocess.PIPE,
            text=True,
        )
        for n in range(8)
    ]
    for creator in creators:
        assert creator.stdout is not None
        assert creator.stdout.readline().strip() == "ready"
    go.touch()  # every process is at the start line: they create at once
    answers = [creator.communicate(timeout=60)[0].strip() for creator in creators]
    assert sorted(answers) == ["created"] + ["exists"] * 7, answers
    winner = answers.index("created")
    assert (root / "race.claim").read_bytes() == f"process {winner}".encode()
    assert os.listdir(root) == ["race.claim"]
