"""The ``memory`` store: fsspec's in-process memory filesystem, for fast tests."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from cargohold.stores.fsspec import BufferedUpload, FsspecArtifactStore

if TYPE_CHECKING:
    from fsspec import AbstractFileSystem


class MemoryArtifactStore(FsspecArtifactStore):
    """Artifacts in process memory; gone when the process ends."""

    HAS_DIRECTORIES = True

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
