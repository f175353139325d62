"""``azure`` service connectors and secrets against Azurite, which checks account keys."""

from __future__ import annotations

import uuid

import pytest

from cargohold import Client
from cargohold.errors import CargoholdError
from tests.support.emulators import ACCOUNT_KEY, ACCOUNT_NAME, Azurite


def test_a_connected_store_writes_and_reads(azurite: Azurite) -> None:
    container = azurite.new_container()
    client = Client()
    client.secrets.create("azurite", {"key": ACCOUNT_KEY})
    client.connectors.register(
        "dev-account",
        "azure",
        "access-key",
        {
            "account_name": ACCOUNT_NAME,
            "account_key": "{{azurite.key}}",
            "account_url": azurite.account_url,
        },
        resource_type="blob-container",
    )
    assert f"az://{container}" in client.connectors.verify("dev-account")
    client.register_artifact_store("blobs", "azure", {"path": f"abfs://{container}/runs"})
    client.connectors.connect("blobs", "dev-account")
    payload = uuid.uuid4().hex
    with client.get_artifact_store("blobs").open("a.txt", "w") as handle:
        handle.write(payload)
    with client.get_artifact_store("blobs").open("a.txt") as handle:
        assert handle.read() == payload


def test_a_wrong_key_fails_verify_in_one_line(azurite: Azurite) -> None:
    client = Client()
    client.connectors.register(
        "wrong",
        "azure",
        "access-key",
        {
            "account_name": ACCOUNT_NAME,
            "account_key": "d3Jvbmcta2V5LXdyb25nLWtleS13cm9uZy1rZXk=",
            "account_url": azurite.account_url,
        },
    )
    with pytest.raises(CargoholdError) as caught:
        client.connectors.verify("wrong")
    message = str(caught.value)
    assert message.startswith("service connector 'wrong': ") and "\n" not in message
    assert "wrong-key" not in message
    client.connectors.register(
        "right",
        "azure",
        "access-key",
        {"connection_string": azurite.connection_string},
    )
    rows = {row["name"]: row for row in client.connectors.list_resources("blob-container")}
    assert (
        rows["wrong"]["resources"] == [] and "service connector 'wrong'" in rows["wrong"]["error"]
    )
    assert rows["right"]["error"] is None and rows["right"]["resources"]


def test_authentication_secret_and_sas_token(azurite: Azurite) -> None:
    from datetime import datetime, timedelta, timezone

    from azure.storage.blob import AccountSasPermissions, ResourceTypes, generate_account_sas

    container = azurite.new_container()
    sas = generate_account_sas(
        ACCOUNT_NAME,
        ACCOUNT_KEY,
        ResourceTypes(service=True, container=True, object=True),
        AccountSasPermissions(read=True, write=True, list=True, delete=True, create=True),
        expiry=datetime.now(timezone.utc) + timedelta(hours=1),
    )
    client = Client()
    client.secrets.create("sas", {"account_name": ACCOUNT_NAME, "sas_token": sas})
    client.register_artifact_store(
        "by-sas",
        "azure",
        {
            "path": f"az://{container}",
            "account_url": azurite.account_url,
            "authentication_secret": "sas",
        },
    )
    with client.get_artifact_store("by-sas").open("x", "w") as handle:
        handle.write("1")
    client.connectors.register(
        "sas-connector",
        "azure",
        "sas-token",
        {
            "account_name": ACCOUNT_NAME,
            "sas_token": "{{sas.sas_token}}",
            "account_url": azurite.account_url,
        },
        resource_id=container,
    )
    assert client.connectors.verify("sas-connector") == [f"az://{container}"]


def test_service_principal_reaches_the_client(azurite: Azurite) -> None:
    from azure.identity.aio import ClientSecretCredential

    client = Client()
    client.connectors.register(
        "principal",
        "azure",
        "service-principal",
        {
            "tenant_id": "00000000-0000-0000-0000-000000000001",
            "client_id": "00000000-0000-0000-0000-000000000002",
            "client_secret": "principal-secret-value",
            "account_name": ACCOUNT_NAME,
            "account_url": "https://127.0.0.1:1/devstoreaccount1",
        },
        resource_id="az://models",
    )
    client.register_artifact_store("sp", "azure", {"path": "az://models"})
    client.connectors.connect("sp", "principal")
    filesystem = client.get_artifact_store("sp").filesystem  # type: ignore[attr-defined]
    credential = filesystem.service_client.credential
    assert isinstance(credential, ClientSecretCredential)
    assert filesystem.service_client.url.startswith("https://127.0.0.1:1/devstoreaccount1")
