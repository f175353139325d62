"""``create_new`` on S3: one PutObject with ``If-None-Match: *`` and nothing before it,
the answers that mean "the key exists", and the retry of a 409
ConditionalRequestConflict (what AWS answers a conditional write that races another).

moto never sends a 409, nor a 412 without its ``Condition`` element (as some
S3-compatible servers do), so a small proxy in front of it answers the next
conditional PUTs from a script and forwards everything else.
"""

from __future__ import annotations

import contextlib
import http.client
import http.server
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.s3.conftest import MakeStore
from tests.support.servers import RunningServer

CONFLICT = (
    409,
    b"<?xml version='1.0' encoding='UTF-8'?><Error><Code>ConditionalRequestConflict</Code>"
    b"<Message>A conflicting conditional operation is currently in progress against this "
    b"resource. Please try again.</Message><RequestId>scripted</RequestId></Error>",
)
# A 412 that does not say which condition failed.
BARE_PRECONDITION_FAILED = (
    412,
    b"<?xml version='1.0' encoding='UTF-8'?><Error><Code>PreconditionFailed</Code>"
    b"<Message>At least one of the pre-conditions you specified did not hold</Message>"
    b"<RequestId>scripted</RequestId></Error>",
)


@dataclass
class ScriptedProxy:
    upstream: str
    script: list[tuple[int, bytes]] = field(default_factory=list)
    # (method, path, If-None-Match header) of every request, in order.
    requests: list[tuple[str, str, str | None]] = field(default_factory=list)
    port: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    proxy: ScriptedProxy

    def log_message(self, message_format: str, *args: object) -> None:
        pass

    def _handle(self) -> None:
        assert "chunked" not in self.headers.get("Transfer-Encoding", "")
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        condition = self.headers.get("If-None-Match")
        with self.proxy.lock:
            self.proxy.requests.append((self.command, self.path.split("?")[0], condition))
            scripted = self.proxy.script.pop(0) if condition and self.proxy.script else None
        if scripted is not None:
            status, payload, headers = *scripted, [("Content-Type", "application/xml")]
        else:
            status, payload, headers = self._forward(body)
        self.send_response_only(status)
        for name, value in headers:
            self.send_header(name, value)
        if self.command != "HEAD":
            self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    def _forward(self, body: bytes) -> tuple[int, bytes, list[tuple[str, str]]]:
        upstream = urlsplit(self.proxy.upstream)
        connection = http.client.HTTPConnection(upstream.hostname, upstream.port, timeout=30)
        try:
            headers = {k: v for k, v in self.headers.items() if k.lower() != "connection"}
            connection.request(self.command, self.path, body=body, headers=headers)
            response = connection.getresponse()
            payload = response.read()
            kept = [
                (name, value)
                for name, value in response.getheaders()
                if name.lower() not in ("connection", "transfer-encoding", "content-length")
            ]
            return response.status, payload, kept
        finally:
            connection.close()

    do_GET = do_HEAD = do_PUT = do_POST = do_DELETE = _handle


@contextlib.contextmanager
def scripted_proxy(upstream: str) -> Iterator[ScriptedProxy]:
    proxy = ScriptedProxy(upstream=upstream)
    handler = type("Handler", (_Handler,), {"proxy": proxy})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    proxy.port = int(server.server_address[1])
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield proxy
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture
def proxy(moto: RunningServer) -> Iterator[ScriptedProxy]:
    with scripted_proxy(moto.url) as running:
        yield running


def stored(admin: Any, bucket: str, key: str) -> bytes | None:
    try:
        body: bytes = admin.get_object(Bucket=bucket, Key=key)["Body"].read()
    except admin.exceptions.NoSuchKey:
        return None
    return body


def test_create_new_is_one_conditional_put(
    proxy: ScriptedProxy, make_store: MakeStore, bucket: str, admin: Any
) -> None:
    store = make_store(f"s3://{bucket}/root", client_kwargs={"endpoint_url": proxy.url})
    store.create_new("claims/1.claim", b'{"version": 1}')
    with pytest.raises(FileExistsError, match=r"claims/1\.claim already exists"):
        store.create_new("claims/1.claim", b'{"version": 1, "by": "someone else"}')
    # No exists() before the write, as fsspec's generic mode="create" would send: the
    # server alone decides, in the PUT itself.
    key = f"/{bucket}/root/claims/1.claim"
    assert proxy.requests == [("PUT", key, "*"), ("PUT", key, "*")]
    assert stored(admin, bucket, "root/claims/1.claim") == b'{"version": 1}'


def test_a_conflicting_conditional_write_is_tried_again(
    proxy: ScriptedProxy, make_store: MakeStore, bucket: str, admin: Any
) -> None:
    store = make_store(f"s3://{bucket}/root", client_kwargs={"endpoint_url": proxy.url})
    proxy.script = [CONFLICT, CONFLICT]
    store.create_new("claims/2.claim", b"mine")
    assert [method for method, _, _ in proxy.requests] == ["PUT", "PUT", "PUT"]
    assert stored(admin, bucket, "root/claims/2.claim") == b"mine"


def test_a_conflict_that_persists_is_raised_after_a_few_tries(
    proxy: ScriptedProxy, make_store: MakeStore, bucket: str, admin: Any
) -> None:
    store = make_store(f"s3://{bucket}/root", client_kwargs={"endpoint_url": proxy.url})
    proxy.script = [CONFLICT] * 20
    with pytest.raises(OSError, match="conflicting conditional operation") as raised:
        store.create_new("claims/3.claim", b"mine")
    assert not isinstance(raised.value, FileExistsError), "a conflict is not an answer"
    assert len(proxy.requests) == 5, "a few tries, then the conflict is the caller's"
    assert stored(admin, bucket, "root/claims/3.claim") is None


def test_a_412_that_names_no_condition_still_means_the_key_exists(
    proxy: ScriptedProxy, make_store: MakeStore, bucket: str
) -> None:
    store = make_store(f"s3://{bucket}/root", client_kwargs={"endpoint_url": proxy.url})
    proxy.script = [BARE_PRECONDITION_FAILED]
    with pytest.raises(FileExistsError, match=r"claims/4\.claim already exists"):
        store.create_new("claims/4.claim", b"mine")
    assert len(proxy.requests) == 1, "an object that exists is an answer: no retry"
