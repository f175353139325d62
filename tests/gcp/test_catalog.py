"""Many machines on one GCS root (fake-gcs-server): each config dir is a machine of its
own, and the bucket prefix is all they share.

Two of them see and load each other's versions; eight processes saving one name at
once get 200 distinct version numbers (claimed with ``ifGenerationMatch=0``), each
loading its own content from a ninth; the same race with the claim replaced by
check-then-write is caught colliding; a save SIGKILLed at any point leaves no visible
version and harms no other (tests/support/catalog_workload.py runs the processes and
holds the checks).
"""

from __future__ import annotations

import pytest

from tests.gcp.conftest import StoreFactory
from tests.support.catalog_workload import SharedCatalogTests, StoreSpec
from tests.support.servers import RunningServer


class TestGCSCatalog(SharedCatalogTests):
    check_then_write_race = False  # shown on the local store and on S3

    @pytest.fixture
    def spec(self, gcs_server: RunningServer, make_store: StoreFactory) -> StoreSpec:
        root = make_store().path  # on a new, empty bucket
        config = {"path": root, "endpoint_url": gcs_server.url, "token": "anon", "project": "test"}
        return StoreSpec("gcp", config)
