"""The work each cloud's fault tests (``tests/{s3,gcp,azure}/test_faults.py``) run
through a store behind the fault proxy.

With 10 % of requests answered 503, 5 % of connections reset and some delayed, 1,000
writes and reads through each cloud store all succeed byte for byte, given a retry
budget raised through the store's documented fields. With every request failing and
the default budget, a write, a copy and a rename each raise one clear error within
seconds and leave no trace.

``round_trips`` writes and reads back many small objects concurrently and reports
every one that failed or came back different. ``assert_failed_write_left_nothing``
checks the other side: when every request fails, the error is one line and neither
the destination nor the source changed.
"""

from __future__ import annotations

import hashlib
import random
import shutil
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from cargohold.errors import CargoholdError
from tests.support.fault_proxy import FaultProxy, Faults, fault_proxy

OBJECTS = 1000
WORKERS = 16
# With the default retry budget, an endpoint that answers nothing but errors must be
# given up on within this many seconds per operation.
GIVE_UP_WITHIN = 10.0


def assert_round_trips_survive_faults(
    upstream: str, store_behind: Callable[[str], Any], prefix: str
) -> None:
    """Through a proxy to ``upstream`` with the default faults, ``OBJECTS`` round trips
    under ``prefix`` all succeed byte for byte. ``store_behind(url)`` makes the store."""
    with fault_proxy(upstream, Faults()) as proxy:
        failures = round_trips(store_behind(proxy.url), prefix)
    assert failures == [], f"{len(failures)} failed, first: {failures[:3]}"
    assert_faults_were_injected(proxy, requests_at_least=2 * OBJECTS)


def assert_dead_endpoint_leaves_nothing(
    upstream: str, store_behind: Callable[[str], Any], direct: Any, prefix: str, tmp_path: Path
) -> None:
    """Through a proxy to ``upstream`` that fails every request: see
    ``assert_failed_write_left_nothing``."""
    with fault_proxy(upstream, Faults(fail_everything=True)) as proxy:
        assert_failed_write_left_nothing(store_behind(proxy.url), direct, prefix, tmp_path)


def payload(index: int) -> bytes:
    """Bytes for object ``index``: sizes from 64 B to 8 KiB, the same on every run."""
    generator = random.Random(index)
    return generator.randbytes(generator.randint(64, 8192))


def round_trips(store: Any, prefix: str, count: int = OBJECTS) -> list[str]:
    """Write ``count`` objects under ``prefix`` and read each back; the failures, if any."""

    def one(index: int) -> str | None:
        path = f"{prefix}/{index:04d}.bin"
        data = payload(index)
        try:
            with store.open(path, "wb") as handle:
                handle.write(data)
            with store.open(path, "rb") as handle:
                read = handle.read()
        except Exception as error:
            return f"{path}: {type(error).__name__}: {error}"
        if hashlib.sha256(read).digest() != hashlib.sha256(data).digest():
            return f"{path}: read {len(read)} bytes that differ from the {len(data)} written"
        return None

    with ThreadPoolExecutor(WORKERS) as pool:
        return [failure for failure in pool.map(one, range(count)) if failure]


def assert_faults_were_injected(proxy: FaultProxy, requests_at_least: int) -> None:
    """The run met every kind of fault, at about the configured rates."""
    counts = proxy.counts
    total = sum(counts[k] for k in ("forward", "unavailable", "reset-before", "reset-after"))
    assert total >= requests_at_least, counts
    assert 0.06 < counts["unavailable"] / total < 0.14, counts
    assert 0.02 < (counts["reset-before"] + counts["reset-after"]) / total < 0.08, counts
    assert counts["reset-before"] and counts["reset-after"] and counts["delayed"], counts


def assert_one_line(error: BaseException) -> None:
    assert isinstance(error, CargoholdError), f"{type(error).__name__}: {error}"
    message = str(error)
    assert message and "\n" not in message, f"expected one line, got {message!r}"


def failed_write(store: Any, source: Path, destination: str) -> BaseException:
    """Upload the local file ``source`` through ``store``; the error it must raise."""
    try:
        with source.open("rb") as reader, store.open(destination, "wb") as writer:
            shutil.copyfileobj(reader, writer)
    except Exception as error:
        return error
    raise AssertionError(f"writing {destination} through a dead endpoint succeeded")


def assert_failed_write_left_nothing(
    failing: Any, direct: Any, prefix: str, tmp_path: Path
) -> None:
    """Through ``failing`` (every request fails) a write, a copy and a rename each
    raise one clear error; ``direct`` (no proxy) then sees no trace of them."""
    source = tmp_path / "model.bin"
    # Larger than the 16 MiB that GCS and Azure send as one request: their chunked path.
    source.write_bytes(random.Random(7).randbytes(20 << 20))
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    existing = f"{prefix}/existing.bin"
    with direct.open(existing, "wb") as handle:
        handle.write(b"the existing version")

    attempts = [
        lambda: failed_write(failing, source, f"{prefix}/model.bin"),
        lambda: _raised(lambda: failing.copyfile(existing, f"{prefix}/copy.bin")),
        lambda: _raised(lambda: failing.rename(existing, f"{prefix}/copy.bin")),
    ]
    for attempt in attempts:
        started = time.monotonic()
        assert_one_line(attempt())
        elapsed = time.monotonic() - started
        assert elapsed < GIVE_UP_WITHIN, f"gave up after {elapsed:.1f}s"

    assert hashlib.sha256(source.read_bytes()).hexdigest() == digest, "the source changed"
    assert not direct.exists(f"{prefix}/model.bin")
    assert not direct.exists(f"{prefix}/copy.bin")
    with direct.open(existing, "rb") as handle:
        assert handle.read() == b"the existing version"
    assert [str(p).rsplit("/", 1)[-1] for p in direct.listdir(prefix)] == ["existing.bin"]


def _raised(call: Callable[[], object]) -> BaseException:
    try:
        call()
    except Exception as error:
        return error
    raise AssertionError("the operation succeeded through a dead endpoint")
