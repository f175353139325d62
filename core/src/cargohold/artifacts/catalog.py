"""The catalogue of artifact versions, kept in the store itself.

Layout under a store's root (format 1, documented in docs/artifacts.md)::

    artifacts/<name>/<version>/...                 the version's files
    artifacts/.catalog/v1/<name>/<version>.claim   the number, claimed
    artifacts/.catalog/v1/<name>/<version>.json    the manifest: the version is visible

A save claims a number with the store's "create only if absent" (``create_new``),
so any number of machines can save one name at once and each gets its own; it then
writes the files, and publishes the manifest last, the same way. Nothing is ever
written over. Claims stay after their version is deleted, so a number is never
handed out twice. Artifact names start with a letter or a digit: ``.catalog``
cannot be one.

Manifests never change once written, so a local cache of them is always right
while the store still lists them; the store's listing is the truth.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import socket
import uuid
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cargohold.artifacts import versions
from cargohold.artifacts.versions import ArtifactVersion
from cargohold.errors import CargoholdError, NotFoundError

if TYPE_CHECKING:
    from cargohold.stores.base import BaseArtifactStore, ListedFile

CATALOG = "artifacts/.catalog/v1"
CLAIM, MANIFEST = ".claim", ".json"
# Manifests are fetched this many at a time when a listing shows ones not cached.
_FETCHERS = 8


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def who() -> dict[str, str]:
    """Who saves: shown by ``describe``, never used to decide anything."""
    try:
        user = getpass.getuser()
    except Exception:  # no login name in some containers
        user = str(os.getuid()) if hasattr(os, "getuid") else "unknown"
    return {"user": user, "host": socket.gethostname()}


def _key(path: str, prefix: str) -> tuple[str, int, str] | None:
    """``(name, version, suffix)`` of a catalogue object, or None for anything else."""
    relative = path[len(prefix) :].lstrip("/")
    name, _, leaf = relative.partition("/")
    for suffix in (CLAIM, MANIFEST):
        number = leaf.removesuffix(suffix)
        if leaf.endswith(suffix) and number.isdigit() and "/" not in number and name:
            return name, int(number), suffix
    return None


@dataclass(frozen=True)
class Listing:
    """What one listing of the catalogue shows: claimed and published numbers."""

    claims: dict[tuple[str, int], ListedFile]
    manifests: dict[tuple[str, int], ListedFile]

    def highest(self, name: str) -> int:
        numbers = [n for (key_name, n) in (*self.claims, *self.manifests) if key_name == name]
        return max(numbers, default=0)


class ManifestCache:
    """Manifests already read, on local disk under ``directory``, one folder per store root."""

    def __init__(self, directory: Path, root: str) -> None:
        digest = hashlib.sha256(root.encode()).hexdigest()[:24]
        self._folder = directory / digest

    def _path(self, name: str, number: int) -> Path:
        return self._folder / name / f"{number}.json"

    def get(self, name: str, number: int, size: int) -> bytes | None:
        try:
            raw = self._path(name, number).read_bytes()
        except OSError:
            return None
        return raw if len(raw) == size else None

    def put(self, name: str, number: int, raw: bytes) -> None:
        """Keep ``raw``; a cache that cannot be written only means reading it again."""
        path = self._path(name, number)
        temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_bytes(raw)
            os.replace(temporary, path)
        except OSError:
            temporary.unlink(missing_ok=True)


class StoreCatalog:
    """The artifact versions one store holds, read and written in the store itself."""

    def __init__(self, store: BaseArtifactStore, cache: ManifestCache | None = None) -> None:
        self.store = store
        self.root = store.path.rstrip("/")
        self.prefix = f"{self.root}/{CATALOG}"
        self._cache = cache

    # -- paths ---------------------------------------------------------------------

    def data_folder(self, name: str, number: int) -> str:
        return f"{self.root}/artifacts/{name}/{number}"

    def claim_path(self, name: str, number: int) -> str:
        return f"{self.prefix}/{name}/{number}{CLAIM}"

    def manifest_path(self, name: str, number: int) -> str:
        return f"{self.prefix}/{name}/{number}{MANIFEST}"

    # -- reading -------------------------------------------------------------------

    def listing(self, name: str | None = None) -> Listing:
        """One recursive listing of the catalogue (of one name's folder, when given)."""
        top = f"{self.prefix}/{name}" if name else self.prefix
        claims: dict[tuple[str, int], ListedFile] = {}
        manifests: dict[tuple[str, int], ListedFile] = {}
        for path, listed in self.store.list_files(top).items():
            key = _key(str(path), self.prefix)
            if key is None or (name is not None and key[0] != name):
                continue
            (claims if key[2] == CLAIM else manifests)[key[:2]] = listed
        return Listing(claims, manifests)

    def versions(self, name: str | None = None) -> list[ArtifactVersion]:
        """Every published version (of ``name``), by name then version."""
        listing = self.listing(name)
        keys = sorted(listing.manifests)
        raws: dict[tuple[str, int], bytes | None] = {}
        missing = []
        for key in keys:
            cached = self._cache.get(*key, listing.manifests[key].size) if self._cache else None
            if cached is None:
                missing.append(key)
            else:
                raws[key] = cached
        if missing:
            with ThreadPoolExecutor(max_workers=_FETCHERS) as pool:
                fetched = pool.map(self._fetch, missing)
                raws.update(zip(missing, fetched, strict=True))
        found = []
        for key in keys:
            raw = raws[key]
            if raw is not None:
                found.append(self._version(raw, *key))
        return found

    def _fetch(self, key: tuple[str, int]) -> bytes | None:
        """A manifest's bytes, or None when it went away since the listing (deleted)."""
        try:
            raw = self.store.read_bytes(self.manifest_path(*key))
        except FileNotFoundError:
            return None
        if self._cache is not None:
            self._cache.put(*key, raw)
        return raw

    def _version(self, raw: bytes, name: str, number: int) -> ArtifactVersion:
        where = f"the manifest of {name}:{number} in store {self.store.name!r}"
        manifest = versions.decode(raw, where)
        if (manifest["name"], manifest["version"]) != (name, number):
            raise CargoholdError(f"{where} describes {manifest['name']}:{manifest['version']}")
        return versions.version_of(manifest, self.store.name, self.root)

    def get(self, name: str, number: int | None = None) -> ArtifactVersion:
        """One version; the latest when ``number`` is None. A known number costs one read."""
        if number is None:
            published = [n for (key_name, n) in self.listing(name).manifests if key_name == name]
            if not published:
                raise NotFoundError(
                    f"no artifact named {name!r} in store {self.store.name!r}; "
                    "`cargohold artifact list` shows the artifacts"
                )
            number = max(published)
        try:
            raw = self.store.read_bytes(self.manifest_path(name, number))
        except FileNotFoundError:
            if not self.listing(name).manifests:
                raise NotFoundError(
                    f"no artifact named {name!r} in store {self.store.name!r}; "
                    "`cargohold artifact list` shows the artifacts"
                ) from None
            raise NotFoundError(
                f"artifact {name!r} has no version {number} in store {self.store.name!r}; "
                f"`cargohold artifact list --name {name}` shows its versions"
            ) from None
        return self._version(raw, name, number)

    # -- writing -------------------------------------------------------------------

    def _claim_body(self, name: str, number: int, **extra: str) -> bytes:
        claim = {
            "format": versions.FORMAT,
            "name": name,
            "version": number,
            "claimed": now(),
            "by": {**who(), "pid": str(os.getpid())},
            **extra,
        }
        return _encode(claim)

    def claim_copy(self, version: ArtifactVersion) -> str | None:
        """Claim ``version``'s own number, for a copy of it into this store; None when
        claimed (now, or by an earlier copy of the same version), else why not."""
        path = self.claim_path(version.name, version.version)
        body = self._claim_body(version.name, version.version, copy_of=version.checksum)
        try:
            self.store.create_new(path, body)
            return None
        except FileExistsError:
            pass
        try:
            earlier = json.loads(self.store.read_bytes(path))
        except (OSError, ValueError):
            earlier = None
        if isinstance(earlier, dict) and earlier.get("copy_of") == version.checksum:
            return None
        return (
            f"the number of {version.ref} is taken in store {self.store.name!r} by another "
            "save (one in progress, or one that failed); to put this version there under a "
            "new number, load it and save it to that store"
        )

    def claim(self, name: str, start: int | None = None) -> int:
        """Claim the next free number of ``name`` and return it.

        The store's ``create_new`` decides between writers racing for a number: the
        loser takes the next one. A number whose folder already holds data (saved
        before the catalogue existed) is claimed and passed over, so it is never used.
        """
        number = self.listing(name).highest(name) + 1 if start is None else start
        save = uuid.uuid4().hex
        while True:
            body = self._claim_body(name, number, save=save)
            try:
                self.store.create_new(self.claim_path(name, number), body)
            except FileExistsError:
                if not self._holds(self.claim_path(name, number), body):
                    number += 1
                    continue
            if not self.store.exists(self.data_folder(name, number)):
                return number
            number += 1

    def publish(self, version: ArtifactVersion) -> None:
        """Make ``version`` visible: its manifest, created only if absent."""
        manifest = versions.manifest_of(version, f"{version.name}/{version.version}")
        raw = versions.encode(manifest)
        path = self.manifest_path(version.name, version.version)
        try:
            self.store.create_new(path, raw)
        except FileExistsError:
            if self._holds(path, raw):
                return
            raise CargoholdError(
                f"artifact {version.ref} is already published in store {self.store.name!r}; "
                "another writer used its number without claiming it (a store marked "
                "single_writer that is not)"
            ) from None
        if self._cache is not None:
            self._cache.put(version.name, version.version, raw)

    def _holds(self, path: str, data: bytes) -> bool:
        """Whether ``path`` holds exactly ``data``: a create whose answer was lost and
        that the client retried reads as "already exists", though the object is ours."""
        try:
            return self.store.read_bytes(path) == data
        except FileNotFoundError:
            return False

    def unpublish(self, doomed: Iterable[ArtifactVersion]) -> None:
        """Take versions out of the catalogue: readers stop seeing them at once. Their
        claims stay, so the numbers are never handed out again."""
        self.store.delete_files([self.manifest_path(v.name, v.version) for v in doomed])


def _encode(data: dict[str, Any]) -> bytes:
    return json.dumps(data, sort_keys=True).encode("utf-8") + b"\n"
