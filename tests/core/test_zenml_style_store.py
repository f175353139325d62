"""A third-party store written against the ZenML interface alone gets the batch
operations from ``BaseArtifactStore``, and `artifact-store copy`'s engine works with
it in either direction (``FolderStore`` is in ``tests/core/zenml_store.py``).
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cargohold.errors import CargoholdError, PathOutsideStoreError
from cargohold.paths import PathType
from cargohold.stores.base import BaseArtifactStore, ListedFile
from cargohold.stores.builtin_flavors import LocalArtifactStoreConfig
from cargohold.stores.local import LocalArtifactStore
from cargohold.testing.suite_batch import BatchTests
from cargohold.transfer import copy_files
from tests.core.zenml_store import FILES, FolderStore, folder_store, plan, saved_version


class _Padded:
    """A write handle that adds a byte when it closes, as a buggy backend might."""

    def __init__(self, handle: Any) -> None:
        self._handle = handle

    def __enter__(self) -> _Padded:
        return self

    def __exit__(self, *exc: object) -> None:
        self._handle.write(b"!")
        self._handle.close()

    def write(self, data: bytes) -> int:
        return int(self._handle.write(data))


class PaddingFolderStore(FolderStore):
    def open(self, path: PathType, mode: str = "r") -> Any:
        handle = super().open(path, mode)
        return _Padded(handle) if "w" in mode else handle


def local_store(path: Path) -> LocalArtifactStore:
    return LocalArtifactStore(LocalArtifactStoreConfig(path=str(path)), name=path.name)


class TestFolderStoreBatchDefaults(BatchTests):
    """The conformance kit's batch tests, passed by the defaults alone."""

    @pytest.fixture
    def store(self, tmp_path: Path) -> BaseArtifactStore:
        return folder_store(tmp_path / "root")


def test_the_folder_store_overrides_no_batch_method() -> None:
    for name in ("list_files", "delete_files", "read_bytes"):
        assert name not in vars(FolderStore)
        assert getattr(FolderStore, name) is getattr(BaseArtifactStore, name)


def test_the_defaults_over_the_folder(tmp_path: Path) -> None:
    store = folder_store(tmp_path / "root")
    for name, data in FILES.items():
        with store.open(f"{store.path}/v/{name}", "wb") as handle:
            handle.write(data)
    assert store.list_files("v") == {
        f"{store.path}/v/{name}": ListedFile(len(data), None) for name, data in FILES.items()
    }
    assert store.read_bytes("v/a.bin", 4995, 6000) == b"alpha"
    store.delete_files(["v/a.bin", f"{store.path}/v/nested/b.txt", "v/never-was"])
    assert sorted(store.list_files("v")) == [f"{store.path}/v/d", f"{store.path}/v/nested/deeper/c"]
    with pytest.raises(PathOutsideStoreError):
        store.delete_files(["v/d", f"{tmp_path}/elsewhere"])
    assert (tmp_path / "root" / "v" / "d").exists()


# -- the copy engine ------------------------------------------------------------------


def copied(target: BaseArtifactStore) -> dict[str, bytes]:
    top = f"{target.path}/copied/shards/1"
    return {path[len(top) + 1 :]: target.read_bytes(path) for path in target.list_files(top)}


MakeStore = Callable[[Path], BaseArtifactStore]
STORE_PAIRS: dict[str, tuple[MakeStore, MakeStore]] = {
    "folder-to-local": (folder_store, local_store),
    "local-to-folder": (local_store, folder_store),
    "folder-to-folder": (folder_store, folder_store),
}


@pytest.fixture(params=sorted(STORE_PAIRS))
def stores(
    request: pytest.FixtureRequest, tmp_path: Path
) -> tuple[BaseArtifactStore, BaseArtifactStore]:
    make_source, make_target = STORE_PAIRS[request.param]
    return make_source(tmp_path / "source"), make_target(tmp_path / "target")


def test_a_copy_to_and_from_the_folder_store(
    stores: tuple[BaseArtifactStore, BaseArtifactStore],
) -> None:
    source, target = stores
    version = saved_version(source)
    report = copy_files(plan(source, target, version), workers=3)
    assert (report.files, report.copied, report.skipped) == (len(FILES), len(FILES), 0)
    assert copied(target) == FILES

    # A rerun finds every file in place: the default listing and ranged reads vouch.
    again = copy_files(plan(source, target, version))
    assert (again.copied, again.skipped) == (0, len(FILES))


def test_a_changed_destination_file_stops_the_copy(
    stores: tuple[BaseArtifactStore, BaseArtifactStore],
) -> None:
    source, target = stores
    version = saved_version(source)
    copy_files(plan(source, target, version))
    with target.open(f"{target.path}/copied/shards/1/d", "wb") as handle:
        handle.write(b"e")
    with pytest.raises(CargoholdError, match=r"exists in store .* with other content"):
        copy_files(plan(source, target, version))


def test_a_destination_that_alters_what_it_stores_is_caught(tmp_path: Path) -> None:
    source = local_store(tmp_path / "source")
    padding = folder_store(tmp_path / "target", PaddingFolderStore)
    version = saved_version(source)
    # Each copy reads back one byte longer than sent; the read-back must see that byte.
    with pytest.raises(CargoholdError, match=f"{len(FILES)} of {len(FILES)} files read back"):
        copy_files(plan(source, padding, version))
    assert padding.list_files(f"{padding.path}/copied") == {}, "bad copies must be removed"
    good = folder_store(tmp_path / "target")
    assert copy_files(plan(source, good, version)).copied == len(FILES)


def test_the_copy_engine_asks_no_store_for_its_class(tmp_path: Path) -> None:
    # With neither end an fsspec store, a copy imports no fsspec code, not even
    # cargohold's fsspec store to compare a store's class with.
    probe = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path

        from cargohold.transfer import copy_files
        from tests.core.zenml_store import FILES, folder_store, plan, saved_version

        source = folder_store(Path({str(tmp_path / "source")!r}))
        target = folder_store(Path({str(tmp_path / "target")!r}))
        report = copy_files(plan(source, target, saved_version(source)))
        assert report.copied == len(FILES), report
        print(sorted(name for name in sys.modules if "fsspec" in name))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[2],  # where `tests` is importable from
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
