"""Small helpers for store tests: whole-file reads and writes, and error expectations
whose failure message states the contract."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest

from cargohold.stores.base import BaseArtifactStore


def write_bytes(store: BaseArtifactStore, path: str, data: bytes) -> None:
    """Write ``data`` to ``path`` in one ``with`` block."""
    with store.open(path, "wb") as handle:
        handle.write(data)


def read_bytes(store: BaseArtifactStore, path: str) -> bytes:
    """Read the whole of ``path``."""
    with store.open(path, "rb") as handle:
        data: bytes = handle.read()
    return data


@contextlib.contextmanager
def expect_raises(
    expected: type[BaseException] | tuple[type[BaseException], ...], expectation: str
) -> Iterator[None]:
    """Like ``pytest.raises``, but a failure says which rule was broken.

    ``pytest.raises`` fails with ``DID NOT RAISE <class 'FileExistsError'>``, which
    names neither the method nor the rule; ``expectation`` should name both, e.g.
    ``"rename() onto an existing file without overwrite=True must raise"``. The
    message adds the expected exception and what happened instead.
    """
    __tracebackhide__ = True  # pytest shows the test's line, not this helper's
    names = " or ".join(
        kind.__name__ for kind in (expected if isinstance(expected, tuple) else (expected,))
    )
    try:
        yield
    except expected:
        return
    except Exception as exc:
        pytest.fail(f"{expectation}: expected {names}, but it raised {type(exc).__name__}: {exc}")
    pytest.fail(f"{expectation}: expected {names}, but it raised nothing")
