"""From what is registered to what a store is built with: the order credentials come in.

Registering checks a config offline and keeps ``{{secret.key}}`` references as
written. Using a store builds its config afresh each time, credentials first from
its service connector, else from its ``authentication_secret``, else from its own
fields, with every reference resolved; so rotating a secret or changing a connector
takes effect on the next use.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from cargohold.errors import CargoholdError, SecretNotFoundError
from cargohold.secrets.redaction import remember, remember_secret_fields
from cargohold.secrets.references import has_reference, resolve
from cargohold.secrets.stored import plain_values, secret_field_names, stored_form

if TYPE_CHECKING:
    from cargohold.flavors import Flavor
    from cargohold.registry.records import ComponentRecord

Model = TypeVar("Model")
AUTHENTICATION_SECRET = "authentication_secret"
# A secret's values by name, or None when there is no such secret.
SecretLookup = Callable[[str], Mapping[str, str] | None]
# A connector id -> the store fields it replaces, and the fields it stands for.
ConnectorFields = Callable[[str], tuple[frozenset[str], dict[str, Any]]]


def unresolved_secret(store_name: str, secret_name: str) -> CargoholdError:
    """For stores built without ``Client``, which is what reads the secrets."""
    return CargoholdError(
        f"artifact store {store_name!r}: authentication_secret {secret_name!r} is read by "
        f"cargohold.Client; build the store with Client().get_artifact_store({store_name!r}), "
        "or give the credential fields themselves"
    )


def plain_secret_warnings(
    secret_fields: set[str], values: Mapping[str, Any], where: str
) -> list[str]:
    """A warning for each secret field given in plain text rather than as a reference."""
    plain = sorted(
        key
        for key in secret_fields
        if isinstance(values.get(key), str) and not has_reference(values[key])
    )
    if not plain:
        return []
    example = plain[0]
    return [
        f"{where}: {', '.join(plain)} given in plain text, stored in the state database "
        f"and not usable from another machine; prefer a secret: `cargohold secret create "
        f"NAME --{example}=@FILE`, then --{example}='{{{{NAME.{example}}}}}'"
    ]


def authentication_fields(
    flavor: Flavor, secret_name: str, values: Mapping[str, str]
) -> dict[str, Any]:
    """Store fields from an ``authentication_secret``, checked against the flavor's schema."""
    from pydantic import ValidationError

    from cargohold.flavors import describe_validation_error

    schema = getattr(flavor, "authentication_secret_class", None)
    if schema is None:
        raise CargoholdError(f"flavor {flavor.name!r} does not take an authentication_secret")
    try:
        model = schema.model_validate(dict(values))
    except ValidationError as exc:
        raise CargoholdError(
            f"secret {secret_name!r} does not fit the {flavor.name} flavor's "
            f"authentication_secret: {describe_validation_error(exc, schema)}; change it "
            f"with `cargohold secret update {secret_name}`"
        ) from None
    fields: dict[str, Any] = flavor.authentication_secret_fields(model)  # type: ignore[attr-defined]
    return fields


def _merge(values: dict[str, Any], fields: Mapping[str, Any]) -> dict[str, Any]:
    """``fields`` over ``values``; dict fields (client_kwargs) are merged key by key."""
    merged = dict(values)
    for key, value in fields.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    return merged


def fingerprint(config: Any) -> str:
    """Tells two built configs apart without keeping their secret values around."""
    text = json.dumps(plain_values(config), sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def validate_with_references(
    lookup: SecretLookup,
    validate: Callable[[dict[str, Any]], Model],
    values: Mapping[str, Any],
    where: str,
) -> tuple[Model, list[str]]:
    """Validate ``values`` as they would be used, references resolved.

    Where a referenced secret (or key) does not exist yet, the references are checked
    as written (validators let a reference through where a URL is expected) and a
    warning says so: registering may come first.
    """
    warnings: list[str] = []
    try:
        resolved = resolve(dict(values), lookup, where, on_value=remember)
    except SecretNotFoundError as exc:
        warnings.append(f"{exc}; until then, using it fails")
        resolved = dict(values)
    return validate(resolved), warnings


class ConfigResolver:
    """Checks configs and settings against the secrets they refer to, and builds the
    config a store is used with."""

    def __init__(self, lookup: SecretLookup, connector_fields: ConnectorFields) -> None:
        self._lookup = lookup
        self._connector_fields = connector_fields

    def check_store_values(
        self, flavor: Flavor, values: Mapping[str, Any], where: str
    ) -> tuple[Any, dict[str, Any], list[str]]:
        """The validated config, its stored form and the warnings for registering it."""
        if has_reference(values.get("path")):
            raise CargoholdError(
                f"{where}: path cannot refer to a secret, since the store's root must be "
                "known without it; write the path itself"
            )
        config, warnings = validate_with_references(
            self._lookup, flavor.validate_config, values, where
        )
        warnings += plain_secret_warnings(secret_field_names(flavor.config_class), values, where)
        secret_name = values.get(AUTHENTICATION_SECRET)
        if secret_name:
            secret = self._lookup(str(secret_name))
            if secret is None:
                warnings.append(
                    f"{where}: authentication_secret {secret_name!r} does not exist yet; "
                    f"create it with `cargohold secret create {secret_name} ...` before using "
                    "the store"
                )
            else:
                authentication_fields(flavor, str(secret_name), secret)
        return config, stored_form(config, values), warnings

    def config_for_use(self, record: ComponentRecord, flavor: Flavor) -> Any:
        """The validated config a store is built with right now (see the module docstring)."""
        where = f"artifact store {record.name!r}"
        values = dict(record.config)
        if record.connector is not None:
            replaced, fields = self._connector_fields(record.connector)
            for key in replaced | {AUTHENTICATION_SECRET}:
                values.pop(key, None)
            values = _merge(values, fields)
        elif values.get(AUTHENTICATION_SECRET):
            secret_name = str(values.pop(AUTHENTICATION_SECRET))
            secret = self._lookup(secret_name)
            if secret is None:
                raise SecretNotFoundError(
                    f"{where}: its authentication_secret {secret_name!r} does not exist; "
                    f"create it with `cargohold secret create {secret_name} ...`"
                )
            remember(*secret.values())
            values = _merge(values, authentication_fields(flavor, secret_name, secret))
        values = resolve(values, self._lookup, where, on_value=remember)
        config = flavor.validate_config(values)
        remember_secret_fields(config)
        return config
