"""From what is registered to what a store is built with, and back for display.

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

from cargohold.errors import CargoholdError
from cargohold.secrets import SecretNotFoundError, has_reference, remember, resolve

if TYPE_CHECKING:
    from pydantic import BaseModel

    from cargohold.client import Client
    from cargohold.flavors import Flavor
    from cargohold.registry.records import ComponentRecord

Model = TypeVar("Model")
AUTHENTICATION_SECRET = "authentication_secret"


def validate_with_references(
    client: Client,
    validate: Callable[[dict[str, Any]], Model],
    values: Mapping[str, Any],
    where: str,
) -> tuple[Model, list[str]]:
    """Validate ``values`` as they would be used, references resolved.

    Where a referenced secret (or key) does not exist yet, the references are
    checked as written (validators let a reference through where a URL is expected)
    and a warning says so: registering may come first.
    """
    warnings: list[str] = []
    try:
        resolved = resolve(dict(values), client.secrets.lookup, where)
    except SecretNotFoundError as exc:
        warnings.append(f"{exc}; until then, using it fails")
        resolved = dict(values)
    return validate(resolved), warnings


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


def check_store_values(
    client: Client, flavor: Flavor, values: Mapping[str, Any], where: str
) -> tuple[Any, dict[str, Any], list[str]]:
    """The validated config, its stored form and the warnings for registering it."""
    from cargohold.configs import secret_field_names, stored_form_of

    if has_reference(values.get("path")):
        raise CargoholdError(
            f"{where}: path cannot refer to a secret, since the store's root must be known "
            "without it; write the path itself"
        )
    config, warnings = validate_with_references(client, flavor.validate_config, values, where)
    warnings += plain_secret_warnings(secret_field_names(flavor.config_class), values, where)
    secret_name = values.get(AUTHENTICATION_SECRET)
    if secret_name:
        secret = client.secrets.lookup(str(secret_name))
        if secret is None:
            warnings.append(
                f"{where}: authentication_secret {secret_name!r} does not exist yet; create "
                f"it with `cargohold secret create {secret_name} ...` before using the store"
            )
        else:
            authentication_fields(flavor, str(secret_name), secret)
    return config, stored_form_of(config, values), warnings


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


def config_for_use(client: Client, record: ComponentRecord, flavor: Flavor) -> Any:
    """The validated config a store is built with right now (see the module docstring)."""
    where = f"artifact store {record.name!r}"
    values = dict(record.config)
    if record.connector is not None:
        connector = client.connectors.records.connector_by_id(record.connector)
        kind, fields = client.connectors.store_fields(connector)
        for key in kind.credential_fields | {AUTHENTICATION_SECRET}:
            values.pop(key, None)
        values = _merge(values, fields)
    elif values.get(AUTHENTICATION_SECRET):
        secret_name = str(values.pop(AUTHENTICATION_SECRET))
        secret = client.secrets.lookup(secret_name)
        if secret is None:
            raise SecretNotFoundError(
                f"{where}: its authentication_secret {secret_name!r} does not exist; create "
                f"it with `cargohold secret create {secret_name} ...`"
            )
        remember(*secret.values())
        values = _merge(values, authentication_fields(flavor, secret_name, secret))
    values = resolve(values, client.secrets.lookup, where)
    config = flavor.validate_config(values)
    remember_secret_fields(config)
    return config


def remember_secret_fields(model: Any) -> None:
    """Keep the values of ``model``'s secret fields out of logs and messages, whether
    they came from a secret or were registered in plain text."""
    from pydantic import SecretStr

    remember(
        *(
            value.get_secret_value()
            for value in (getattr(model, name) for name in type(model).model_fields)
            if isinstance(value, SecretStr)
        )
    )


def fingerprint(config: Any) -> str:
    """Tells two built configs apart without keeping their secret values around."""
    from cargohold.configs import clear_values

    text = json.dumps(clear_values(config), sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def shown_settings(model_class: type[BaseModel], stored: Mapping[str, Any]) -> dict[str, Any]:
    """Stored settings as ``describe`` shows them: secrets masked, references as written."""
    try:
        shown: dict[str, Any] = model_class.model_validate(dict(stored)).model_dump(
            mode="json", exclude_none=True
        )
    except Exception:
        shown = {key: "(hidden: does not validate)" for key in stored}
    return with_references(shown, stored)


def with_references(shown: dict[str, Any], stored: Mapping[str, Any]) -> dict[str, Any]:
    """``shown`` with each field that holds a reference displayed as the reference."""
    for key, value in stored.items():
        if has_reference(value):
            shown[key] = value
    return shown
