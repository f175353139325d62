"""Service connectors: one registered way to reach a cloud, shared by many stores.

A connector *type* comes from a plugin through ``cargohold_connector_types``: its
auth methods (each with a light pydantic model of its settings), the resource types
it gives access to (``s3-bucket`` for the ``s3`` flavor, ...), how its settings
become a store's config fields, and what lists the resources it can reach (the
store's own ``list_resources()``, or a function named as a string), used only when
``verify`` or ``list-resources`` runs.

A store linked to a connector takes its credentials from the connector each time
it is built, before any credential of its own.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from cargohold.connectors.types import AuthMethod, ConnectorType, ListsResources, resource_name
from cargohold.errors import CargoholdError
from cargohold.names import check_name

if TYPE_CHECKING:
    from pydantic import BaseModel

    from cargohold.flavors import Flavor
    from cargohold.registry.credentials import CredentialRecords
    from cargohold.registry.records import ComponentRecord, ConnectorRecord
    from cargohold.secrets.resolution import SecretLookup
    from cargohold.stores.base import BaseArtifactStore


def _settings_model(method: AuthMethod, values: Mapping[str, Any], where: str) -> BaseModel:
    from pydantic import ValidationError

    from cargohold.flavors import describe_validation_error

    try:
        return method.config_class.model_validate(dict(values))
    except ValidationError as exc:
        raise CargoholdError(
            f"{where}: " + describe_validation_error(exc, method.config_class)
        ) from None


class Connectors:
    """Register, inspect, verify and link service connectors: ``Client().connectors``."""

    def __init__(
        self,
        records: CredentialRecords,
        types: Callable[[], Mapping[str, ConnectorType]],
        lookup: SecretLookup,
        flavor: Callable[[str], Flavor],
        store_record: Callable[[str], ComponentRecord],
    ) -> None:
        self.records = records
        self._types = types
        self._lookup = lookup
        self._flavor = flavor
        self._store_record = store_record

    # -- types ----------------------------------------------------------------------

    def types(self) -> dict[str, ConnectorType]:
        return dict(self._types())

    def type(self, name: str) -> ConnectorType:
        types = self.types()
        if name not in types:
            known = ", ".join(sorted(types)) or f"none (install {_first_party_distributions()})"
            raise CargoholdError(
                f"unknown connector type {name!r}; available: {known} "
                "(`cargohold service-connector list-types` shows them)"
            )
        return types[name]

    def list_types(self) -> list[dict[str, Any]]:
        return [
            {
                "type": t.name,
                "auth_methods": [m.name for m in t.auth_methods],
                "resource_types": [r.name for r in t.resource_types],
                "description": t.description,
            }
            for t in sorted(self.types().values(), key=lambda t: t.name)
        ]

    # -- records --------------------------------------------------------------------

    def _checked(
        self,
        connector_type: ConnectorType,
        auth_method: str,
        resource_type: str | None,
        resource_id: str | None,
        settings: Mapping[str, Any],
        where: str,
    ) -> tuple[str, str | None, dict[str, Any]]:
        """Validated resource type, resource id and stored settings; warns as it goes."""
        from cargohold.errors import warn
        from cargohold.secrets.resolution import plain_secret_warnings, validate_with_references
        from cargohold.secrets.stored import secret_field_names, stored_form

        method = connector_type.auth_method(auth_method)
        resource = connector_type.resource_type(resource_type)
        normalised = None
        if resource_id:
            normalised = f"{resource.scheme}{resource_name(resource, resource_id)}"
        model, warnings = validate_with_references(
            self._lookup,
            lambda values: _settings_model(method, values, where),
            settings,
            where,
        )
        warnings += plain_secret_warnings(secret_field_names(method.config_class), settings, where)
        warn(warnings)
        return resource.name, normalised, stored_form(model, settings)

    def register(
        self,
        name: str,
        connector_type: str,
        auth_method: str,
        settings: Mapping[str, Any],
        resource_type: str | None = None,
        resource_id: str | None = None,
    ) -> ConnectorRecord:
        """Validate offline, then record. Warns about settings given in plain text."""
        check_name("service connector", name)
        kind = self.type(connector_type)
        where = f"service connector {name!r} ({kind.name}, {auth_method})"
        resource, normalised, stored = self._checked(
            kind, auth_method, resource_type, resource_id, settings, where
        )
        with self.records.db.write() as connection:
            self.records.add_connector(
                connection, name, kind.name, auth_method, resource, normalised, stored
            )
        return self.get(name)

    def get(self, name: str) -> ConnectorRecord:
        return self.records.connector(name)

    def list(self) -> list[dict[str, Any]]:
        return [self._row(record) for record in self.records.connectors()]

    def _row(self, record: ConnectorRecord) -> dict[str, Any]:
        return {
            "id": record.id,
            "name": record.name,
            "type": record.type,
            "auth_method": record.auth_method,
            "resource_type": record.resource_type,
            "resource_id": record.resource_id,
        }

    def describe(self, name: str) -> dict[str, Any]:
        """The connector with secret settings masked, and the stores that use it."""
        from cargohold.secrets.stored import shown_settings

        record = self.get(name)
        try:
            method = self.type(record.type).auth_method(record.auth_method)
            settings = shown_settings(method.config_class, record.config)
        except CargoholdError as exc:
            settings = {key: "(hidden: connector type unavailable)" for key in record.config}
            settings["error"] = str(exc)
        users = self.records.components_using(self.records.db.read(), record.id)
        return {**self._row(record), "settings": settings, "stores": users,
                "created": record.created, "updated": record.updated}  # fmt: skip

    def update(
        self,
        name: str,
        settings: Mapping[str, Any],
        auth_method: str | None = None,
        resource_type: str | None = None,
        resource_id: str | None = None,
    ) -> ConnectorRecord:
        """Merge ``settings`` (``None`` unsets one); a new auth method starts afresh."""
        record = self.get(name)
        kind = self.type(record.type)
        method = auth_method or record.auth_method
        base = record.config if method == record.auth_method else {}
        merged = {k: v for k, v in {**base, **settings}.items() if v is not None}
        resource_id = record.resource_id if resource_id is None else resource_id or None
        where = f"service connector {name!r} ({kind.name}, {method})"
        resource, normalised, stored = self._checked(
            kind, method, resource_type or record.resource_type, resource_id, merged, where
        )
        with self.records.db.write() as connection:
            self.records.update_connector(connection, record, method, resource, normalised, stored)
        return self.get(name)

    def delete(self, name: str) -> None:
        record = self.get(name)
        with self.records.db.write() as connection:
            users = self.records.components_using(connection, record.id)
            if users:
                raise CargoholdError(
                    f"service connector {name!r} is used by artifact store {', '.join(users)}; "
                    f"disconnect first (`cargohold artifact-store disconnect {users[0]}`)"
                )
            self.records.delete_connector(connection, record.id)

    # -- use --------------------------------------------------------------------------

    def store_fields(self, record: ConnectorRecord) -> tuple[ConnectorType, dict[str, Any]]:
        """The store config fields this connector stands for, secrets resolved."""
        from cargohold.secrets.redaction import remember, remember_secret_fields
        from cargohold.secrets.references import resolve
        from cargohold.secrets.stored import plain_values

        kind = self.type(record.type)
        method = kind.auth_method(record.auth_method)
        where = f"service connector {record.name!r}"
        settings = resolve(record.config, self._lookup, where, on_value=remember)
        model = _settings_model(method, settings, where)
        remember_secret_fields(model)
        return kind, kind.store_fields(method.name, plain_values(model))

    def connector_fields(self, connector_id: str) -> tuple[frozenset[str], dict[str, Any]]:
        """For a store linked to the connector: the store fields the connector replaces
        (its credentials), and the fields it stands for now."""
        kind, fields = self.store_fields(self.records.connector_by_id(connector_id))
        return kind.credential_fields, fields

    def _store(self, record: ConnectorRecord, resource_id: str | None) -> BaseArtifactStore:
        kind, fields = self.store_fields(record)
        resource = kind.resource_type(record.resource_type)
        name = resource_name(resource, resource_id) if resource_id else "cargohold-probe"
        flavor = self._flavor(resource.flavor)
        config = flavor.validate_config({**fields, "path": f"{resource.scheme}{name}"})
        return flavor.create_store(config, name=record.name)  # type: ignore[attr-defined,no-any-return]

    def verify(self, name: str, resource_id: str | None = None) -> builtins.list[str]:
        """Reach the service: the resources the connector can access (its own resource,
        or ``resource_id``, when one is given); a one-line error when it cannot."""
        record = self.get(name)
        target = resource_id or record.resource_id
        store = self._store(record, target)
        try:
            if target:
                if not store.exists(store.path):
                    raise CargoholdError(
                        f"{target} does not exist, or these credentials cannot see it"
                    )
                return [store.path]
            names = _listed_resources(self.type(record.type), store)
        except Exception as exc:
            raise _as_connector_error(name, store.translated(exc)) from None
        resource = self.type(record.type).resource_type(record.resource_type)
        return sorted(f"{resource.scheme}{n}" for n in names)

    def list_resources(self, resource_type: str | None = None) -> builtins.list[dict[str, Any]]:
        """Each connector (of ``resource_type``) and what it reaches, or why it cannot."""
        from cargohold.verify import one_line

        rows = []
        for record in self.records.connectors():
            if resource_type and record.resource_type != resource_type:
                continue
            row = {k: v for k, v in self._row(record).items() if k != "auth_method"}
            try:
                row["resources"] = self.verify(record.name)
                row["error"] = None
            except Exception as exc:
                row["resources"], row["error"] = [], one_line(exc)
            rows.append(row)
        return rows

    # -- stores -----------------------------------------------------------------------

    def connect(self, store_name: str, connector_name: str) -> ComponentRecord:
        """Link a store to a connector that fits its flavor and can reach its bucket."""
        store = self._store_record(store_name)
        record = self.get(connector_name)
        resource = self.type(record.type).resource_type(record.resource_type)
        if resource.flavor != store.flavor:
            raise CargoholdError(
                f"service connector {connector_name!r} gives access to {resource.name} "
                f"resources (flavor {resource.flavor}), not to {store.flavor} stores; use a "
                "connector of the matching type"
            )
        wanted = f"{resource.scheme}{_bucket(store.config['path'], resource.scheme)}"
        if record.resource_id:
            if record.resource_id != wanted:
                raise CargoholdError(
                    f"service connector {connector_name!r} gives access to "
                    f"{record.resource_id} only, and the store's path is in {wanted}; use "
                    "another connector or change its --resource-id"
                )
        else:
            try:
                reachable = self.verify(connector_name)
            except CargoholdError as exc:
                raise CargoholdError(
                    f"cannot check that service connector {connector_name!r} reaches {wanted}: "
                    f"{exc}; fix the connector, or give it --resource-id {wanted}"
                ) from None
            if wanted not in reachable:
                raise CargoholdError(
                    f"service connector {connector_name!r} cannot reach {wanted} (it can reach: "
                    f"{', '.join(reachable) or 'nothing'}); use another connector"
                )
        with self.records.db.write() as connection:
            self.records.link(connection, store, record.id)
        return self._store_record(store_name)

    def disconnect(self, store_name: str) -> ComponentRecord:
        store = self._store_record(store_name)
        if store.connector is None:
            raise CargoholdError(
                f"artifact store {store_name!r} is not connected to a service connector; "
                f"connect it with `cargohold artifact-store connect {store_name} --connector NAME`"
            )
        with self.records.db.write() as connection:
            self.records.link(connection, store, None)
        return self._store_record(store_name)


def _listed_resources(kind: ConnectorType, store: BaseArtifactStore) -> builtins.list[str]:
    """The names of the resources ``store``'s credentials can list: through the type's
    ``implementation`` when it names one, else through the store itself."""
    if kind.implementation:
        from cargohold.dotted import import_object

        names: builtins.list[str] = import_object(kind.implementation)(store)
        return names
    if not isinstance(store, ListsResources):
        raise CargoholdError(
            f"connector type {kind.name!r} names no implementation to list its resources, "
            f"and {type(store).__name__} has no list_resources()"
        )
    return store.list_resources()


def _bucket(path: str, scheme: str) -> str:
    # The store's own scheme may be an alias of the resource's (abfs:// for az://).
    return path.split("://", 1)[-1].split("/", 1)[0]


def _as_connector_error(name: str, exc: Exception) -> Exception:
    """A store's one-line error, told about the connector rather than the probe store."""
    if not isinstance(exc, CargoholdError):
        return exc
    message = str(exc).removeprefix(f"artifact store {name!r}: ")
    return CargoholdError(f"service connector {name!r}: {message}")


def _first_party_distributions() -> str:
    """``cargohold-azure, cargohold-gcp or cargohold-s3``: the catalogue's, in order."""
    from cargohold.integrations import first_party

    names = [integration.distribution for integration in first_party()]
    return " or ".join(filter(None, [", ".join(names[:-1]), names[-1]])) if names else "a plugin"
