"""Stack export and import: plain data (YAML on disk) with components and configs.

Secret values never leave the state database: a secret field is exported only when
it holds a ``{{secret.key}}`` reference, and is otherwise left out and reported.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from cargohold.errors import CargoholdError
from cargohold.registry.store import AlreadyExistsError, NotFoundError

if TYPE_CHECKING:
    from cargohold.client import Client
    from cargohold.registry.records import StackRecord

FORMAT_VERSION = 1
SECRET_REFERENCE = re.compile(r"^\{\{\s*[\w.-]+\.[\w.-]+\s*\}\}$")


def export_stack(client: Client, stack: StackRecord) -> tuple[dict[str, Any], list[str]]:
    from cargohold.configs import secret_field_names

    components: dict[str, Any] = {}
    omitted: list[str] = []
    for component_type, name in sorted(stack.components.items()):
        record = client.registry.component(component_type, name)
        try:
            secret_fields = secret_field_names(client.flavor(record.flavor).config_class)
        except CargoholdError as exc:
            raise CargoholdError(
                f"cannot export stack {stack.name!r}: {exc} (without the flavor it is unknown "
                "which fields are secret)"
            ) from None
        config = {}
        for key, value in sorted(record.config.items()):
            if key in secret_fields and not SECRET_REFERENCE.match(str(value)):
                omitted.append(f"{name}.{key}")
                continue
            config[key] = value
        components[component_type] = {"name": name, "flavor": record.flavor, "config": config}
        if record.connector is not None:
            # The connector itself (its credentials) stays here; the import links by name.
            components[component_type]["connector"] = client.connectors.name_of(record.connector)
    return {"version": FORMAT_VERSION, "stack": stack.name, "components": components}, omitted


def _shape_error(detail: str) -> CargoholdError:
    return CargoholdError(
        f"not a cargohold stack file: {detail}; create one with `cargohold stack export`"
    )


def import_stack(client: Client, data: Any, name: str | None) -> StackRecord:
    from cargohold.client import ARTIFACT_STORE, check_name
    from cargohold.configs import secret_field_names
    from cargohold.errors import warn
    from cargohold.registry.credentials import CredentialRecords
    from cargohold.store_config import check_store_values

    if not isinstance(data, dict) or not isinstance(data.get("components"), dict):
        raise _shape_error("expected a mapping with 'stack' and 'components'")
    if data.get("version") != FORMAT_VERSION:
        raise _shape_error(f"unsupported version {data.get('version')!r} (expected 1)")
    stack_name = check_name("stack", str(name or data.get("stack") or ""))
    try:
        client.stack(stack_name)
    except NotFoundError:
        pass
    else:
        raise AlreadyExistsError(
            f"stack {stack_name!r} already exists; import under another name with --name NEW"
        )
    plan: list[tuple[str, str, str, dict[str, Any], str | None, str | None]] = []
    warnings: list[str] = []
    for component_type, spec in data["components"].items():
        if component_type != ARTIFACT_STORE.value:
            raise _shape_error(f"unknown component type {component_type!r}")
        if not isinstance(spec, dict) or not isinstance(spec.get("config"), dict):
            raise _shape_error(f"{component_type} needs 'name', 'flavor' and 'config'")
        component_name = check_name("artifact store", str(spec.get("name", "")))
        flavor = client.flavor(str(spec.get("flavor", "")))
        where = f"artifact store {component_name!r}"
        _, stored, found = check_store_values(client, flavor, spec["config"], where)
        warnings += found
        connector_id = None
        if spec.get("connector"):
            connector_id = client.connectors.get(str(spec["connector"])).id
        existing_id = None
        try:
            existing = client.registry.component(component_type, component_name)
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
    links = CredentialRecords(client.registry)
    with client.registry.db.write() as connection:
        members = {}
        for component_type, component_name, flavor_name, stored, existing_id, connector in plan:
            if existing_id is None:
                existing_id = client.registry.add_component(
                    connection, component_type, component_name, flavor_name, stored
                )
                if connector is not None:
                    record = client.registry.component(component_type, component_name, connection)
                    links.link(connection, record, connector)
            members[component_type] = existing_id
        client.registry.add_stack(connection, stack_name, members)
    warn(warnings)
    return client.stack(stack_name)
