"""SQL for artifacts and their versions. No validation here: ``cargohold.artifacts``
decides what may be written; this module writes it."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from typing import Any

from cargohold.errors import NotFoundError
from cargohold.registry.components import new_id, now


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
            "files": [entry.path for entry in self.files],
            "visualizations": list(self.visualizations),
            "metadata": self.metadata,
        }

    @classmethod
    def from_row(cls, row: Any) -> ArtifactVersion:
        return cls(
            name=row["name"],
            version=row["version"],
            uri=row["uri"],
            type=row["type"],
            size=row["size"],
            checksum=row["checksum"],
            created=row["created"],
            store=row["store"],
            materializer=row["materializer"],
            files=tuple(FileEntry(*entry) for entry in json.loads(row["files"])),
            visualizations=tuple(json.loads(row["visualizations"])),
            metadata=json.loads(row["metadata"]),
            id=row["id"],
            store_id=row["store_id"],
        )


_SELECT = (
    "SELECT v.*, a.name AS name, c.name AS store FROM artifact_versions v"
    " JOIN artifacts a ON a.id = v.artifact_id JOIN components c ON c.id = v.store_id"
)


def allocate_version(connection: sqlite3.Connection, name: str) -> int:
    """The next version number of ``name`` (creating the artifact), never handed out twice."""
    connection.execute(
        "INSERT INTO artifacts (id, name, next_version, created) VALUES (?, ?, 1, ?)"
        " ON CONFLICT (name) DO NOTHING",
        (new_id(), name, now()),
    )
    row = connection.execute(
        "UPDATE artifacts SET next_version = next_version + 1 WHERE name = ?"
        " RETURNING next_version - 1",
        (name,),
    ).fetchone()
    return int(row[0])


def add_version(
    connection: sqlite3.Connection,
    version: ArtifactVersion,
) -> None:
    artifact_id = connection.execute(
        "SELECT id FROM artifacts WHERE name = ?", (version.name,)
    ).fetchone()[0]
    connection.execute(
        "INSERT INTO artifact_versions (id, artifact_id, version, store_id, uri, type,"
        " materializer, size, checksum, files, visualizations, metadata, created)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            new_id(),
            artifact_id,
            version.version,
            version.store_id,
            version.uri,
            version.type,
            version.materializer,
            version.size,
            version.checksum,
            json.dumps([[e.path, e.size, e.sha256] for e in version.files]),
            json.dumps(list(version.visualizations)),
            json.dumps(version.metadata, sort_keys=True),
            version.created,
        ),
    )


def versions(
    connection: sqlite3.Connection,
    name: str | None = None,
    store_id: str | None = None,
) -> list[ArtifactVersion]:
    """Every version, optionally of one artifact or in one store, by name then version."""
    clauses, parameters = [], []
    if name is not None:
        clauses.append("a.name = ?")
        parameters.append(name)
    if store_id is not None:
        clauses.append("v.store_id = ?")
        parameters.append(store_id)
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    rows = connection.execute(f"{_SELECT}{where} ORDER BY a.name, v.version", parameters)
    return [ArtifactVersion.from_row(row) for row in rows.fetchall()]


def version(connection: sqlite3.Connection, name: str, number: int | None) -> ArtifactVersion:
    """One version of ``name``; the latest when ``number`` is None."""
    if number is None:
        row = connection.execute(
            f"{_SELECT} WHERE a.name = ? ORDER BY v.version DESC LIMIT 1", (name,)
        ).fetchone()
    else:
        row = connection.execute(
            f"{_SELECT} WHERE a.name = ? AND v.version = ?", (name, number)
        ).fetchone()
    if row is None:
        if number is None or not versions(connection, name):
            raise NotFoundError(
                f"no artifact named {name!r}; `cargohold artifact list` shows the artifacts"
            )
        raise NotFoundError(
            f"artifact {name!r} has no version {number}; "
            f"`cargohold artifact list --name {name}` shows its versions"
        )
    return ArtifactVersion.from_row(row)


def delete_versions(connection: sqlite3.Connection, ids: list[str]) -> None:
    connection.executemany("DELETE FROM artifact_versions WHERE id = ?", [(i,) for i in ids])


def move_versions(
    connection: sqlite3.Connection, moves: list[tuple[str, str]], store_id: str
) -> None:
    """Point each version id of ``moves`` at its new uri in the store ``store_id``."""
    connection.executemany(
        "UPDATE artifact_versions SET uri = ?, store_id = ? WHERE id = ?",
        [(uri, store_id, version_id) for version_id, uri in moves],
    )


def count_in_store(connection: sqlite3.Connection, store_id: str) -> int:
    row = connection.execute(
        "SELECT COUNT(*) FROM artifact_versions WHERE store_id = ?", (store_id,)
    ).fetchone()
    return int(row[0])
