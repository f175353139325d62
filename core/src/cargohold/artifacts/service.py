"""Saving, loading, listing, deleting and copying artifacts: ``Client().artifacts``.

Every version lives in its store: the files under ``<root>/artifacts/<name>/<version>/``
and its manifest in the store's catalogue (``catalog``), so any machine that registers
the same root sees the same artifacts. A store is read where the call says: the active
stack's store by default, another by name, or every registered store.

Versions that releases before the catalogue recorded only in the registry are moved
into their store's catalogue the first time this process uses that store.
"""

from __future__ import annotations

import contextlib
import json
import re
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cargohold.artifacts.catalog import ManifestCache, StoreCatalog, now, who
from cargohold.artifacts.files import VISUALIZATIONS, ArtifactFiles, manifest_checksum
from cargohold.artifacts.materializers import Materializer, PickleMaterializer
from cargohold.artifacts.versions import ArtifactVersion
from cargohold.errors import (
    CargoholdError,
    CargoholdWarning,
)

if TYPE_CHECKING:
    from cargohold.registry.components import Registry
    from cargohold.store_service import ArtifactStores
    from cargohold.stores.base import BaseArtifactStore
    from cargohold.transfer import CopyReport, Progress

_REF = re.compile(r"^(?P<name>[^:]*)(?::(?P<version>[^:]*))?$")
_PREVIEW_SUFFIXES = (".html", ".md", ".csv", ".png")
PICKLE = f"{PickleMaterializer.__module__}.{PickleMaterializer.__qualname__}"


def parse_ref(ref: str) -> tuple[str, int | None]:
    """``"model:3"`` -> ``("model", 3)``; ``"model"`` -> ``("model", None)`` (the latest)."""
    match = _REF.match(ref)
    number = match.group("version") if match else None
    if match is None or not match.group("name") or (number is not None and not number.isdigit()):
        raise CargoholdError(
            f"invalid artifact reference {ref!r}: use NAME for the latest version or "
            "NAME:VERSION with a version number, like model:3"
        )
    return match.group("name"), None if number is None else int(number)


def type_name(obj: Any) -> str:
    kind = type(obj)
    return f"{kind.__module__}.{kind.__qualname__}"


def qualified(materializer: type[Any]) -> str:
    return f"{materializer.__module__}.{materializer.__qualname__}"


@dataclass(frozen=True)
class Deleted:
    versions: list[ArtifactVersion]
    # Folders whose data could not be removed, with the reason: the manifests are gone.
    leftovers: list[str]


@dataclass(frozen=True)
class Found:
    """What a listing across stores found, and the stores it could not read."""

    versions: list[ArtifactVersion]
    # One line per store that could not be read: "store 'x': why".
    unreadable: list[str]


class Artifacts:
    """The artifacts in the registered stores."""

    def __init__(
        self,
        registry: Registry,
        stores: ArtifactStores,
        materializers: Callable[[], Mapping[str, type[Any]]],
        cache_dir: Path | None = None,
    ) -> None:
        """``cache_dir``: where manifests already read are kept (None: not kept)."""
        self._registry = registry
        self._stores = stores
        self._materializers = materializers
        self._cache_dir = cache_dir
        self._catalogs: dict[tuple[str, str], StoreCatalog] = {}

    # -- stores and their catalogues --------------------------------------------------

    def catalog(self, store: str | None = None) -> StoreCatalog:
        """The catalogue of the named store (default: the active stack's), with the
        versions the registry alone recorded for it moved in, once per process."""
        target = self._stores.get(store)
        key = (target.name, target.path)
        catalog = self._catalogs.get(key)
        if catalog is None or catalog.store is not target:  # rebuilt: config changed
            cache = None
            if self._cache_dir is not None:
                cache = ManifestCache(self._cache_dir, target.path)
            catalog = StoreCatalog(target, cache)
            self._move_recorded_versions(catalog)
            self._catalogs[key] = catalog
        return catalog

    def _move_recorded_versions(self, catalog: StoreCatalog) -> None:
        """Write the manifests of versions an earlier release recorded only in the
        registry (their data is already in the store, and stays where it is)."""
        from cargohold.registry import artifacts as recorded

        store_id = self._stores.record(catalog.store.name).id
        old = recorded.versions_in_store(self._registry.db.read(), store_id)
        if not old:
            return
        moved, skipped = [], []
        for version in old:
            expected = catalog.data_folder(version.name, version.version)
            if version.uri.rstrip("/") != expected:
                skipped.append(f"{version.ref} (its files are at {version.uri}, not {expected})")
                continue
            if _published_as(catalog, version):
                moved.append(version.id)
                continue
            refused = catalog.claim_copy(version)
            if refused:
                skipped.append(f"{version.ref} ({refused})")
                continue
            try:
                catalog.publish(version)
            except CargoholdError as exc:
                skipped.append(f"{version.ref} ({exc})")
                continue
            moved.append(version.id)
        # Numbers 0.1 handed out and then deleted were never to be given out again:
        # claim them too, so that the catalogue goes on after the highest.
        given_out = recorded.numbers_given_out(self._registry.db.read())
        for name in sorted({version.name for version in old}):
            for number in range(1, given_out.get(name, 0) + 1):
                with contextlib.suppress(FileExistsError):
                    catalog.store.create_new(
                        catalog.claim_path(name, number), b'{"format": 1, "retired": true}\n'
                    )
        with self._registry.db.write() as connection:
            recorded.forget(connection, moved)
        if skipped:
            warnings.warn(
                CargoholdWarning(
                    f"store {catalog.store.name!r}: could not move these versions into the "
                    f"store's catalogue: {'; '.join(skipped)}"
                ),
                stacklevel=2,
            )

    def _stores_to_read(self, store: str | None, all_stores: bool) -> list[str | None]:
        if all_stores:
            return [record.name for record in self._stores.list()]
        return [store]

    # -- materializers ------------------------------------------------------------

    def materializers(self) -> dict[str, type[Any]]:
        """Registered materializers, keyed by qualified class name, plugins' last."""
        return dict(self._materializers())

    def materializer_for(self, obj: Any, allow_pickle: bool = False) -> type[Any]:
        """The materializer that saves ``obj``: a plugin's before a built-in's."""
        registered = self.materializers()
        for materializer in reversed(registered.values()):
            if materializer.handles(obj):
                return materializer
        if allow_pickle:
            return registered.get(PICKLE, PickleMaterializer)
        raise CargoholdError(
            f"no materializer saves objects of type {type_name(obj)!r} (built-ins: bytes, str, "
            "JSON values, pathlib.Path, numpy arrays, pandas DataFrames); register one through "
            "the cargohold_materializers hook, or pass allow_pickle=True to pickle it"
        )

    # -- save and load ------------------------------------------------------------

    def save(
        self,
        obj: Any,
        name: str,
        *,
        store: str | None = None,
        metadata: dict[str, Any] | None = None,
        allow_pickle: bool = False,
    ) -> ArtifactVersion:
        """Save ``obj`` as the next version of ``name`` in ``store``: claim a number,
        write the files, then publish the manifest. Nothing is written over."""
        from cargohold.names import check_name

        check_name("artifact", name)
        metadata = _checked_metadata(metadata)
        catalog = self.catalog(store)
        target = catalog.store
        _check_can_number(target)
        materializer_class = self.materializer_for(obj, allow_pickle)
        materializer = materializer_class()
        previews = _previews(materializer, obj)
        number = catalog.claim(name)
        uri = catalog.data_folder(name, number)
        files = ArtifactFiles(target, uri, label=f"artifact {name}:{number}")
        try:
            materializer.save(obj, files)
            if any(n.startswith(f"{VISUALIZATIONS}/") for n in files.names()):
                raise CargoholdError(
                    f"{qualified(materializer_class)} wrote into {VISUALIZATIONS}/, which "
                    "holds previews; return previews from visualize() instead"
                )
            for preview, content in previews.items():
                path = f"{VISUALIZATIONS}/{preview}"
                if isinstance(content, str):
                    files.write_text(path, content)
                else:
                    files.write_bytes(path, content)
            version = ArtifactVersion(
                name=name,
                version=number,
                uri=uri,
                type=type_name(obj),
                size=sum(entry.size for entry in files.entries),
                checksum=manifest_checksum(files.entries),
                created=now(),
                store=target.name,
                materializer=qualified(materializer_class),
                files=files.entries,
                visualizations=tuple(f"{VISUALIZATIONS}/{p}" for p in previews),
                metadata=metadata,
                created_by=who(),
            )
            catalog.publish(version)
        except BaseException:
            # The claim makes the folder this save's own: take back what it wrote. The
            # claim stays, so the number is not handed out again.
            with contextlib.suppress(Exception):
                if target.exists(uri):
                    target.rmtree(uri)
            raise
        return version

    def load(
        self,
        name: str,
        version: int | None = None,
        *,
        store: str | None = None,
        allow_pickle: bool = False,
    ) -> Any:
        found = self.get(name, version, store=store)
        if found.materializer == PICKLE and not allow_pickle:
            raise CargoholdError(
                f"artifact {found.ref} is pickled; unpickling runs code from the store, so "
                "load it only if you trust who wrote it, with allow_pickle=True"
            )
        materializer_class = self.materializers().get(found.materializer)
        if materializer_class is None:
            raise CargoholdError(
                f"artifact {found.ref} was saved by materializer {found.materializer!r}, which "
                "no loaded plugin registers; install the plugin that provides it "
                "(`cargohold plugins list` shows what is loaded)"
            )
        try:
            return materializer_class().load(self.files(found))
        except ModuleNotFoundError as exc:
            raise CargoholdError(
                f"artifact {found.ref} ({found.type}) needs the module {exc.name!r} to load; "
                f"install it (pip install {exc.name})"
            ) from None

    def files(self, version: ArtifactVersion) -> ArtifactFiles:
        store = self._stores.get(version.store)
        return ArtifactFiles(store, version.uri, version.files, label=f"artifact {version.ref}")

    # -- reading the catalogue ----------------------------------------------------------

    def get(
        self, name: str, version: int | None = None, *, store: str | None = None
    ) -> ArtifactVersion:
        """One version (the latest when ``version`` is None) in ``store``."""
        return self.catalog(store).get(name, version)

    def find(
        self, name: str | None = None, *, store: str | None = None, all_stores: bool = False
    ) -> Found:
        """The versions (of ``name``) in ``store``, or in every registered store; a store
        that cannot be read is reported, and the others are still listed."""
        found: list[ArtifactVersion] = []
        unreadable: list[str] = []
        for store_name in self._stores_to_read(store, all_stores):
            try:
                found += self.catalog(store_name).versions(name)
            except CargoholdError as exc:
                if not all_stores:
                    raise
                unreadable.append(f"store {store_name!r}: {' '.join(str(exc).split())}")
        found.sort(key=lambda v: (v.name, v.version, v.store))
        return Found(found, unreadable)

    def versions(
        self, name: str | None = None, *, store: str | None = None, all_stores: bool = False
    ) -> list[ArtifactVersion]:
        """Every version (of ``name``), by name then version; a store that cannot be read
        (with ``all_stores``) is a warning."""
        found = self.find(name, store=store, all_stores=all_stores)
        for problem in found.unreadable:
            warnings.warn(CargoholdWarning(f"could not read {problem}"), stacklevel=2)
        if name is not None and not found.versions and not all_stores:
            self.get(name, store=store)  # raises: no artifact of that name
        return found.versions

    # -- deleting -----------------------------------------------------------------------

    def delete(self, name: str, version: int | None = None, *, store: str | None = None) -> Deleted:
        """Delete one version, or every version when ``version`` is None: the manifests
        first (every machine stops seeing them at once), then the data. Version numbers
        are never given out again."""
        catalog = self.catalog(store)
        doomed = catalog.versions(name) if version is None else [catalog.get(name, version)]
        if not doomed:
            catalog.get(name)  # raises: no artifact of that name
        catalog.unpublish(doomed)
        leftovers = []
        for gone in doomed:
            try:
                if catalog.store.exists(gone.uri):
                    catalog.store.rmtree(gone.uri)
            except Exception as exc:
                leftovers.append(f"{gone.uri} ({' '.join(str(exc).split())})")
        return Deleted(doomed, leftovers)

    def write_visualizations(
        self,
        name: str,
        version: int | None,
        directory: Path,
        *,
        store: str | None = None,
    ) -> list[Path]:
        """Copy the version's previews into ``directory``; return the files written."""
        found = self.get(name, version, store=store)
        if not found.visualizations:
            raise CargoholdError(
                f"artifact {found.ref} ({found.type}) has no visualizations; its materializer "
                "made none"
            )
        files = self.files(found)
        try:
            directory.mkdir(parents=True, exist_ok=True)
            written = []
            for preview in found.visualizations:
                local = directory / Path(preview).name
                local.write_bytes(files.read_bytes(preview))
                written.append(local)
        except OSError as exc:
            raise CargoholdError(
                f"cannot write visualizations to {directory}: {exc.strerror or exc}; "
                "choose a folder you may write to"
            ) from None
        return written

    # -- moving between stores --------------------------------------------------------

    def copy(
        self,
        source: str,
        destination: str,
        names: Sequence[str] = (),
        *,
        workers: int = 8,
        progress: Progress | None = None,
    ) -> CopyReport:
        """Copy the artifacts in store ``source`` (all, or those named) to ``destination``
        under the same names and numbers: every file is copied and verified, then each
        version's manifest is published there. A version that cannot be copied is
        reported after the others are done; the source is only read."""
        from cargohold.transfer import CopyPlan, copy_files

        if workers < 1:
            raise CargoholdError(f"workers must be 1 or more, not {workers}")
        src_record = self._stores.record(source)
        dst_record = self._stores.record(destination)
        if src_record.id == dst_record.id:
            raise CargoholdError(
                f"source and destination are the same store ({source!r}); name two different "
                "stores: `cargohold artifact-store list` shows them"
            )
        src, dst = self.catalog(source), self.catalog(destination)
        _check_can_number(dst.store)
        chosen = src.versions()
        for name in names:
            if not any(v.name == name for v in chosen):
                raise CargoholdError(
                    f"artifact {name!r} has no version in store {source!r}; "
                    f"`cargohold artifact list --name {name} --all-stores` shows where its "
                    "versions are"
                )
        if names:
            chosen = [v for v in chosen if v.name in names]
        there = {(v.name, v.version): v for v in dst.versions()}
        failed: dict[str, str] = {}
        todo = []
        for version in chosen:
            present = there.get((version.name, version.version))
            if present is not None:
                if present.checksum != version.checksum:
                    failed[version.ref] = f"store {destination!r} has a different {version.ref}"
                continue
            # Claimed before any byte moves, so that no save there takes the same folder.
            refused = dst.claim_copy(version)
            if refused:
                failed[version.ref] = refused
            else:
                todo.append(version)
        plan = CopyPlan(src.store, dst.store, todo, lambda v: dst.data_folder(v.name, v.version))
        report = copy_files(plan, workers=workers, progress=progress, failed=failed)
        copied = [version for version in todo if version.ref not in failed]
        for version in copied:
            uri = plan.destination_uri(version)
            dst.publish(replace(version, store=dst.store.name, uri=uri))
        report.versions = len(copied)
        report.failed = dict(sorted(failed.items()))
        if report.failed:
            first, reason = next(iter(report.failed.items()))
            raise CopyIncompleteError(
                f"{len(report.failed)} of {len(chosen)} version(s) not copied (the first, "
                f"{first}: {reason}); the others are in {destination!r}; fix those and run the "
                "copy again",
                report,
            )
        return report


class CopyIncompleteError(CargoholdError):
    """Some versions could not be copied; ``report`` says what was."""

    def __init__(self, message: str, report: CopyReport) -> None:
        super().__init__(message)
        self.report = report


def _published_as(catalog: StoreCatalog, version: ArtifactVersion) -> bool:
    """Whether the store's catalogue already holds ``version`` (same content)."""
    from cargohold.errors import NotFoundError

    try:
        return catalog.get(version.name, version.version).checksum == version.checksum
    except NotFoundError:
        return False


def _check_can_number(store: BaseArtifactStore) -> None:
    """Refuse a store that cannot hand out version numbers safely to many writers."""
    if type(store).ATOMIC_CREATE or getattr(store.config, "single_writer", False):
        return
    flavor = store.flavor.name if store.flavor is not None else type(store).__name__
    raise CargoholdError(
        f"artifact store {store.name!r} ({flavor}) cannot create a file only if it is absent, "
        "so two machines saving at once could take the same version number; save to a store "
        "that can (local, s3, gcp, azure), or if only one process ever saves here, say so "
        f"with `cargohold artifact-store update {store.name} --single_writer=true`"
    )


def _checked_metadata(metadata: dict[str, Any] | None) -> dict[str, Any]:
    if metadata is None:
        return {}
    if not isinstance(metadata, dict) or not all(isinstance(k, str) for k in metadata):
        raise CargoholdError("metadata must be a dict with str keys")
    try:
        json.dumps(metadata, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise CargoholdError(f"metadata must hold JSON values only: {exc}") from None
    return metadata


def _previews(materializer: Materializer, obj: Any) -> dict[str, str | bytes]:
    """The materializer's previews; one that fails costs its preview, not the save."""
    try:
        previews = materializer.visualize(obj)
    except Exception as exc:
        warnings.warn(
            f"{type(materializer).__name__} could not make visualizations: {exc}", stacklevel=3
        )
        return {}
    for preview in previews:
        if "/" in preview or not preview.endswith(_PREVIEW_SUFFIXES):
            raise CargoholdError(
                f"{type(materializer).__name__}.visualize() returned {preview!r}; preview names "
                f"are plain file names ending in {', '.join(_PREVIEW_SUFFIXES)}"
            )
    return previews
