"""The plugin host: built-in plugins, entry-point plugins and what they register.

Built-in behaviour (the ``local`` and ``memory`` flavors) registers through the
same hooks as third-party plugins. Loading is explicit (``load_plugins()``) and
idempotent. A plugin that fails to import, raises in a hook, or registers a name
that is taken is recorded as broken with the reason and contributes nothing;
every other plugin keeps working.
"""

from __future__ import annotations

import functools
import importlib
import os
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import pluggy

from cargohold import hookspecs
from cargohold.errors import CargoholdError, PluginError
from cargohold.flavors import (
    FlavorRegistry,
    RegisteredFlavor,
    StackComponentType,
    checked_flavor,
)
from cargohold.integrations import Integration

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

    from cargohold.connectors.types import ConnectorType

ENTRY_POINT_GROUP = "cargohold"
LOAD_PLUGINS_ENV = "CARGOHOLD_LOAD_PLUGINS"
BUILTIN_PLUGINS: tuple[tuple[str, str], ...] = (("builtin", "cargohold.builtin_plugin"),)


class PluginStatus(str, Enum):
    OK = "ok"
    BROKEN = "broken"
    DISABLED = "disabled"
    MISSING = "missing"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class PluginRecord:
    """What ``cargohold plugins list`` shows about one plugin."""

    name: str
    distribution: str | None
    version: str | None
    hooks: tuple[str, ...]
    status: PluginStatus
    reason: str | None = None
    builtin: bool = False


@dataclass
class _Plugin:
    name: str
    distribution: str | None = None
    version: str | None = None
    builtin: bool = False
    module: object | None = None
    status: PluginStatus = PluginStatus.OK
    reason: str | None = None

    def fail(self, reason: str) -> None:
        self.status = PluginStatus.BROKEN
        self.reason = reason


@dataclass
class _Collected:
    """Everything the healthy plugins registered, by hook, and why the others were dropped."""

    tables: dict[str, dict[Any, Any]] = field(default_factory=lambda: {hook: {} for hook in HOOKS})
    owners: dict[tuple[str, object], str] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)


def _flavor_entry(obj: Any, plugin: str) -> tuple[object, RegisteredFlavor, str]:
    try:
        flavor = checked_flavor(obj, f"registered {obj!r}")
    except CargoholdError as exc:
        raise PluginError(str(exc)) from None
    component_type = StackComponentType(flavor.type)
    entry = RegisteredFlavor(flavor=flavor, plugin=plugin)
    return (component_type, flavor.name), entry, f"{component_type} flavor {flavor.name!r}"


def _integration_entry(obj: Any, plugin: str) -> tuple[object, Integration, str]:
    if not isinstance(obj, Integration):
        raise PluginError(f"registered {obj!r}, which is not a cargohold.Integration")
    return obj.name, obj, f"integration {obj.name!r}"


def _connector_type_entry(obj: Any, plugin: str) -> tuple[object, Any, str]:
    from cargohold.connectors.types import ConnectorType

    if not isinstance(obj, ConnectorType) or not obj.name:
        raise PluginError(f"registered {obj!r}, which is not a named cargohold ConnectorType")
    return obj.name, obj, f"connector type {obj.name!r}"


def _materializer_entry(obj: Any, plugin: str) -> tuple[object, Any, str]:
    if not isinstance(obj, type):
        raise PluginError(f"registered {obj!r}, which is not a class")
    missing = [
        name for name in ("handles", "save", "load") if not callable(getattr(obj, name, None))
    ]
    if missing:
        raise PluginError(
            f"registered {obj.__qualname__}, which has no {', '.join(missing)}; "
            "subclass cargohold.Materializer"
        )
    qualified = f"{obj.__module__}.{obj.__qualname__}"
    return qualified, obj, f"materializer {qualified!r}"


# The one table of hooks: each hook's name (as in hookspecs.py) and the function that
# checks what a plugin registers through it and keys it, (key, entry, label). Adding a
# hook means a spec in hookspecs.py and a row here.
HOOKS: dict[str, Callable[[Any, str], tuple[object, Any, str]]] = {
    "cargohold_flavors": _flavor_entry,
    "cargohold_integrations": _integration_entry,
    "cargohold_connector_types": _connector_type_entry,
    "cargohold_materializers": _materializer_entry,
}
HOOK_NAMES: tuple[str, ...] = tuple(HOOKS)


def allowed_entry_points() -> frozenset[str] | None:
    """Names in ``CARGOHOLD_LOAD_PLUGINS``; ``None`` when unset (load every plugin)."""
    raw = os.environ.get(LOAD_PLUGINS_ENV)
    if raw is None:
        return None
    return frozenset(part.strip() for part in raw.split(",") if part.strip())


def _installed_entry_points() -> list[EntryPoint]:
    from importlib.metadata import entry_points

    return sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda ep: ep.name)


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class PluginHost:
    """Owns a pluggy manager and the contributions of every registered plugin."""

    def __init__(
        self,
        entry_points: Callable[[], Iterable[EntryPoint]] = _installed_entry_points,
        builtins: Iterable[tuple[str, str]] = BUILTIN_PLUGINS,
    ) -> None:
        self._pm = pluggy.PluginManager(hookspecs.PROJECT_NAME)
        self._pm.add_hookspecs(hookspecs)
        self._entry_points = entry_points
        self._builtins = tuple(builtins)
        self._plugins: dict[str, _Plugin] = {}
        self._collected: _Collected | None = None
        self._loaded = False
        self._lock = threading.RLock()

    # -- loading -------------------------------------------------------------

    def load(self) -> PluginHost:
        """Register the built-in plugins, then every allowed entry point. Idempotent."""
        with self._lock:
            if self._loaded:
                return self
            self._loaded = True
            for name, module_path in self._builtins:
                plugin = _Plugin(name=name, distribution="cargohold", builtin=True)
                plugin.version = _distribution_version("cargohold")
                self._add(plugin, functools.partial(importlib.import_module, module_path))
            self._load_entry_points()
            return self

    def _load_entry_points(self) -> None:
        allowed = allowed_entry_points()
        seen: dict[str, str | None] = {}
        for ep in self._entry_points():
            dist = getattr(ep, "dist", None)
            distribution = dist.name if dist is not None else None
            if ep.name in seen:
                if seen[ep.name] != distribution:  # not merely one distribution seen twice
                    clash = _Plugin(name=f"{ep.name} ({distribution})", distribution=distribution)
                    clash.fail(
                        f"entry point name {ep.name!r} is also used by {seen[ep.name]}, "
                        "which was loaded instead; the two distributions conflict"
                    )
                    self._plugins[clash.name] = clash
                continue
            seen[ep.name] = distribution
            plugin = _Plugin(
                name=ep.name,
                distribution=distribution,
                version=dist.version if dist is not None else None,
            )
            if allowed is not None and ep.name not in allowed:
                plugin.status = PluginStatus.DISABLED
                plugin.reason = f"not named in {LOAD_PLUGINS_ENV}"
                self._plugins.setdefault(ep.name, plugin)
                continue
            self._add(plugin, ep.load)
        for name in sorted((allowed or frozenset()) - set(seen) - set(self._plugins)):
            self._plugins[name] = _Plugin(
                name=name,
                status=PluginStatus.MISSING,
                reason=f"named in {LOAD_PLUGINS_ENV}, but no installed distribution provides it",
            )

    def register(self, plugin: object, name: str | None = None) -> str:
        """Register a plugin object (a module or any object with hookimpls) at run time."""
        with self._lock:
            self.load()
            plugin_name = name or getattr(plugin, "__name__", None) or f"plugin-{id(plugin)}"
            if plugin_name in self._plugins:
                raise PluginError(f"a plugin named {plugin_name!r} is already registered")
            self._add(_Plugin(name=plugin_name), lambda: plugin)
            return plugin_name

    def unregister(self, name: str) -> None:
        """Remove a plugin registered by :meth:`register` (or any plugin, by name)."""
        with self._lock:
            record = self._plugins.pop(name, None)
            if (
                record is not None
                and record.module is not None
                and self._pm.is_registered(record.module)
            ):
                self._pm.unregister(record.module)
            self._collected = None

    def _add(self, plugin: _Plugin, importer: Callable[[], object]) -> None:
        self._collected = None
        if plugin.name in self._plugins:
            other = self._plugins[plugin.name]
            plugin.fail(
                f"plugin name {plugin.name!r} is already taken by "
                f"{other.distribution or 'another plugin'}"
            )
            plugin.name = f"{plugin.name} ({plugin.distribution})"
            self._plugins[plugin.name] = plugin
            return
        self._plugins[plugin.name] = plugin
        try:
            module = importer()
        except (Exception, SystemExit) as exc:
            plugin.fail(f"import failed: {_short(exc)}")
            return
        try:
            self._pm.register(module, name=plugin.name)
        except (Exception, SystemExit) as exc:
            plugin.fail(f"rejected by the plugin manager: {_short(exc)}")
            return
        plugin.module = module
        unknown = [c.name for c in self._hookcallers(module) if c.name not in HOOK_NAMES]
        if unknown:
            self._pm.unregister(module)
            plugin.module = None
            plugin.fail(
                f"implements unknown hook {unknown[0]!r} (known hooks: {', '.join(HOOK_NAMES)})"
            )

    def _hookcallers(self, module: object) -> list[Any]:
        return list(self._pm.get_hookcallers(module) or [])

    # -- what the plugins registered ------------------------------------------

    def _collect(self) -> _Collected:
        with self._lock:
            self.load()
            if self._collected is not None:
                return self._collected
            staged: dict[str, list[tuple[str, object, Any, str]]] = {}
            failures: dict[str, str] = {}
            for hook_name in HOOK_NAMES:
                caller = getattr(self._pm.hook, hook_name)
                for impl in caller.get_hookimpls():
                    self._call_impl(hook_name, impl, staged, failures)
            self._collected = self._commit(staged, failures)
            return self._collected

    def _call_impl(
        self,
        hook_name: str,
        impl: Any,
        staged: dict[str, list[tuple[str, object, Any, str]]],
        failures: dict[str, str],
    ) -> None:
        plugin = impl.plugin_name
        if plugin in failures:
            return
        make_entry = HOOKS[hook_name]
        mine = staged.setdefault(plugin, [])

        def register(obj: Any) -> None:
            key, entry, label = make_entry(obj, plugin)
            if any(h == hook_name and k == key for h, k, _, _ in mine):
                raise PluginError(f"registers {label} twice")
            mine.append((hook_name, key, entry, label))

        if impl.hookwrapper or getattr(impl, "wrapper", False):
            failures[plugin] = f"{hook_name} may not be a wrapper: registration hooks are plain"
            return
        arguments = {"register": register}
        try:
            # Called one implementation at a time so that one plugin's failure is its own.
            impl.function(*(arguments[name] for name in impl.argnames))
        except (Exception, SystemExit) as exc:
            failures[plugin] = f"hook {hook_name} raised {_short(exc)}"

    def _commit(
        self,
        staged: dict[str, list[tuple[str, object, Any, str]]],
        failures: dict[str, str],
    ) -> _Collected:
        collected = _Collected(failures=dict(failures))
        tables = collected.tables
        for name in self._plugins:  # load order: built-ins, entry points, run-time ones
            if name in failures or name not in staged:
                continue
            clash = next(
                (
                    (label, collected.owners[(hook, key)])
                    for hook, key, _, label in staged[name]
                    if (hook, key) in collected.owners
                ),
                None,
            )
            if clash is not None:
                collected.failures[name] = (
                    f"{clash[0]} is already registered by plugin {clash[1]!r}"
                )
                continue
            for hook, key, entry, _ in staged[name]:
                tables[hook][key] = entry
                collected.owners[(hook, key)] = name
        return collected

    # -- read-only views --------------------------------------------------------

    @property
    def module_names(self) -> list[str]:
        """Names of the plugin modules that were imported, broken plugins' included."""
        self._collect()
        names = (getattr(p.module, "__name__", None) for p in self._plugins.values())
        return [name for name in names if isinstance(name, str)]

    @property
    def plugins(self) -> list[PluginRecord]:
        collected = self._collect()
        records = []
        for plugin in self._plugins.values():
            status, reason = plugin.status, plugin.reason
            if status is PluginStatus.OK and plugin.name in collected.failures:
                status, reason = PluginStatus.BROKEN, collected.failures[plugin.name]
            hooks: tuple[str, ...] = ()
            if plugin.module is not None:
                hooks = tuple(sorted(c.name for c in self._hookcallers(plugin.module)))
            records.append(
                PluginRecord(
                    name=plugin.name,
                    distribution=plugin.distribution,
                    version=plugin.version,
                    hooks=hooks,
                    status=status,
                    reason=reason,
                    builtin=plugin.builtin,
                )
            )
        return records

    def registered(self, hook_name: str) -> Mapping[Any, Any]:
        """What the healthy plugins registered through one hook, keyed as ``HOOKS`` keys it."""
        return MappingProxyType(self._collect().tables[hook_name])

    @property
    def flavors(self) -> FlavorRegistry:
        return FlavorRegistry(self.registered("cargohold_flavors"))

    @property
    def integrations(self) -> Mapping[str, Integration]:
        return self.registered("cargohold_integrations")

    @property
    def connector_types(self) -> Mapping[str, ConnectorType]:
        return self.registered("cargohold_connector_types")

    @property
    def materializers(self) -> Mapping[str, type[Any]]:
        return self.registered("cargohold_materializers")


def _distribution_version(distribution: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(distribution)
    except PackageNotFoundError:
        return None


_host: PluginHost | None = None
_host_lock = threading.Lock()


def load_plugins() -> PluginHost:
    """Return the process-wide plugin host, loading plugins on the first call."""
    global _host
    with _host_lock:
        if _host is None:
            _host = PluginHost()
    return _host.load()
