"""Values from the command line: the one parser behind ``--KEY=VALUE``, ``--KEY=@FILE``
and ``--values=`` for stores, service connectors and secrets alike.

``@FILE`` reads a value from a file (one final newline dropped), so that a key never
has to be typed where shell history keeps it; ``@@`` starts a value that really
begins with ``@``. A file's content is never quoted in an error: it may be secret.
"""

from __future__ import annotations

import json
import re
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cargohold.errors import CargoholdError, ConfigValidationError

_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]{0,127}$")
_STRUCTURED = (dict, list, tuple, set, frozenset, Mapping)


def check_key(key: str) -> str:
    """A secret's key: letters, digits, ``_`` or ``-``."""
    if not _KEY.match(key):
        raise CargoholdError(
            f"invalid secret key {key!r}: use letters, digits, '_' or '-', starting with a "
            "letter or '_'"
        )
    return key


def _read_file(path: str, what: str) -> str:
    try:
        return Path(path).expanduser().read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or type(exc).__name__
        raise CargoholdError(
            f"{what}: cannot read {path}: {reason}; give the path of a readable text file"
        ) from None


def read_argument(option: str, text: str) -> str:
    """``VALUE``, or the content of ``FILE`` for ``@FILE``; ``@@`` escapes a leading ``@``."""
    if text.startswith("@@"):
        return text[1:]
    if text.startswith("@"):
        content = _read_file(text[1:], f"--{option}")
        return content[:-2] if content.endswith("\r\n") else content.removesuffix("\n")
    return text


def values_from_document(text: str) -> dict[str, str]:
    """``--values``: inline JSON, or ``@file.json`` / ``@file.yaml`` with a flat mapping."""
    if text.startswith("@"):
        path = text[1:]
        content = _read_file(path, "--values")
        source = path
    else:
        content, source = text, "--values"
    try:
        import yaml

        # JSON is YAML; one parser covers both. Never echo the content: it is secret.
        data = yaml.safe_load(content)
    except Exception:
        raise CargoholdError(
            f"{source} is not valid JSON or YAML; give a mapping such as "
            '\'{"key": "value"}\' or @values.yaml'
        ) from None
    if not isinstance(data, dict):
        raise CargoholdError(f"{source} must hold a mapping of keys to values, like {{k: v}}")
    values: dict[str, str] = {}
    for key, value in data.items():
        check_key(str(key))
        if isinstance(value, (dict, list)) or value is None:
            raise CargoholdError(
                f"{source}: the value of {str(key)!r} must be a string or a number, not "
                f"{'empty' if value is None else type(value).__name__}"
            )
        values[str(key)] = value if isinstance(value, str) else json.dumps(value)
    return values


def _is_structured(annotation: Any) -> bool:
    origin = typing.get_origin(annotation) or annotation
    if isinstance(origin, type) and issubclass(origin, _STRUCTURED):
        return True
    return any(_is_structured(argument) for argument in typing.get_args(annotation))


def _field_name(key: str, fields: Mapping[str, Any] | None) -> str:
    """Dashes may stand for underscores; with ``fields``, an unknown name is kept as
    written so that validation reports it together with the accepted ones."""
    if fields is None:
        return key.replace("-", "_")
    if key in fields:
        return key
    dashed = key.replace("-", "_")
    return dashed if dashed in fields else key


def parse_values(
    pairs: Mapping[str, str],
    document: str | None = None,
    *,
    fields: Mapping[str, Any] | None = None,
    secret_keys: bool = True,
) -> dict[str, Any]:
    """Values from ``--KEY=VALUE`` / ``--KEY=@FILE`` pairs and a ``--values`` document.

    By default the names are a secret's keys: checked and taken as written, and an
    empty value is a value. With ``secret_keys=False`` they name connector settings or
    (given ``fields``, a pydantic ``model_fields``) config fields: dashes may stand for
    underscores, an empty value means "unset" (None), and a dict or list field's value
    is JSON.
    """
    values: dict[str, Any] = values_from_document(document) if document else {}
    for key, text in pairs.items():
        if secret_keys:
            values[check_key(key)] = read_argument(key, text)
            continue
        name = _field_name(key, fields)
        if text == "":
            values[name] = None
            continue
        value = read_argument(key, text)
        field = (fields or {}).get(name)
        if field is not None and _is_structured(field.annotation):
            try:
                values[name] = json.loads(value)
            except json.JSONDecodeError as exc:
                raise ConfigValidationError(
                    f"--{key}: not valid JSON ({exc.msg} at column {exc.colno}); quote it, for "
                    f'example --{key}=\'{{"endpoint_url": "http://127.0.0.1:9000"}}\''
                ) from None
        else:
            values[name] = value
    return values
