"""Many machines on one S3 root (moto): each config dir is a machine of its own, and
the bucket prefix is all they share.

Alice and Bob see and load each other's versions; eight processes saving one name at
once get 200 distinct version numbers (claimed with ``If-None-Match: *``), each loading
its own content from a ninth; the same race with the claim replaced by check-then-write
is caught colliding; a save SIGKILLed at any point leaves no visible version and harms
no other (tests/support/catalog_workload.py runs the processes and holds the checks).
"""

from __future__ import annotations

import pytest

from tests.support.catalog_workload import SharedCatalogTests, StoreSpec
from tests.support.servers import RunningServer


class TestS3Catalog(SharedCatalogTests):
    @pytest.fixture
    def spec(self, moto: RunningServer, bucket: str) -> StoreSpec:
        config = {
            "path": f"s3://{bucket}/team",
            "key": "testing",
            "secret": "testing",
            "client_kwargs": {"endpoint_url": moto.url},
        }
        return StoreSpec("s3", config)
