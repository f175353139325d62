"""``client_kwargs.endpoint_url`` is the only place the store sends requests to, and
building a store sends none.

A canary listener stands for "anywhere else": HTTP(S)_PROXY points at it and only
loopback is exempt (NO_PROXY), so a request for any other host (AWS itself, an
instance-metadata probe, a region lookup) would arrive there instead of vanishing.
"""

from __future__ import annotations

from typing import Any

import pytest

from cargohold.errors import StoreConnectionError
from cargohold_s3.config import S3ArtifactStoreConfig
from cargohold_s3.flavor import S3ArtifactStoreFlavor
from tests.s3.helpers import Canary, RequestLog
from tests.support.servers import RunningServer, closed_port


@pytest.fixture
def only_loopback_is_direct(
    canary: Canary, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> Canary:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.setenv(name, canary.url)
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.setenv(name, "127.0.0.1")
    # Nothing from this machine's AWS setup may steer the store either.
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "absent-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "absent-credentials"))
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    return canary


def test_every_request_goes_to_the_endpoint(
    only_loopback_is_direct: Canary,
    moto: RunningServer,
    bucket: str,
    request_log: RequestLog,
) -> None:
    store = S3ArtifactStoreFlavor().create_store(
        S3ArtifactStoreConfig(
            path=f"s3://{bucket}/iso",
            key="testing",
            secret="testing",
            client_kwargs={"endpoint_url": moto.url},
        )
    )
    request_log.start()
    with store.open("a/one.txt", "w") as handle:
        handle.write("1")
    store.copyfile("a/one.txt", "a/two.txt")
    store.rename("a", "b")
    assert [d for d, _, _ in store.walk("b")] == [f"s3://{bucket}/iso/b"]
    store.rmtree("b")
    served = request_log.stop()
    assert len(served) >= 8, f"the endpoint served too little to be the one in use: {served}"
    assert only_loopback_is_direct.connections == 0, "a request went somewhere else"


def test_the_canary_would_catch_a_request_elsewhere(only_loopback_is_direct: Canary) -> None:
    # The control: a host other than loopback goes through the proxy, i.e. the canary.
    store = S3ArtifactStoreFlavor().create_store(
        S3ArtifactStoreConfig(
            path="s3://bucket",
            key="k",
            secret="s",
            retries=0,
            client_kwargs={"endpoint_url": "http://s3.elsewhere.example"},
        )
    )
    with pytest.raises(OSError, match="502"):
        store.exists("s3://bucket/file")
    assert only_loopback_is_direct.connections >= 1


def validated(values: dict[str, Any]) -> S3ArtifactStoreConfig:
    config = S3ArtifactStoreFlavor().validate_config(values)
    assert isinstance(config, S3ArtifactStoreConfig)
    return config


def test_building_a_store_sends_nothing(only_loopback_is_direct: Canary) -> None:
    canary = only_loopback_is_direct
    flavor = S3ArtifactStoreFlavor()
    # A store whose endpoint is the canary itself, one whose endpoint is a closed port,
    # and one left to find AWS and credentials on its own.
    configs = [
        {"client_kwargs": {"endpoint_url": canary.url}, "key": "k", "secret": "s"},
        {"client_kwargs": {"endpoint_url": f"http://127.0.0.1:{closed_port()}"}},
        {},
    ]
    for values in configs:
        store = flavor.create_store(validated({"path": "s3://bucket/x", **values}))
        repr(store)
        assert store.path == "s3://bucket/x"
    assert canary.connections == 0, "constructing a store made a request"
    # First I/O is where the connection happens: to the endpoint, the canary here.
    store = flavor.create_store(validated({"path": "s3://bucket/x", **configs[0]}))
    with pytest.raises(OSError, match="502"):
        store.exists("s3://bucket/x/file")
    assert canary.connections >= 1


def test_closed_endpoint_with_proxy_env_still_reports_the_endpoint(
    only_loopback_is_direct: Canary,
) -> None:
    port = closed_port()
    store = S3ArtifactStoreFlavor().create_store(
        S3ArtifactStoreConfig(
            path="s3://bucket",
            key="k",
            secret="s",
            client_kwargs={"endpoint_url": f"http://127.0.0.1:{port}"},
        )
    )
    with pytest.raises(StoreConnectionError, match=f"127.0.0.1:{port}"):
        store.exists("s3://bucket/file")
    assert only_loopback_is_direct.connections == 0
