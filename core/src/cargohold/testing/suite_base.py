"""Capability flags and fixtures shared by every part of the conformance suite."""

from __future__ import annotations

from typing import ClassVar, NoReturn

import pytest

from cargohold.stores.base import BaseArtifactStore
from cargohold.testing.capabilities import skip_reason
from cargohold.testing.helpers import write_bytes

#: Files of the ``tree`` fixture, relative to ``<root>/t``, with their bytes.
TREE_FILES = {
    "a.txt": b"alpha",
    "b.bin": b"\x00\x01\x02",
    "sub/c.txt": b"charlie",
    "sub/deeper/d.txt": b"delta!",
}

#: Command-line override of ``large_file_size`` (added by the cargohold pytest plugin).
LARGE_FILE_OPTION = "cargohold_large_file_size"


class ConformanceBase:
    """Flags a flavor sets to say what its backend can do, and the fixtures tests use.

    A flag set to ``False`` either changes what the suite expects (``supports_append``:
    appending must then be refused) or skips the tests that need the capability. Such
    skips carry a reason starting ``cargohold capability``; the cargohold pytest plugin
    lists them at the end of the run.
    """

    #: The backend keeps directories that hold no files (object stores do not).
    supports_empty_dirs: ClassVar[bool] = True
    #: ``open(path, "a")`` appends; when False it must raise UnsupportedOperationError.
    supports_append: ClassVar[bool] = True
    #: Bytes in the large-file tests; 0 skips them. ``--cargohold-large-file-size``
    #: overrides it for a whole run (e.g. larger than the backend's multipart threshold).
    large_file_size: ClassVar[int] = 8 * 1024 * 1024

    @pytest.fixture
    def store(self) -> BaseArtifactStore:
        raise NotImplementedError("override the `store` fixture to return an empty store")

    @pytest.fixture
    def root(self, store: BaseArtifactStore) -> str:
        return store.path.rstrip("/")

    @pytest.fixture
    def tree(self, store: BaseArtifactStore, root: str) -> str:
        """root/t/{a.txt, b.bin, sub/c.txt, sub/deeper/d.txt}"""
        for relative, data in TREE_FILES.items():
            write_bytes(store, f"{root}/t/{relative}", data)
        return f"{root}/t"

    @staticmethod
    def skip_for(flag: str, value: object, why: str) -> NoReturn:
        """Skip the running test because a capability flag rules it out."""
        pytest.skip(skip_reason(flag, value, why))

    def large_size(self, request: pytest.FixtureRequest) -> int:
        """The large-file size for this run, or a capability skip when it is 0."""
        override = request.config.getoption(LARGE_FILE_OPTION, default=None)
        size = self.large_file_size if override is None else int(override)
        if size <= 0:
            self.skip_for("large_file_size", size, "large-file tests are disabled")
        return size
