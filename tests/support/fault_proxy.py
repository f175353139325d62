"""A small HTTP proxy that puts an unreliable network between a store and its emulator.

The store's endpoint is pointed at the proxy, which forwards each request to the real
emulator, except that some requests get a 503 without being forwarded, some
connections are reset (before the request is forwarded, or after, so that the
response is lost), and some requests are delayed. Standard library only, one thread
per connection, HTTP/1.1 keep-alive as the clients expect.

Decisions come from one seeded random generator, so a run's mix of faults is
reproducible in kind and rate (threads still interleave in their own order).
"""

from __future__ import annotations

import contextlib
import http.client
import http.server
import random
import socket
import socketserver
import struct
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

# Headers that describe one connection, not the message; never forwarded.
_HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "expect",
    }
)
_NO_BODY_STATUSES = frozenset({204, 304})


@dataclass
class Faults:
    """What goes wrong, as fractions of requests."""

    unavailable: float = 0.10  # answered 503 Service Unavailable, never forwarded
    reset: float = 0.05  # connection reset; half before forwarding, half after
    delayed: float = 0.10  # forwarded after a pause of up to max_delay seconds
    max_delay: float = 0.05
    fail_everything: bool = False  # every request answered 503
    seed: int = 12


@dataclass
class FaultProxy:
    """A running proxy in front of ``upstream`` (``http://host:port``)."""

    upstream: str
    faults: Faults
    port: int = 0
    counts: Counter[str] = field(default_factory=Counter)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


class _Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    proxy: FaultProxy
    random: random.Random
    lock: threading.Lock

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # resets are deliberate; a client hanging up mid-response is expected

    def decide(self) -> tuple[str, float]:
        """One of forward, unavailable, reset-before, reset-after; and a delay."""
        action, delay = self._draw()
        with self.lock:
            self.proxy.counts[action] += 1
            self.proxy.counts["delayed"] += 1 if delay else 0
        return action, delay

    def _draw(self) -> tuple[str, float]:
        faults = self.proxy.faults
        with self.lock:
            roll, half, pause = self.random.random(), self.random.random(), self.random.random()
        if faults.fail_everything:
            return "unavailable", 0.0
        if roll < faults.unavailable:
            return "unavailable", 0.0
        roll -= faults.unavailable
        if roll < faults.reset:
            return ("reset-before" if half < 0.5 else "reset-after"), 0.0
        roll -= faults.reset
        if roll < faults.delayed:
            return "forward", pause * faults.max_delay
        return "forward", 0.0


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, message_format: str, *args: object) -> None:
        pass

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _reset(self) -> None:
        # SO_LINGER with a zero timeout turns close() into a TCP reset.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True

    def _proxy(self) -> None:
        body = self._read_body()
        action, delay = self.server.decide()
        if delay:
            time.sleep(delay)
        if action == "unavailable":
            self._answer(503, "Service Unavailable", [], b"fault injected: try again\n")
            return
        if action == "reset-before":
            self._reset()
            return
        try:
            status, reason, headers, payload = self._forward(body)
        except OSError as error:
            self._answer(502, "Bad Gateway", [], f"upstream failed: {error}\n".encode())
            return
        if action == "reset-after":
            self._reset()  # the upstream did the work; the client never hears of it
            return
        self._answer(status, reason, headers, payload)

    def _forward(self, body: bytes) -> tuple[int, str, list[tuple[str, str]], bytes]:
        upstream = urlsplit(self.server.proxy.upstream)
        connection = http.client.HTTPConnection(upstream.hostname, upstream.port, timeout=60)
        try:
            connection.putrequest(
                self.command, self.path, skip_host=True, skip_accept_encoding=True
            )
            for name, value in self.headers.items():
                if name.lower() not in _HOP_BY_HOP and name.lower() != "content-length":
                    connection.putheader(name, value)
            if body or self.command in ("POST", "PUT", "PATCH"):
                connection.putheader("Content-Length", str(len(body)))
            connection.endheaders(body)
            response = connection.getresponse()
            payload = response.read()
            headers = [
                (name, value)
                for name, value in response.getheaders()
                if name.lower() not in _HOP_BY_HOP
                # A HEAD answer keeps the object's length; others get the bytes' length.
                and (name.lower() != "content-length" or self.command == "HEAD")
            ]
            return response.status, response.reason, headers, payload
        finally:
            connection.close()

    def _answer(
        self, status: int, reason: str, headers: list[tuple[str, str]], payload: bytes
    ) -> None:
        self.send_response_only(status, reason)
        for name, value in headers:
            self.send_header(name, value)
        if self.command != "HEAD" and status not in _NO_BODY_STATUSES:
            self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD" and status not in _NO_BODY_STATUSES:
            self.wfile.write(payload)

    do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _proxy


@contextlib.contextmanager
def fault_proxy(upstream: str, faults: Faults | None = None) -> Iterator[FaultProxy]:
    """Run a proxy to ``upstream`` on a free loopback port for the ``with`` block."""
    proxy = FaultProxy(upstream=upstream.rstrip("/"), faults=faults or Faults())
    server = _Server(("127.0.0.1", 0), _Handler)
    server.proxy = proxy
    server.random = random.Random(proxy.faults.seed)
    server.lock = threading.Lock()
    proxy.port = int(server.server_address[1])
    thread = threading.Thread(target=server.serve_forever, name="fault-proxy", daemon=True)
    thread.start()
    try:
        yield proxy
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
