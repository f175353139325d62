"""Secrets: named sets of key/value pairs kept in the state database.

A config field refers to one value as ``{{secret_name.key}}``. The reference is what
the state database keeps for the store; it is resolved each time a store is built
for I/O, so a rotated secret takes effect without re-registering anything.

Values that have been read in this process are remembered so that they can be
taken out of anything printed or logged: ``redact`` for messages, and a log record
factory that rewrites any record that would carry one (the cloud SDKs log request
headers and URLs at DEBUG level).
"""

from __future__ import annotations

import base64
import builtins
import json
import logging
import re
import threading
import urllib.parse
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cargohold.errors import CargoholdError

if TYPE_CHECKING:
    from cargohold.client import Client
    from cargohold.registry.credentials import CredentialRecords
    from cargohold.registry.records import SecretRecord

MASK = "**********"
REDACTED = "[secret]"
# The key cannot hold a dot, so the name runs to the last one: {{team.aws.key_id}}.
REFERENCE = re.compile(r"\{\{\s*([A-Za-z0-9][A-Za-z0-9_.-]*)\.([A-Za-z0-9_-]+)\s*\}\}")
_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]{0,127}$")
# Shorter values would match ordinary words ("wrong", "admin") in every message.
_SHORTEST_REDACTED = 6


class SecretNotFoundError(CargoholdError, LookupError):
    """A reference or an ``authentication_secret`` names a secret that does not exist."""


def unresolved_secret(store_name: str, secret_name: str) -> CargoholdError:
    """For stores built without ``Client``, which is what reads the secrets."""
    return CargoholdError(
        f"artifact store {store_name!r}: authentication_secret {secret_name!r} is read by "
        f"cargohold.Client; build the store with Client().get_artifact_store({store_name!r}), "
        "or give the credential fields themselves"
    )


# -- references ---------------------------------------------------------------------


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


def resolve(value: Any, lookup: Callable[[str], Mapping[str, str] | None], where: str) -> Any:
    """``value`` with every reference replaced by the secret's value.

    ``lookup(name)`` returns a secret's values, or None if there is no such secret;
    a missing secret or key is a one-line error naming it and ``where`` it was used.
    """
    if isinstance(value, Mapping):
        return {key: resolve(item, lookup, where) for key, item in value.items()}
    if isinstance(value, list):
        return [resolve(item, lookup, where) for item in value]
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
        remember(values[key])
        return values[key]

    return REFERENCE.sub(substitute, value)


# -- redaction ----------------------------------------------------------------------

_known: set[str] = set()
_lock = threading.Lock()
_factory_installed = False


def _forms(value: str) -> Iterator[str]:
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


# -- values from the command line ---------------------------------------------------


def check_key(key: str) -> str:
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


def value_from_argument(key: str, text: str) -> str:
    """``VALUE``, or the content of ``FILE`` for ``@FILE`` (one final newline dropped);
    ``@@`` starts a value that really begins with ``@``."""
    if text.startswith("@@"):
        return text[1:]
    if text.startswith("@"):
        content = _read_file(text[1:], f"--{key}")
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


def parse_values(pairs: Mapping[str, str], document: str | None = None) -> dict[str, str]:
    """Secret values from ``--values`` and ``--KEY=VALUE`` / ``--KEY=@FILE`` options."""
    values = values_from_document(document) if document else {}
    for key, text in pairs.items():
        values[check_key(key)] = value_from_argument(key, text)
    return values


# -- the API ------------------------------------------------------------------------


class Secrets:
    """Create, read, change and delete secrets: ``Client().secrets``."""

    def __init__(self, client: Client) -> None:
        from cargohold.registry.credentials import CredentialRecords

        self._client = client
        self.records: CredentialRecords = CredentialRecords(client.registry)

    def lookup(self, name: str) -> dict[str, str] | None:
        record = self.records.find_secret(name)
        return None if record is None else dict(record.values)

    def get(self, name: str) -> SecretRecord:
        return self.records.secret(name)

    def create(self, name: str, values: Mapping[str, str]) -> SecretRecord:
        from cargohold.client import check_name

        check_name("secret", name)
        if not values:
            raise CargoholdError(
                f"secret {name!r} needs at least one value: --KEY=VALUE, --KEY=@FILE or --values"
            )
        checked = {check_key(key): str(value) for key, value in values.items()}
        with self.records.db.write() as connection:
            self.records.add_secret(connection, name, checked)
        return self.get(name)

    def list(self) -> list[dict[str, Any]]:
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
        from cargohold.client import check_name

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
        records = [
            (f"artifact store {r.name}", r.config) for r in self._client.list_artifact_stores()
        ]
        records += [(f"service connector {r.name}", r.config) for r in self.records.connectors()]
        for who, config in records:
            names = {name for name, _ in references(config)}
            if config.get("authentication_secret"):
                names.add(str(config["authentication_secret"]))
            for name in names:
                users.setdefault(name, []).append(who)
        return users
