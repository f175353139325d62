"""The artifact records that releases before the on-store catalogue kept in the registry.

Versions now live in the store itself (``cargohold.artifacts.catalog``). What is left
here is what moving those old records into their store needs: read a store's records,
and drop them once their manifests are written. The tables stay in the schema so that
a state database written by an earlier release opens unchanged.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from cargohold.artifacts.versions import ArtifactVersion, FileEntry

_SELECT = (
    "SELECT v.*, a.name AS name, c.name AS store FROM artifact_versions v"
    " JOIN artifacts a ON a.id = v.artifact_id JOIN components c ON c.id = v.store_id"
)


def _version_of(row: Any) -> ArtifactVersion:
    return ArtifactVersion(
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


def versions_in_store(connection: sqlite3.Connection, store_id: str) -> list[ArtifactVersion]:
    """The recorded versions in one store, by name then version."""
    rows = connection.execute(
        f"{_SELECT} WHERE v.store_id = ? ORDER BY a.name, v.version", (store_id,)
    )
    return [_version_of(row) for row in rows.fetchall()]


def numbers_given_out(connection: sqlite3.Connection) -> dict[str, int]:
    """The highest version number handed out for each artifact name, deleted ones too."""
    rows = connection.execute("SELECT name, next_version FROM artifacts").fetchall()
    return {row["name"]: int(row["next_version"]) - 1 for row in rows}


def forget(connection: sqlite3.Connection, ids: list[str]) -> None:
    """Drop records whose versions the store's own catalogue now holds."""
    connection.executemany("DELETE FROM artifact_versions WHERE id = ?", [(i,) for i in ids])


def count_in_store(connection: sqlite3.Connection, store_id: str) -> int:
    row = connection.execute(
        "SELECT COUNT(*) FROM artifact_versions WHERE store_id = ?", (store_id,)
    ).fetchone()
    return int(row[0])
