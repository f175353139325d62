"""The one serialiser between a validated config (or settings model) and plain data.

What the registry keeps is the fields the user set, ``{{secret.key}}`` references as
written and secret fields in the clear (the registry protects them at rest); what
leaves it (describe, export, logs) goes through the config class again, which masks
secret fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cargohold.secrets.references import has_reference


def plain_values(model: Any, *, only_set: bool = False) -> dict[str, Any]:
    """Every field of ``model`` that is not None, as JSON data, secret fields in the
    clear; with ``only_set``, only the fields that were given (defaults left out, so
    that a later release's better default applies)."""
    from pydantic import SecretStr

    data: dict[str, Any] = model.model_dump(mode="json", exclude_none=True, exclude_unset=only_set)
    for name in data:
        value = getattr(model, name)
        if isinstance(value, SecretStr):
            data[name] = value.get_secret_value()
    return data


def stored_form(model: Any, raw: Mapping[str, Any]) -> dict[str, Any]:
    """What the registry keeps for ``model``, validated from ``raw``: the fields set,
    a store's ``path`` always (normalised, and fixed even when it came from a default),
    and every value that held a reference kept as written."""
    data = plain_values(model, only_set=True)
    if "path" in type(model).model_fields:
        data["path"] = model.path
    for key, value in raw.items():
        if value is not None and has_reference(value):
            data[key] = value
    return data


def is_secret_annotation(annotation: Any) -> bool:
    """Whether a field annotation is (or contains) ``SecretStr``."""
    import typing

    from pydantic import SecretStr

    if annotation is SecretStr:
        return True
    return any(is_secret_annotation(a) for a in typing.get_args(annotation))


def secret_field_names(model_class: Any) -> set[str]:
    """The fields of a config class or settings model that hold secrets."""
    return {
        name
        for name, field in model_class.model_fields.items()
        if is_secret_annotation(field.annotation)
    }


def with_references(shown: dict[str, Any], stored: Mapping[str, Any]) -> dict[str, Any]:
    """``shown`` with each field that holds a reference displayed as the reference:
    a reference is not secret, also in a secret field."""
    for key, value in stored.items():
        if has_reference(value):
            shown[key] = value
    return shown


def shown_settings(model_class: Any, stored: Mapping[str, Any]) -> dict[str, Any]:
    """Stored settings as ``describe`` shows them: secrets masked, references as written."""
    try:
        shown: dict[str, Any] = model_class.model_validate(dict(stored)).model_dump(
            mode="json", exclude_none=True
        )
    except Exception:
        shown = {key: "(hidden: does not validate)" for key in stored}
    return with_references(shown, stored)
