"""Writes to Azure: what a listing tells about them, and how large ones go up."""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Callable
from typing import Any

from cargohold.stores.fsspec import ListedFile
from tests.support.emulators import ACCOUNT_KEY, ACCOUNT_NAME, Azurite
from tests.support.large_writes import check_large_writes_stream_and_abort_cleanly


def new_store(azurite: Azurite, container: str, make_store: Callable[..., Any]) -> Any:
    return make_store(
        path=f"az://{container}/{uuid.uuid4().hex[:12]}",
        account_name=ACCOUNT_NAME,
        account_key=ACCOUNT_KEY,
        account_url=azurite.account_url,
    )


def test_a_written_blob_lists_with_the_md5_of_its_bytes(
    azurite: Azurite, session_container: str, make_store: Callable[..., Any]
) -> None:
    # What lets `artifact-store copy` verify a copy without downloading it.
    store = new_store(azurite, session_container, make_store)
    root = store.path
    payload = os.urandom(5000)
    with store.open(f"{root}/m/x.bin", "wb") as handle:
        handle.write(payload)
    md5 = hashlib.md5(payload, usedforsecurity=False).hexdigest()
    assert store.list_files(f"{root}/m") == {f"{root}/m/x.bin": ListedFile(len(payload), md5)}


def test_large_writes_stream_and_an_abandoned_one_leaves_nothing(
    azurite: Azurite, session_container: str, make_store: Callable[..., Any]
) -> None:
    store = new_store(azurite, session_container, make_store)
    check_large_writes_stream_and_abort_cleanly(store, store.path)
