"""Keeping secret values out of everything printed or logged.

Values read in this process (resolved references, authentication secrets, secret
fields of a built config) are remembered, with the encoded forms libraries put them
in, so that ``redact`` can take them out of messages, and a log record factory out
of any record that would carry one (the cloud SDKs log request headers and URLs at
DEBUG level). ``MASK`` is what describe and list show in place of a secret field.

Standard library only, imported lazily: ``describe`` masks with ``MASK`` on its
fast path.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

MASK = "**********"
REDACTED = "[secret]"
# Shorter values would match ordinary words ("wrong", "admin") in every message.
_SHORTEST_REDACTED = 6

_known: set[str] = set()
_lock = threading.Lock()
_factory_installed = False


def _forms(value: str) -> Iterator[str]:
    import base64
    import urllib.parse

    yield value
    yield urllib.parse.quote(value, safe="")
    yield urllib.parse.quote_plus(value)
    yield base64.b64encode(value.encode()).decode()
    yield base64.urlsafe_b64encode(value.encode()).decode()


def remember(*values: str) -> None:
    """Take ``values`` (and their URL- and base64-encoded forms) out of logs from now on."""
    forms = {form for value in values if len(value) >= _SHORTEST_REDACTED for form in _forms(value)}
    if not forms:
        return
    with _lock:
        _known.update(forms)
    _install_log_redaction()


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


def redact(text: str) -> str:
    """``text`` with every remembered secret value replaced by ``[secret]``."""
    if not _known or not text:
        return text
    # Longest first, so a value is not half-replaced by a shorter one inside it.
    for value in sorted(_known, key=len, reverse=True):
        if value in text:
            text = text.replace(value, REDACTED)
    return text


def _install_log_redaction() -> None:
    global _factory_installed
    with _lock:
        if _factory_installed:
            return
        _factory_installed = True
    import logging

    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is the logging module's to report
            return record
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, ()
        if record.exc_info:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        return record

    logging.setLogRecordFactory(factory)
