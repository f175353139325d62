"""Registered components, stacks and custom flavors, kept in the state database."""

from cargohold.registry.components import Registry
from cargohold.registry.db import Database
from cargohold.registry.records import ComponentRecord, FlavorRecord, StackRecord

__all__ = [
    "ComponentRecord",
    "Database",
    "FlavorRecord",
    "Registry",
    "StackRecord",
]
