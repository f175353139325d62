"""Authentication: the order of the routes, and each implicit route against Azurite."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from cargohold.errors import CargoholdError, StoreAuthenticationError
from cargohold_azure.config import AzureArtifactStoreConfig
from cargohold_azure.credentials import Method, resolve_credentials
from tests.support.emulators import ACCOUNT_KEY, ACCOUNT_NAME, Azurite


def account_sas(azurite: Azurite) -> str:
    from azure.storage.blob import AccountSasPermissions, ResourceTypes, generate_account_sas

    return generate_account_sas(
        ACCOUNT_NAME,
        ACCOUNT_KEY,
        resource_types=ResourceTypes(service=True, container=True, object=True),
        permission=AccountSasPermissions(
            read=True, write=True, delete=True, list=True, add=True, create=True
        ),
        expiry=datetime.now(timezone.utc) + timedelta(hours=1),
    )


def round_trip(store: Any, root: str) -> None:
    with store.open(f"{root}/hello.txt", "w") as handle:
        handle.write("hello")
    assert store.listdir(root) == ["hello.txt"]
    with store.open(f"{root}/hello.txt") as handle:
        assert handle.read() == "hello"


# -- each implicit route Azurite can serve, with no credentials in the config ----------


def test_account_name_and_key_from_the_environment(
    azurite: Azurite, make_store: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AZURE_STORAGE_ACCOUNT_NAME", ACCOUNT_NAME)
    monkeypatch.setenv("AZURE_STORAGE_ACCOUNT_KEY", ACCOUNT_KEY)
    root = f"az://{azurite.new_container()}/key"
    store = make_store(path=root, account_url=azurite.account_url)
    round_trip(store, root)
    assert store._credentials.method is Method.ACCOUNT_KEY
    assert store._credentials.source == "environment"


def test_account_name_and_sas_token_from_the_environment(
    azurite: Azurite, make_store: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AZURE_STORAGE_ACCOUNT_NAME", ACCOUNT_NAME)
    monkeypatch.setenv("AZURE_STORAGE_SAS_TOKEN", account_sas(azurite))
    root = f"abfs://{azurite.new_container()}/sas"
    store = make_store(path=root, account_url=azurite.account_url)
    round_trip(store, root)
    assert store._credentials.method is Method.SAS_TOKEN


def test_connection_string_from_the_environment(
    azurite: Azurite, make_store: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AZURE_STORAGE_CONNECTION_STRING", azurite.connection_string)
    root = f"az://{azurite.new_container()}/conn"
    # The connection string names the endpoint: the config holds nothing but the path.
    store = make_store(path=root)
    round_trip(store, root)
    assert store._credentials.method is Method.CONNECTION_STRING


def test_explicit_sas_token_with_a_leading_question_mark(
    azurite: Azurite, make_store: Callable[..., Any]
) -> None:
    root = f"az://{azurite.new_container()}/explicit-sas"
    store = make_store(
        path=root, account_url=azurite.account_url, sas_token="?" + account_sas(azurite)
    )
    round_trip(store, root)


def test_explicit_connection_string(azurite: Azurite, make_store: Callable[..., Any]) -> None:
    root = f"az://{azurite.new_container()}/explicit-conn"
    round_trip(make_store(path=root, connection_string=azurite.connection_string), root)


# -- the order ---------------------------------------------------------------------------


def config(**values: Any) -> AzureArtifactStoreConfig:
    return AzureArtifactStoreConfig(path="az://container/prefix", **values)


def test_explicit_fields_win_over_the_environment() -> None:
    environ = {
        "AZURE_STORAGE_ACCOUNT_NAME": "envaccount",
        "AZURE_STORAGE_CONNECTION_STRING": "AccountName=env;AccountKey=ZW52",
    }
    chosen = resolve_credentials(
        config(account_name="cfgaccount", account_key="a2V5"), environ, "s"
    )
    assert (chosen.method, chosen.source, chosen.account_name) == (
        Method.ACCOUNT_KEY,
        "config",
        "cfgaccount",
    )


def test_the_environment_fills_in_the_secret_for_a_configured_account() -> None:
    chosen = resolve_credentials(
        config(account_name="cfgaccount"), {"AZURE_STORAGE_ACCOUNT_KEY": "a2V5"}, "s"
    )
    assert (chosen.method, chosen.source, chosen.account_name) == (
        Method.ACCOUNT_KEY,
        "environment",
        "cfgaccount",
    )


def test_service_principal_from_the_environment() -> None:
    environ = {
        "AZURE_STORAGE_ACCOUNT_NAME": "acct",
        "AZURE_STORAGE_CLIENT_ID": "client",
        "AZURE_STORAGE_CLIENT_SECRET": "s3cr3t",
        "AZURE_STORAGE_TENANT_ID": "tenant",
    }
    chosen = resolve_credentials(config(), environ, "s")
    assert chosen.method is Method.SERVICE_PRINCIPAL
    assert (chosen.client_id, chosen.tenant_id) == ("client", "tenant")
    assert "s3cr3t" not in repr(chosen)


def test_incomplete_service_principal_names_what_is_missing() -> None:
    environ = {"AZURE_STORAGE_ACCOUNT_NAME": "acct", "AZURE_STORAGE_CLIENT_ID": "client"}
    with pytest.raises(StoreAuthenticationError, match="AZURE_STORAGE_CLIENT_SECRET"):
        resolve_credentials(config(), environ, "s")


def test_account_name_alone_falls_back_to_default_azure_credential() -> None:
    chosen = resolve_credentials(config(account_name="acct"), {}, "s")
    assert chosen.method is Method.DEFAULT_CREDENTIAL


def test_nothing_at_all_says_what_to_set(make_store: Callable[..., Any]) -> None:
    store = make_store(path="az://container/prefix")
    with pytest.raises(StoreAuthenticationError, match="AZURE_STORAGE_ACCOUNT_NAME"):
        store.exists("az://container/prefix/x")


def test_authentication_secret_is_refused_at_first_io_not_ignored(
    make_store: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Working credentials in the environment must not be used in its place.
    monkeypatch.setenv("AZURE_STORAGE_CONNECTION_STRING", "AccountName=a;AccountKey=a2V5")
    store = make_store(path="az://container/prefix", authentication_secret="azure-prod")
    with pytest.raises(CargoholdError, match="authentication_secret 'azure-prod'") as caught:
        store.exists("az://container/prefix/x")
    assert "\n" not in str(caught.value)


def test_token_credentials_over_plain_http_are_refused_up_front(
    azurite: Azurite, make_store: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Azurite cannot serve a service principal (it needs HTTPS and Entra ID); the store
    # says so instead of letting the SDK fail with a bare ValueError.
    monkeypatch.setenv("AZURE_STORAGE_CLIENT_ID", "app")
    monkeypatch.setenv("AZURE_STORAGE_CLIENT_SECRET", "sp-s3cr3t")
    monkeypatch.setenv("AZURE_STORAGE_TENANT_ID", "tenant")
    store = make_store(
        path="az://container", account_name=ACCOUNT_NAME, account_url=azurite.account_url
    )
    with pytest.raises(StoreAuthenticationError, match="needs an https:// endpoint") as caught:
        store.exists("az://container/x")
    assert "sp-s3cr3t" not in str(caught.value)
