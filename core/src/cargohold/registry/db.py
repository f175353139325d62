"""The state database: one SQLite file, WAL, safe under concurrent processes.

Every write runs in ``BEGIN IMMEDIATE``, so writers queue on SQLite's lock (with a
busy timeout) instead of failing with "database is locked". The file is created
0600 and its directory 0700: secrets at rest are protected by file permissions.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from cargohold.errors import DatabaseError

DATABASE_NAME = "cargohold.db"
BUSY_TIMEOUT_SECONDS = 60.0

# Each entry moves the schema one version up; never edit a released entry, append.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE components (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        type TEXT NOT NULL,
        flavor TEXT NOT NULL,
        config TEXT NOT NULL,
        connector TEXT,
        created TEXT NOT NULL,
        updated TEXT NOT NULL,
        UNIQUE (type, name)
    );
    CREATE TABLE stacks (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        created TEXT NOT NULL,
        updated TEXT NOT NULL
    );
    CREATE TABLE stack_components (
        stack_id TEXT NOT NULL REFERENCES stacks (id) ON DELETE CASCADE,
        type TEXT NOT NULL,
        component_id TEXT NOT NULL REFERENCES components (id) ON DELETE RESTRICT,
        PRIMARY KEY (stack_id, type)
    );
    CREATE TABLE flavors (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        type TEXT NOT NULL,
        source TEXT NOT NULL,
        root TEXT NOT NULL,
        config_schema TEXT NOT NULL,
        created TEXT NOT NULL,
        UNIQUE (type, name)
    );
    CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    """,
    # Artifacts: a name, and its immutable versions. Version numbers come from
    # next_version, bumped in the write transaction that hands one out, so two
    # processes never get the same number and a deleted version's number is never
    # given again.
    """
    CREATE TABLE artifacts (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        next_version INTEGER NOT NULL,
        created TEXT NOT NULL
    );
    CREATE TABLE artifact_versions (
        id TEXT PRIMARY KEY,
        artifact_id TEXT NOT NULL REFERENCES artifacts (id) ON DELETE CASCADE,
        version INTEGER NOT NULL,
        store_id TEXT NOT NULL REFERENCES components (id) ON DELETE RESTRICT,
        uri TEXT NOT NULL,
        type TEXT NOT NULL,
        materializer TEXT NOT NULL,
        size INTEGER NOT NULL,
        checksum TEXT NOT NULL,
        files TEXT NOT NULL,
        visualizations TEXT NOT NULL,
        metadata TEXT NOT NULL,
        created TEXT NOT NULL,
        UNIQUE (artifact_id, version)
    );
    CREATE INDEX artifact_versions_store ON artifact_versions (store_id);
    """,
    # Secrets and service connectors. Values and connector configs are JSON, in the
    # clear: the file's permissions (0600, directory 0700) are what protects them.
    """
    CREATE TABLE secrets (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        secret_values TEXT NOT NULL,
        created TEXT NOT NULL,
        updated TEXT NOT NULL
    );
    CREATE TABLE connectors (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        type TEXT NOT NULL,
        auth_method TEXT NOT NULL,
        resource_type TEXT NOT NULL,
        resource_id TEXT,
        config TEXT NOT NULL,
        created TEXT NOT NULL,
        updated TEXT NOT NULL
    );
    """,
)

SCHEMA_VERSION = len(MIGRATIONS)


class Database:
    """Connections to the state database, one per thread, migrated on first use."""

    def __init__(self, path: Path, on_create: Callable[[sqlite3.Connection], None] | None = None):
        self.path = path
        self._on_create = on_create
        self._local = threading.local()

    def _open(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            # Create the file ourselves so that it is 0600 from its first byte. O_EXCL:
            # closing any descriptor of a file drops every POSIX lock this process
            # holds on it, so an existing database (which another thread's
            # connection may have locked) is never opened here.
            with contextlib.suppress(FileExistsError):
                os.close(os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600))
        except OSError as exc:
            raise DatabaseError(
                f"cannot create the state database {self.path}: {exc.strerror}; set "
                "CARGOHOLD_CONFIG_DIR to a directory you can write to"
            ) from None
        try:
            # Each connection is used by the thread that opened it; check_same_thread is
            # off only so that the exit handler, on the main thread, may close it.
            connection = sqlite3.connect(
                self.path,
                timeout=BUSY_TIMEOUT_SECONDS,
                isolation_level=None,
                check_same_thread=False,
            )
            connection.row_factory = sqlite3.Row
            connection.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA synchronous = NORMAL")
            connection.execute("PRAGMA foreign_keys = ON")
            self._migrate(connection)
            # Closing the last connection folds the WAL back into the database file.
            atexit.register(connection.close)
        except sqlite3.DatabaseError as exc:
            raise DatabaseError(
                f"cannot open the state database {self.path}: {exc}; move it aside to start "
                "afresh, or restore it from a backup"
            ) from None
        return connection

    def _migrate(self, connection: sqlite3.Connection) -> None:
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        if version == SCHEMA_VERSION:
            return
        if version > SCHEMA_VERSION:
            raise DatabaseError(
                f"the state database {self.path} has schema version {version}, newer than this "
                f"cargohold understands ({SCHEMA_VERSION}); upgrade cargohold"
            )
        with self._transaction(connection):
            # Another process may have migrated while we waited for the write lock.
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            for script in MIGRATIONS[version:]:
                for statement in script.split(";"):
                    if statement.strip():
                        connection.execute(statement)
            connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            if version == 0 and self._on_create is not None:
                self._on_create(connection)

    @property
    def connection(self) -> sqlite3.Connection:
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            connection = self._open()
            self._local.connection = connection
        return connection

    @staticmethod
    @contextlib.contextmanager
    def _transaction(connection: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield connection
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")

    def write(self) -> contextlib.AbstractContextManager[sqlite3.Connection]:
        """A write transaction: all of it is committed, or none of it."""
        return self._transaction(self.connection)

    def read(self) -> sqlite3.Connection:
        return self.connection

    def close(self) -> None:
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
            self._local.connection = None
