"""The rule every registered name follows: stores, stacks, secrets, connectors, artifacts."""

from __future__ import annotations

import re

from cargohold.errors import CargoholdError

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def check_name(kind: str, name: str) -> str:
    """``name`` if it is a valid name for a ``kind``, else a one-line error."""
    if not _NAME.match(name or ""):
        raise CargoholdError(
            f"invalid {kind} name {name!r}: use 1-64 letters, digits, '_', '-' or '.', "
            "starting with a letter or digit"
        )
    return name
