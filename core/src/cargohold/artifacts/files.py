"""The files of one artifact version, as a materializer sees them.

A materializer reads and writes names relative to the version's folder
(``<root>/artifacts/<name>/<version>/``); every write is hashed on the way, so the
registry records each file's size and sha256 without reading anything back.
"""

from __future__ import annotations

import hashlib
import posixpath
from collections.abc import Callable
from typing import IO, TYPE_CHECKING, Any, Protocol

from cargohold.artifacts.versions import FileEntry
from cargohold.errors import CargoholdError

if TYPE_CHECKING:
    from cargohold.stores.base import BaseArtifactStore

CHUNK_SIZE = 8 << 20
VISUALIZATIONS = "visualizations"


class Digest(Protocol):
    def update(self, data: bytes, /) -> None: ...


def stream_copy(
    source: IO[bytes],
    destination: IO[bytes] | None = None,
    on_chunk: Callable[[int], None] | None = None,
    chunk_size: int = CHUNK_SIZE,
    also: Digest | None = None,
) -> tuple[int, str]:
    """Copy ``source`` to ``destination`` (or just read it) in chunks, so memory does not
    grow with the file; return its size and sha256. ``also`` sees every chunk too."""
    digest = hashlib.sha256()
    size = 0
    while chunk := source.read(chunk_size):
        digest.update(chunk)
        if also is not None:
            also.update(chunk)
        if destination is not None:
            destination.write(chunk)
        size += len(chunk)
        if on_chunk is not None:
            on_chunk(len(chunk))
    return size, digest.hexdigest()


def manifest_checksum(entries: tuple[FileEntry, ...] | list[FileEntry]) -> str:
    """One sha256 over every file's path, size and sha256: the version's checksum."""
    digest = hashlib.sha256()
    for entry in sorted(entries, key=lambda e: e.path):
        digest.update(f"{entry.path}\0{entry.size}\0{entry.sha256}\n".encode())
    return digest.hexdigest()


def check_relative(name: str) -> str:
    """A file name inside the version folder: relative, '/'-separated, no '..'."""
    normal = posixpath.normpath(name) if name else ""
    if not name or normal != name or normal.startswith(("/", "../")) or normal in (".", ".."):
        raise CargoholdError(
            f"artifact file name {name!r} must be a relative path inside the artifact's "
            "folder, like 'data.json' or 'parts/0.bin'"
        )
    return name


class ArtifactFiles:
    """Read and write the files of one artifact version in its store."""

    def __init__(
        self,
        store: BaseArtifactStore,
        uri: str,
        entries: tuple[FileEntry, ...] = (),
        *,
        label: str = "",
    ) -> None:
        self.store = store
        self.uri = uri.rstrip("/")
        self._label = label or self.uri
        self._entries: dict[str, FileEntry] = {entry.path: entry for entry in entries}

    @property
    def entries(self) -> tuple[FileEntry, ...]:
        return tuple(self._entries.values())

    def names(self) -> list[str]:
        """Names of the files written (or recorded) so far."""
        return sorted(self._entries)

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def path(self, name: str) -> str:
        return f"{self.uri}/{check_relative(name)}"

    # -- writing --------------------------------------------------------------------

    def write_bytes(self, name: str, data: bytes) -> None:
        self._check_new(name)
        with self.store.open(self.path(name), "wb") as handle:
            handle.write(data)
        self._entries[name] = FileEntry(name, len(data), hashlib.sha256(data).hexdigest())

    def write_text(self, name: str, text: str) -> None:
        self.write_bytes(name, text.encode("utf-8"))

    def write_stream(self, name: str, source: IO[bytes]) -> None:
        """Copy a readable binary stream into ``name`` in chunks (for large files)."""
        self._check_new(name)
        with self.store.open(self.path(name), "wb") as handle:
            size, sha256 = stream_copy(source, handle)
        self._entries[name] = FileEntry(name, size, sha256)

    def _check_new(self, name: str) -> None:
        check_relative(name)
        if name in self._entries:
            raise CargoholdError(f"{self._label}: file {name!r} is written twice")

    # -- reading --------------------------------------------------------------------

    def open(self, name: str) -> Any:
        """A binary read handle (checksums are checked by ``read_bytes`` only)."""
        self._entry(name)
        return self.store.open(self.path(name), "rb")

    def read_bytes(self, name: str) -> bytes:
        """The file's bytes, checked against the size and sha256 recorded at save."""
        entry = self._entry(name)
        with self.store.open(self.path(name), "rb") as handle:
            data: bytes = handle.read()
        if len(data) != entry.size or hashlib.sha256(data).hexdigest() != entry.sha256:
            raise CargoholdError(
                f"{self._label}: {name} does not match the checksum recorded when it was "
                "saved; the stored copy was changed or damaged"
            )
        return data

    def read_text(self, name: str) -> str:
        return self.read_bytes(name).decode("utf-8")

    def _entry(self, name: str) -> FileEntry:
        entry = self._entries.get(name)
        if entry is None:
            raise CargoholdError(
                f"{self._label} has no file {name!r} (it has: {', '.join(self.names()) or 'none'})"
            )
        return entry
