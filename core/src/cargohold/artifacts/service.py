"""Saving, loading, listing, deleting and copying artifacts: ``Client().artifacts``.

Data lives in the store under ``<root>/artifacts/<name>/<version>/``; the record of
each version (store, uri, type, size, checksums, metadata) lives in the registry.
A version is written to the store first and recorded after, so the registry never
names data that is not there.
"""

from __future__ import annotations

import contextlib
import json
import re
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cargohold.artifacts.files import VISUALIZATIONS, ArtifactFiles, manifest_checksum
from cargohold.artifacts.materializers import Materializer, PickleMaterializer
from cargohold.errors import CargoholdError
from cargohold.registry import artifacts as records
from cargohold.registry.artifacts import ArtifactVersion
from cargohold.registry.components import now

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
    # Folders whose data could not be removed, with the reason: the records are gone.
    leftovers: list[str]


class Artifacts:
    """The artifacts of one client's registry."""

    def __init__(
        self,
        registry: Registry,
        stores: ArtifactStores,
        materializers: Callable[[], Mapping[str, type[Any]]],
    ) -> None:
        self._registry = registry
        self._stores = stores
        self._materializers = materializers

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
        from cargohold.names import check_name

        check_name("artifact", name)
        metadata = _checked_metadata(metadata)
        target = self._stores.get(store)
        store_id = self._stores.record(target.name).id
        materializer_class = self.materializer_for(obj, allow_pickle)
        materializer = materializer_class()
        previews = _previews(materializer, obj)
        with self._registry.db.write() as connection:
            number = records.allocate_version(connection, name)
        uri = f"{target.path.rstrip('/')}/artifacts/{name}/{number}"
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
        except BaseException:
            # Nothing was recorded; take back what was written (the number stays used).
            with contextlib.suppress(Exception):
                if target.exists(uri):
                    target.rmtree(uri)
            raise
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
            store_id=store_id,
        )
        with self._registry.db.write() as connection:
            records.add_version(connection, version)
        return self.get(name, number)

    def load(self, name: str, version: int | None = None, *, allow_pickle: bool = False) -> Any:
        found = self.get(name, version)
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

    # -- records --------------------------------------------------------------------

    def get(self, name: str, version: int | None = None) -> ArtifactVersion:
        return records.version(self._registry.db.read(), name, version)

    def versions(self, name: str | None = None) -> list[ArtifactVersion]:
        found = records.versions(self._registry.db.read(), name)
        if name is not None and not found:
            self.get(name)  # raises: no artifact of that name
        return found

    def delete(self, name: str, version: int | None = None) -> Deleted:
        """Delete one version, or every version when ``version`` is None: the records
        first, then the data. Version numbers are never given out again."""
        doomed = self.versions(name) if version is None else [self.get(name, version)]
        with self._registry.db.write() as connection:
            records.delete_versions(connection, [v.id for v in doomed])
        leftovers = []
        for gone in doomed:
            try:
                store = self._stores.get(gone.store)
                if store.exists(gone.uri):
                    store.rmtree(gone.uri)
            except Exception as exc:
                leftovers.append(f"{gone.uri} ({' '.join(str(exc).split())})")
        return Deleted(doomed, leftovers)

    def write_visualizations(self, name: str, version: int | None, directory: Path) -> list[Path]:
        """Copy the version's previews into ``directory``; return the files written."""
        found = self.get(name, version)
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
        """Copy the artifacts in store ``source`` (all, or those named) to ``destination``,
        verify every file, then point their records at the copies in one transaction."""
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
        chosen = records.versions(self._registry.db.read(), store_id=src_record.id)
        for name in names:
            if not any(v.name == name for v in chosen):
                self.get(name)  # an unknown name says so
                raise CargoholdError(
                    f"artifact {name!r} has no version in store {source!r}; "
                    f"`cargohold artifact list --name {name}` shows where its versions are"
                )
        if names:
            chosen = [v for v in chosen if v.name in names]
        src_store = self._stores.get(source)
        dst_store = self._stores.get(destination)
        plan = CopyPlan(src_store, dst_store, chosen, _destination_uri(dst_store))
        report = copy_files(plan, workers=workers, progress=progress)
        with self._registry.db.write() as connection:
            records.move_versions(connection, plan.moves(), dst_record.id)
        return report


def _destination_uri(store: BaseArtifactStore) -> Callable[[ArtifactVersion], str]:
    def uri(version: ArtifactVersion) -> str:
        return f"{store.path.rstrip('/')}/artifacts/{version.name}/{version.version}"

    return uri


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
