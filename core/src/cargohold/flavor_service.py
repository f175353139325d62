"""The flavors service: every flavor, from plugins or from repositories, found, listed,
described, registered and deleted in one place (``Client().flavors``).

Listing and describing plugin flavors is served from ``flavor_catalog``'s cache when
the caller did not bring its own plugin host; repository flavors are imported from
the repository they were registered from.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cargohold.errors import CargoholdError, FlavorNotFoundError, NotFoundError
from cargohold.flavors import Flavor, StackComponentType, checked_flavor

if TYPE_CHECKING:
    from cargohold.plugins import PluginHost
    from cargohold.registry.components import Registry
    from cargohold.registry.records import FlavorRecord

ARTIFACT_STORE = StackComponentType.ARTIFACT_STORE


class Flavors:
    """Flavors by name, whatever brought them."""

    def __init__(
        self,
        host: Callable[[], PluginHost],
        registry: Registry,
        cache_dir: Path | None,
    ) -> None:
        """``cache_dir``: where the catalog of plugin flavors is cached; None when the
        host is the caller's own (theirs to describe: only installed plugins are cached)."""
        self._host = host
        self._registry = registry
        self._cache_dir = cache_dir

    # -- lookup ----------------------------------------------------------------------

    def get(self, name: str, component_type: StackComponentType = ARTIFACT_STORE) -> Flavor:
        """A flavor from a plugin, else a custom flavor registered from a repository."""
        host = self._host()
        try:
            return host.flavors.get(name, component_type)
        except FlavorNotFoundError:
            pass
        for record in self._registry.flavors(component_type.value):
            if record.name == name:
                return self._load_custom(record)
        known = [e.flavor.name for e in host.flavors.list(component_type)]
        known += [r.name for r in self._registry.flavors(component_type.value)]
        broken = [p.name for p in host.plugins if p.status.value == "broken"]
        hint = "`cargohold artifact-store flavor list` shows them all"
        if broken:
            hint += (
                f"; plugins that failed to load: {', '.join(sorted(broken))}"
                " (`cargohold plugins list` says why)"
            )
        raise FlavorNotFoundError(
            f"unknown {component_type} flavor {name!r}; available: {', '.join(sorted(known))} "
            f"({hint})"
        )

    def _load_custom(self, record: FlavorRecord) -> Flavor:
        from cargohold.repository import import_from_repository, source_root

        roots = list(dict.fromkeys([source_root(), Path(record.root)]))
        error: CargoholdError | None = None
        for root in roots:
            try:
                return checked_flavor(import_from_repository(record.source, root), record.source)
            except CargoholdError as exc:
                error = exc
        assert error is not None
        raise CargoholdError(f"custom flavor {record.name!r} is broken: {error}") from None

    # -- the catalog of plugin flavors -----------------------------------------------

    def _catalog(self) -> dict[str, Any] | None:
        if self._cache_dir is None:
            return None
        from cargohold import flavor_catalog

        def build() -> tuple[dict[str, Any], set[str]]:
            from cargohold.flavor_descriptions import build_flavor_catalog

            return build_flavor_catalog(self._host())

        return flavor_catalog.get_or_build(self._cache_dir, build)

    def catalog_entry(
        self, name: str, component_type: StackComponentType = ARTIFACT_STORE
    ) -> dict[str, Any] | None:
        """A plugin flavor's cached row, description and fields (see ``flavor_catalog``)."""
        catalog = self._catalog()
        return None if catalog is None else catalog.get(f"{component_type.value}:{name}")

    # -- list and describe -----------------------------------------------------------

    def list(self, component_type: StackComponentType = ARTIFACT_STORE) -> list[dict[str, Any]]:
        # With the catalog cached and no repository flavor, neither the plugins nor the
        # description builder is imported.
        catalog = self._catalog()
        if catalog is not None:
            prefix = f"{component_type.value}:"
            rows = [dict(e["row"]) for key, e in catalog.items() if key.startswith(prefix)]
        else:
            from cargohold.flavor_descriptions import FlavorOrigin, row_of

            host = self._host()
            rows = [
                row_of(entry.flavor, FlavorOrigin.of_plugin(host, entry))
                for entry in host.flavors.list(component_type)
            ]
        for record in self._registry.flavors(component_type.value):
            rows.append(self._custom_row(record))
        return sorted(rows, key=lambda r: str(r["name"]))

    def _custom_row(self, record: FlavorRecord) -> dict[str, Any]:
        from cargohold.flavor_descriptions import FlavorOrigin, row_of

        origin = FlavorOrigin.of_repository(record.source, record.root)
        try:
            return row_of(self._load_custom(record), origin)
        except CargoholdError as exc:
            return {
                "name": record.name,
                "type": record.type,
                "schemes": [],
                "integration": None,
                "plugin": origin.plugin,
                "dependencies": f"broken: {exc}",
            }

    def describe(
        self, name: str, component_type: StackComponentType = ARTIFACT_STORE
    ) -> dict[str, Any]:
        from cargohold.flavor_descriptions import FlavorOrigin, description_of

        cached = self.catalog_entry(name, component_type)
        if cached is not None and cached["description"] is not None:
            return copy.deepcopy(cached["description"])
        host = self._host()
        entry = host.flavors.entries.get((component_type, name))
        if entry is not None:
            return description_of(entry.flavor, FlavorOrigin.of_plugin(host, entry))
        flavor = self.get(name, component_type)
        record = next(r for r in self._registry.flavors(component_type.value) if r.name == name)
        return description_of(flavor, FlavorOrigin.of_repository(record.source, record.root))

    # -- custom flavors --------------------------------------------------------------

    def register(self, source: str) -> FlavorRecord:
        """Register a flavor class from the repository by dotted path, without importing
        its implementation."""
        from cargohold.repository import import_from_repository, source_root

        root = source_root()
        flavor = checked_flavor(import_from_repository(source, root), source)
        if flavor.type is not ARTIFACT_STORE:
            raise CargoholdError(f"{source} is a {flavor.type} flavor; only artifact_store for now")
        taken = self._host().flavors.entries.get((flavor.type, flavor.name))
        if taken is not None:
            raise CargoholdError(
                f"flavor name {flavor.name!r} is provided by plugin {taken.plugin!r}; "
                "give your flavor another name"
            )
        schema = flavor.config_class.model_json_schema()
        with self._registry.db.write() as connection:
            self._registry.add_flavor(
                connection, flavor.type.value, flavor.name, source, str(root), schema
            )
        return next(r for r in self._registry.flavors(flavor.type.value) if r.name == flavor.name)

    def delete(self, name: str, component_type: StackComponentType = ARTIFACT_STORE) -> None:
        with self._registry.db.write() as connection:
            users = self._registry.components_of_flavor(connection, component_type.value, name)
            if users:
                raise CargoholdError(
                    f"flavor {name!r} is used by {component_type} {', '.join(users)}; "
                    "delete those first"
                )
            if not self._registry.delete_flavor(connection, component_type.value, name):
                raise NotFoundError(
                    f"no custom flavor named {name!r}; flavors from plugins go away when the "
                    "plugin is uninstalled"
                )
