"""The config validates offline, keeps secrets masked, and rejects what cannot work."""

from __future__ import annotations

import pytest

from cargohold.errors import ConfigValidationError
from cargohold_azure.flavor import AzureArtifactStoreFlavor


def validate(**values: object) -> object:
    return AzureArtifactStoreFlavor().validate_config({"path": "az://container", **values})


@pytest.mark.parametrize("root", ["az://container", "abfs://container/a/b", "az://c0n/x/"])
def test_both_schemes_are_accepted(root: str) -> None:
    AzureArtifactStoreFlavor().validate_config({"path": root})


def test_other_schemes_are_rejected() -> None:
    with pytest.raises(ConfigValidationError, match="unsupported scheme"):
        AzureArtifactStoreFlavor().validate_config({"path": "s3://bucket"})


def test_account_url_must_be_http_without_a_query() -> None:
    assert validate(account_url="http://127.0.0.1:10000/devstoreaccount1/").account_url == (  # type: ignore[attr-defined]
        "http://127.0.0.1:10000/devstoreaccount1"
    )
    with pytest.raises(ConfigValidationError, match="not an http"):
        validate(account_url="127.0.0.1:10000")
    with pytest.raises(ConfigValidationError, match="sas_token") as caught:
        validate(account_url="https://acct.blob.core.windows.net/?sv=1&sig=s3cr3t")
    assert "s3cr3t" not in str(caught.value)


def test_service_principal_must_be_complete_and_its_secret_is_not_echoed() -> None:
    with pytest.raises(ConfigValidationError, match="missing: tenant_id") as caught:
        validate(client_id="app", client_secret="sp-s3cr3t")
    assert "sp-s3cr3t" not in str(caught.value)


def test_timeouts_and_retries_have_fail_fast_defaults() -> None:
    config = validate()
    assert config.connect_timeout <= 5 and config.retry_connect <= 1  # type: ignore[attr-defined]
    with pytest.raises(ConfigValidationError, match="connect_timeout"):
        validate(connect_timeout=0)
