"""The secrets service: create, read, change and delete secrets (``Client().secrets``)."""

from __future__ import annotations

import builtins
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from cargohold.errors import CargoholdError
from cargohold.names import check_name
from cargohold.secrets.redaction import MASK
from cargohold.secrets.references import references
from cargohold.secrets.values import check_key

if TYPE_CHECKING:
    from cargohold.registry.credentials import CredentialRecords
    from cargohold.registry.records import SecretRecord

# (who, config) for every registered store: what may refer to a secret besides connectors.
StoreConfigs = Callable[[], Iterable[tuple[str, Mapping[str, Any]]]]


class Secrets:
    """Secrets kept in the registry, and who refers to them."""

    def __init__(self, records: CredentialRecords, store_configs: StoreConfigs) -> None:
        self.records = records
        self._store_configs = store_configs

    def lookup(self, name: str) -> dict[str, str] | None:
        """A secret's values, or None: what references are resolved against."""
        record = self.records.find_secret(name)
        return None if record is None else dict(record.values)

    def get(self, name: str) -> SecretRecord:
        return self.records.secret(name)

    def create(self, name: str, values: Mapping[str, str]) -> SecretRecord:
        check_name("secret", name)
        if not values:
            raise CargoholdError(
                f"secret {name!r} needs at least one value: --KEY=VALUE, --KEY=@FILE or --values"
            )
        checked = {check_key(key): str(value) for key, value in values.items()}
        with self.records.db.write() as connection:
            self.records.add_secret(connection, name, checked)
        return self.get(name)

    def list(self) -> builtins.list[dict[str, Any]]:
        """Names and keys, never values."""
        users = self._users_by_secret()
        return [
            {
                "name": record.name,
                "keys": sorted(record.values),
                "used_by": users.get(record.name, []),
                "updated": record.updated,
            }
            for record in self.records.secrets()
        ]

    def describe(self, name: str, reveal: bool = False) -> dict[str, Any]:
        """The secret with its values masked, unless ``reveal``."""
        record = self.get(name)
        return {
            "name": record.name,
            "id": record.id,
            "values": {
                key: (value if reveal else MASK) for key, value in sorted(record.values.items())
            },
            "used_by": self._users_by_secret().get(name, []),
            "created": record.created,
            "updated": record.updated,
        }

    def update(
        self, name: str, values: Mapping[str, str], remove_keys: tuple[str, ...] = ()
    ) -> SecretRecord:
        """Set ``values`` and remove ``remove_keys``; the next use of a store sees them."""
        record = self.get(name)
        missing = sorted(set(remove_keys) - set(record.values))
        if missing:
            raise CargoholdError(
                f"secret {name!r} has no key {', '.join(map(repr, missing))}; its keys: "
                f"{', '.join(sorted(record.values))}"
            )
        if not values and not remove_keys:
            raise CargoholdError(
                "nothing to update; give --KEY=VALUE, --KEY=@FILE, --values or --remove-key"
            )
        merged = {**record.values, **{check_key(k): str(v) for k, v in values.items()}}
        for key in remove_keys:
            merged.pop(key, None)
        if not merged:
            raise CargoholdError(
                f"secret {name!r} would have no keys left; delete it with "
                f"`cargohold secret delete {name}`"
            )
        with self.records.db.write() as connection:
            self.records.set_secret_values(connection, record.id, merged)
        return self.get(name)

    def rename(self, old: str, new: str) -> SecretRecord:
        check_name("secret", new)
        record = self.get(old)
        self._refuse_while_used(old, f"renaming secret {old!r} would break")
        with self.records.db.write() as connection:
            self.records.rename_secret(connection, record.id, new)
        return self.get(new)

    def delete(self, name: str) -> None:
        record = self.get(name)
        self._refuse_while_used(name, f"deleting secret {name!r} would break")
        with self.records.db.write() as connection:
            self.records.delete_secret(connection, record.id)

    def _refuse_while_used(self, name: str, consequence: str) -> None:
        users = self._users_by_secret().get(name, [])
        if users:
            raise CargoholdError(
                f"{consequence} {', '.join(users)}, which refer to it; change them first "
                "(`cargohold artifact-store update` / `cargohold service-connector update`)"
            )

    def _users_by_secret(self) -> dict[str, builtins.list[str]]:
        """Secret name -> the stores and connectors that refer to it."""
        users: dict[str, builtins.list[str]] = {}
        found = [(f"artifact store {name}", config) for name, config in self._store_configs()]
        found += [(f"service connector {r.name}", r.config) for r in self.records.connectors()]
        for who, config in found:
            names = {name for name, _ in references(config)}
            if config.get("authentication_secret"):
                names.add(str(config["authentication_secret"]))
            for name in names:
                users.setdefault(name, []).append(who)
        return users
