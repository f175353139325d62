"""Turning ``--key=value`` pairs into config values, and configs into stored JSON."""

from __future__ import annotations

import json
import typing
from collections.abc import Mapping
from typing import Any

from cargohold.flavors import ConfigValidationError

_STRUCTURED = (dict, list, tuple, set, frozenset, Mapping)


def _is_structured(annotation: Any) -> bool:
    origin = typing.get_origin(annotation) or annotation
    if isinstance(origin, type) and issubclass(origin, _STRUCTURED):
        return True
    return any(_is_structured(argument) for argument in typing.get_args(annotation))


def parse_field_values(config_class: Any, raw: Mapping[str, str]) -> dict[str, Any]:
    """Parse command-line strings for ``config_class``.

    Dict and list fields take JSON. An empty value means "unset this field". Names
    may use dashes for underscores. Unknown names are passed through so that
    validation reports them together with the accepted ones.
    """
    fields = config_class.model_fields
    values: dict[str, Any] = {}
    for key, text in raw.items():
        name = key if key in fields else key.replace("-", "_")
        name = name if name in fields else key
        if text == "":
            values[name] = None
            continue
        field = fields.get(name)
        if field is not None and _is_structured(field.annotation):
            try:
                values[name] = json.loads(text)
            except json.JSONDecodeError as exc:
                raise ConfigValidationError(
                    f"--{key}: not valid JSON ({exc.msg} at column {exc.colno}); quote it, for "
                    f'example --{key}=\'{{"endpoint_url": "http://127.0.0.1:9000"}}\''
                ) from None
        else:
            values[name] = text
    return values


def stored_form(config: Any) -> dict[str, Any]:
    """What goes into the state database: the fields the user set, secrets in the clear.

    Defaults are left out so that a later release's better default applies. The
    database is 0600; everything that leaves it (describe, export, logs) goes through
    the config class again, which masks secret fields.
    """
    from pydantic import SecretStr

    data: dict[str, Any] = config.model_dump(mode="json", exclude_none=True, exclude_unset=True)
    data["path"] = config.path  # normalised, and fixed even when it came from a default
    for name in data:
        value = getattr(config, name)
        if isinstance(value, SecretStr):
            data[name] = value.get_secret_value()
    return data


def clear_values(model: Any) -> dict[str, Any]:
    """Every set field of ``model`` as plain data, secret fields in the clear."""
    from pydantic import SecretStr

    data: dict[str, Any] = model.model_dump(mode="json", exclude_none=True)
    for name in data:
        value = getattr(model, name)
        if isinstance(value, SecretStr):
            data[name] = value.get_secret_value()
    return data


def stored_form_of(model: Any, raw: Mapping[str, Any]) -> dict[str, Any]:
    """What the state database keeps: the fields set, with ``{{secret.key}}``
    references kept as written, so that they are resolved at each use."""
    from cargohold.secrets import has_reference

    data = stored_form(model) if "path" in type(model).model_fields else clear_values(model)
    if "path" not in type(model).model_fields:
        data = {key: value for key, value in data.items() if key in model.model_fields_set}
    for key, value in raw.items():
        if value is not None and has_reference(value):
            data[key] = value
    return data


def secret_field_names(config_class: Any) -> set[str]:
    from cargohold.describe import is_secret_annotation

    return {
        name
        for name, field in config_class.model_fields.items()
        if is_secret_annotation(field.annotation)
    }
