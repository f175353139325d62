"""The artifact stores service: register, inspect, change and build stores
(``Client().stores``).

It validates, then writes: a bad name, flavor, field or value raises a one-line
``CargoholdError`` before anything touches the registry. A store is built afresh
from its record at each use (credentials resolved then), and nothing is contacted
until its first I/O.
"""

from __future__ import annotations

import builtins
import json
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from cargohold.errors import CargoholdError
from cargohold.flavors import StackComponentType
from cargohold.names import check_name

if TYPE_CHECKING:
    from cargohold.flavor_service import Flavors
    from cargohold.registry.components import Registry
    from cargohold.registry.records import ComponentRecord
    from cargohold.secrets.resolution import ConfigResolver
    from cargohold.stores.base import BaseArtifactStore
    from cargohold.verify import VerifyReport

ARTIFACT_STORE = StackComponentType.ARTIFACT_STORE


class ArtifactStores:
    """Registered artifact stores, and ready-to-use store instances."""

    def __init__(
        self,
        registry: Registry,
        flavors: Flavors,
        resolver: Callable[[], ConfigResolver],
        connector_name: Callable[[str], str],
        active_store: Callable[[], str],
    ) -> None:
        """``resolver`` and ``connector_name`` are called only for stores that use
        secrets or a connector, so a plain store never imports that machinery;
        ``active_store`` names the active stack's store."""
        self._registry = registry
        self._flavors = flavors
        self._resolver = resolver
        self._connector_name = connector_name
        self._active_store = active_store
        self._built: dict[tuple[str, str, str], BaseArtifactStore] = {}

    def register(self, name: str, flavor: str, config: Mapping[str, Any]) -> ComponentRecord:
        """Validate offline and record. Warns about secrets given in plain text and
        about referenced secrets that do not exist yet."""
        from cargohold.errors import warn

        check_name("artifact store", name)
        flavor_object = self._flavors.get(flavor)
        _, stored, warnings = self._resolver().check_store_values(
            flavor_object, config, f"artifact store {name!r}"
        )
        with self._registry.db.write() as connection:
            self._registry.add_component(
                connection, ARTIFACT_STORE.value, name, flavor_object.name, stored
            )
        warn(warnings)
        return self.record(name)

    def record(self, name: str) -> ComponentRecord:
        return self._registry.component(ARTIFACT_STORE.value, name)

    def list(self) -> list[ComponentRecord]:
        return self._registry.components(ARTIFACT_STORE.value)

    def configs(self) -> builtins.list[tuple[str, dict[str, Any]]]:
        """(name, stored config) of every store: what may refer to a secret."""
        return [(record.name, record.config) for record in self.list()]

    def overview(self) -> builtins.list[dict[str, Any]]:
        """Name, flavor, path and using stacks of every store: what `list` shows."""
        using = self._registry.stacks_by_component(self._registry.db.read())
        return [
            {"name": name, "flavor": flavor, "path": path, "stacks": using.get(store_id, [])}
            for store_id, name, flavor, path in self._registry.component_paths(ARTIFACT_STORE.value)
        ]

    def stacks_using(self, record: ComponentRecord) -> builtins.list[str]:
        return self._registry.stacks_using(self._registry.db.read(), record.id)

    def describe(self, name: str) -> dict[str, Any]:
        """The record with secret fields masked, and the stacks that use it."""
        record = self.record(name)
        cached = self._flavors.catalog_entry(record.flavor)
        shown = None
        if cached is not None:
            from cargohold.flavor_catalog import shown_config

            shown = shown_config(cached["fields"], record.config)
        if shown is None:
            try:
                config = self._flavors.get(record.flavor).validate_config(record.config)
                shown = config.model_dump(mode="json", exclude_none=True)
            except CargoholdError as exc:
                shown = {key: "(hidden: flavor unavailable)" for key in record.config}
                shown["error"] = str(exc)
        # A reference is not secret: shown as written, also in secret fields. The text
        # check spares a config without references the import of the secrets machinery.
        if "{{" in json.dumps(record.config):
            from cargohold.secrets.stored import with_references

            with_references(shown, record.config)
        return {
            "name": record.name,
            "id": record.id,
            "flavor": record.flavor,
            "config": shown,
            "stacks": self.stacks_using(record),
            "connector": None
            if record.connector is None
            else self._connector_name(record.connector),
            "created": record.created,
            "updated": record.updated,
        }

    def update(self, name: str, changes: Mapping[str, Any]) -> ComponentRecord:
        """Merge ``changes`` into the stored config (``None`` unsets a field), validated."""
        from cargohold.errors import warn

        record = self.record(name)
        merged = {**record.config, **changes}
        merged = {key: value for key, value in merged.items() if value is not None}
        where = f"artifact store {name!r}"
        _, stored, warnings = self._resolver().check_store_values(
            self._flavors.get(record.flavor), merged, where
        )
        with self._registry.db.write() as connection:
            self._registry.update_component(connection, record.id, stored)
        warn(warnings)
        return self.record(name)

    def rename(self, old: str, new: str) -> ComponentRecord:
        check_name("artifact store", new)
        record = self.record(old)
        with self._registry.db.write() as connection:
            self._registry.rename_component(connection, record, new)
        return self.record(new)

    def delete(self, name: str) -> None:
        record = self.record(name)
        with self._registry.db.write() as connection:
            stacks = self._registry.stacks_using(connection, record.id)
            if stacks:
                raise CargoholdError(
                    f"artifact store {name!r} is used by stack {', '.join(stacks)}; point the "
                    f"stack at another store (`cargohold stack update {stacks[0]} -a OTHER`) "
                    "or delete the stack first"
                )
            # Versions that only this registry records (from a release before the
            # store's own catalogue) would be lost with the registration; versions in
            # the store's catalogue stay there, and registering its root again shows
            # them, so deleting a registration needs no network.
            held = self._recorded_versions(connection, record.id)
            if held:
                raise CargoholdError(
                    f"artifact store {name!r} holds {held} artifact version(s) recorded only "
                    f"here; list them once (`cargohold artifact list --store {name}`) to move "
                    f"them into the store, or move them with `cargohold artifact-store copy "
                    f"{name} OTHER`"
                )
            self._registry.delete_component(connection, record.id)

    def get(self, name: str | None = None) -> BaseArtifactStore:
        """A ready store: the named one, or the active stack's. Nothing is contacted yet.

        Its credentials are looked up now (connector, secrets), so a rotated secret
        is used from the next call on."""
        from cargohold.secrets.resolution import fingerprint

        record = self.record(name or self._active_store())
        flavor = self._flavors.get(record.flavor)
        config = self._config_for_use(record, flavor)
        key = (record.id, record.updated, fingerprint(config))
        store = self._built.get(key)
        if store is None:
            store = flavor.create_store(config, name=record.name)  # type: ignore[attr-defined]
            self._built[key] = store
        return store

    def _config_for_use(self, record: ComponentRecord, flavor: Any) -> Any:
        needs_resolving = record.connector is not None or "{{" in json.dumps(record.config)
        if needs_resolving or record.config.get("authentication_secret"):
            return self._resolver().config_for_use(record, flavor)
        from cargohold.secrets.redaction import remember_secret_fields

        config = flavor.validate_config(record.config)
        remember_secret_fields(config)
        return config

    def verify(self, name: str) -> VerifyReport:
        """Resolve credentials, then write, read, list and delete a probe object."""
        from cargohold.verify import verify_store

        self.record(name)  # an unknown name is an error, not a failed step
        return verify_store(name, lambda: self.get(name))

    @staticmethod
    def _recorded_versions(connection: Any, store_id: str) -> int:
        from cargohold.registry import artifacts as recorded

        return recorded.count_in_store(connection, store_id)
