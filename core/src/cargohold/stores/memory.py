"""The ``memory`` store: fsspec's in-process memory filesystem, for fast tests."""

from __future__ import annotations

import functools
import threading
from typing import TYPE_CHECKING

from cargohold.paths import PathType
from cargohold.stores.base import already_exists
from cargohold.stores.fsspec import BufferedUpload, FsspecArtifactStore

if TYPE_CHECKING:
    from fsspec import AbstractFileSystem

# Every memory store in the process shares one filesystem, and no other process sees
# it: one lock around create_new's check and write makes it atomic for all of them.
_CREATE_LOCK = threading.Lock()


class MemoryArtifactStore(FsspecArtifactStore):
    """Artifacts in process memory; gone when the process ends."""

    HAS_DIRECTORIES = True
    ATOMIC_CREATE = True

    def _create_filesystem(self) -> AbstractFileSystem:
        from fsspec.implementations.memory import MemoryFileSystem

        return MemoryFileSystem()

    def _open_writer(self, path: str, mode: str) -> BufferedUpload:
        # fsspec's memory file is visible, and growing, from the moment it is opened;
        # a BufferedUpload publishes the content whole on close.
        initial = b""
        if mode == "ab" and self.filesystem.isfile(path):
            initial = self.filesystem.cat_file(path)

        return BufferedUpload(functools.partial(self.filesystem.pipe_file, path), initial=initial)

    def create_new(self, path: PathType, data: bytes) -> None:
        filesystem = self.filesystem
        with _CREATE_LOCK:
            if filesystem.exists(path):
                raise already_exists(path)
            filesystem.pipe_file(path, data)
