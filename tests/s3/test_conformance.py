"""The shared store conformance suite, on S3 (moto server) through the s3 flavor."""

from __future__ import annotations

import pytest

from cargohold.stores.base import BaseArtifactStore
from cargohold.testing import ArtifactStoreConformance
from tests.s3.conftest import MakeStore


class TestS3StoreConformance(ArtifactStoreConformance):
    # S3 has key prefixes, not directories: a "directory" exists while objects are
    # under it, so mkdir/makedirs cannot leave an empty one behind.
    supports_empty_dirs = False
    # s3fs appends by rewriting the object (server-side for large ones); the write is
    # still all-or-nothing, so the store offers append rather than refusing it.
    supports_append = True

    @pytest.fixture
    def store(self, make_store: MakeStore, bucket: str) -> BaseArtifactStore:
        return make_store(f"s3://{bucket}/root")


class TestS3BucketRootConformance(ArtifactStoreConformance):
    """A store rooted at a whole bucket: paths have no prefix to lean on."""

    supports_empty_dirs = False
    supports_append = True

    @pytest.fixture
    def store(self, make_store: MakeStore, bucket: str) -> BaseArtifactStore:
        return make_store(f"s3://{bucket}")
