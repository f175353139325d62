"""``gcp`` service connectors against fake-gcs-server (which does not check tokens),
and the service-account settings, which are checked offline."""

from __future__ import annotations

import json
import uuid

import pytest

from cargohold import Client
from cargohold.errors import CargoholdError
from tests.support.servers import RunningServer


def test_an_anonymous_connector_lists_buckets_and_serves_a_store(
    gcs_server: RunningServer,
) -> None:
    import urllib.request

    bucket = f"c-{uuid.uuid4().hex[:12]}"
    request = urllib.request.Request(
        f"{gcs_server.url}/storage/v1/b?project=test",
        data=json.dumps({"name": bucket}).encode(),
        headers={"Content-Type": "application/json"},
    )
    urllib.request.urlopen(request, timeout=10).close()
    client = Client()
    client.connectors.register(
        "emulator", "gcp", "anonymous", {"project": "test", "endpoint_url": gcs_server.url}
    )
    assert f"gs://{bucket}" in client.connectors.verify("emulator")
    client.register_artifact_store("gcs", "gcp", {"path": f"gs://{bucket}/runs"})
    client.connectors.connect("gcs", "emulator")
    with client.get_artifact_store("gcs").open("a.txt", "w") as handle:
        handle.write("hello")
    with client.get_artifact_store("gcs").open("a.txt") as handle:
        assert handle.read() == "hello"
    rows = client.connectors.list_resources("gcs-bucket")
    assert [row["name"] for row in rows] == ["emulator"]


def test_service_account_settings_are_checked_without_quoting_them() -> None:
    client = Client()
    with pytest.raises(CargoholdError) as caught:
        client.connectors.register(
            "sa", "gcp", "service-account", {"service_account_json": "not-json-private-bits"}
        )
    assert "is not JSON" in str(caught.value)
    assert "private-bits" not in str(caught.value)
    key = {"type": "service_account", "client_email": "a@b.iam", "private_key": "-----KEY-----"}
    record = client.connectors.register(
        "sa", "gcp", "service-account", {"service_account_json": json.dumps(key)}
    )
    shown = client.connectors.describe("sa")["settings"]
    assert shown["service_account_json"] == "**********"
    assert "-----KEY-----" not in repr(record)
    from cargohold_gcp.credentials import store_fields

    assert store_fields("service-account", {"service_account_json": "{}"}) == {"token": "{}"}
