"""``FsspecArtifactStore``: every interface method over one fsspec filesystem.

Cloud flavors subclass it and implement ``_create_filesystem``; it is called on
the first I/O, never in the constructor, so that a store can be built, listed and
validated offline and without its cloud library installed.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import io
import posixpath
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import IO, TYPE_CHECKING, Any, ClassVar, TypeVar

from cargohold.errors import (
    StoreAuthenticationError,
    StoreConnectionError,
    UnsupportedOperationError,
)
from cargohold.flavors import missing_dependency_error
from cargohold.paths import PathType, split_scheme
from cargohold.stores.base import (
    BaseArtifactStore,
    ListedFile,
    check_byte_range,
    resolves_paths,
)

if TYPE_CHECKING:
    from fsspec import AbstractFileSystem

_T = TypeVar("_T")
_READ_MODES = {"r", "rb"}
# fsspec's rm(), mv() and expand_path() read a path with any of these as a glob pattern.
_GLOB_CHARACTERS = re.compile(r"[*?\[]")
_WRITE_MODES = {"w", "wb", "x", "xb", "a", "ab"}
_MD5_HEX = re.compile(r"[0-9a-fA-F]{32}")


def md5_hex(value: object) -> str | None:
    """An MD5 as lower-case hex, from the forms listings carry it in: 16 raw bytes
    (Azure), 32 hex digits (an S3 ETag, quotes removed) or base64 (GCS). Anything
    else (a multipart ETag, an empty field) is None."""
    if isinstance(value, str) and len(value) == 24:
        with contextlib.suppress(ValueError):
            value = base64.b64decode(value, validate=True)
    if isinstance(value, (bytes, bytearray)):
        return value.hex() if len(value) == 16 else None
    if isinstance(value, str) and _MD5_HEX.fullmatch(value):
        return value.lower()
    return None


class AllOrNothingWriter:
    """A write handle that commits on a clean close and discards on an exception.

    fsspec's own files commit whatever was buffered when a ``with`` block raises;
    this wrapper aborts instead, so a failed write leaves nothing at the destination.
    Uploads happen in ``write``/``flush``/``close``, after ``open()`` returned, so
    those calls pass the backend's errors through the store's translation too.
    """

    def __init__(
        self,
        stream: IO[Any],
        raw: Any,
        translate: Callable[[Exception], Exception] | None = None,
    ) -> None:
        self._stream = stream
        self._raw = raw
        self._translate = translate

    def _call(self, operation: Callable[[], _T]) -> _T:
        try:
            return operation()
        except Exception as exc:
            translated = self._translate(exc) if self._translate else exc
            if translated is exc:
                raise
            raise translated from exc

    def __enter__(self) -> AllOrNothingWriter:
        return self

    def __exit__(self, exc_type: object, exc: object, traceback: object) -> None:
        if exc_type is None:
            self.close()
        else:
            self.discard()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)

    def write(self, data: Any) -> int:
        return self._call(lambda: self._stream.write(data))

    def flush(self) -> None:
        if not self._stream.closed:
            self._call(self._stream.flush)

    def close(self) -> None:
        if not self._stream.closed:
            self._call(self._stream.close)

    @property
    def closed(self) -> bool:
        return bool(self._stream.closed)

    def discard(self) -> None:
        """Abandon the write: nothing becomes visible at the destination."""
        discard_raw(self._raw)


def discard_raw(raw: Any) -> None:
    """Abort a raw writer from ``_open_writer`` so that closing it commits nothing."""
    if getattr(raw, "closed", False):
        return
    raw.discard()
    from fsspec.spec import AbstractBufferedFile

    if isinstance(raw, AbstractBufferedFile):
        # close() would flush the buffer and finish the upload; mark it done instead.
        raw.closed = True


# Up to this size a BufferedUpload sends a file as one request, which a retry repeats
# whole; past it, the file streams through the backend's chunked upload.
_SINGLE_REQUEST_LIMIT = 16 << 20


class BufferedUpload(io.BufferedIOBase):
    """A raw writer that uploads a small file in one request on close, and streams a
    large one through the backend's chunked upload.

    The first 16 MiB stay in memory and nothing reaches the backend while they are
    written: a file that ends there goes up whole on ``close()`` through
    ``upload(content)``, one request that a retry repeats whole. Once a file passes
    16 MiB, ``open_chunked()`` opens the backend's own writer (S3 multipart, GCS
    resumable, Azure block list, each publishing the object only when it completes),
    the held bytes go first, and later writes pass straight through, so a large file
    is neither held in memory nor spooled to disk. Without ``open_chunked`` everything
    is held until ``close()``. Either way, a failure or ``discard()`` before ``close()``
    leaves nothing behind.
    """

    def __init__(
        self,
        upload: Callable[[bytes], object],
        open_chunked: Callable[[], Any] | None = None,
        initial: bytes = b"",
    ) -> None:
        super().__init__()
        self._held = io.BytesIO()
        self._upload = upload
        self._open_chunked = open_chunked
        self._chunked: Any = None
        self._discarded = False
        self.write(initial)

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        if self.closed:
            raise ValueError("write to a closed file")
        if self._chunked is not None:
            return int(self._chunked.write(data))
        written = self._held.write(data)
        if self._open_chunked is not None and self._held.tell() >= _SINGLE_REQUEST_LIMIT:
            self._chunked = self._open_chunked()
            self._chunked.write(self._held.getvalue())
            self._held = io.BytesIO()
        return written

    def close(self) -> None:
        if self.closed:
            return
        try:
            if self._discarded:
                return  # discard() has already aborted any chunked upload
            if self._chunked is not None:
                self._chunked.close()
            else:
                self._upload(self._held.getvalue())
        finally:
            self._held = io.BytesIO()
            super().close()

    def discard(self) -> None:
        """Drop what was written; nothing is uploaded, a chunked upload is aborted."""
        self._discarded = True
        if self._chunked is not None:
            discard_raw(self._chunked)
        self.close()


class FsspecArtifactStore(BaseArtifactStore):
    """An artifact store over one fsspec filesystem, built on first use.

    Paths are always taken literally: a key named ``a[1].txt`` is that key, never a
    pattern, so batch operations go through ``find`` and explicit path lists rather
    than fsspec's globbing ``rm``/``mv``.
    """

    #: The backend has real directories that must be removed after their files
    #: (local, memory). Object stores have prefixes only; s3fs's rmdir on a bucket
    #: root would delete the bucket itself.
    HAS_DIRECTORIES: ClassVar[bool] = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._filesystem: AbstractFileSystem | None = None
        self._filesystem_lock = threading.Lock()

    # -- the filesystem -------------------------------------------------------

    def _create_filesystem(self) -> AbstractFileSystem:
        """Build the filesystem; import heavy libraries here, not at module level."""
        raise NotImplementedError(f"{type(self).__name__} must implement _create_filesystem")

    @property
    def filesystem(self) -> AbstractFileSystem:
        if self._filesystem is None:
            with self._filesystem_lock:
                if self._filesystem is None:
                    try:
                        self._filesystem = self._create_filesystem()
                    except ImportError as exc:
                        flavor = self.flavor
                        raise missing_dependency_error(
                            flavor.name if flavor else type(self).__name__,
                            flavor.integration if flavor else None,
                            exc,
                        ) from exc
        return self._filesystem

    def _user_path(self, fs_path: str, like: str) -> str:
        """Turn a path as the filesystem returns it back into one with ``like``'s scheme."""
        scheme = split_scheme(like)[0]
        return self._root.join(scheme, fs_path if scheme in ("", "file") else fs_path.lstrip("/"))

    def _fs_path(self, path: str) -> str:
        return str(self.filesystem._strip_protocol(path)).rstrip("/") or "/"

    # -- writing hooks that backends may override ----------------------------

    def _open_writer(self, path: str, mode: str) -> Any:
        """A raw binary writer with ``close()`` (commit) and ``discard()`` (abort)."""
        return self.filesystem.open(path, mode)

    def _buffered_writer(self, path: str, initial: bytes = b"") -> BufferedUpload:
        """A ``BufferedUpload`` for object stores whose own writer opens an upload
        session even for a few bytes: small files go as one ``pipe_file`` request, so a
        retry after a dropped connection repeats the upload rather than resuming a
        session the server may already have closed; large ones stream through the
        backend's writer, which is aborted on failure."""
        filesystem = self.filesystem
        return BufferedUpload(
            functools.partial(filesystem.pipe_file, path),
            functools.partial(filesystem.open, path, "wb"),
            initial,
        )

    def _copy_file(self, src: str, dst: str) -> None:
        self.filesystem.cp_file(src, dst)

    def _move(self, src: str, dst: str, recursive: bool) -> None:
        filesystem = self.filesystem
        if not recursive:
            filesystem.cp_file(src, dst)  # server-side on object stores
            filesystem.rm_file(src)
            return
        # Copy every object under src in one batch (server-side and concurrent where
        # the backend can; lists are taken literally), then delete the originals.
        # fsspec's recursive mv globs, and also tries to copy the directory entry
        # itself, which fails on blob stores.
        base, target = self._fs_path(src), self._fs_path(dst)
        sources = [str(name) for name in filesystem.find(src)]
        if sources:
            filesystem.copy(sources, [target + name[len(base) :] for name in sources])
        self._remove_tree(src)

    def _remove_tree(self, path: str) -> None:
        """Delete everything under ``path`` (one listing, then batched deletes)."""
        found = self.filesystem.find(path, withdirs=True, detail=True)
        files = [str(name) for name, info in found.items() if info["type"] != "directory"]
        if files:
            self._delete_files(files)
        if self.HAS_DIRECTORIES:
            directories = [str(n) for n, i in found.items() if i["type"] == "directory"]
            directories.sort(key=lambda name: name.count("/"), reverse=True)
            for directory in [*directories, self._fs_path(path)]:
                with contextlib.suppress(FileNotFoundError):
                    self.filesystem.rmdir(directory)

    def _delete_files(self, paths: list[str]) -> None:
        """Delete these files, each taken literally. Backends with a bulk delete that
        reports per-object failures override this."""
        literal = [path for path in paths if not _GLOB_CHARACTERS.search(path)]
        if literal:
            self.filesystem.rm(literal)  # batched by the backend; nothing here to expand
        for path in paths:
            if _GLOB_CHARACTERS.search(path):
                self.filesystem.rm_file(path)

    # -- the interface --------------------------------------------------------

    def open(self, path: PathType, mode: str = "r") -> Any:
        assert isinstance(path, str)
        if mode not in _READ_MODES | _WRITE_MODES:
            accepted = ", ".join(sorted(_READ_MODES | _WRITE_MODES))
            raise ValueError(f"unsupported mode {mode!r}; use one of {accepted}")
        binary = mode.replace("b", "")
        if binary == "r":
            stream: IO[Any] = self.filesystem.open(path, "rb")
            return stream if "b" in mode else io.TextIOWrapper(stream, encoding="utf-8")
        if binary == "a" and type(self.config).IS_IMMUTABLE_FILESYSTEM:
            raise UnsupportedOperationError(
                f"{self.name}: objects cannot be appended to on this backend; "
                "read the object, then write it again in 'w' mode"
            )
        if binary == "x" and self.exists(path):
            raise FileExistsError(f"{path} already exists (mode 'x' never overwrites)")
        # No directory check here: on object stores it costs several requests per write,
        # and a key beside a prefix of the same name is legal there. Backends with real
        # directories refuse in _open_writer.
        raw = self._open_writer(path, "ab" if binary == "a" else "wb")
        stream = raw if "b" in mode else io.TextIOWrapper(raw, encoding="utf-8")
        return AllOrNothingWriter(stream, raw, self.translated)

    def copyfile(self, src: PathType, dst: PathType, overwrite: bool = False) -> None:
        assert isinstance(src, str) and isinstance(dst, str)
        self._require_file(src)
        self._check_destination(dst, overwrite)
        self._copy_file(src, dst)

    def exists(self, path: PathType) -> bool:
        return bool(self.filesystem.exists(path))

    def glob(self, pattern: PathType) -> list[PathType]:
        assert isinstance(pattern, str)
        found = (self._user_path(p, pattern) for p in self.filesystem.glob(pattern))
        return sorted(p for p in found if self.contains(p))

    def isdir(self, path: PathType) -> bool:
        return bool(self.filesystem.isdir(path))

    def listdir(self, path: PathType) -> list[PathType]:
        assert isinstance(path, str)
        entries = self.filesystem.ls(path, detail=True)
        target = self._fs_path(path)
        only = entries[0] if len(entries) == 1 else None
        if only is not None and only["type"] != "directory" and only["name"].rstrip("/") == target:
            raise NotADirectoryError(f"{path} is a file, not a directory")
        if not entries and not self.isdir(path):
            raise FileNotFoundError(f"no such directory: {path}")
        names = {posixpath.basename(str(e["name"]).rstrip("/")) for e in entries}
        names.discard("")
        return sorted(names)

    def makedirs(self, path: PathType) -> None:
        self.filesystem.makedirs(path, exist_ok=True)

    def mkdir(self, path: PathType) -> None:
        self.filesystem.mkdir(path, create_parents=False)

    def remove(self, path: PathType) -> None:
        assert isinstance(path, str)
        self._require_file(path)
        self.filesystem.rm_file(path)

    def rename(self, src: PathType, dst: PathType, overwrite: bool = False) -> None:
        assert isinstance(src, str) and isinstance(dst, str)
        if self._fs_path(src) == self._fs_path(dst):
            if not self.exists(src):
                raise FileNotFoundError(f"no such file or directory: {src}")
            return
        src_is_dir = self.isdir(src)
        if not src_is_dir:
            self._require_file(src)
        elif self._fs_path(dst).startswith(self._fs_path(src) + "/"):
            raise ValueError(f"cannot move {src} into itself ({dst})")
        self._check_destination(dst, overwrite and not src_is_dir)
        self._move(src, dst, recursive=src_is_dir)

    def rmtree(self, path: PathType) -> None:
        if not self.isdir(path):
            if self.exists(path):
                raise NotADirectoryError(f"{path!s} is a file; use remove()")
            raise FileNotFoundError(f"no such directory: {path!s}")
        assert isinstance(path, str)
        self._remove_tree(path)

    def stat(self, path: PathType) -> dict[str, Any]:
        assert isinstance(path, str)
        info = dict(self.filesystem.info(path))
        info["name"] = self._user_path(str(info["name"]).rstrip("/"), path)
        return info

    def size(self, path: PathType) -> int | None:
        info = self.filesystem.info(path)
        if info["type"] == "directory":
            return int(self.filesystem.du(path, total=True))
        return int(info["size"]) if info.get("size") is not None else None

    def walk(
        self,
        top: PathType,
        topdown: bool = True,
        onerror: Callable[..., None] | None = None,
    ) -> Iterator[tuple[PathType, list[PathType], list[PathType]]]:
        assert isinstance(top, str)
        try:
            if not self.isdir(top):
                kind = NotADirectoryError if self.exists(top) else FileNotFoundError
                raise kind(f"not a directory: {top}")
            # One recursive listing (a single paginated request on object stores)
            # instead of one request per directory.
            found = self.filesystem.find(top, withdirs=True, detail=True)
        except Exception as exc:
            # This body runs during iteration, outside the method wrapper's translation.
            error = self.translated(exc)
            # As with os.walk, errors about the path go to onerror; an unreachable
            # store or refused credentials must not look like an empty directory.
            fatal = isinstance(error, (StoreConnectionError, StoreAuthenticationError))
            if fatal or not isinstance(error, OSError):
                if error is exc:
                    raise
                raise error from exc
            if onerror is not None:
                onerror(error)
            return
        base = self._fs_path(top)
        tree = _tree(base, found)
        yield from _walk_tree(tree, base, topdown, lambda p: self._user_path(p, top))

    # -- batch operations ---------------------------------------------------------

    @resolves_paths("top")
    def list_files(self, top: PathType) -> dict[str, ListedFile]:
        """Every file under ``top``, keyed by path, with its size and (where the backend
        says) the MD5 the server computed over its content: one recursive listing."""
        assert isinstance(top, str)
        found = self.filesystem.find(top, detail=True)
        if not isinstance(found, Mapping):
            # adlfs answers find() of a file with a list of names, whatever ``detail`` says.
            found = {str(name): self.filesystem.info(name) for name in found}
        # find() of a file gives the file itself; files *under* top are what is asked.
        base = self._fs_path(top)
        return {
            self._user_path(str(name), top): ListedFile(
                int(info.get("size") or 0), self.listed_md5(info)
            )
            for name, info in found.items()
            if info.get("type") != "directory" and str(name).rstrip("/") != base
        }

    def listed_md5(self, info: Mapping[str, Any]) -> str | None:
        """The content's MD5 (hex) from one entry of a listing, if the backend gives one.

        None here; a cloud store overrides it. A value is only ever a shortcut: a
        listed MD5 that does not match makes the caller read the file back instead.
        """
        return None

    @resolves_paths("paths", lists=("paths",))
    def delete_files(self, paths: Iterable[PathType]) -> None:
        """Delete these files through the backend's bulk delete (``_delete_files``),
        each path taken literally; paths that name nothing are skipped."""
        # dict.fromkeys: a bulk delete may refuse a key named twice in one request.
        targets = list(dict.fromkeys(self._fs_path(str(path)) for path in paths))
        if not targets:
            return
        try:
            self._delete_files(targets)
        except FileNotFoundError:
            # fsspec's rm() raises when it found none of the paths, and the local one
            # stops at the first missing path: finish one by one, skipping what is gone.
            for target in targets:
                with contextlib.suppress(FileNotFoundError):
                    self.filesystem.rm_file(target)

    @resolves_paths("path")
    def read_bytes(self, path: PathType, start: int = 0, end: int | None = None) -> bytes:
        """Bytes ``start`` to ``end`` (default: the end) of a file, in one request and
        without read-ahead buffers: no metadata request first."""
        assert isinstance(path, str)
        check_byte_range(start, end)
        if end is not None and end <= start:
            # Nothing to fetch, but a missing file is still an error; and HTTP servers
            # ignore a range that ends before it starts, sending the whole object.
            self._require_file(path)
            return b""
        try:
            # An explicit range start keeps s3fs from asking for the size first (it
            # would, to split large reads).
            return bytes(self.filesystem.cat_file(path, start=start, end=end))
        except FileNotFoundError:
            raise
        except Exception:
            # Object stores refuse a range that starts at or past the end (even
            # "bytes=0-" of an empty object) where data[start:] is b"". Only then, and
            # only once the file is known to be that short, is this not an error.
            if not self._ends_by(path, start):
                raise
            return b""

    def _ends_by(self, path: str, offset: int) -> bool:
        """Whether ``path`` is a file of at most ``offset`` bytes."""
        try:
            info = self.filesystem.info(path)
        except Exception:
            return False  # the caller re-raises the error that got it here
        size = info.get("size")
        return info.get("type") != "directory" and size is not None and int(size) <= offset

    # -- helpers ----------------------------------------------------------------

    def _require_file(self, path: str) -> None:
        info = self.filesystem.info(path)  # FileNotFoundError when missing
        if info["type"] == "directory":
            raise IsADirectoryError(f"{path} is a directory")

    def _check_destination(self, dst: str, overwrite: bool) -> None:
        if not self.exists(dst):
            return
        if self.isdir(dst):
            raise IsADirectoryError(f"destination {dst} is a directory")
        if not overwrite:
            raise FileExistsError(f"destination {dst} exists; pass overwrite=True to replace it")


def _tree(base: str, found: dict[str, Any]) -> dict[str, tuple[set[str], set[str]]]:
    """Group a recursive listing into {directory: (subdirectory names, file names)}."""
    tree: dict[str, tuple[set[str], set[str]]] = {base: (set(), set())}
    prefix = base.rstrip("/") + "/"

    def add_dir(path: str) -> None:
        while path != base and path not in tree:
            tree[path] = (set(), set())
            parent = posixpath.dirname(path)
            tree.setdefault(parent, (set(), set()))[0].add(posixpath.basename(path))
            path = parent

    for name, info in found.items():
        path = str(name).rstrip("/")
        if not path.startswith(prefix):
            continue
        if info.get("type") == "directory":
            add_dir(path)
        else:
            parent = posixpath.dirname(path)
            add_dir(parent)
            tree[parent][1].add(posixpath.basename(path))
    return tree


def _walk_tree(
    tree: dict[str, tuple[set[str], set[str]]],
    directory: str,
    topdown: bool,
    to_user: Callable[[str], str],
) -> Iterator[tuple[PathType, list[PathType], list[PathType]]]:
    subdirs, files = tree.get(directory, (set(), set()))
    dirnames: list[PathType] = sorted(subdirs)
    filenames: list[PathType] = sorted(files)
    if topdown:
        yield to_user(directory), dirnames, filenames
    # Iterating the list we yielded lets a top-down caller prune it in place, as with os.walk.
    for name in list(dirnames):
        yield from _walk_tree(tree, posixpath.join(directory, str(name)), topdown, to_user)
    if not topdown:
        yield to_user(directory), dirnames, filenames


__all__ = [
    "AllOrNothingWriter",
    "BufferedUpload",
    "FsspecArtifactStore",
    "ListedFile",  # defined in cargohold.stores.base; importable from here as before
    "discard_raw",
    "md5_hex",
]
