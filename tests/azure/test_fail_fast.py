"""An unreachable endpoint or refused credentials: a one-line error within seconds.

Left to its defaults the Azure SDK retries for minutes; the bounds asserted here are
the behaviour the store promises, measured on the single call that fails.
"""

from __future__ import annotations

import base64
import socket
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from cargohold.errors import StoreAuthenticationError, StoreConnectionError
from cargohold_azure.errors import ContainerNotFoundError
from tests.support.emulators import ACCOUNT_KEY, ACCOUNT_NAME, Azurite
from tests.support.servers import closed_port

BOUND_SECONDS = 10.0
WRONG_KEY = base64.b64encode(b"not the development key, but well formed").decode()


def timed_failure(call: Callable[[], Any], expected: type[Exception]) -> tuple[Exception, float]:
    started = time.monotonic()
    with pytest.raises(expected) as caught:
        call()
    return caught.value, time.monotonic() - started


def assert_one_line_without_secrets(error: Exception, *secrets: str) -> None:
    message = str(error)
    assert message and "\n" not in message, f"expected one line, got {message!r}"
    for secret in secrets:
        assert secret not in message and secret not in repr(error)


def test_closed_port_fails_fast(make_store: Callable[..., Any]) -> None:
    url = f"http://127.0.0.1:{closed_port()}/{ACCOUNT_NAME}"
    store = make_store(
        path="az://container/prefix",
        account_name=ACCOUNT_NAME,
        account_key=ACCOUNT_KEY,
        account_url=url,
    )
    error, elapsed = timed_failure(
        lambda: store.exists("az://container/prefix/model.bin"), StoreConnectionError
    )
    assert elapsed < BOUND_SECONDS, f"took {elapsed:.1f}s"
    assert_one_line_without_secrets(error, ACCOUNT_KEY)
    assert url in str(error), "the message must name the endpoint it could not reach"


def test_wrong_key_fails_fast(azurite: Azurite, make_store: Callable[..., Any]) -> None:
    container = azurite.new_container()
    store = make_store(
        path=f"az://{container}/prefix",
        account_name=ACCOUNT_NAME,
        account_key=WRONG_KEY,
        account_url=azurite.account_url,
    )
    error, elapsed = timed_failure(
        lambda: store.exists(f"az://{container}/prefix/model.bin"), StoreAuthenticationError
    )
    assert elapsed < BOUND_SECONDS, f"took {elapsed:.1f}s"
    assert_one_line_without_secrets(error, WRONG_KEY)
    assert "account key from the config" in str(error)


def test_wrong_key_on_write_fails_fast(azurite: Azurite, make_store: Callable[..., Any]) -> None:
    container = azurite.new_container()
    store = make_store(
        path=f"abfs://{container}",
        account_name=ACCOUNT_NAME,
        account_key=WRONG_KEY,
        account_url=azurite.account_url,
    )

    def write() -> None:
        with store.open(f"abfs://{container}/model.bin", "wb") as handle:
            handle.write(b"weights")

    error, elapsed = timed_failure(write, StoreAuthenticationError)
    assert elapsed < BOUND_SECONDS, f"took {elapsed:.1f}s"
    assert_one_line_without_secrets(error, WRONG_KEY)


def test_wrong_sas_token_is_an_authentication_error(
    azurite: Azurite, make_store: Callable[..., Any]
) -> None:
    container = azurite.new_container()
    forged = "sv=2021-08-06&ss=b&srt=sco&sp=rl&se=2099-01-01T00:00:00Z&sig=Zm9yZ2Vk"
    store = make_store(path=f"az://{container}", sas_token=forged, account_url=azurite.account_url)
    error, _ = timed_failure(lambda: store.listdir(f"az://{container}"), StoreAuthenticationError)
    assert_one_line_without_secrets(error, "Zm9yZ2Vk")


def test_missing_container_is_named(azurite: Azurite, make_store: Callable[..., Any]) -> None:
    store = make_store(
        path="az://no-such-container/prefix",
        account_name=ACCOUNT_NAME,
        account_key=ACCOUNT_KEY,
        account_url=azurite.account_url,
    )
    with (
        pytest.raises(ContainerNotFoundError, match="'no-such-container' does not exist"),
        store.open("az://no-such-container/prefix/f.bin", "wb") as handle,
    ):
        handle.write(b"x")


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A port that accepts connections and never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield listener.getsockname()[1]


def test_endpoint_that_never_answers_fails_within_the_read_timeout(
    silent_server: int, make_store: Callable[..., Any]
) -> None:
    store = make_store(
        path="az://container",
        account_name=ACCOUNT_NAME,
        account_key=ACCOUNT_KEY,
        account_url=f"http://127.0.0.1:{silent_server}/{ACCOUNT_NAME}",
        read_timeout=1,
        retry_read=0,
        retry_total=0,
    )
    error, elapsed = timed_failure(lambda: store.exists("az://container/x"), StoreConnectionError)
    assert elapsed < BOUND_SECONDS, f"took {elapsed:.1f}s"
    assert_one_line_without_secrets(error, ACCOUNT_KEY)


def test_repr_and_config_never_show_secrets(make_store: Callable[..., Any]) -> None:
    store = make_store(
        path="az://container",
        account_name=ACCOUNT_NAME,
        account_key=ACCOUNT_KEY,
        connection_string=f"AccountKey={ACCOUNT_KEY}",
        client_id="app",
        client_secret="client-s3cr3t",
        tenant_id="tenant",
        sas_token="sig=s3cr3t",
    )
    shown = repr(store) + repr(store.config) + str(store.config.model_dump())
    for secret in (ACCOUNT_KEY, "client-s3cr3t", "sig=s3cr3t"):
        assert secret not in shown


def test_walk_of_an_unreachable_store_is_translated(make_store: Callable[..., Any]) -> None:
    store = make_store(
        path="az://container",
        account_name=ACCOUNT_NAME,
        account_key=ACCOUNT_KEY,
        account_url=f"http://127.0.0.1:{closed_port()}/{ACCOUNT_NAME}",
        retry_connect=0,
    )
    with pytest.raises(StoreConnectionError):
        list(store.walk("az://container/runs"))


@pytest.mark.parametrize(("retry_backoff", "retry_total"), [(0.1, 3), (0.3, 2)])
def test_retry_backoff_sets_the_waits_between_retries(
    make_store: Callable[..., Any], retry_backoff: float, retry_total: int
) -> None:
    """An endpoint that answers only 503: the retries wait retry_backoff, doubling."""
    from tests.support.fault_proxy import Faults, fault_proxy

    with fault_proxy(f"http://127.0.0.1:{closed_port()}", Faults(fail_everything=True)) as proxy:
        store = make_store(
            path="az://container",
            account_name=ACCOUNT_NAME,
            account_key=ACCOUNT_KEY,
            account_url=f"{proxy.url}/{ACCOUNT_NAME}",
            retry_backoff=retry_backoff,
            retry_total=retry_total,
        )
        error, elapsed = timed_failure(
            lambda: store.exists("az://container/x"), StoreConnectionError
        )
    assert proxy.counts["unavailable"] == retry_total + 1
    waits = retry_backoff * (2**retry_total - 1)  # b + 2b + 4b + ...
    assert 0.5 * waits <= elapsed < 1.5 * waits + 1.0, f"{elapsed:.2f}s for {waits:.2f}s of waits"
    assert_one_line_without_secrets(error, ACCOUNT_KEY)
