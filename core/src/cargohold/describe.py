"""Plain-data descriptions of plugins and flavors, shared by the CLI and the Python API."""

from __future__ import annotations

import importlib.util
import json
import types
import typing
from typing import Any

from cargohold.flavors import Flavor, RegisteredFlavor
from cargohold.plugins import PluginHost, PluginRecord


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


def dependency_status(host: PluginHost, entry: RegisteredFlavor) -> str:
    """``ready``, or what is missing, without importing the implementation."""
    from cargohold.dependencies import check_distribution

    record = next((p for p in host.plugins if p.name == entry.plugin), None)
    if record is not None and record.distribution and not record.builtin:
        report = check_distribution(record.distribution)
        if not report.satisfied:
            return report.summary()
    implementation = type(entry.flavor).implementation
    if implementation:
        module = implementation.partition(":")[0]
        try:
            found = importlib.util.find_spec(module) is not None
        except ImportError:
            found = False
        if not found:
            return f"missing: implementation module {module} not found"
    return "ready"


def flavor_row(host: PluginHost, entry: RegisteredFlavor) -> dict[str, Any]:
    flavor = entry.flavor
    return {
        "name": flavor.name,
        "type": flavor.type.value,
        "schemes": _schemes(flavor),
        "integration": flavor.integration,
        "plugin": entry.plugin,
        "dependencies": dependency_status(host, entry),
    }


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


def is_secret_annotation(annotation: Any) -> bool:
    from pydantic import SecretStr

    if annotation is SecretStr:
        return True
    return any(is_secret_annotation(a) for a in typing.get_args(annotation))


def config_fields(config_class: Any) -> list[dict[str, Any]]:
    from pydantic_core import PydanticUndefined

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


def describe_flavor(host: PluginHost, entry: RegisteredFlavor) -> dict[str, Any]:
    flavor = entry.flavor
    record = next((p for p in host.plugins if p.name == entry.plugin), None)
    implementation = type(flavor).implementation or (
        f"{type(flavor).__module__}.{type(flavor).__qualname__}.implementation_class"
    )
    return {
        **flavor_row(host, entry),
        "distribution": record.distribution if record else None,
        "version": record.version if record else None,
        "implementation": implementation,
        "immutable": bool(getattr(flavor.config_class, "IS_IMMUTABLE_FILESYSTEM", False)),
        "docs_url": flavor.docs_url,
        "config": config_fields(flavor.config_class),
    }


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
