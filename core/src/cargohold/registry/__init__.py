"""Registered components, stacks and custom flavors, kept in the state database."""

from cargohold.registry.db import Database, DatabaseError
from cargohold.registry.records import ComponentRecord, FlavorRecord, StackRecord
from cargohold.registry.store import Registry

__all__ = [
    "ComponentRecord",
    "Database",
    "DatabaseError",
    "FlavorRecord",
    "Registry",
    "StackRecord",
]
