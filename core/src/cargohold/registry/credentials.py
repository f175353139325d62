"""SQL for secrets, service connectors and the store-to-connector links.

No validation here: ``cargohold.secrets`` and ``cargohold.connectors`` decide what
may be written; this module writes it.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from cargohold.errors import AlreadyExistsError, NotFoundError
from cargohold.registry.components import Registry, new_id, now
from cargohold.registry.records import ComponentRecord, ConnectorRecord, SecretRecord


def _dump(data: dict[str, Any]) -> str:
    return json.dumps(data, sort_keys=True)


class CredentialRecords:
    """Typed reads and writes of the ``secrets`` and ``connectors`` tables."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self.db = registry.db

    # -- secrets --------------------------------------------------------------------

    def add_secret(self, connection: sqlite3.Connection, name: str, values: dict[str, str]) -> None:
        stamp = now()
        try:
            connection.execute(
                "INSERT INTO secrets (id, name, secret_values, created, updated)"
                " VALUES (?, ?, ?, ?, ?)",
                (new_id(), name, _dump(values), stamp, stamp),
            )
        except sqlite3.IntegrityError:
            raise AlreadyExistsError(
                f"secret {name!r} already exists; choose another name or change it with "
                f"`cargohold secret update {name}`"
            ) from None

    def find_secret(
        self, name: str, connection: sqlite3.Connection | None = None
    ) -> SecretRecord | None:
        connection = connection or self.db.read()
        row = connection.execute("SELECT * FROM secrets WHERE name = ?", (name,)).fetchone()
        return None if row is None else SecretRecord.from_row(row)

    def secret(self, name: str, connection: sqlite3.Connection | None = None) -> SecretRecord:
        record = self.find_secret(name, connection)
        if record is None:
            known = ", ".join(r.name for r in self.secrets()) or "none registered"
            raise NotFoundError(
                f"no secret named {name!r} (known: {known}); `cargohold secret list` shows them"
            )
        return record

    def secrets(self) -> list[SecretRecord]:
        rows = self.db.read().execute("SELECT * FROM secrets ORDER BY name").fetchall()
        return [SecretRecord.from_row(row) for row in rows]

    def set_secret_values(
        self, connection: sqlite3.Connection, secret_id: str, values: dict[str, str]
    ) -> None:
        connection.execute(
            "UPDATE secrets SET secret_values = ?, updated = ? WHERE id = ?",
            (_dump(values), now(), secret_id),
        )

    def rename_secret(self, connection: sqlite3.Connection, secret_id: str, new: str) -> None:
        try:
            connection.execute(
                "UPDATE secrets SET name = ?, updated = ? WHERE id = ?", (new, now(), secret_id)
            )
        except sqlite3.IntegrityError:
            raise AlreadyExistsError(
                f"secret {new!r} already exists; choose another name"
            ) from None

    def delete_secret(self, connection: sqlite3.Connection, secret_id: str) -> None:
        connection.execute("DELETE FROM secrets WHERE id = ?", (secret_id,))

    # -- connectors -----------------------------------------------------------------

    def add_connector(
        self,
        connection: sqlite3.Connection,
        name: str,
        connector_type: str,
        auth_method: str,
        resource_type: str,
        resource_id: str | None,
        config: dict[str, Any],
    ) -> None:
        stamp = now()
        try:
            connection.execute(
                "INSERT INTO connectors (id, name, type, auth_method, resource_type,"
                " resource_id, config, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    new_id(),
                    name,
                    connector_type,
                    auth_method,
                    resource_type,
                    resource_id,
                    _dump(config),
                    stamp,
                    stamp,
                ),
            )
        except sqlite3.IntegrityError:
            raise AlreadyExistsError(
                f"service connector {name!r} already exists; choose another name or change "
                f"it with `cargohold service-connector update {name}`"
            ) from None

    def connector(self, name: str) -> ConnectorRecord:
        row = self.db.read().execute("SELECT * FROM connectors WHERE name = ?", (name,)).fetchone()
        if row is None:
            known = ", ".join(r.name for r in self.connectors()) or "none registered"
            raise NotFoundError(
                f"no service connector named {name!r} (known: {known}); "
                "`cargohold service-connector list` shows them"
            )
        return ConnectorRecord.from_row(row)

    def connector_by_id(self, connector_id: str) -> ConnectorRecord:
        row = (
            self.db.read()
            .execute("SELECT * FROM connectors WHERE id = ?", (connector_id,))
            .fetchone()
        )
        if row is None:
            raise NotFoundError(f"the service connector {connector_id} is gone")
        return ConnectorRecord.from_row(row)

    def connectors(self) -> list[ConnectorRecord]:
        rows = self.db.read().execute("SELECT * FROM connectors ORDER BY name").fetchall()
        return [ConnectorRecord.from_row(row) for row in rows]

    def update_connector(
        self,
        connection: sqlite3.Connection,
        record: ConnectorRecord,
        auth_method: str,
        resource_type: str,
        resource_id: str | None,
        config: dict[str, Any],
    ) -> None:
        connection.execute(
            "UPDATE connectors SET auth_method = ?, resource_type = ?, resource_id = ?,"
            " config = ?, updated = ? WHERE id = ?",
            (auth_method, resource_type, resource_id, _dump(config), now(), record.id),
        )

    def delete_connector(self, connection: sqlite3.Connection, connector_id: str) -> None:
        connection.execute("DELETE FROM connectors WHERE id = ?", (connector_id,))

    def components_using(self, connection: sqlite3.Connection, connector_id: str) -> list[str]:
        rows = connection.execute(
            "SELECT name FROM components WHERE connector = ? ORDER BY name", (connector_id,)
        ).fetchall()
        return [row["name"] for row in rows]

    def link(
        self, connection: sqlite3.Connection, component: ComponentRecord, connector_id: str | None
    ) -> None:
        # `updated` moves, so a store instance cached by the client is rebuilt.
        connection.execute(
            "UPDATE components SET connector = ?, updated = ? WHERE id = ?",
            (connector_id, now(), component.id),
        )
