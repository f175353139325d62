"""What an artifact version is, and its manifest: the on-store record of format 1.

A manifest is a small JSON object kept in the store beside the data, written once
and never changed (see ``catalog`` for where, and docs/artifacts.md for the format
readers may rely on). ``ArtifactVersion`` is what the Python API hands out: the
manifest as read through one registered store, with that store's name and the
version folder's full path.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from cargohold.errors import CargoholdError

FORMAT = 1


@dataclass(frozen=True)
class FileEntry:
    """One file of an artifact version, relative to the version's folder."""

    path: str
    size: int
    sha256: str


@dataclass(frozen=True)
class ArtifactVersion:
    """An immutable version of an artifact: where its files are and what they hold."""

    name: str
    version: int
    uri: str
    type: str
    size: int
    checksum: str
    created: str
    store: str
    materializer: str = ""
    files: tuple[FileEntry, ...] = field(default=(), repr=False)
    visualizations: tuple[str, ...] = ()
    metadata: dict[str, Any] = field(default_factory=dict)
    created_by: dict[str, str] = field(default_factory=dict)
    id: str = field(default="", repr=False)
    store_id: str = field(default="", repr=False)

    @property
    def ref(self) -> str:
        """``name:version``, as the CLI takes it."""
        return f"{self.name}:{self.version}"

    def summary(self) -> dict[str, Any]:
        """What `artifact list` shows of it."""
        return {
            "name": self.name,
            "version": self.version,
            "type": self.type,
            "size": self.size,
            "store": self.store,
            "created": self.created,
            "uri": self.uri,
        }

    def details(self) -> dict[str, Any]:
        """What `artifact describe` shows of it."""
        return {
            **self.summary(),
            "checksum": self.checksum,
            "materializer": self.materializer,
            "created_by": dict(self.created_by),
            "files": [entry.path for entry in self.files],
            "visualizations": list(self.visualizations),
            "metadata": self.metadata,
        }


def manifest_of(version: ArtifactVersion, data: str) -> dict[str, Any]:
    """The manifest of ``version``, whose files are in ``<root>/artifacts/<data>/``."""
    return {
        "format": FORMAT,
        "name": version.name,
        "version": version.version,
        "type": version.type,
        "materializer": version.materializer,
        "data": data,
        "files": [{"path": e.path, "size": e.size, "sha256": e.sha256} for e in version.files],
        "visualizations": list(version.visualizations),
        "metadata": version.metadata,
        "size": version.size,
        "checksum": version.checksum,
        "created": version.created,
        "created_by": dict(version.created_by),
    }


def encode(manifest: dict[str, Any]) -> bytes:
    return json.dumps(manifest, sort_keys=True, indent=1).encode("utf-8") + b"\n"


def decode(raw: bytes, where: str) -> dict[str, Any]:
    """A manifest read from ``where``, checked for the fields every reader relies on."""
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, ValueError):
        raise CargoholdError(f"{where} is not a JSON manifest; it is damaged") from None
    if not isinstance(data, dict):
        raise CargoholdError(f"{where} is not a JSON manifest; it is damaged")
    found = data.get("format")
    if isinstance(found, int) and found > FORMAT:
        raise CargoholdError(
            f"{where} is in manifest format {found}, newer than this cargohold reads "
            f"({FORMAT}); upgrade cargohold to read it"
        )
    try:
        files = tuple(
            FileEntry(str(f["path"]), int(f["size"]), str(f["sha256"])) for f in data["files"]
        )
        for key in ("name", "version", "type", "data", "size", "checksum", "created"):
            data[key]
    except (KeyError, TypeError, ValueError):
        raise CargoholdError(f"{where} lacks fields a manifest must have; it is damaged") from None
    data["files"] = files
    return data


def version_of(manifest: dict[str, Any], store: str, root: str) -> ArtifactVersion:
    """The version a decoded manifest describes, as read through store ``store``."""
    return ArtifactVersion(
        name=str(manifest["name"]),
        version=int(manifest["version"]),
        uri=f"{root.rstrip('/')}/artifacts/{manifest['data']}",
        type=str(manifest["type"]),
        size=int(manifest["size"]),
        checksum=str(manifest["checksum"]),
        created=str(manifest["created"]),
        store=store,
        materializer=str(manifest.get("materializer") or ""),
        files=manifest["files"],
        visualizations=tuple(str(v) for v in manifest.get("visualizations") or ()),
        metadata=dict(manifest.get("metadata") or {}),
        created_by={str(k): str(v) for k, v in (manifest.get("created_by") or {}).items()},
    )
