"""Unreachable endpoints and refused credentials fail within seconds, in one line.

The time bounds are the issue's promise to users ("a clear error within seconds"),
measured generously around a single call; they are not benchmarks.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

from cargohold.errors import StoreAuthenticationError, StoreConnectionError
from cargohold_s3.config import S3ArtifactStoreConfig
from cargohold_s3.flavor import S3ArtifactStoreFlavor
from cargohold_s3.store import S3ArtifactStore
from tests.s3.conftest import AuthServer
from tests.s3.helpers import Canary
from tests.support.servers import closed_port

BOUND = 10.0


def store_for(url: str, **values: Any) -> S3ArtifactStore:
    config = S3ArtifactStoreConfig(
        path="s3://bucket/prefix", client_kwargs={"endpoint_url": url}, **values
    )
    store = S3ArtifactStoreFlavor().create_store(config)
    assert isinstance(store, S3ArtifactStore)
    return store


def timed_failure(call: Callable[[], object], expected: type[Exception]) -> tuple[str, float]:
    start = time.monotonic()
    with pytest.raises(expected) as caught:
        call()
    elapsed = time.monotonic() - start
    return str(caught.value), elapsed


def assert_one_clean_line(message: str, *secrets: str) -> None:
    assert message and "\n" not in message, f"not one line: {message!r}"
    for secret in secrets:
        assert secret not in message, "a credential leaked into the message"


def write(store: Any) -> None:
    # The upload happens on close: that is where the error must come out.
    with store.open("s3://bucket/prefix/f", "wb") as handle:
        handle.write(b"x")


@pytest.mark.parametrize(
    "operation",
    [
        lambda s: s.exists("s3://bucket/prefix/file"),
        lambda s: s.exists("s3://bucket/prefix"),
        lambda s: s.listdir("s3://bucket/prefix"),
        lambda s: list(s.walk("s3://bucket/prefix")),
        write,
        lambda s: s.open("s3://bucket/prefix/f", "rb"),
    ],
    ids=["exists-file", "exists-prefix", "listdir", "walk", "write", "open-read"],
)
def test_closed_port_fails_fast_in_one_line(operation: Callable[[Any], object]) -> None:
    port = closed_port()
    store = store_for(f"http://127.0.0.1:{port}", key="AKIAFAKE", secret="not-the-secret")
    message, elapsed = timed_failure(lambda: operation(store), StoreConnectionError)
    assert elapsed < BOUND, f"took {elapsed:.1f} s to report a closed port"
    assert_one_clean_line(message, "not-the-secret")
    assert f"127.0.0.1:{port}" in message and "endpoint_url" in message, message


def test_a_server_that_never_answers_fails_after_the_read_timeout() -> None:
    silent = Canary(answer=False)
    try:
        store = store_for(silent.url, key="k", secret="s", read_timeout=1, retries=0)
        message, elapsed = timed_failure(
            lambda: store.exists("s3://bucket/prefix/f"), StoreConnectionError
        )
    finally:
        silent.close()
    assert_one_clean_line(message)
    assert "sent nothing for 1 s" in message and "read_timeout" in message, message
    # s3fs's own loop tries twice; each attempt waits out the 1 s read timeout.
    assert elapsed < 2 * 1 + 3, f"took {elapsed:.1f} s"


def test_wrong_key_is_refused_in_one_line(auth_moto: AuthServer) -> None:
    store = S3ArtifactStoreFlavor().create_store(
        S3ArtifactStoreConfig(
            path=f"s3://{auth_moto.bucket}",
            key="AKIAWRONGWRONGWRONG1",
            secret="wrong-secret-value",
            client_kwargs={"endpoint_url": auth_moto.url},
        )
    )
    for call in (
        lambda: store.exists(f"s3://{auth_moto.bucket}/f"),
        lambda: store.listdir(f"s3://{auth_moto.bucket}"),
        lambda: store.makedirs(f"s3://{auth_moto.bucket}/d"),
    ):
        message, elapsed = timed_failure(call, StoreAuthenticationError)
        assert elapsed < BOUND, f"took {elapsed:.1f} s to report refused credentials"
        assert_one_clean_line(message, "wrong-secret-value", auth_moto.secret)
        assert "credentials" in message, message


def test_wrong_secret_for_a_real_key_is_refused(auth_moto: AuthServer) -> None:
    store = S3ArtifactStoreFlavor().create_store(
        S3ArtifactStoreConfig(
            path=f"s3://{auth_moto.bucket}",
            key=auth_moto.key,
            secret="wrong-secret-value",
            client_kwargs={"endpoint_url": auth_moto.url},
        )
    )
    message, elapsed = timed_failure(
        lambda: store.listdir(f"s3://{auth_moto.bucket}"), StoreAuthenticationError
    )
    assert elapsed < BOUND
    assert_one_clean_line(message, "wrong-secret-value", auth_moto.secret)


def test_right_credentials_pass_the_enforcing_server(auth_moto: AuthServer) -> None:
    store = S3ArtifactStoreFlavor().create_store(
        S3ArtifactStoreConfig(
            path=f"s3://{auth_moto.bucket}/explicit",
            key=auth_moto.key,
            secret=auth_moto.secret,
            client_kwargs={"endpoint_url": auth_moto.url},
        )
    )
    with store.open("ok.txt", "w") as handle:
        handle.write("signed")
    assert store.listdir(f"s3://{auth_moto.bucket}/explicit") == ["ok.txt"]


def test_implicit_credentials_come_from_the_environment(
    auth_moto: AuthServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "absent-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "absent-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", auth_moto.key)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", auth_moto.secret)

    def store(**values: Any) -> S3ArtifactStore:
        made = S3ArtifactStoreFlavor().create_store(
            S3ArtifactStoreConfig(
                path=f"s3://{auth_moto.bucket}/implicit",
                client_kwargs={"endpoint_url": auth_moto.url},
                **values,
            )
        )
        assert isinstance(made, S3ArtifactStore)
        return made

    with store().open("from-env.txt", "w") as handle:
        handle.write("env")
    # Explicit keys come before the environment: wrong ones are not rescued by it.
    with pytest.raises(StoreAuthenticationError):
        store(key="AKIAWRONGWRONGWRONG1", secret="wrong").exists("from-env.txt")
    # And with nothing to find, the error says where credentials can come from.
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    message, elapsed = timed_failure(lambda: store().exists("x"), StoreAuthenticationError)
    assert elapsed < BOUND
    assert "no usable AWS credentials" in message and "AWS_PROFILE" in message, message


@pytest.mark.parametrize("retries", [0, 3])
def test_a_server_that_keeps_failing_gets_retries_more_attempts(retries: int) -> None:
    """Every answer a 503: `retries` sets how often a write is tried, then one line."""
    from tests.support.fault_proxy import Faults, fault_proxy

    with fault_proxy(f"http://127.0.0.1:{closed_port()}", Faults(fail_everything=True)) as proxy:
        store = store_for(proxy.url, key="k", secret="s", retries=retries)
        message, elapsed = timed_failure(lambda: write(store), StoreConnectionError)
    assert elapsed < BOUND, f"took {elapsed:.1f}s"
    assert_one_clean_line(message)
    assert f"kept failing (HTTP 503) after {retries} retries" in message
    assert proxy.counts["unavailable"] == retries + 1, proxy.counts
