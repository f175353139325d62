"""File operations on any path, dispatched to the store whose root contains it.

Stores are *mounted* here (``mount(store)``), and each call goes to the mounted
store with the longest root containing the path. Dispatch is by store, not by
scheme, so two S3 stores with different credentials work side by side. A path
that no mounted store contains is an error, never a guess.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from cargohold.errors import NoStoreForPathError
from cargohold.paths import PathType, as_text

if TYPE_CHECKING:
    from cargohold.stores.base import BaseArtifactStore

_mounted: list[BaseArtifactStore] = []
_lock = threading.Lock()
_CHUNK = 8 << 20


def mount(store: BaseArtifactStore) -> None:
    """Make ``store`` answer for paths under its root. Mounting twice is a no-op."""
    with _lock:
        if not any(existing is store for existing in _mounted):
            _mounted.append(store)


def unmount(store: BaseArtifactStore) -> None:
    """Stop dispatching to ``store``. Unmounting a store that is not mounted is a no-op."""
    with _lock:
        _mounted[:] = [existing for existing in _mounted if existing is not store]


def mounted_stores() -> tuple[BaseArtifactStore, ...]:
    with _lock:
        return tuple(_mounted)


@contextmanager
def mounted(store: BaseArtifactStore) -> Iterator[BaseArtifactStore]:
    """Mount ``store`` for the duration of a ``with`` block."""
    mount(store)
    try:
        yield store
    finally:
        unmount(store)


def store_for(path: PathType) -> BaseArtifactStore:
    """The mounted store with the longest root containing ``path``.

    Between stores with the same root, the one mounted last wins.
    """
    text = as_text(path)
    best: BaseArtifactStore | None = None
    for store in mounted_stores():
        if store.contains(text) and (best is None or len(store.path) >= len(best.path)):
            best = store
    if best is None:
        roots = ", ".join(s.path for s in mounted_stores()) or "none"
        raise NoStoreForPathError(
            f"no mounted store contains {text!r} (mounted roots: {roots}); "
            "mount one with cargohold.fileio.mount(store)"
        )
    return best


def open(path: PathType, mode: str = "r") -> Any:  # noqa: A001 - mirrors builtins.open
    return store_for(path).open(path, mode)


def exists(path: PathType) -> bool:
    return store_for(path).exists(path)


def isdir(path: PathType) -> bool:
    return store_for(path).isdir(path)


def listdir(path: PathType) -> list[PathType]:
    return store_for(path).listdir(path)


def glob(pattern: PathType) -> list[PathType]:
    return store_for(pattern).glob(pattern)


def walk(
    top: PathType, topdown: bool = True, onerror: Callable[..., None] | None = None
) -> Iterable[tuple[PathType, list[PathType], list[PathType]]]:
    return store_for(top).walk(top, topdown=topdown, onerror=onerror)


def makedirs(path: PathType) -> None:
    store_for(path).makedirs(path)


def mkdir(path: PathType) -> None:
    store_for(path).mkdir(path)


def remove(path: PathType) -> None:
    store_for(path).remove(path)


def rmtree(path: PathType) -> None:
    store_for(path).rmtree(path)


def stat(path: PathType) -> Any:
    return store_for(path).stat(path)


def size(path: PathType) -> int | None:
    return store_for(path).size(path)


def copy(src: PathType, dst: PathType, overwrite: bool = False) -> None:
    """Copy a file; between two stores the bytes stream through this process in chunks."""
    source, target = store_for(src), store_for(dst)
    if source is target:
        source.copyfile(src, dst, overwrite=overwrite)
        return
    if not overwrite and target.exists(dst):
        raise FileExistsError(f"destination {as_text(dst)} exists; pass overwrite=True")
    with source.open(src, "rb") as reader, target.open(dst, "wb") as writer:
        shutil.copyfileobj(reader, writer, _CHUNK)


def rename(src: PathType, dst: PathType, overwrite: bool = False) -> None:
    """Move a file; between two stores it is a copy, then a removal of the source."""
    source, target = store_for(src), store_for(dst)
    if source is target:
        source.rename(src, dst, overwrite=overwrite)
        return
    copy(src, dst, overwrite=overwrite)
    source.remove(src)


copyfile = copy

__all__ = [
    "copy",
    "copyfile",
    "exists",
    "glob",
    "isdir",
    "listdir",
    "makedirs",
    "mkdir",
    "mount",
    "mounted",
    "mounted_stores",
    "open",
    "remove",
    "rename",
    "rmtree",
    "size",
    "stat",
    "store_for",
    "unmount",
    "walk",
]
