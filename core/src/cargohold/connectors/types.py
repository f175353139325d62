"""Service connector types: what a plugin registers through ``cargohold_connector_types``.

A connector *type* names its auth methods (each with a light pydantic model of its
settings), the resource types it gives access to (``s3-bucket`` for the ``s3``
flavor, ...), how its settings become a store's config fields, and what lists the
resources it can reach: a store's own ``list_resources()``, or a function named as a
string (either runs only when ``verify`` or ``list-resources`` does). Light: no cloud
library, no registry, no service.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, runtime_checkable

from cargohold.errors import CargoholdError

if TYPE_CHECKING:
    from pydantic import BaseModel


Named = TypeVar("Named", "AuthMethod", "ResourceType")
# (auth method, resolved settings) -> the store config fields they stand for.
StoreFields = Callable[[str, Mapping[str, Any]], dict[str, Any]]


@runtime_checkable
class ListsResources(Protocol):
    """A store that can list the resources its credentials reach (bucket names, ...)."""

    def list_resources(self) -> list[str]: ...


def same_named_fields(method: str, settings: Mapping[str, Any]) -> dict[str, Any]:
    """``store_fields`` for settings named like the store's fields: those that are set."""
    return {key: value for key, value in settings.items() if value is not None}


@dataclass(frozen=True)
class AuthMethod:
    """One way to authenticate, and the model its settings must match."""

    name: str
    config_class: builtins.type[BaseModel]
    description: str = ""

    @classmethod
    def of(cls, name: str, config_class: builtins.type[BaseModel]) -> AuthMethod:
        """An auth method described by its model's docstring."""
        return cls(name, config_class, " ".join((config_class.__doc__ or "").split()))


@dataclass(frozen=True)
class ResourceType:
    """What a connector gives access to, and the store flavor that uses it."""

    name: str
    flavor: str
    scheme: str  # resource ids look like f"{scheme}{name}"
    description: str = ""


@dataclass(frozen=True)
class ConnectorType:
    """A connector type as a plugin registers it. Light: no cloud library is named
    except through ``implementation``."""

    name: str
    description: str
    auth_methods: tuple[AuthMethod, ...]
    resource_types: tuple[ResourceType, ...]
    # "module:function": (store) -> names of the resources it can list; first use only.
    # Empty: the store lists them itself (``ListsResources``).
    implementation: str = ""
    store_fields: StoreFields = same_named_fields
    # The store's own fields that a connector replaces (credentials, endpoint).
    credential_fields: frozenset[str] = field(default_factory=frozenset)

    def auth_method(self, name: str) -> AuthMethod:
        return self._named(self.auth_methods, name, "auth method")

    def resource_type(self, name: str | None) -> ResourceType:
        if name is None and len(self.resource_types) == 1:
            return self.resource_types[0]
        return self._named(self.resource_types, name, "resource type")

    def _named(self, items: tuple[Named, ...], name: str | None, kind: str) -> Named:
        for item in items:
            if item.name == name:
                return item
        known = ", ".join(item.name for item in items)
        raise CargoholdError(
            f"connector type {self.name!r} has no {kind} {name!r}; choose one of: {known}"
        )


def check_endpoint(value: str | None) -> str | None:
    """For auth-method models: an endpoint override is an http(s) URL, or a reference."""
    from cargohold.secrets.references import has_reference

    if value is None or has_reference(value):
        return value
    if not value.startswith(("http://", "https://")) or not value.split("://", 1)[1]:
        raise ValueError(f"{value!r} is not an http:// or https:// URL")
    return value


def resource_name(resource: ResourceType, resource_id: str) -> str:
    """``s3://bucket`` or ``bucket`` -> ``bucket``; anything more is an error."""
    name = resource_id.removeprefix(resource.scheme).strip("/")
    if not name or "/" in name or "://" in name:
        raise CargoholdError(
            f"resource id {resource_id!r} is not a {resource.name}; give "
            f"{resource.scheme}NAME or NAME"
        )
    return name
