"""The gcp config validates offline and rejects what gcsfs would misread."""

from __future__ import annotations

from typing import Any

import pytest

from cargohold.errors import ConfigValidationError
from cargohold_gcp.flavor import GCPArtifactStoreFlavor


def validate(**fields: object) -> Any:
    return GCPArtifactStoreFlavor().validate_config({"path": "gs://bucket/prefix", **fields})


def test_defaults_bound_time_and_concurrency() -> None:
    config = validate()
    assert (config.connect_timeout, config.read_timeout) == (5.0, 60.0)
    assert (config.retries, config.max_concurrency) == (3, 32)


def test_endpoint_is_normalised_to_scheme_and_host() -> None:
    config = validate(endpoint_url="http://127.0.0.1:4443/")
    assert config.endpoint_url == "http://127.0.0.1:4443"


@pytest.mark.parametrize(
    "endpoint", ["127.0.0.1:4443", "ftp://host", "http://host/storage/v1", "http://"]
)
def test_endpoint_must_be_a_bare_http_url(endpoint: str) -> None:
    with pytest.raises(ConfigValidationError, match="endpoint_url"):
        validate(endpoint_url=endpoint)


@pytest.mark.parametrize("field", [{"retries": -1}, {"max_concurrency": 0}, {"read_timeout": 0}])
def test_bounds_are_checked(field: dict[str, object]) -> None:
    with pytest.raises(ConfigValidationError, match=next(iter(field))):
        validate(**field)


def test_token_is_masked() -> None:
    config = validate(token='{"private_key": "s3cr3t"}')
    assert "s3cr3t" not in repr(config) and "s3cr3t" not in str(config)


def test_other_schemes_are_refused() -> None:
    with pytest.raises(ConfigValidationError, match="path"):
        GCPArtifactStoreFlavor().validate_config({"path": "s3://bucket/prefix"})
