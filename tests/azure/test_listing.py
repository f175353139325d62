"""What an Azure listing tells about the files the store wrote."""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Callable
from typing import Any

from cargohold.stores.fsspec import ListedFile
from tests.support.emulators import ACCOUNT_KEY, ACCOUNT_NAME, Azurite


def test_a_written_blob_lists_with_the_md5_of_its_bytes(
    azurite: Azurite, session_container: str, make_store: Callable[..., Any]
) -> None:
    # What lets `artifact-store copy` verify a copy without downloading it.
    root = f"az://{session_container}/{uuid.uuid4().hex[:12]}"
    store = make_store(
        path=root,
        account_name=ACCOUNT_NAME,
        account_key=ACCOUNT_KEY,
        account_url=azurite.account_url,
    )
    payload = os.urandom(5000)
    with store.open(f"{root}/m/x.bin", "wb") as handle:
        handle.write(payload)
    md5 = hashlib.md5(payload, usedforsecurity=False).hexdigest()
    assert store.list_files(f"{root}/m") == {f"{root}/m/x.bin": ListedFile(len(payload), md5)}
