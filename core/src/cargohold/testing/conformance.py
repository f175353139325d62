"""The artifact-store conformance suite.

Usage::

    class TestMyStore(ArtifactStoreConformance):
        supports_append = False

        @pytest.fixture
        def store(self, tmp_path):
            return MyArtifactStore(MyConfig(path=...))

The ``store`` fixture returns a store whose root is empty and used by no other test.
Every assertion message names the method and what it must do, so a failure reads as
a statement of the contract that was broken. The tests live in one module per area
(``suite_files``, ``suite_tree``, ``suite_paths``, ``suite_batch``,
``suite_create``); this class gathers them.
"""

from __future__ import annotations

from cargohold.testing.helpers import expect_raises, read_bytes, write_bytes
from cargohold.testing.suite_batch import BatchTests
from cargohold.testing.suite_create import CreateNewTests
from cargohold.testing.suite_files import CopyAndRenameTests, OpenTests, RemoveAndInfoTests
from cargohold.testing.suite_paths import PathTests
from cargohold.testing.suite_tree import TreeTests


class ArtifactStoreConformance(
    OpenTests,
    CopyAndRenameTests,
    RemoveAndInfoTests,
    TreeTests,
    PathTests,
    BatchTests,
    CreateNewTests,
):
    """Every interface method of an artifact store, batch operations and ``create_new``
    included, as a flavor author must honour it.

    Capability flags (``supports_empty_dirs``, ``supports_append``, ``large_file_size``)
    are documented on ``cargohold.testing.suite_base.ConformanceBase``. Whether
    ``create_new`` must have one winner among racing writers is the store's own
    ``ATOMIC_CREATE``, not a flag of the suite: the store declares it, the suite checks it.
    """


__all__ = ["ArtifactStoreConformance", "expect_raises", "read_bytes", "write_bytes"]
