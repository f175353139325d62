"""The ``memory`` store: fsspec's in-process memory filesystem, for fast tests."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from cargohold.stores.fsspec import FsspecArtifactStore

if TYPE_CHECKING:
    from fsspec import AbstractFileSystem


class _MemoryWriter(io.BytesIO):
    """Buffers a write and publishes it whole on close; fsspec's memory file is
    visible (and growing) from the moment it is opened."""

    def __init__(self, filesystem: AbstractFileSystem, path: str, initial: bytes = b"") -> None:
        super().__init__()
        self.write(initial)
        self._filesystem = filesystem
        self._path = path
        self._discarded = False

    def close(self) -> None:
        if not self.closed and not self._discarded:
            self._filesystem.pipe_file(self._path, self.getvalue())
        super().close()

    def discard(self) -> None:
        self._discarded = True
        super().close()


class MemoryArtifactStore(FsspecArtifactStore):
    """Artifacts in process memory; gone when the process ends."""

    HAS_DIRECTORIES = True

    def _create_filesystem(self) -> AbstractFileSystem:
        from fsspec.implementations.memory import MemoryFileSystem

        return MemoryFileSystem()

    def _open_writer(self, path: str, mode: str) -> _MemoryWriter:
        initial = b""
        if mode == "ab" and self.filesystem.isfile(path):
            initial = self.filesystem.cat_file(path)
        return _MemoryWriter(self.filesystem, path, initial)
