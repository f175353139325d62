"""Exceptions raised by cargohold.

Every message is meant to be shown to a user as one line: it says what is wrong
and what to do next. The CLI prints ``str(error)`` and exits non-zero.
"""

from __future__ import annotations

from collections.abc import Iterator


class CargoholdError(Exception):
    """Base class of every error cargohold raises on purpose."""


class CargoholdWarning(UserWarning):
    """Something accepted that deserves a second look (the CLI prints ``Warning: ...``)."""


def warn(messages: list[str]) -> None:
    import warnings

    for message in messages:
        warnings.warn(CargoholdWarning(message), stacklevel=3)


def exception_chain(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and the exceptions it was raised from or during, nearest first.

    Cloud libraries wrap the error that matters (a refused connection, a 403) in
    their own; backends look down the chain to find it.
    """
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


class PluginError(CargoholdError):
    """A plugin could not be loaded or broke a rule of the plugin contract."""


class FlavorNotFoundError(CargoholdError, LookupError):
    """No flavor of the requested type and name is registered."""


class MissingDependencyError(CargoholdError, ImportError):
    """A flavor's implementation needs a module that is not installed."""


class PathOutsideStoreError(CargoholdError, ValueError):
    """A path argument does not resolve inside the store's root."""


class InvalidPathError(CargoholdError, ValueError):
    """A path argument is malformed (empty, NUL byte, backslash, ...)."""


class NoStoreForPathError(CargoholdError, LookupError):
    """``cargohold.fileio`` found no mounted store whose root contains a path."""


class UnsupportedOperationError(CargoholdError, NotImplementedError):
    """The backend cannot do what was asked (for example, append to an object)."""


class StoreConnectionError(CargoholdError, ConnectionError):
    """The store's endpoint could not be reached (closed port, DNS, timeout)."""


class StoreAuthenticationError(CargoholdError, PermissionError):
    """The store's endpoint refused the credentials."""
