"""Plain-data descriptions of plugins and flavors: the one builder behind ``flavor list``,
``flavor describe`` and the cached flavor catalog, for a flavor of any origin.

A flavor comes from a plugin (built-in or installed) or from a repository
(``flavor register``); ``FlavorOrigin`` says which, and everything shown about the
flavor itself is built the same way from it.
"""

from __future__ import annotations

import importlib.util
import json
import types
import typing
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cargohold.flavors import Flavor, RegisteredFlavor
    from cargohold.plugins import PluginHost, PluginRecord


@dataclass(frozen=True)
class FlavorOrigin:
    """Where a flavor comes from: a plugin, or a dotted path in a repository."""

    plugin: str  # what the "plugin" column shows
    distribution: str | None = None
    version: str | None = None
    builtin: bool = False
    source: str | None = None  # the dotted path of a repository flavor
    root: str | None = None  # the repository it was registered from

    @classmethod
    def of_plugin(cls, host: PluginHost, entry: RegisteredFlavor) -> FlavorOrigin:
        record = next((p for p in host.plugins if p.name == entry.plugin), None)
        if record is None:
            return cls(plugin=entry.plugin)
        return cls(entry.plugin, record.distribution, record.version, record.builtin)

    @classmethod
    def of_repository(cls, source: str, root: str) -> FlavorOrigin:
        return cls(plugin=f"repository ({source})", source=source, root=root)


def plugin_row(record: PluginRecord) -> dict[str, Any]:
    return {
        "name": record.name,
        "distribution": record.distribution,
        "version": record.version,
        "hooks": list(record.hooks),
        "status": record.status.value,
        "reason": record.reason,
    }


def _schemes(flavor: Flavor) -> list[str]:
    schemes: set[str] = getattr(flavor.config_class, "SUPPORTED_SCHEMES", set())
    return sorted(s if s else "<path>" for s in schemes)


def _module_found(module: str, root: str | None) -> bool:
    """Whether ``module`` can be imported, without importing it (from ``root`` first,
    for a repository flavor)."""
    from cargohold.dotted import importable_from

    with importable_from(root):
        try:
            return importlib.util.find_spec(module) is not None
        except ImportError:
            return False


def dependency_status(flavor: Flavor, origin: FlavorOrigin) -> str:
    """``ready``, or what is missing, without importing the implementation."""
    from cargohold.dependencies import check_distribution

    if origin.distribution and not origin.builtin:
        report = check_distribution(origin.distribution)
        if not report.satisfied:
            return report.summary()
    implementation = type(flavor).implementation
    if implementation:
        module = implementation.partition(":")[0]
        if not _module_found(module, origin.root):
            return f"missing: implementation module {module} not found"
    return "ready"


def row_of(flavor: Flavor, origin: FlavorOrigin) -> dict[str, Any]:
    """One row of ``flavor list``."""
    return {
        "name": flavor.name,
        "type": flavor.type.value,
        "schemes": _schemes(flavor),
        "integration": flavor.integration,
        "plugin": origin.plugin,
        "dependencies": dependency_status(flavor, origin),
    }


def description_of(flavor: Flavor, origin: FlavorOrigin) -> dict[str, Any]:
    """What ``flavor describe`` shows."""
    implementation = type(flavor).implementation or (
        f"{type(flavor).__module__}.{type(flavor).__qualname__}.implementation_class"
    )
    description = {
        **row_of(flavor, origin),
        "distribution": origin.distribution,
        "version": origin.version,
        "implementation": implementation,
        "immutable": bool(getattr(flavor.config_class, "IS_IMMUTABLE_FILESYSTEM", False)),
        "docs_url": flavor.docs_url,
        "config": config_fields(flavor.config_class),
    }
    if origin.source is not None:
        description.update(source=origin.source, root=origin.root)
    return description


def flavor_row(host: PluginHost, entry: RegisteredFlavor) -> dict[str, Any]:
    """``row_of`` a plugin's flavor."""
    return row_of(entry.flavor, FlavorOrigin.of_plugin(host, entry))


def describe_flavor(host: PluginHost, entry: RegisteredFlavor) -> dict[str, Any]:
    """``description_of`` a plugin's flavor."""
    return description_of(entry.flavor, FlavorOrigin.of_plugin(host, entry))


def _type_name(annotation: Any) -> str:
    if annotation is type(None):
        return "None"
    if isinstance(annotation, type):
        return annotation.__name__
    origin = typing.get_origin(annotation)
    arguments = typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        return " | ".join(_type_name(a) for a in arguments)
    if origin is not None and arguments:
        name = getattr(origin, "__name__", str(origin))
        return f"{name}[{', '.join(_type_name(a) for a in arguments)}]"
    return str(annotation).replace("typing.", "")


def config_fields(config_class: Any) -> list[dict[str, Any]]:
    from pydantic_core import PydanticUndefined

    from cargohold.secrets.stored import is_secret_annotation

    fields = []
    for name, info in config_class.model_fields.items():
        required = info.is_required()
        default: Any = None
        if not required:
            computed = info.default is PydanticUndefined or info.validate_default
            default = "<computed>" if computed else info.default
        fields.append(
            {
                "name": name,
                "type": _type_name(info.annotation),
                "required": required,
                "default": default,
                "secret": is_secret_annotation(info.annotation),
                "description": info.description or "",
            }
        )
    return fields


def _json_stable(value: Any) -> bool:
    """Whether ``value`` survives a JSON round trip unchanged (tuples, sets, objects do not)."""
    try:
        return bool(json.loads(json.dumps(value)) == value)
    except (TypeError, ValueError):
        return False


def shown_fields(config_class: Any) -> list[dict[str, Any]]:
    """What ``flavor_catalog.shown_config`` needs to show a stored config like the class does.

    A default that is computed (a factory, a validator) or not plain JSON is marked
    ``computed``: a config that leaves it unset is then shown through the class itself.
    """
    from pydantic_core import PydanticUndefined

    from cargohold.secrets.stored import is_secret_annotation

    fields = []
    for name, info in config_class.model_fields.items():
        default = None if info.is_required() else info.default
        computed = (
            info.default is PydanticUndefined or info.validate_default or not _json_stable(default)
        )
        fields.append(
            {
                "name": name,
                "required": info.is_required(),
                "computed": bool(computed),
                "default": None if computed else default,
                "secret": is_secret_annotation(info.annotation),
            }
        )
    return fields


def build_flavor_catalog(host: PluginHost) -> tuple[dict[str, Any], set[str]]:
    """Every plugin flavor's list row, description and shown fields, and the top-level
    packages they were built from (for ``flavor_catalog``'s fingerprint)."""
    packages = {"cargohold", *(name.partition(".")[0] for name in host.module_names)}
    catalog: dict[str, Any] = {}
    for entry in host.flavors.entries.values():
        flavor = entry.flavor
        config_class = flavor.config_class
        packages.update(
            module.partition(".")[0]
            for module in (type(flavor).__module__, config_class.__module__)
        )
        description = describe_flavor(host, entry)
        catalog[f"{flavor.type.value}:{flavor.name}"] = {
            "row": flavor_row(host, entry),
            # None: not plain JSON, so describing it goes through the class each time.
            "description": description if _json_stable(description) else None,
            "fields": shown_fields(config_class),
        }
    return catalog, packages
