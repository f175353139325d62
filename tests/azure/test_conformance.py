"""The shared conformance suite on an azure store, with az:// and with abfs:// roots."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, ClassVar

import pytest

from cargohold.stores.base import BaseArtifactStore
from cargohold.testing import ArtifactStoreConformance
from tests.support.emulators import ACCOUNT_KEY, ACCOUNT_NAME, Azurite


class _AzureConformance(ArtifactStoreConformance):
    # Blob storage has no directories, only names with slashes in them.
    supports_empty_dirs = False
    # Past the 16 MiB up to which a write is one Put Blob: the staged-block path too.
    large_file_size = 20 * 1024 * 1024
    scheme: ClassVar[str]

    @pytest.fixture
    def store(
        self, azurite: Azurite, session_container: str, make_store: Callable[..., Any]
    ) -> BaseArtifactStore:
        # A fresh prefix per test: the root is empty and shared with no other test.
        root = f"{self.scheme}://{session_container}/{uuid.uuid4().hex[:12]}"
        store: BaseArtifactStore = make_store(
            path=root,
            account_name=ACCOUNT_NAME,
            account_key=ACCOUNT_KEY,
            account_url=azurite.account_url,
        )
        return store


class TestAzStoreConformance(_AzureConformance):
    scheme = "az"


class TestAbfsStoreConformance(_AzureConformance):
    scheme = "abfs"
