"""Plain records read from the state database."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ComponentRecord:
    id: str
    name: str
    type: str
    flavor: str
    # Holds secret values in the clear: kept out of repr; show it through the config class.
    config: dict[str, Any] = field(repr=False)
    connector: str | None = None
    created: str = ""
    updated: str = ""

    @classmethod
    def from_row(cls, row: Any) -> ComponentRecord:
        return cls(
            id=row["id"],
            name=row["name"],
            type=row["type"],
            flavor=row["flavor"],
            config=json.loads(row["config"]),
            connector=row["connector"],
            created=row["created"],
            updated=row["updated"],
        )


@dataclass(frozen=True)
class StackRecord:
    id: str
    name: str
    components: dict[str, str] = field(default_factory=dict)  # type -> component name
    active: bool = False
    created: str = ""
    updated: str = ""


@dataclass(frozen=True)
class FlavorRecord:
    id: str
    name: str
    type: str
    source: str
    root: str
    config_schema: dict[str, Any]
    created: str

    @classmethod
    def from_row(cls, row: Any) -> FlavorRecord:
        return cls(
            id=row["id"],
            name=row["name"],
            type=row["type"],
            source=row["source"],
            root=row["root"],
            config_schema=json.loads(row["config_schema"]),
            created=row["created"],
        )


@dataclass(frozen=True)
class SecretRecord:
    id: str
    name: str
    # The values in the clear: never in repr; callers show keys, or masks.
    values: dict[str, str] = field(repr=False)
    created: str = ""
    updated: str = ""

    @classmethod
    def from_row(cls, row: Any) -> SecretRecord:
        return cls(
            id=row["id"],
            name=row["name"],
            values=json.loads(row["secret_values"]),
            created=row["created"],
            updated=row["updated"],
        )


@dataclass(frozen=True)
class ConnectorRecord:
    id: str
    name: str
    type: str
    auth_method: str
    resource_type: str
    resource_id: str | None
    # May hold credentials in the clear: shown only through the auth method's model.
    config: dict[str, Any] = field(repr=False)
    created: str = ""
    updated: str = ""

    @classmethod
    def from_row(cls, row: Any) -> ConnectorRecord:
        return cls(
            id=row["id"],
            name=row["name"],
            type=row["type"],
            auth_method=row["auth_method"],
            resource_type=row["resource_type"],
            resource_id=row["resource_id"],
            config=json.loads(row["config"]),
            created=row["created"],
            updated=row["updated"],
        )
