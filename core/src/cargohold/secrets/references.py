"""``{{secret_name.key}}``: the one grammar for referring to a secret's value.

A config field, a connector setting or a stack file refers to one value of a secret
this way. The reference is what is stored; it is resolved at each use, so a rotated
secret takes effect without re-registering anything.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from cargohold.errors import SecretNotFoundError

# The key cannot hold a dot, so the name runs to the last one: {{team.aws.key_id}}.
REFERENCE = re.compile(r"\{\{\s*([A-Za-z0-9][A-Za-z0-9_.-]*)\.([A-Za-z0-9_-]+)\s*\}\}")


def references(value: Any) -> list[tuple[str, str]]:
    """Every ``(secret, key)`` referred to in ``value``, searching dicts and lists too."""
    if isinstance(value, str):
        return [(match[1], match[2]) for match in REFERENCE.finditer(value)]
    if isinstance(value, Mapping):
        return [ref for item in value.values() for ref in references(item)]
    if isinstance(value, (list, tuple)):
        return [ref for item in value for ref in references(item)]
    return []


def has_reference(value: Any) -> bool:
    return bool(references(value))


def is_reference(value: Any) -> bool:
    """Whether ``value`` is one reference and nothing else (``"{{aws.key}}"``)."""
    return isinstance(value, str) and REFERENCE.fullmatch(value.strip()) is not None


def resolve(
    value: Any,
    lookup: Callable[[str], Mapping[str, str] | None],
    where: str,
    on_value: Callable[[str], None] | None = None,
) -> Any:
    """``value`` with every reference replaced by the secret's value.

    ``lookup(name)`` returns a secret's values, or None if there is no such secret;
    a missing secret or key is a one-line error naming it and ``where`` it was used.
    ``on_value`` sees each value substituted (to keep it out of logs).
    """
    if isinstance(value, Mapping):
        return {key: resolve(item, lookup, where, on_value) for key, item in value.items()}
    if isinstance(value, list):
        return [resolve(item, lookup, where, on_value) for item in value]
    if not isinstance(value, str):
        return value

    def substitute(match: re.Match[str]) -> str:
        name, key = match[1], match[2]
        values = lookup(name)
        if values is None:
            raise SecretNotFoundError(
                f"{where} refers to secret {name!r}, which does not exist; create it with "
                f"`cargohold secret create {name} --{key}=@FILE`"
            )
        if key not in values:
            raise SecretNotFoundError(
                f"{where} refers to key {key!r} of secret {name!r}, which has only "
                f"{', '.join(sorted(values)) or 'no keys'}; add it with "
                f"`cargohold secret update {name} --{key}=@FILE`"
            )
        if on_value is not None:
            on_value(values[key])
        return values[key]

    return REFERENCE.sub(substitute, value)
