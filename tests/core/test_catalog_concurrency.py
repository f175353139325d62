"""Many machines on one local store root: each config dir is a machine of its own, and
the folder is all they share.

Two of them see and load each other's versions; eight processes saving one name at
once get 200 distinct version numbers, each loading its own content from a ninth; the
same race with the claim replaced by check-then-write is caught colliding; a save
SIGKILLed at any point leaves no visible version and harms no other
(tests/support/catalog_workload.py runs the processes and holds the checks).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.catalog_workload import SharedCatalogTests, StoreSpec


class TestLocalCatalog(SharedCatalogTests):
    @pytest.fixture
    def spec(self, tmp_path: Path) -> StoreSpec:
        return StoreSpec("local", {"path": str(tmp_path / "shared-root")})
