"""A check shared by the GCS and Azure tests: writes past 16 MiB stream through the
backend's chunked upload, and one abandoned midway leaves nothing behind."""

from __future__ import annotations

import hashlib
import random

import pytest

from cargohold.stores.base import BaseArtifactStore

MiB = 1 << 20
CHUNK = 8 * MiB


def check_large_writes_stream_and_abort_cleanly(store: BaseArtifactStore, root: str) -> None:
    payload = random.Random(40).randbytes(40 * MiB)
    target = f"{root}/streamed/model.bin"
    with store.open(target, "wb") as handle:
        for start in range(0, len(payload), CHUNK):
            handle.write(payload[start : start + CHUNK])
        # Past 16 MiB the bytes go straight into the backend's chunked upload, held
        # neither in memory nor in a temporary file until close.
        assert handle._raw._chunked is not None
    digest = hashlib.sha256()
    with store.open(target, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    assert digest.hexdigest() == hashlib.sha256(payload).hexdigest()

    abandoned = f"{root}/streamed/abandoned.bin"
    with pytest.raises(RuntimeError, match="stopped"), store.open(abandoned, "wb") as handle:
        for start in range(0, 24 * MiB, CHUNK):
            handle.write(payload[start : start + CHUNK])
        raise RuntimeError("stopped")
    assert not store.exists(abandoned)
    assert store.listdir(f"{root}/streamed") == [target.rsplit("/", 1)[1]]
