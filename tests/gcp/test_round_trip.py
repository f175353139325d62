"""Bytes go in and come back out unchanged, for many small objects and one large one."""

from __future__ import annotations

import hashlib
import random

from cargohold.stores.fsspec import ListedFile
from tests.gcp.conftest import StoreFactory
from tests.support.large_writes import check_large_writes_stream_and_abort_cleanly

SMALL_OBJECTS = 500
LARGE_SIZE = 64 * 1024 * 1024


def small_payloads(count: int) -> dict[str, bytes]:
    """Random payloads of 0-4 KiB; of every ten, the first four end in line-break bytes."""
    rng = random.Random(5)
    endings = [b"\r", b"\n", b"\r\n", b"\n\r"]
    payloads: dict[str, bytes] = {}
    for index in range(count):
        body = rng.randbytes(rng.randrange(0, 4096))
        ending = endings[index % 10] if index % 10 < len(endings) else b""
        payloads[f"small/{index // 100:02d}/object-{index:03d}.bin"] = body + ending
    return payloads


def test_500_small_objects_round_trip_byte_exact(make_store: StoreFactory) -> None:
    store = make_store()
    payloads = small_payloads(SMALL_OBJECTS)
    assert sum(p.endswith(b"\r") for p in payloads.values()) >= 50
    assert sum(p.endswith(b"\n") for p in payloads.values()) >= 50
    for name, payload in payloads.items():
        with store.open(f"{store.path}/{name}", "wb") as handle:
            handle.write(payload)

    # walk() lists the tree in one paginated request and must see every object.
    listed = {
        f"{directory!s}/{name!s}"
        for directory, _, files in store.walk(f"{store.path}/small")
        for name in files
    }
    assert listed == {f"{store.path}/{name}" for name in payloads}

    for name, payload in payloads.items():
        with store.open(f"{store.path}/{name}", "rb") as handle:
            assert handle.read() == payload, f"{name} changed on the way through the store"

    # The same bytes through a batched read, which runs at most max_concurrency requests.
    batched = store.filesystem.cat([store.resolve(name) for name in payloads])
    got = {key.split("/root/", 1)[1]: value for key, value in batched.items()}
    assert got == payloads


def test_64_mib_object_round_trip_byte_exact(make_store: StoreFactory) -> None:
    store = make_store()
    payload = random.Random(64).randbytes(LARGE_SIZE)
    target = f"{store.path}/large/model.bin"
    with store.open(target, "wb") as handle:
        for start in range(0, LARGE_SIZE, 8 * 1024 * 1024):
            handle.write(payload[start : start + 8 * 1024 * 1024])
    assert store.size(target) == LARGE_SIZE
    digest = hashlib.sha256()
    with store.open(target, "rb") as handle:
        while chunk := handle.read(4 * 1024 * 1024):
            digest.update(chunk)
    assert digest.hexdigest() == hashlib.sha256(payload).hexdigest()


def test_a_written_object_lists_with_the_md5_of_its_bytes(make_store: StoreFactory) -> None:
    # What lets `artifact-store copy` verify a copy without downloading it.
    store = make_store()
    payload = random.Random(7).randbytes(5000)
    with store.open(f"{store.path}/m/x.bin", "wb") as handle:
        handle.write(payload)
    md5 = hashlib.md5(payload, usedforsecurity=False).hexdigest()
    assert store.list_files(f"{store.path}/m") == {
        f"{store.path}/m/x.bin": ListedFile(len(payload), md5)
    }


def test_large_writes_stream_and_an_abandoned_one_leaves_nothing(
    make_store: StoreFactory,
) -> None:
    store = make_store()
    check_large_writes_stream_and_abort_cleanly(store, store.path)
