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
    """Warn about each message, pointing at the caller's code rather than at the
    cargohold function that found the problem (however deep the call went)."""
    import sys
    import warnings

    level, frame = 2, sys._getframe(1)
    while frame.f_back is not None and frame.f_globals.get("__name__", "").startswith("cargohold."):
        frame, level = frame.f_back, level + 1
    for message in messages:
        warnings.warn(CargoholdWarning(message), stacklevel=level)


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


# -- plugins and stores --------------------------------------------------------------


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


# -- flavors and configs ------------------------------------------------------------


class ConfigValidationError(CargoholdError, ValueError):
    """A component config did not validate against its flavor's config class."""


# -- the registry ---------------------------------------------------------------------


class DatabaseError(CargoholdError):
    """The state database cannot be opened or is damaged."""


class NotFoundError(CargoholdError, LookupError):
    """No record of that kind and name."""


class AlreadyExistsError(CargoholdError):
    """A record of that kind and name exists already."""


class SecretNotFoundError(CargoholdError, LookupError):
    """A reference or an ``authentication_secret`` names a secret that does not exist."""


# -- integrations and scaffolding ------------------------------------------------------


class UnknownIntegrationError(CargoholdError, LookupError):
    """A name that neither the core nor an installed plugin knows."""


class InstallError(CargoholdError):
    """pip, uv or pip-tools failed, or the preflight refused an install."""


class ScaffoldError(CargoholdError, ValueError):
    """A flavor name, scheme or target directory that cannot be scaffolded."""
