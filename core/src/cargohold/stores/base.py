"""The artifact-store interface, its config and its flavor base.

Method names, argument names and defaults follow the ZenML ``BaseArtifactStore``
so a store written against that interface ports by changing imports. On top of
it, every path argument of every method, in this class and in any subclass, is
resolved against the store root before the method body runs: a path outside the
root raises ``PathOutsideStoreError`` and touches nothing.

Three batch methods (``list_files``, ``delete_files``, ``read_bytes``) come with
defaults built from the basic methods, so a store written against the ZenML
interface alone has them; stores over a backend with recursive listings, bulk
deletes or ranged reads override them. So does ``create_new`` ("create only if
absent"), whose default checks and then writes; a store whose backend can create
atomically overrides it and says so with ``ATOMIC_CREATE``.
"""

from __future__ import annotations

import builtins
import contextlib
import functools
import os
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, cast

from pydantic import BaseModel, ConfigDict, Field, field_validator

from cargohold.errors import CargoholdError, InvalidPathError
from cargohold.flavors import Flavor, StackComponentType
from cargohold.paths import PathType, StoreRoot

if TYPE_CHECKING:
    from cargohold.flavors import Flavor as FlavorType

_Method = TypeVar("_Method", bound=Callable[..., Any])

# The path arguments of each interface method, in positional order after ``self``.
PATH_ARGUMENTS: dict[str, tuple[str, ...]] = {
    "open": ("path",),
    "copyfile": ("src", "dst"),
    "exists": ("path",),
    "glob": ("pattern",),
    "isdir": ("path",),
    "listdir": ("path",),
    "makedirs": ("path",),
    "mkdir": ("path",),
    "remove": ("path",),
    "rename": ("src", "dst"),
    "rmtree": ("path",),
    "stat": ("path",),
    "size": ("path",),
    "walk": ("top",),
    # Beyond the ZenML interface: the batch methods, and "create only if absent".
    "list_files": ("top",),
    "read_bytes": ("path",),
    "create_new": ("path",),
}

# Arguments that are lists of paths, each one resolved: one path outside the root
# refuses the whole call before any of it runs.
PATH_LIST_ARGUMENTS: dict[str, tuple[str, ...]] = {
    "delete_files": ("paths",),
}

# Reads for a store whose read handles cannot seek: skip this much at a time.
_SKIP_CHUNK = 1 << 20


@dataclass(frozen=True)
class ListedFile:
    """A file as a listing shows it."""

    size: int
    md5: str | None  # hex digest the server computed, when the listing says


class BaseArtifactStoreConfig(BaseModel):
    """Config shared by every artifact-store flavor.

    Subclasses set ``SUPPORTED_SCHEMES`` (for example ``{"s3://"}``; ``""`` means a
    plain local path) and add their own fields. Unknown fields are rejected.
    """

    # hide_input_in_errors: a rejected value may be a credential; errors name the field only.
    model_config = ConfigDict(extra="forbid", validate_assignment=True, hide_input_in_errors=True)

    SUPPORTED_SCHEMES: ClassVar[set[str]]
    IS_IMMUTABLE_FILESYSTEM: ClassVar[bool] = False

    path: str = Field(description="Root of the store; every artifact lives under it.")
    single_writer: bool = Field(
        default=False,
        description=(
            "Only one process ever saves artifacts to this store: version numbers may be "
            "handed out without an atomic create."
        ),
    )

    @field_validator("path")
    @classmethod
    def _check_root(cls, value: str) -> str:
        try:
            return StoreRoot.parse(value, cls.SUPPORTED_SCHEMES).uri
        except InvalidPathError as exc:
            raise ValueError(str(exc)) from None


def _resolve_each(store: BaseArtifactStore, paths: Iterable[PathType]) -> list[str]:
    if isinstance(paths, (str, bytes)):
        # Iterating a str would "resolve" each of its characters.
        raise TypeError(f"expected a list of paths, got the single path {paths!r}")
    return [store.resolve(path) for path in paths]


def _resolving(
    method: Callable[..., Any], names: tuple[str, ...], lists: Iterable[str] = ()
) -> Callable[..., Any]:
    """Wrap an interface method so its path arguments are resolved against the root.

    ``names`` are the path arguments in positional order after ``self``; those also
    in ``lists`` are lists of paths, resolved into a new list of ``str``.
    """
    many = frozenset(lists)

    @functools.wraps(method)
    def wrapper(self: BaseArtifactStore, *args: Any, **kwargs: Any) -> Any:
        resolved = list(args)
        for index, name in enumerate(names):
            resolve = functools.partial(_resolve_each, self) if name in many else self.resolve
            if index < len(resolved):
                resolved[index] = resolve(resolved[index])
            elif name in kwargs:
                kwargs[name] = resolve(kwargs[name])
        try:
            return method(self, *resolved, **kwargs)
        except Exception as exc:
            translated = self.translated(exc)
            if translated is exc:
                raise
            raise translated from exc

    wrapper.__cargohold_resolving__ = True  # type: ignore[attr-defined]
    return wrapper


def resolves_paths(*names: str, lists: Iterable[str] = ()) -> Callable[[_Method], _Method]:
    """Give a store method beyond the interface what interface methods get: the named
    path arguments resolved against the root, and backend errors translated.

    ``names`` are in positional order; those also named in ``lists`` are lists of
    paths, every one resolved before the method runs.
    """
    many = tuple(lists)

    def decorate(method: _Method) -> _Method:
        return cast("_Method", _resolving(method, names, many))

    return decorate


def already_exists(path: PathType) -> FileExistsError:
    """What ``create_new`` raises when something is at ``path``."""
    return FileExistsError(f"{os.fsdecode(path)} already exists (create_new never replaces it)")


def _file_size(store: BaseArtifactStore, path: str) -> int:
    size = store.size(path)
    if size is None:
        # size() may say nothing for a file on some backends; stat() may know.
        info = store.stat(path)
        size = info.get("size") if isinstance(info, Mapping) else getattr(info, "st_size", None)
    return int(size or 0)


def check_byte_range(start: int, end: int | None) -> None:
    """Refuse what ``read_bytes`` does not take: offsets are counted from the start."""
    if start < 0 or (end is not None and end < 0):
        raise ValueError(
            f"read_bytes(): start and end are offsets from the beginning of the file "
            f"and cannot be negative (got start={start}, end={end})"
        )


def _read_range(handle: Any, start: int, end: int | None) -> bytes:
    """Bytes ``start`` to ``end`` of an open binary handle, positioned at 0."""
    if start:
        try:
            handle.seek(start)
        except (AttributeError, OSError):  # io.UnsupportedOperation is an OSError
            skipped = 0
            while skipped < start and (chunk := handle.read(min(_SKIP_CHUNK, start - skipped))):
                skipped += len(chunk)
    if end is None:
        return bytes(handle.read())
    # read(n) may return less than n before the end of the file (raw and network
    # handles do), so read until the range is complete or the file ends.
    parts: list[bytes] = []
    wanted = end - start
    while wanted > 0 and (chunk := handle.read(wanted)):
        parts.append(bytes(chunk))
        wanted -= len(chunk)
    return b"".join(parts)


class BaseArtifactStore(ABC):
    """An artifact store: file operations confined to one root."""

    #: Whether ``create_new`` is atomic on this backend: when several writers create the
    #: same path at once, exactly one succeeds and the others get FileExistsError.
    ATOMIC_CREATE: ClassVar[bool] = False

    def __init__(
        self,
        config: BaseArtifactStoreConfig,
        *,
        name: str | None = None,
        flavor: FlavorType | None = None,
    ) -> None:
        # No I/O and no credential lookup here: a store must be constructible offline.
        self._config = config
        self._root = StoreRoot.parse(config.path, type(config).SUPPORTED_SCHEMES)
        self._flavor = flavor
        self.name = name or (flavor.name if flavor is not None else type(self).__name__)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        wrapped: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
            name: (args, ()) for name, args in PATH_ARGUMENTS.items()
        }
        wrapped.update((name, (args, args)) for name, args in PATH_LIST_ARGUMENTS.items())
        for method_name, (names, lists) in wrapped.items():
            method = cls.__dict__.get(method_name)
            if callable(method) and not getattr(method, "__cargohold_resolving__", False):
                setattr(cls, method_name, _resolving(method, names, lists))

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, path={self.path!r})"

    @property
    def config(self) -> BaseArtifactStoreConfig:
        return self._config

    @property
    def path(self) -> str:
        """The store root, normalised."""
        return self._root.uri

    @property
    def root(self) -> StoreRoot:
        return self._root

    @property
    def flavor(self) -> FlavorType | None:
        return self._flavor

    def resolve(self, path: PathType) -> str:
        """Fold ``path`` against the root; raise ``PathOutsideStoreError`` if it escapes."""
        return self._root.resolve(path)

    def contains(self, path: PathType) -> bool:
        return self._root.contains(path)

    def translated(self, exc: Exception) -> Exception:
        """``exc`` as the one-line cargohold error the backend maps it to, else ``exc``."""
        if isinstance(exc, CargoholdError):
            return exc
        return self._translate_error(exc) or exc

    def _translate_error(self, exc: Exception) -> Exception | None:
        """Map a backend library's exception to a one-line cargohold error, or None.

        Called when an interface method raises something that is not already a
        ``CargoholdError``; return ``None`` to let the original propagate. Cloud
        stores map unreachable endpoints and refused credentials here.
        """
        return None

    @abstractmethod
    def open(self, path: PathType, mode: str = "r") -> Any:
        """Open a file; write modes are all-or-nothing when used as a context manager."""

    @abstractmethod
    def copyfile(self, src: PathType, dst: PathType, overwrite: bool = False) -> None:
        """Copy a file; ``FileExistsError`` if ``dst`` exists and not ``overwrite``."""

    @abstractmethod
    def exists(self, path: PathType) -> bool:
        """Whether a file or directory exists at ``path``."""

    @abstractmethod
    def glob(self, pattern: PathType) -> list[PathType]:
        """Paths matching ``pattern``."""

    @abstractmethod
    def isdir(self, path: PathType) -> bool:
        """Whether ``path`` is a directory (or a prefix with objects under it)."""

    @abstractmethod
    def listdir(self, path: PathType) -> list[PathType]:
        """Names (not paths) of the entries directly under ``path``."""

    @abstractmethod
    def makedirs(self, path: PathType) -> None:
        """Create a directory and its parents; no error if it exists."""

    @abstractmethod
    def mkdir(self, path: PathType) -> None:
        """Create one directory."""

    @abstractmethod
    def remove(self, path: PathType) -> None:
        """Remove a file; ``FileNotFoundError`` if missing, ``IsADirectoryError`` if a directory."""

    @abstractmethod
    def rename(self, src: PathType, dst: PathType, overwrite: bool = False) -> None:
        """Move a file or directory; ``FileExistsError`` if ``dst`` exists and not ``overwrite``."""

    @abstractmethod
    def rmtree(self, path: PathType) -> None:
        """Remove a directory and everything under it."""

    @abstractmethod
    def stat(self, path: PathType) -> Any:
        """Information about ``path`` (at least ``name``, ``size`` and ``type``)."""

    @abstractmethod
    def size(self, path: PathType) -> int | None:
        """Size in bytes of a file, or of everything under a directory."""

    @abstractmethod
    def walk(
        self,
        top: PathType,
        topdown: bool = True,
        onerror: Callable[..., None] | None = None,
    ) -> Iterable[tuple[PathType, list[PathType], list[PathType]]]:
        """Like ``os.walk``: ``(dirpath, dirnames, filenames)`` for each directory."""

    # -- batch operations: defaults from the methods above -----------------------

    @resolves_paths("top")
    def list_files(self, top: PathType) -> dict[str, ListedFile]:
        """Every file under the directory ``top``, at any depth, keyed by its path as
        ``walk`` gives it, with its size and, where the backend reports one, the MD5
        the server computed over its content. A missing ``top``, or a file, gives ``{}``.

        This default walks the tree and asks each file's size; it reports no MD5.
        """
        files: dict[str, ListedFile] = {}
        for directory, _, names in self.walk(top):
            folder = os.fsdecode(directory).rstrip("/")
            for name in names:
                path = f"{folder}/{os.fsdecode(name)}"
                files[path] = ListedFile(_file_size(self, path), None)
        return files

    @resolves_paths("paths", lists=("paths",))
    def delete_files(self, paths: Iterable[PathType]) -> None:
        """Delete these files, each path taken literally (never as a glob pattern).

        Every path is checked against the root before anything is deleted. A path
        that names nothing is skipped, so a repeated call is harmless; a directory is
        never removed (use ``rmtree``), and a store may raise for one. This default
        removes the files one by one; stores with a bulk delete batch them.
        """
        for path in paths:
            with contextlib.suppress(FileNotFoundError):
                self.remove(path)

    @resolves_paths("path")
    def read_bytes(self, path: PathType, start: int = 0, end: int | None = None) -> bytes:
        """Bytes ``start`` up to (not including) ``end`` of a file, as in
        ``data[start:end]``: ``end=None`` reads to the end, a range past the end is cut
        short, and offsets cannot be negative. A missing file: ``FileNotFoundError``.

        This default opens the file, seeks and reads; stores with ranged requests
        fetch just the range, in one request.
        """
        check_byte_range(start, end)
        with self.open(path, "rb") as handle:
            if end is not None and end <= start:
                return b""
            return _read_range(handle, start, end)

    # -- create only if absent ----------------------------------------------------

    @resolves_paths("path")
    def create_new(self, path: PathType, data: bytes) -> None:
        """Write ``data`` (small: one request) at ``path`` only if nothing is there;
        ``FileExistsError`` if something is. The default checks, then writes: not atomic.

        Two writers that call this default at once can both find the path free and
        both write, the second replacing the first. A store whose backend can refuse
        the write itself when the name is taken (a conditional request, a hard link)
        overrides this and sets ``ATOMIC_CREATE``; the write is all-or-nothing either
        way, and missing parent directories are created as ``open`` creates them.
        """
        if self.exists(path):
            raise already_exists(path)
        with self.open(path, "wb") as handle:
            handle.write(data)


class BaseArtifactStoreFlavor(Flavor):
    """Base for artifact-store flavors; subclasses set ``name``, ``config_class``, and
    ``implementation`` (or override ``implementation_class``)."""

    #: The model an ``authentication_secret``'s values must match (unknown keys are an
    #: error); ``None`` when the flavor takes no authentication secret.
    authentication_secret_class: ClassVar[builtins.type[BaseModel] | None] = None

    @property
    def type(self) -> StackComponentType:
        return StackComponentType.ARTIFACT_STORE

    def authentication_secret_fields(self, secret: BaseModel) -> dict[str, Any]:
        """The config fields an ``authentication_secret`` stands for, given its values
        validated by ``authentication_secret_class``. Override with that class."""
        raise CargoholdError(f"flavor {self.name!r} does not take an authentication_secret")

    @property
    def config_class(self) -> builtins.type[BaseArtifactStoreConfig]:
        return BaseArtifactStoreConfig

    def create_store(
        self, config: BaseArtifactStoreConfig, *, name: str | None = None
    ) -> BaseArtifactStore:
        """Instantiate the implementation for ``config``; imports it on first call."""
        implementation = self.load_implementation()
        store = implementation(config, name=name, flavor=self)
        if not isinstance(store, BaseArtifactStore):
            raise TypeError(f"{implementation!r} is not a BaseArtifactStore subclass")
        return store


__all__ = [
    "PATH_ARGUMENTS",
    "PATH_LIST_ARGUMENTS",
    "BaseArtifactStore",
    "BaseArtifactStoreConfig",
    "BaseArtifactStoreFlavor",
    "Flavor",
    "ListedFile",
    "PathType",
    "already_exists",
    "check_byte_range",
    "resolves_paths",
]
