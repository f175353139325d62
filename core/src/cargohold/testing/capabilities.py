"""How a conformance test says "skipped because of a capability flag".

Shared by the suite and the pytest plugin. Standard library only: the plugin loads
in every pytest session of an environment where cargohold is installed.
"""

from __future__ import annotations

#: Every capability skip reason starts with this, so the plugin can find and group them.
SKIP_PREFIX = "cargohold capability "


def skip_reason(flag: str, value: object, why: str) -> str:
    """``cargohold capability supports_empty_dirs=False: <why>``"""
    return f"{SKIP_PREFIX}{flag}={value!r}: {why}"


def parse_skip_reason(reason: str) -> tuple[str, str] | None:
    """``("supports_empty_dirs=False", why)`` for a capability skip reason, else None.

    pytest prefixes skip reasons with ``Skipped: `` in reports; that is tolerated.
    """
    text = reason.removeprefix("Skipped: ")
    if not text.startswith(SKIP_PREFIX):
        return None
    setting, _, why = text[len(SKIP_PREFIX) :].partition(": ")
    return setting, why
