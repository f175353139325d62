"""``FolderStore``: a third-party store written against the ZenML interface alone.

It implements the 13 ZenML methods (and ``size``) over a local folder with ``os`` and
``shutil``, the way a ZenML flavor does, and nothing else: no ``list_files``,
``delete_files``, ``read_bytes`` or ``create_new`` of its own, so it cannot create a
file atomically. It imports only the interface, so a test can check what else a copy
through it imports. ``FolderFlavor`` registers it, and this module is a plugin
(``cargohold_flavors``) for tests that install it through an entry point.
"""

from __future__ import annotations

import builtins
import glob
import hashlib
import os
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, ClassVar

from cargohold.artifacts.versions import ArtifactVersion, FileEntry
from cargohold.hookspecs import hookimpl
from cargohold.paths import PathType
from cargohold.stores.base import (
    BaseArtifactStore,
    BaseArtifactStoreConfig,
    BaseArtifactStoreFlavor,
)
from cargohold.transfer import CopyPlan

FILES = {"a.bin": b"alpha" * 1000, "nested/b.txt": b"bravo", "nested/deeper/c": b"", "d": b"d"}


class FolderConfig(BaseArtifactStoreConfig):
    SUPPORTED_SCHEMES: ClassVar[set[str]] = {""}


class FolderStore(BaseArtifactStore):
    """The ZenML methods over a folder; paths arrive resolved against the root."""

    def open(self, path: PathType, mode: str = "r") -> Any:
        if any(flag in mode for flag in "wax"):
            os.makedirs(os.path.dirname(path), exist_ok=True)
        return builtins.open(path, mode)

    def copyfile(self, src: PathType, dst: PathType, overwrite: bool = False) -> None:
        if not overwrite and os.path.exists(dst):
            raise FileExistsError(dst)
        shutil.copyfile(src, dst)

    def exists(self, path: PathType) -> bool:
        return os.path.exists(path)

    def glob(self, pattern: PathType) -> list[PathType]:
        return list(glob.glob(os.fsdecode(pattern)))

    def isdir(self, path: PathType) -> bool:
        return os.path.isdir(path)

    def listdir(self, path: PathType) -> list[PathType]:
        return list(os.listdir(os.fsdecode(path)))

    def makedirs(self, path: PathType) -> None:
        os.makedirs(path, exist_ok=True)

    def mkdir(self, path: PathType) -> None:
        os.mkdir(path)

    def remove(self, path: PathType) -> None:
        os.remove(path)

    def rename(self, src: PathType, dst: PathType, overwrite: bool = False) -> None:
        if not overwrite and os.path.exists(dst):
            raise FileExistsError(dst)
        os.replace(src, dst)

    def rmtree(self, path: PathType) -> None:
        shutil.rmtree(path)

    def stat(self, path: PathType) -> Any:
        return os.stat(path)

    def size(self, path: PathType) -> int | None:
        return os.path.getsize(path)

    def walk(
        self,
        top: PathType,
        topdown: bool = True,
        onerror: Callable[..., None] | None = None,
    ) -> Iterable[tuple[PathType, list[PathType], list[PathType]]]:
        return os.walk(os.fsdecode(top), topdown, onerror)  # type: ignore[return-value]


class FolderFlavor(BaseArtifactStoreFlavor):
    name = "folder"
    implementation = "tests.core.zenml_store:FolderStore"

    @property
    def config_class(self) -> type[FolderConfig]:
        return FolderConfig


@hookimpl
def cargohold_flavors(register: Callable[[type[Any]], None]) -> None:
    register(FolderFlavor)


def folder_store(path: Path, kind: type[FolderStore] = FolderStore) -> FolderStore:
    return kind(FolderConfig(path=str(path)), name=path.name)


def saved_version(store: BaseArtifactStore, name: str = "shards") -> ArtifactVersion:
    """``FILES`` written under the store as version 1 of ``name``, recorded as a save would."""
    uri = f"{store.path}/artifacts/{name}/1"
    entries = []
    for relative, data in FILES.items():
        with store.open(f"{uri}/{relative}", "wb") as handle:
            handle.write(data)
        entries.append(FileEntry(relative, len(data), hashlib.sha256(data).hexdigest()))
    return ArtifactVersion(
        name=name,
        version=1,
        uri=uri,
        type="path",
        size=sum(len(data) for data in FILES.values()),
        checksum="",
        created="",
        store=store.name,
        files=tuple(entries),
    )


def plan(
    source: BaseArtifactStore, target: BaseArtifactStore, version: ArtifactVersion
) -> CopyPlan:
    """Copy ``version`` to ``<target root>/copied/<name>/<version>``."""
    return CopyPlan(
        source, target, [version], lambda v: f"{target.path}/copied/{v.name}/{v.version}"
    )
