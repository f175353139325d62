"""SQL for components, stacks, custom flavors and settings. No validation here: the
services (stores, stacks, flavors) decide what may be written; this module writes it."""

from __future__ import annotations

import json
import sqlite3
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from cargohold.errors import AlreadyExistsError, NotFoundError
from cargohold.registry.db import DATABASE_NAME, Database
from cargohold.registry.records import ComponentRecord, FlavorRecord, StackRecord

ACTIVE_STACK = "active_stack"


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def new_id() -> str:
    return uuid.uuid4().hex


class Registry:
    """Typed reads and writes over the state database."""

    def __init__(self, config_dir: Path, defaults: Any = None) -> None:
        self.db = Database(config_dir / DATABASE_NAME, on_create=defaults)

    # -- components ---------------------------------------------------------------

    def add_component(
        self,
        connection: sqlite3.Connection,
        component_type: str,
        name: str,
        flavor: str,
        config: dict[str, Any],
    ) -> str:
        component_id, stamp = new_id(), now()
        try:
            connection.execute(
                "INSERT INTO components"
                " (id, name, type, flavor, config, connector, created, updated)"
                " VALUES (?, ?, ?, ?, ?, NULL, ?, ?)",
                (
                    component_id,
                    name,
                    component_type,
                    flavor,
                    json.dumps(config, sort_keys=True),
                    stamp,
                    stamp,
                ),
            )
        except sqlite3.IntegrityError:
            kind, command = component_type.replace("_", " "), component_type.replace("_", "-")
            raise AlreadyExistsError(
                f"{kind} {name!r} already exists; choose another name or "
                f"update it with `cargohold {command} update {name}`"
            ) from None
        return component_id

    def component(
        self, component_type: str, name: str, connection: sqlite3.Connection | None = None
    ) -> ComponentRecord:
        row = (
            (connection or self.db.read())
            .execute("SELECT * FROM components WHERE type = ? AND name = ?", (component_type, name))
            .fetchone()
        )
        if row is None:
            known = ", ".join(r.name for r in self.components(component_type)) or "none registered"
            raise NotFoundError(
                f"no {component_type.replace('_', ' ')} named {name!r} (known: {known}); "
                f"`cargohold {component_type.replace('_', '-')} list` shows them"
            )
        return ComponentRecord.from_row(row)

    def components(self, component_type: str) -> list[ComponentRecord]:
        rows = (
            self.db.read()
            .execute("SELECT * FROM components WHERE type = ? ORDER BY name", (component_type,))
            .fetchall()
        )
        return [ComponentRecord.from_row(row) for row in rows]

    def update_component(
        self, connection: sqlite3.Connection, component_id: str, config: dict[str, Any]
    ) -> None:
        connection.execute(
            "UPDATE components SET config = ?, updated = ? WHERE id = ?",
            (json.dumps(config, sort_keys=True), now(), component_id),
        )

    def rename_component(
        self, connection: sqlite3.Connection, record: ComponentRecord, new_name: str
    ) -> None:
        try:
            connection.execute(
                "UPDATE components SET name = ?, updated = ? WHERE id = ?",
                (new_name, now(), record.id),
            )
        except sqlite3.IntegrityError:
            raise AlreadyExistsError(
                f"{record.type.replace('_', ' ')} {new_name!r} already exists; choose another name"
            ) from None

    def delete_component(self, connection: sqlite3.Connection, component_id: str) -> None:
        connection.execute("DELETE FROM components WHERE id = ?", (component_id,))

    def stacks_using(self, connection: sqlite3.Connection, component_id: str) -> list[str]:
        rows = connection.execute(
            "SELECT s.name FROM stacks s JOIN stack_components sc ON sc.stack_id = s.id"
            " WHERE sc.component_id = ? ORDER BY s.name",
            (component_id,),
        ).fetchall()
        return [row["name"] for row in rows]

    def component_paths(self, component_type: str) -> list[tuple[str, str, str, Any]]:
        """(id, name, flavor, config path) of every component of a type, by name.

        What a listing shows, without decoding every config: SQLite reads the path out
        of the JSON itself, which keeps a list of 10,000 stores quick.
        """
        connection = self.db.read()
        query = "SELECT id, name, flavor, {} FROM components WHERE type = ? ORDER BY name"
        try:
            rows = connection.execute(
                query.format("json_extract(config, '$.path')"), (component_type,)
            ).fetchall()
        except sqlite3.OperationalError:
            # An SQLite built without its JSON functions: decode here instead.
            rows = connection.execute(query.format("config"), (component_type,)).fetchall()
            rows = [(*row[:3], json.loads(row[3]).get("path")) for row in rows]
        return [tuple(row) for row in rows]

    def stacks_by_component(self, connection: sqlite3.Connection) -> dict[str, list[str]]:
        """Component id -> names of the stacks using it, in one query."""
        rows = connection.execute(
            "SELECT sc.component_id, s.name FROM stack_components sc"
            " JOIN stacks s ON s.id = sc.stack_id ORDER BY s.name"
        ).fetchall()
        using: dict[str, list[str]] = {}
        for component_id, stack_name in rows:
            using.setdefault(component_id, []).append(stack_name)
        return using

    # -- stacks ---------------------------------------------------------------------

    def add_stack(
        self, connection: sqlite3.Connection, name: str, components: dict[str, str]
    ) -> str:
        stack_id, stamp = new_id(), now()
        try:
            connection.execute(
                "INSERT INTO stacks (id, name, created, updated) VALUES (?, ?, ?, ?)",
                (stack_id, name, stamp, stamp),
            )
        except sqlite3.IntegrityError:
            raise AlreadyExistsError(
                f"stack {name!r} already exists; choose another name"
            ) from None
        self.set_stack_components(connection, stack_id, components)
        return stack_id

    def set_stack_components(
        self, connection: sqlite3.Connection, stack_id: str, components: dict[str, str]
    ) -> None:
        for component_type, component_id in components.items():
            connection.execute(
                "INSERT INTO stack_components (stack_id, type, component_id) VALUES (?, ?, ?)"
                " ON CONFLICT (stack_id, type) DO UPDATE SET component_id = excluded.component_id",
                (stack_id, component_type, component_id),
            )
        connection.execute("UPDATE stacks SET updated = ? WHERE id = ?", (now(), stack_id))

    def _stack_from_row(self, connection: sqlite3.Connection, row: Any) -> StackRecord:
        members = connection.execute(
            "SELECT sc.type, c.name FROM stack_components sc"
            " JOIN components c ON c.id = sc.component_id WHERE sc.stack_id = ?",
            (row["id"],),
        ).fetchall()
        active = self.setting(connection, ACTIVE_STACK) == row["id"]
        return StackRecord(
            id=row["id"],
            name=row["name"],
            components={m["type"]: m["name"] for m in members},
            active=active,
            created=row["created"],
            updated=row["updated"],
        )

    def stack(self, name: str, connection: sqlite3.Connection | None = None) -> StackRecord:
        connection = connection or self.db.read()
        row = connection.execute("SELECT * FROM stacks WHERE name = ?", (name,)).fetchone()
        if row is None:
            known = ", ".join(s.name for s in self.stacks()) or "none registered"
            raise NotFoundError(
                f"no stack named {name!r} (known: {known}); `cargohold stack list` shows them"
            )
        return self._stack_from_row(connection, row)

    def stacks(self) -> list[StackRecord]:
        connection = self.db.read()
        rows = connection.execute("SELECT * FROM stacks ORDER BY name").fetchall()
        return [self._stack_from_row(connection, row) for row in rows]

    def delete_stack(self, connection: sqlite3.Connection, stack_id: str) -> None:
        connection.execute("DELETE FROM stacks WHERE id = ?", (stack_id,))

    def active_stack(self) -> StackRecord | None:
        connection = self.db.read()
        stack_id = self.setting(connection, ACTIVE_STACK)
        if stack_id is None:
            return None
        row = connection.execute("SELECT * FROM stacks WHERE id = ?", (stack_id,)).fetchone()
        return None if row is None else self._stack_from_row(connection, row)

    # -- custom flavors -------------------------------------------------------------

    def add_flavor(
        self,
        connection: sqlite3.Connection,
        component_type: str,
        name: str,
        source: str,
        root: str,
        config_schema: dict[str, Any],
    ) -> None:
        try:
            connection.execute(
                "INSERT INTO flavors (id, name, type, source, root, config_schema, created)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (new_id(), name, component_type, source, root, json.dumps(config_schema), now()),
            )
        except sqlite3.IntegrityError:
            raise AlreadyExistsError(
                f"a custom flavor named {name!r} is already registered; delete it first with "
                f"`cargohold artifact-store flavor delete {name}`"
            ) from None

    def flavors(self, component_type: str) -> list[FlavorRecord]:
        rows = (
            self.db.read()
            .execute("SELECT * FROM flavors WHERE type = ? ORDER BY name", (component_type,))
            .fetchall()
        )
        return [FlavorRecord.from_row(row) for row in rows]

    @staticmethod
    def components_of_flavor(
        connection: sqlite3.Connection, component_type: str, flavor: str
    ) -> list[str]:
        rows = connection.execute(
            "SELECT name FROM components WHERE type = ? AND flavor = ? ORDER BY name",
            (component_type, flavor),
        ).fetchall()
        return [row["name"] for row in rows]

    def delete_flavor(self, connection: sqlite3.Connection, component_type: str, name: str) -> bool:
        cursor = connection.execute(
            "DELETE FROM flavors WHERE type = ? AND name = ?", (component_type, name)
        )
        return cursor.rowcount > 0

    # -- settings ---------------------------------------------------------------------

    @staticmethod
    def setting(connection: sqlite3.Connection, key: str) -> str | None:
        row = connection.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row["value"])

    @staticmethod
    def set_setting(connection: sqlite3.Connection, key: str, value: str | None) -> None:
        if value is None:
            connection.execute("DELETE FROM settings WHERE key = ?", (key,))
        else:
            connection.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )
