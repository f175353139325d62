"""The ``local`` store: a folder, with writes that are atomic.

A write goes to a hidden temporary file beside its destination, is flushed to disk,
and is renamed over the destination only when it is closed cleanly. Readers never
see half a file, and a failed or killed write leaves the destination as it was.
``create_new`` writes the same way but hard-links the temporary file to the name
instead of renaming it: the link fails if the name exists, so of several writers
(threads, processes, machines sharing the folder) exactly one creates the file.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import posixpath
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from cargohold.errors import UnsupportedOperationError
from cargohold.paths import PathType
from cargohold.stores.base import ListedFile, already_exists
from cargohold.stores.fsspec import FsspecArtifactStore

if TYPE_CHECKING:
    from fsspec import AbstractFileSystem

_BUFFER_SIZE = 1 << 20
# ".NAME.XXXXXXXX.partial": what mkstemp makes below for a write in progress, or left
# behind by a process killed mid-write. Listings never show one (nor a user's file
# that happens to be named so).
_PARTIAL_NAME = re.compile(r"^\..+\.[a-z0-9_]{8}\.partial$")


def is_partial_write(name: str) -> bool:
    """Whether ``name`` (a base name) is the temporary file of an unfinished write."""
    return _PARTIAL_NAME.match(name) is not None


def _umask() -> int:
    # os.umask can only be read by setting it; put the old value straight back.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_NEW_FILE_MODE = 0o666 & ~_umask()
# What link() says on a filesystem that has no hard links (FAT, exFAT, some network
# and FUSE filesystems).
_NO_HARD_LINKS = frozenset({errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP})


def _fsync_directory(path: str) -> None:
    """Make a rename in ``path`` durable: without this, a power cut can undo it."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class AtomicLocalWriter(io.BufferedWriter):
    """Writes to a temporary file; ``close()`` renames it into place, ``discard()`` drops it.

    With ``exclusive``, ``close()`` hard-links it to the destination instead, which
    fails with ``FileExistsError`` if anything is there, and then removes the
    temporary name: the file appears whole, and only where nothing was.
    """

    def __init__(self, destination: str, append: bool = False, exclusive: bool = False) -> None:
        parent = os.path.dirname(destination)
        os.makedirs(parent, exist_ok=True)
        fd, self._temporary = tempfile.mkstemp(
            dir=parent,
            prefix=f".{os.path.basename(destination)}.",
            suffix=".partial",
        )
        self._destination = destination
        self._discarded = False
        self._exclusive = exclusive
        # mkstemp creates 0600 files; give the result the mode a plain open() would.
        try:
            mode = os.stat(destination).st_mode & 0o7777
        except FileNotFoundError:
            mode = _NEW_FILE_MODE
        os.fchmod(fd, mode)
        super().__init__(io.FileIO(fd, "wb"), buffer_size=_BUFFER_SIZE)
        if append and os.path.exists(destination):
            with open(destination, "rb") as existing:
                shutil.copyfileobj(existing, self, _BUFFER_SIZE)

    def close(self) -> None:
        if self.closed:
            return
        try:
            self.flush()
            os.fsync(self.fileno())
        except BaseException:
            self.discard()
            raise
        super().close()
        if not self._discarded:
            try:
                if self._exclusive:
                    os.link(self._temporary, self._destination)
                else:
                    os.replace(self._temporary, self._destination)
            except BaseException:
                os.unlink(self._temporary)
                raise
            if self._exclusive:
                # The file is created: failing now would tell the caller otherwise. A
                # temporary name left behind is hidden from listings like any other.
                with contextlib.suppress(OSError):
                    os.unlink(self._temporary)
            _fsync_directory(os.path.dirname(self._destination))

    def discard(self) -> None:
        self._discarded = True
        if not self.closed:
            super().close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self._temporary)


class LocalArtifactStore(FsspecArtifactStore):
    """Artifacts in a folder on this machine."""

    ATOMIC_CREATE = True

    def _create_filesystem(self) -> AbstractFileSystem:
        from fsspec.implementations.local import LocalFileSystem

        return LocalFileSystem()

    def _local(self, path: str) -> str:
        return self._fs_path(path)

    def _open_writer(self, path: str, mode: str) -> AtomicLocalWriter:
        destination = self._local(path)
        if os.path.isdir(destination):
            raise IsADirectoryError(f"{path} is a directory")
        return AtomicLocalWriter(destination, append=mode == "ab")

    def _copy_file(self, src: str, dst: str) -> None:
        with open(self._local(src), "rb") as source:
            writer = AtomicLocalWriter(self._local(dst))
            try:
                shutil.copyfileobj(source, writer, _BUFFER_SIZE)
            except BaseException:
                writer.discard()
                raise
            writer.close()

    def create_new(self, path: PathType, data: bytes) -> None:
        assert isinstance(path, str)
        destination = self._local(path)
        # Only a shortcut past writing the temporary file: the link decides.
        if os.path.lexists(destination):
            raise already_exists(path)
        writer = AtomicLocalWriter(destination, exclusive=True)
        try:
            writer.write(data)
        except BaseException:
            writer.discard()
            raise
        try:
            writer.close()
        except FileExistsError as exc:
            raise already_exists(path) from exc
        except OSError as exc:
            # filename2 is set by link() alone among the calls close() makes.
            if exc.errno not in _NO_HARD_LINKS or exc.filename2 is None:
                raise
            raise UnsupportedOperationError(
                f"{self.name}: cannot create {path} atomically: the filesystem under "
                f"{self.path} has no hard links ({exc.strerror}), which create_new needs; "
                "keep the store on a filesystem that has them (ext4, XFS, Btrfs, APFS, NTFS)"
            ) from exc

    def _move(self, src: str, dst: str, recursive: bool) -> None:
        destination = self._local(dst)
        os.makedirs(os.path.dirname(destination), exist_ok=True)
        # os.replace is atomic within one filesystem, for files and directories alike.
        os.replace(self._local(src), destination)

    def _remove_tree(self, path: str) -> None:
        shutil.rmtree(self._local(path))

    # -- unfinished writes are not artifacts: listings leave them out ---------------

    def listdir(self, path: PathType) -> list[PathType]:
        return [name for name in super().listdir(path) if not is_partial_write(str(name))]

    def glob(self, pattern: PathType) -> list[PathType]:
        found = super().glob(pattern)
        return [p for p in found if not is_partial_write(posixpath.basename(str(p)))]

    def walk(
        self,
        top: PathType,
        topdown: bool = True,
        onerror: Callable[..., None] | None = None,
    ) -> Iterator[tuple[PathType, list[PathType], list[PathType]]]:
        for directory, dirnames, filenames in super().walk(top, topdown, onerror):
            filenames[:] = [name for name in filenames if not is_partial_write(str(name))]
            yield directory, dirnames, filenames

    def list_files(self, top: PathType) -> dict[str, ListedFile]:
        found = super().list_files(top)
        return {
            path: listed
            for path, listed in found.items()
            if not is_partial_write(posixpath.basename(path))
        }

    def mkdir(self, path: object) -> None:
        # The root is part of the store, not something the caller must create first.
        os.makedirs(self._local(self.path), exist_ok=True)
        os.mkdir(self._local(str(path)))
