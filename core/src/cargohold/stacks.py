"""The stacks service: register, switch, change and delete stacks, and move them between
machines as plain data (YAML on disk) with ``export`` and ``import_`` (``Client().stacks``).

Secret values never leave the registry: a secret field is exported only when it holds
a ``{{secret.key}}`` reference, and is otherwise left out and reported.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from cargohold.errors import AlreadyExistsError, CargoholdError, NotFoundError
from cargohold.flavors import StackComponentType
from cargohold.names import check_name
from cargohold.registry.components import ACTIVE_STACK

if TYPE_CHECKING:
    from cargohold.flavor_service import Flavors
    from cargohold.registry.components import Registry
    from cargohold.registry.credentials import CredentialRecords
    from cargohold.registry.records import StackRecord
    from cargohold.secrets.resolution import ConfigResolver

ARTIFACT_STORE = StackComponentType.ARTIFACT_STORE
FORMAT_VERSION = 1


def _shape_error(detail: str) -> CargoholdError:
    return CargoholdError(
        f"not a cargohold stack file: {detail}; create one with `cargohold stack export`"
    )


class Stacks:
    """Stacks: which store each one uses, and which one is active."""

    def __init__(
        self,
        registry: Registry,
        flavors: Flavors,
        resolver: Callable[[], ConfigResolver],
        credentials: Callable[[], CredentialRecords],
    ) -> None:
        """``resolver`` and ``credentials`` are called only by ``export`` and ``import_``."""
        self._registry = registry
        self._flavors = flavors
        self._resolver = resolver
        self._credentials = credentials

    def register(self, name: str, artifact_store: str, set_active: bool = False) -> StackRecord:
        check_name("stack", name)
        store = self._registry.component(ARTIFACT_STORE.value, artifact_store)
        with self._registry.db.write() as connection:
            stack_id = self._registry.add_stack(connection, name, {ARTIFACT_STORE.value: store.id})
            if set_active:
                self._registry.set_setting(connection, ACTIVE_STACK, stack_id)
        return self._registry.stack(name)

    def list(self) -> list[StackRecord]:
        return self._registry.stacks()

    def get(self, name: str) -> StackRecord:
        return self._registry.stack(name)

    def active(self) -> StackRecord:
        stack = self._registry.active_stack()
        if stack is None:
            raise CargoholdError("no active stack; choose one with `cargohold stack set NAME`")
        return stack

    def active_store(self) -> str:
        """The name of the active stack's artifact store."""
        stack = self.active()
        store = stack.components.get(ARTIFACT_STORE.value)
        if store is None:
            raise CargoholdError(f"stack {stack.name!r} has no artifact store")
        return store

    def set_active(self, name: str) -> StackRecord:
        with self._registry.db.write() as connection:
            stack = self._registry.stack(name, connection)
            self._registry.set_setting(connection, ACTIVE_STACK, stack.id)
        return self._registry.stack(name)

    def update(self, name: str, artifact_store: str) -> StackRecord:
        store = self._registry.component(ARTIFACT_STORE.value, artifact_store)
        with self._registry.db.write() as connection:
            stack = self._registry.stack(name, connection)
            self._registry.set_stack_components(
                connection, stack.id, {ARTIFACT_STORE.value: store.id}
            )
        return self._registry.stack(name)

    def delete(self, name: str) -> None:
        with self._registry.db.write() as connection:
            stack = self._registry.stack(name, connection)
            if stack.active:
                raise CargoholdError(
                    f"stack {name!r} is the active stack; switch first with "
                    "`cargohold stack set OTHER`"
                )
            self._registry.delete_stack(connection, stack.id)

    # -- stack files -------------------------------------------------------------------

    def export(self, name: str) -> tuple[dict[str, Any], builtins.list[str]]:
        """The stack as plain data, and the secret fields left out of it."""
        from cargohold.secrets.references import is_reference
        from cargohold.secrets.stored import secret_field_names

        stack = self.get(name)
        components: dict[str, Any] = {}
        omitted: builtins.list[str] = []
        for component_type, component_name in sorted(stack.components.items()):
            record = self._registry.component(component_type, component_name)
            try:
                secret_fields = secret_field_names(self._flavors.get(record.flavor).config_class)
            except CargoholdError as exc:
                raise CargoholdError(
                    f"cannot export stack {stack.name!r}: {exc} (without the flavor it is "
                    "unknown which fields are secret)"
                ) from None
            config = {}
            for key, value in sorted(record.config.items()):
                if key in secret_fields and not is_reference(value):
                    omitted.append(f"{component_name}.{key}")
                    continue
                config[key] = value
            entry = {"name": component_name, "flavor": record.flavor, "config": config}
            if record.connector is not None:
                # The connector itself (its credentials) stays here; the import links by name.
                entry["connector"] = self._credentials().connector_by_id(record.connector).name
            components[component_type] = entry
        document = {"version": FORMAT_VERSION, "stack": stack.name, "components": components}
        return document, omitted

    def import_(self, data: Any, name: str | None = None) -> StackRecord:
        """Register the stack a stack file describes, and its stores where they are new."""
        from cargohold.errors import warn
        from cargohold.secrets.stored import secret_field_names

        if not isinstance(data, dict) or not isinstance(data.get("components"), dict):
            raise _shape_error("expected a mapping with 'stack' and 'components'")
        if data.get("version") != FORMAT_VERSION:
            raise _shape_error(f"unsupported version {data.get('version')!r} (expected 1)")
        stack_name = check_name("stack", str(name or data.get("stack") or ""))
        try:
            self.get(stack_name)
        except NotFoundError:
            pass
        else:
            raise AlreadyExistsError(
                f"stack {stack_name!r} already exists; import under another name with --name NEW"
            )
        credentials = self._credentials()
        plan: builtins.list[tuple[str, str, str, dict[str, Any], str | None, str | None]] = []
        warnings: builtins.list[str] = []
        for component_type, spec in data["components"].items():
            if component_type != ARTIFACT_STORE.value:
                raise _shape_error(f"unknown component type {component_type!r}")
            if not isinstance(spec, dict) or not isinstance(spec.get("config"), dict):
                raise _shape_error(f"{component_type} needs 'name', 'flavor' and 'config'")
            component_name = check_name("artifact store", str(spec.get("name", "")))
            flavor = self._flavors.get(str(spec.get("flavor", "")))
            where = f"artifact store {component_name!r}"
            _, stored, found = self._resolver().check_store_values(flavor, spec["config"], where)
            warnings += found
            connector_id = None
            if spec.get("connector"):
                connector_id = credentials.connector(str(spec["connector"])).id
            existing_id = None
            try:
                existing = self._registry.component(component_type, component_name)
            except NotFoundError:
                pass
            else:
                # An export leaves secret values out; the registered store may still have them.
                secret_fields = secret_field_names(flavor.config_class) - set(stored)
                comparable = {k: v for k, v in existing.config.items() if k not in secret_fields}
                if existing.flavor != flavor.name or comparable != stored:
                    raise AlreadyExistsError(
                        f"artifact store {component_name!r} already exists with a different "
                        "config; rename or delete it, or edit the file"
                    )
                existing_id = existing.id
            plan.append(
                (component_type, component_name, flavor.name, stored, existing_id, connector_id)
            )
        registry = self._registry
        with registry.db.write() as connection:
            members = {}
            for component_type, component_name, flavor_name, stored, existing_id, link in plan:
                if existing_id is None:
                    existing_id = registry.add_component(
                        connection, component_type, component_name, flavor_name, stored
                    )
                    if link is not None:
                        record = registry.component(component_type, component_name, connection)
                        credentials.link(connection, record, link)
                members[component_type] = existing_id
            registry.add_stack(connection, stack_name, members)
        warn(warnings)
        return self.get(stack_name)
