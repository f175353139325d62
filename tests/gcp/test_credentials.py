"""Which credentials a gcp store uses, and what it says when they fail.

Service-account keys are real RSA keys whose ``token_uri`` points at a small OAuth
token endpoint on loopback, so google-auth signs and exchanges them exactly as it
would against Google; fake-gcs-server then serves the objects.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from cargohold.errors import CargoholdError, StoreAuthenticationError
from tests.gcp.conftest import StoreFactory, gcp_store
from tests.support.servers import RunningServer

PRIVATE_MARKER = "PRIVATE KEY"


class TokenEndpoint(ThreadingHTTPServer):
    """An OAuth token endpoint that grants or refuses every exchange."""

    grant = True
    exchanges = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/token"


class TokenHandler(BaseHTTPRequestHandler):
    server: TokenEndpoint

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.exchanges += 1
        if self.server.grant:
            status, body = (
                200,
                {"access_token": "ya29.test", "expires_in": 3600, "token_type": "Bearer"},
            )
        else:
            status, body = (
                400,
                {"error": "invalid_grant", "error_description": "Invalid JWT Signature."},
            )
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def token_endpoint() -> Iterator[TokenEndpoint]:
    server = TokenEndpoint(("127.0.0.1", 0), TokenHandler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def private_key_pem() -> str:
    serialization = pytest.importorskip("cryptography.hazmat.primitives.serialization")
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def service_account_key(private_key_pem: str, token_uri: str) -> str:
    return json.dumps(
        {
            "type": "service_account",
            "project_id": "key-project",
            "private_key_id": "0123456789abcdef",
            "private_key": private_key_pem,
            "client_email": "store@key-project.iam.gserviceaccount.com",
            "client_id": "1234567890",
            "token_uri": token_uri,
        }
    )


def round_trip(store: Any) -> None:
    with store.open(f"{store.path}/auth/check.txt", "wb") as handle:
        handle.write(b"ok")
    with store.open(f"{store.path}/auth/check.txt", "rb") as handle:
        assert handle.read() == b"ok"


def test_service_account_json_content_is_used(
    make_store: StoreFactory, token_endpoint: TokenEndpoint, private_key_pem: str
) -> None:
    store = make_store(token=service_account_key(private_key_pem, token_endpoint.url))
    round_trip(store)
    assert token_endpoint.exchanges >= 1, "the key must be exchanged for an access token"


def test_service_account_key_file_is_used(
    make_store: StoreFactory,
    token_endpoint: TokenEndpoint,
    private_key_pem: str,
    tmp_path: Path,
) -> None:
    key_file = tmp_path / "key.json"
    key_file.write_text(service_account_key(private_key_pem, token_endpoint.url))
    store = make_store(token=str(key_file))
    round_trip(store)
    assert token_endpoint.exchanges >= 1


def test_implicit_credentials_come_from_google_application_credentials(
    make_store: StoreFactory,
    token_endpoint: TokenEndpoint,
    private_key_pem: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    key_file = tmp_path / "adc.json"
    key_file.write_text(service_account_key(private_key_pem, token_endpoint.url))
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(key_file))
    store = make_store(token=None)
    round_trip(store)
    assert token_endpoint.exchanges >= 1


def test_refused_credentials_fail_with_one_line_and_no_secret(
    gcs_server: RunningServer, token_endpoint: TokenEndpoint, private_key_pem: str
) -> None:
    token_endpoint.grant = False
    key = service_account_key(private_key_pem, token_endpoint.url)
    store = gcp_store("gs://refused/root", endpoint_url=gcs_server.url, token=key)
    started = time.monotonic()
    with pytest.raises(StoreAuthenticationError) as caught:
        store.exists(f"{store.path}/anything")
    assert time.monotonic() - started < 10
    message = str(caught.value)
    assert "\n" not in message and "refused the credentials" in message
    assert PRIVATE_MARKER not in message and private_key_pem[40:80] not in message
    assert key not in repr(store) and key not in repr(store.config)


def test_missing_implicit_credentials_say_how_to_fix(
    gcs_server: RunningServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(tmp_path / "absent.json"))
    store = gcp_store("gs://bucket/root", endpoint_url=gcs_server.url)
    with pytest.raises(StoreAuthenticationError, match="no Google Cloud credentials") as caught:
        store.exists("gs://bucket/root/x")
    assert "GOOGLE_APPLICATION_CREDENTIALS" in str(caught.value)
    assert "'anon'" in str(caught.value)


@pytest.mark.parametrize(
    "token",
    [
        "not-a-key-and-not-a-file-s3cr3t",
        '{"type": "service_account", "private_key": "s3cr3t"}',
        '{"broken json s3cr3t',
    ],
)
def test_unusable_token_is_refused_without_echoing_it(
    gcs_server: RunningServer, token: str
) -> None:
    store = gcp_store("gs://bucket/root", endpoint_url=gcs_server.url, token=token)
    with pytest.raises(StoreAuthenticationError) as caught:
        store.exists("gs://bucket/root/x")
    assert "s3cr3t" not in str(caught.value)
    assert "\n" not in str(caught.value)
    assert caught.value.__cause__ is None, "the cause could quote the key"


def test_authentication_secret_is_refused_not_ignored(gcs_server: RunningServer) -> None:
    store = gcp_store(
        "gs://bucket/root",
        endpoint_url=gcs_server.url,
        token="anon",
        authentication_secret="gcp-key",
    )
    # Built without Client, nothing reads the secret: refused, never ignored.
    with pytest.raises(
        CargoholdError, match=r"authentication_secret 'gcp-key' is read by cargohold.Client"
    ):
        store.exists("gs://bucket/root/x")
