"""An unreachable endpoint fails quickly, in one line that says what to do."""

from __future__ import annotations

import time

import pytest

from cargohold.errors import StoreConnectionError
from tests.gcp.conftest import StoreFactory, gcp_store
from tests.support.servers import closed_port


def test_closed_port_fails_with_one_line_in_under_10_seconds() -> None:
    endpoint = f"http://127.0.0.1:{closed_port()}"
    store = gcp_store("gs://bucket/root", endpoint_url=endpoint, token="anon")
    started = time.monotonic()
    with pytest.raises(StoreConnectionError) as caught:
        store.exists("gs://bucket/root/model.bin")
    elapsed = time.monotonic() - started
    assert elapsed < 10, f"an unreachable endpoint took {elapsed:.1f}s to report"
    message = str(caught.value)
    assert "\n" not in message
    assert endpoint in message and "endpoint_url" in message


def test_no_retries_fails_at_once() -> None:
    store = gcp_store(
        "gs://bucket/root",
        endpoint_url=f"http://127.0.0.1:{closed_port()}",
        token="anon",
        retries=0,
    )
    started = time.monotonic()
    with pytest.raises(StoreConnectionError):
        store.open("gs://bucket/root/model.bin", "rb")
    assert time.monotonic() - started < 2


def test_a_store_is_created_without_touching_the_network() -> None:
    # Nothing listens there and no credentials exist: only I/O may notice.
    store = gcp_store("gs://bucket/root", endpoint_url=f"http://127.0.0.1:{closed_port()}")
    assert store.path == "gs://bucket/root"
    assert store._filesystem is None


def test_endpoint_override_skips_the_bucket_layout_probe(make_store: StoreFactory) -> None:
    import gcsfs.core

    store = make_store()
    assert type(store.filesystem) is gcsfs.core.GCSFileSystem, (
        "with an endpoint override the plain JSON-API filesystem must be used"
    )


@pytest.mark.parametrize("retries", [0, 2])
def test_a_server_that_keeps_failing_gets_retries_more_attempts(retries: int) -> None:
    """Every answer a 503: `retries` sets how often a write is tried, then one line."""
    from tests.support.fault_proxy import Faults, fault_proxy

    with fault_proxy(f"http://127.0.0.1:{closed_port()}", Faults(fail_everything=True)) as proxy:
        store = gcp_store("gs://bucket/root", endpoint_url=proxy.url, token="anon", retries=retries)
        started = time.monotonic()
        with (
            pytest.raises(StoreConnectionError) as caught,
            store.open("gs://bucket/root/model.bin", "wb") as handle,
        ):
            handle.write(b"weights")
        elapsed = time.monotonic() - started
    assert elapsed < 10, f"took {elapsed:.1f}s"
    message = str(caught.value)
    assert "\n" not in message and f"after {retries} retries" in message
    assert proxy.counts["unavailable"] == retries + 1, proxy.counts
