"""The s3 config: what validates, what is refused offline, and that secrets stay masked."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from cargohold.errors import ConfigValidationError
from cargohold_s3.config import S3ArtifactStoreConfig
from cargohold_s3.flavor import S3ArtifactStoreFlavor

SECRETS = {"key": "AKIAEXAMPLEKEY", "secret": "very-secret-value", "token": "session-token-value"}


def test_full_config_validates_and_masks_every_secret() -> None:
    config = S3ArtifactStoreFlavor().validate_config(
        {
            "path": "s3://bucket/prefix",
            **SECRETS,
            "client_kwargs": {"endpoint_url": "http://127.0.0.1:9000", "region_name": "eu-west-1"},
            "config_kwargs": {"max_pool_connections": 20},
            "s3_additional_kwargs": {"ServerSideEncryption": "AES256"},
            "connect_timeout": 2,
            "read_timeout": 30,
            "retries": 5,
        }
    )
    assert isinstance(config, S3ArtifactStoreConfig)
    shown = [repr(config), str(config), config.model_dump_json(), str(config.model_dump())]
    for text in shown:
        for value in SECRETS.values():
            assert value not in text, f"a secret leaked into {text!r}"


def test_defaults_fail_fast() -> None:
    config = S3ArtifactStoreConfig(path="s3://bucket")
    assert (config.connect_timeout, config.read_timeout, config.retries) == (5.0, 15.0, 2)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"key": "k"}, "key is set but secret is not"),
        ({"secret": "s"}, "secret is set but key is not"),
        ({"token": "t"}, "token is set without key and secret"),
        ({"client_kwargs": {"aws_secret_access_key": "x"}}, "credentials do not belong"),
        ({"connect_timeout": 0}, "connect_timeout"),
        ({"retries": -1}, "retries"),
        ({"retries": 11}, "retries"),
        ({"path": "gs://bucket"}, "unsupported scheme"),
        ({"endpoint_url": "http://x"}, "unknown field"),
    ],
)
def test_bad_configs_are_refused_offline(values: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigValidationError, match=message) as caught:
        S3ArtifactStoreFlavor().validate_config({"path": "s3://bucket", **values})
    assert "\n" not in str(caught.value), "config errors are one line"


def test_a_refused_secret_is_not_echoed() -> None:
    with pytest.raises(ConfigValidationError) as caught:
        S3ArtifactStoreFlavor().validate_config(
            {"path": "s3://bucket", "secret": "very-secret-value"}
        )
    assert "very-secret-value" not in str(caught.value)
    with pytest.raises(ValidationError) as raw:
        S3ArtifactStoreConfig(path="s3://bucket", secret="very-secret-value")
    assert "very-secret-value" not in str(raw.value)
